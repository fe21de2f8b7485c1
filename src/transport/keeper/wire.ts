// A command, its result and a transport error as keeper frames, and back: both sides keep the same types
// (a Secret stays a Secret, so the keeper's own messages still print it as <secret>).
import type { Command } from '../../core/command.js';
import { Secret } from '../../core/secret.js';
import type { ExecResult } from '../../core/session.js';
import { AuthError, ConnectError, ExecTimeoutError, HostKeyError, SudoError, TransportError, type HostKeyProblem, type SudoErrorKind } from '../errors.js';

export function commandHead(cmd: Command): { head: Record<string, unknown>; body: Buffer } {
  const stdin = cmd.stdin;
  const kind = stdin === undefined ? undefined : stdin instanceof Secret ? 'secret' : Buffer.isBuffer(stdin) ? 'bytes' : 'text';
  const body = stdin === undefined ? Buffer.alloc(0) : stdin instanceof Secret ? Buffer.from(stdin.reveal(), 'utf8') : Buffer.isBuffer(stdin) ? stdin : Buffer.from(stdin, 'utf8');
  return { head: { argv: cmd.argv, ...(cmd.sudo ? { sudo: true } : {}), ...(cmd.env ? { env: cmd.env } : {}), ...(kind ? { stdin: kind } : {}) }, body };
}

const strings = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');

export function commandOf(head: Record<string, unknown>, body: Buffer): Command {
  if (!strings(head.argv) || head.argv.length === 0) throw new Error('keeper: a command needs argv');
  const env = head.env as Record<string, unknown> | undefined;
  if (env !== undefined && (typeof env !== 'object' || !Object.values(env).every((v) => typeof v === 'string'))) throw new Error('keeper: env must map names to strings');
  const stdin = head.stdin === 'secret' ? new Secret(body.toString('utf8')) : head.stdin === 'bytes' ? body : head.stdin === 'text' ? body.toString('utf8') : undefined;
  return { argv: head.argv, ...(head.sudo === true ? { sudo: true } : {}), ...(env ? { env: env as Record<string, string> } : {}), ...(stdin !== undefined ? { stdin } : {}) };
}

export function resultHead(r: ExecResult): { head: Record<string, unknown>; body: Buffer } {
  return {
    head: { code: r.code, stderr: r.stderr, ...(r.signal ? { signal: r.signal } : {}), ...(r.stdoutBytes ? { bytes: true } : {}) },
    body: r.stdoutBytes ?? Buffer.from(r.stdout, 'utf8'),
  };
}

export function resultOf(head: Record<string, unknown>, body: Buffer): ExecResult {
  return {
    code: typeof head.code === 'number' ? head.code : -1,
    stdout: body.toString('utf8'),
    ...(head.bytes === true ? { stdoutBytes: body } : {}),
    stderr: typeof head.stderr === 'string' ? head.stderr : '',
    ...(typeof head.signal === 'string' ? { signal: head.signal } : {}),
  };
}

export function errorHead(err: unknown): Record<string, unknown> {
  const e = err as Partial<TransportError & { transient: boolean; kind: string; problem: string; file: string; line: number; timeoutMs: number }>;
  const pick = <K extends string>(k: K) => (e[k as keyof typeof e] !== undefined ? { [k]: e[k as keyof typeof e] } : {});
  return {
    error: {
      name: typeof e?.name === 'string' ? e.name : 'Error',
      message: typeof e?.message === 'string' ? e.message : String(err),
      ...pick('host'), ...pick('hint'), ...pick('transient'), ...pick('kind'), ...pick('problem'), ...pick('file'), ...pick('line'), ...pick('timeoutMs'),
    },
  };
}

/** The keeper's error as the transport's own class, so the engine treats it as it would a direct connection's. */
export function errorOf(head: Record<string, unknown>, host: string): Error {
  const e = (head.error ?? {}) as Record<string, unknown>;
  const message = typeof e.message === 'string' ? e.message : 'keeper: unknown error';
  const opts = { host: typeof e.host === 'string' ? e.host : host, ...(typeof e.hint === 'string' ? { hint: e.hint } : {}) };
  switch (e.name) {
    case 'AuthError':
      return new AuthError(message, opts);
    case 'HostKeyError':
      return new HostKeyError(message, { ...opts, problem: e.problem as HostKeyProblem, ...(typeof e.file === 'string' ? { file: e.file } : {}), ...(typeof e.line === 'number' ? { line: e.line } : {}) });
    case 'SudoError':
      return new SudoError(message, { ...opts, kind: e.kind as SudoErrorKind });
    case 'ExecTimeoutError':
      return new ExecTimeoutError(message, { ...opts, timeoutMs: typeof e.timeoutMs === 'number' ? e.timeoutMs : 0 });
    default:
      return new ConnectError(message, { ...opts, transient: e.transient === true });
  }
}
