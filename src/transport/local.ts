// A Session on this machine through execa: engine tests without SSH; same quoting and result shape as ssh.
import { renderCommand, type Command } from '../core/command.js';
import { Secret } from '../core/secret.js';
import { ExecTimeoutError, SudoError } from './errors.js';
import type { ExecOptions, ExecResult, Session } from '../core/session.js';

export interface LocalSessionOptions {
  /** Name reported as Session.host. Default "localhost". */
  host?: string;
  /** Run `sudo: true` commands as the current user anyway (tests in a temp dir). Default: refuse unless root. */
  ignoreSudo?: boolean;
  cwd?: string;
  env?: Record<string, string>;
}

export class LocalSession implements Session {
  readonly host: string;
  readonly #opts: LocalSessionOptions;

  constructor(opts: LocalSessionOptions = {}) {
    this.host = opts.host ?? 'localhost';
    this.#opts = opts;
  }

  async exec(cmd: Command, opts: ExecOptions = {}): Promise<ExecResult> {
    if (cmd.sudo && !this.#opts.ignoreSudo && process.getuid?.() !== 0) {
      throw new SudoError(`${this.host}: a local session cannot become root`, {
        host: this.host,
        kind: 'not-allowed',
        hint: 'run as root, or create the LocalSession with ignoreSudo for tests',
      });
    }
    const input = cmd.stdin instanceof Secret ? cmd.stdin.reveal() : cmd.stdin;
    // Imported here: execa costs ~70 ms to load, and only tests and the lab use a local session.
    const { execa } = await import('execa');
    const result = await execa('sh', ['-c', renderCommand({ argv: cmd.argv, env: cmd.env })], {
      reject: false,
      stripFinalNewline: false,
      encoding: 'buffer',
      ...(input !== undefined ? { input } : { stdin: 'ignore' as const }),
      ...(this.#opts.cwd ? { cwd: this.#opts.cwd } : {}),
      ...(this.#opts.env ? { env: this.#opts.env } : {}),
      ...(opts.timeoutMs ? { timeout: opts.timeoutMs } : {}),
      ...(opts.signal ? { cancelSignal: opts.signal } : {}),
    });
    if (result.timedOut) {
      throw new ExecTimeoutError(`${this.host}: command timed out after ${opts.timeoutMs} ms`, { host: this.host, timeoutMs: opts.timeoutMs ?? 0 });
    }
    if (result.isCanceled) throw opts.signal?.reason instanceof Error ? opts.signal.reason : new Error('aborted');
    const bytes = Buffer.from(result.stdout ?? new Uint8Array());
    return {
      code: result.exitCode ?? -1,
      stdout: bytes.toString('utf8'),
      stdoutBytes: bytes,
      stderr: Buffer.from(result.stderr ?? new Uint8Array()).toString('utf8'),
      ...(result.signal ? { signal: result.signal } : {}),
    };
  }

  async close(): Promise<void> {}
}
