// Issue 19 item 9: `| head` (EPIPE) and `> /dev/full` (ENOSPC) end with one clear line, no Node stack trace.
import { EventEmitter } from 'node:events';
import { closeSync, existsSync, openSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import { afterEach, describe, expect, it } from 'vitest';
import { guardOutput, outputLostMessage } from '../../../src/cli/output-guard.js';

const CLI = join(resolve(import.meta.dirname, '../../..'), 'dist/cli/main.js');
const built = () => {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first (npm test does)`);
};

afterEach(() => {
  process.exitCode = undefined;
});

describe('guardOutput', () => {
  it('says once why output was lost, drops the rest, and makes a successful exit a failure', () => {
    const stdout = new EventEmitter() as unknown as NodeJS.WriteStream;
    const said: string[] = [];
    const stderr = Object.assign(new EventEmitter(), { write: (s: string) => said.push(s) }) as unknown as NodeJS.WriteStream;
    const lost = guardOutput(stdout, stderr);
    expect(lost()).toBe(false);
    stdout.emit('error', Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
    stdout.emit('error', Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
    expect(lost()).toBe(true);
    expect(said).toEqual([outputLostMessage('EPIPE')]);
    expect(said[0]).toMatch(/^provision: output lost: the reader closed the pipe \(EPIPE\)/);
    expect(process.exitCode).toBe(1);
  });
});

describe('the built CLI', () => {
  it('> /dev/full: one line on stderr naming ENOSPC, exit 1, no stack trace', async () => {
    built();
    const full = openSync('/dev/full', 'w'); // the child's own stdout, as a shell's `> /dev/full` gives it
    const r = await execa(process.execPath, [CLI, 'help'], { stdout: full as never, reject: false }).finally(() => closeSync(full));
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toBe(outputLostMessage('ENOSPC').trimEnd());
  });

  it('| head (the reader has gone): one line on stderr naming EPIPE, no stack trace', async () => {
    built();
    const child = execa(process.execPath, [CLI, 'lint', '--print-schema'], { reject: false, buffer: { stdout: false } });
    child.stdout.destroy(); // closed before the child (a new node process) writes anything
    const r = await child;
    expect(r.stderr).toBe(outputLostMessage('EPIPE').trimEnd());
    expect(r.exitCode).toBe(1);
  });
});
