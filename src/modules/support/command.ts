// Command and exec-step helpers for modules: root by default, env and stdin as options.
import type { Step } from '../../core/types.js';
import type { Command } from '../../core/command.js';
import type { Secret } from '../../core/secret.js';

export interface CmdOptions {
  /** Run through the session's become method. Default true: modules change system state. */
  sudo?: boolean;
  env?: Record<string, string>;
  stdin?: string | Secret | Buffer;
}

/** A Command value from argv; every argument is quoted later by the transport, never here. */
export function cmd(argv: string[], opts: CmdOptions = {}): Command {
  if (argv.length === 0 || argv[0] === '') throw new Error('a command needs a program (argv[0])');
  const out: Command = { argv, sudo: opts.sudo ?? true };
  if (opts.env) out.env = opts.env;
  if (opts.stdin !== undefined) out.stdin = opts.stdin;
  return out;
}

/** An exec step; `secret` keeps its output out of every report. */
export function execStep(argv: string[], opts: CmdOptions & { secret?: boolean } = {}): Step {
  const { secret, ...rest } = opts;
  const step: Step = { kind: 'exec', command: cmd(argv, rest) };
  if (secret) step.secret = true;
  return step;
}
