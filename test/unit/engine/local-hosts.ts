// Test hosts on this machine: each "host" is a temp dir; sessions run the engine's real scripts with sh.
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Connector } from '../../../src/core/connector.js';
import type { Host } from '../../../src/inventory/types.js';
import { renderCommand, type Command } from '../../../src/core/command.js';
import { Secret } from '../../../src/core/secret.js';
import type { ExecResult, Session } from '../../../src/core/session.js';
import { tempDir } from '../../support/temp-dir.js';

/** The run lock path the tests pass to the runner; each fake host swaps in its own file. */
export const LOCK_TOKEN = '/provision-test-lock-token/provision.lock';

export interface ExecLog {
  host: string;
  text: string;
  fresh: boolean;
}

export interface LocalHostsOptions {
  /** Throw this from connect() for these hosts (unreachable). */
  unreachable?: Set<string>;
  /** Fail fresh connections (the guarded step's proof) for these hosts. */
  refuseFresh?: Set<string>;
  /** Called before each exec; may return a result to fake (e.g. a reboot), an error to throw, or undefined to run it. */
  intercept?: (host: string, text: string) => ExecResult | Error | undefined;
  /** Pooled (non-fresh) sessions say they are held by the connection keeper (--persist). */
  kept?: boolean;
}

export class LocalHosts implements Connector {
  readonly root = tempDir('provision-hosts-');
  readonly log: ExecLog[] = [];
  readonly connects: Array<{ host: string; fresh: boolean; connectTimeoutMs?: number }> = [];
  readonly #shell: string;
  constructor(readonly opts: LocalHostsOptions = {}) {
    // Named sshd-*: the run lock's holder watches the nearest sshd* ancestor, as on a real host.
    this.#shell = join(this.root, 'sshd-fake');
    copyFileSync('/bin/sh', this.#shell);
  }

  dir(host: string): string {
    const d = join(this.root, host);
    mkdirSync(d, { recursive: true });
    return d;
  }

  async connect(host: Host, _inv: unknown, o: { fresh?: boolean; connectTimeoutMs?: number } = {}): Promise<Session> {
    this.connects.push({ host: host.name, fresh: !!o.fresh, ...(o.connectTimeoutMs !== undefined ? { connectTimeoutMs: o.connectTimeoutMs } : {}) });
    if (this.opts.unreachable?.has(host.name)) throw Object.assign(new Error(`connect ${host.name}: connection refused`), { name: 'ConnectError' });
    if (o.fresh && this.opts.refuseFresh?.has(host.name)) throw Object.assign(new Error('connection timed out'), { name: 'ConnectError' });
    const dir = this.dir(host.name);
    return {
      host: host.name,
      ...(this.opts.kept && !o.fresh ? { kept: true } : {}),
      exec: (cmd: Command) => this.#exec(host.name, dir, cmd, !!o.fresh),
      close: async () => undefined,
    };
  }

  /** Hosts the runner asked to have their kept connection opened again (after a reboot). */
  readonly keptAgain: string[] = [];
  async keepAgain(host: Host): Promise<void> {
    this.keptAgain.push(host.name);
  }

  async closeAll(): Promise<void> {}

  #exec(host: string, dir: string, cmd: Command, fresh: boolean): Promise<ExecResult> {
    const text = renderCommand(cmd).split(LOCK_TOKEN).join(join(dir, 'provision.lock'));
    this.log.push({ host, text, fresh });
    const faked = this.opts.intercept?.(host, text);
    if (faked instanceof Error) return Promise.reject(faked);
    if (faked) return Promise.resolve(faked);
    // A fake host is a directory, not a machine: its systemd is not this machine's (asked after a failed step).
    if (text === 'systemctl is-system-running') return Promise.resolve({ code: 0, stdout: 'running\n', stderr: '' });
    return new Promise((resolve, reject) => {
      const child = spawn(this.#shell, ['-c', text], { cwd: dir, env: { ...process.env, HOST_DIR: dir } });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code: code ?? 255, stdout, stderr }));
      const input = cmd.stdin instanceof Secret ? cmd.stdin.reveal() : cmd.stdin;
      child.stdin.on('error', () => undefined); // commands that never read stdin
      child.stdin.end(input ?? '');
    });
  }

  execs(host: string): string[] {
    return this.log.filter((l) => l.host === host).map((l) => l.text);
  }
}
