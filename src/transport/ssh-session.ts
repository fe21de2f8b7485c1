// A Session over one ssh2 connection: execs share it, at most N channels open at once.
import type { Client } from 'ssh2';
import type { Command } from '../core/command.js';
import type { Secret } from '../core/secret.js';
import { Limiter } from './limiter.js';
import { execOverSsh } from './ssh-exec.js';
import type { ExecOptions, ExecResult, Session } from '../core/session.js';

export interface SshSessionOptions {
  host: string;
  user: string;
  client: Client;
  maxChannels: number;
  becomePassword?: Secret;
  /** Called once when the connection is closed (by us or by the network). */
  onClose?: () => void;
}

export class SshSession implements Session {
  readonly host: string;
  readonly #opts: SshSessionOptions;
  readonly #channels: Limiter;
  #lost = false;
  readonly #closed: Promise<void>;

  constructor(opts: SshSessionOptions) {
    this.host = opts.host;
    this.#opts = opts;
    this.#channels = new Limiter(opts.maxChannels);
    this.#closed = new Promise((resolve) => {
      const gone = () => {
        if (this.#lost) return;
        this.#lost = true;
        opts.onClose?.();
        resolve();
      };
      opts.client.on('end', gone);
      opts.client.on('close', gone);
    });
    opts.client.on('error', () => undefined); // surfaced through exec as ConnectError
  }

  /** False once the connection dropped (sshd restarted, host rebooted, keepalive timeout). */
  get alive(): boolean {
    return !this.#lost;
  }

  exec(cmd: Command, opts?: ExecOptions): Promise<ExecResult> {
    return execOverSsh(
      {
        client: this.#opts.client,
        host: this.host,
        user: this.#opts.user,
        channels: this.#channels,
        ...(this.#opts.becomePassword ? { becomePassword: this.#opts.becomePassword } : {}),
        isLost: () => this.#lost,
      },
      cmd,
      opts,
    );
  }

  async close(): Promise<void> {
    if (this.#lost) return;
    this.#opts.client.end();
    await Promise.race([this.#closed, new Promise((r) => setTimeout(r, 2000).unref())]);
    if (!this.#lost) this.#opts.client.destroy();
  }
}
