#!/usr/bin/env node
// The provision CLI's entry: loads a verb's module lazily (a run loads only what it uses) and sets the exit status.
import { dispatch } from './dispatch.js';
import { EXIT } from '../core/exit-codes.js';
import { guardOutput } from './output-guard.js';

const outputLost = guardOutput();

/** Each verb file exports `run(argv: string[]): Promise<number>` (the exit status); src/cli/verbs.ts lists them. */
dispatch(process.argv.slice(2), (verb) => import(`./${verb}.js`)).then((code) => {
  process.exitCode = outputLost() && code === EXIT.ok ? EXIT.failure : code;
});
