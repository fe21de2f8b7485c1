// Commands are values: argv plus options. One helper quotes every argument; secrets print as <secret>.
import type { Secret } from './secret.js';

export type Arg = string | Secret;

export interface Command {
  /** argv[0] is the program. Secrets are allowed only in stdin, never in argv (they would show in `ps`). */
  argv: string[];
  /** Run as root through the session's become method (sudo). */
  sudo?: boolean;
  /** Data written to the remote process's stdin (file content, secrets). */
  stdin?: string | Secret | Buffer;
  /** Extra environment, exported in the remote shell before the command. */
  env?: Record<string, string>;
}

const SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** POSIX-shell single-quote one argument so no shell can interpret it. */
export function quote(arg: string): string {
  if (arg.length > 0 && SAFE.test(arg)) return arg;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** The shell text for a command (without sudo: the transport wraps that). */
export function renderCommand(cmd: Command): string {
  const env = Object.entries(cmd.env ?? {}).map(([k, v]) => {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(k)) throw new Error(`invalid environment variable name ${JSON.stringify(k)}`);
    return `${k}=${quote(v)}`;
  });
  return [...env, ...cmd.argv.map(quote)].join(' ');
}

/** A shell script run as `sh -c SCRIPT` — for probes and multi-step remote actions. */
export function shell(script: string, opts: Omit<Command, 'argv'> = {}): Command {
  return { argv: ['sh', '-c', script], ...opts };
}

/** For logs, errors and --json: the command with stdin described, never revealed. */
export function displayCommand(cmd: Command): string {
  return (cmd.sudo ? 'sudo ' : '') + renderCommand({ argv: cmd.argv, env: cmd.env });
}

/** For error messages: like displayCommand, but long or multi-line arguments (scripts) are cut to their start. */
export function briefCommand(cmd: Command, max = 72): string {
  const argv = cmd.argv.map((a) => {
    const first = a.split('\n')[0]!;
    return first.length > max || first !== a ? `${first.slice(0, max)}…` : a;
  });
  return displayCommand({ ...cmd, argv });
}
