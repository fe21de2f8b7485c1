// One command over one SSH channel: quoting, sudo become, stdin streaming, timeouts, channel cap.
import type { Client, ClientChannel } from 'ssh2';
import { BecomeWatcher, describeSudoFailure, wrapRoot, wrapSudo } from './become.js';
import { briefCommand, renderCommand, displayCommand, type Command } from '../core/command.js';
import { Secret } from '../core/secret.js';
import { ConnectError, ExecTimeoutError, SudoError } from './errors.js';
import type { Limiter } from './limiter.js';
import type { ExecOptions, ExecResult } from '../core/session.js';

export interface ExecContext {
  client: Client;
  host: string;
  user: string;
  channels: Limiter;
  becomePassword?: Secret;
  /** True once the connection is gone. */
  isLost: () => boolean;
}

type Exit = { code: number | null; signal?: string };

/** Refusals with none of our channels open, retried per exec (waits 10, 20, 40 … 640 ms: about 4.5 s in all). */
const REFUSED_RETRIES = 12;

/**
 * Open a channel (waiting for a free slot; if sshd refuses one while others are open, lower the cap and wait).
 * The exit listener is attached inside ssh2's callback: when CHANNEL_SUCCESS, data, exit-status and CLOSE
 * arrive in one TCP read, ssh2 emits 'exit' synchronously right after the callback — before any awaiting
 * caller could listen — and the exit status would be lost (data and close are buffered, 'exit' is not).
 */
async function openChannel(ctx: ExecContext, text: string): Promise<{ stream: ClientChannel; release: () => void; exit: { value?: Exit } }> {
  for (let refused = 0; ; ) {
    const release = await ctx.channels.acquire();
    if (ctx.isLost()) {
      release();
      throw new ConnectError(`${ctx.host}: connection lost`, { host: ctx.host, notStarted: true });
    }
    try {
      const exit: { value?: Exit } = {};
      const stream = await new Promise<ClientChannel>((resolve, reject) =>
        ctx.client.exec(text, (err, s) => {
          if (err) return reject(err);
          s.on('exit', (code: number | null, signal?: string) => {
            exit.value = { code, ...(signal ? { signal: signal.startsWith('SIG') ? signal : `SIG${signal}` } : {}) };
          });
          resolve(s);
        }),
      );
      return { stream, release, exit };
    } catch (err) {
      const othersOpen = ctx.channels.active - 1;
      release();
      if (/Channel open failure/i.test((err as Error).message) && !ctx.isLost() && refused < REFUSED_RETRIES) {
        // sshd's MaxSessions is lower than ours: adapt and queue. OpenSSH frees a session slot only after it
        // reaps the command, a moment after the channel closed, so a refusal with none of ours open is retried
        // after a short pause instead of failing the task.
        ctx.channels.lower(Math.max(1, othersOpen));
        if (othersOpen === 0) await new Promise((r) => setTimeout(r, 10 * 2 ** Math.min(refused++, 6)));
        continue;
      }
      // ssh2's "Unable to exec": sshd opened the session but would not start the command, as when the host is going
      // down (a reboot under way) or out of processes: said so, not as a channel detail.
      const why = /Unable to exec/i.test((err as Error).message)
        ? 'sshd refused to run the command (is the host shutting down or rebooting?)'
        : `could not open a channel: ${(err as Error).message}`;
      // sshd refusing to start the command says the host is going down: that is its answer, not a lost connection.
      throw new ConnectError(`${ctx.host}: ${why}`, { host: ctx.host, cause: err, notStarted: why.startsWith('could not open a channel') });
    }
  }
}

export async function execOverSsh(ctx: ExecContext, cmd: Command, opts: ExecOptions = {}): Promise<ExecResult> {
  opts.signal?.throwIfAborted();
  // A root login runs `sudo: true` commands itself (same marker, no sudo: see wrapRoot).
  // With no password to give, sudo runs with -n: it never prompts nor reads stdin (see wrapSudo).
  const become = !cmd.sudo ? undefined : ctx.user === 'root' ? wrapRoot(cmd) : wrapSudo(cmd, {}, { password: ctx.becomePassword !== undefined });
  const text = renderCommand(become ? become.command : { argv: cmd.argv, env: cmd.env });
  const { stream, release, exit: exited } = await openChannel(ctx, text);
  return new Promise<ExecResult>((resolve, reject) => {
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    let failure: Error | undefined;
    let settled = false;
    const watcher = become
      ? new BecomeWatcher({ prompt: become.prompt, marker: become.marker, hasPassword: ctx.becomePassword !== undefined })
      : undefined;

    let stdinWritten = false;
    const writeStdin = () => {
      if (stdinWritten) return;
      stdinWritten = true;
      const input = become?.stdin ?? cmd.stdin;
      if (input !== undefined) stream.write(input instanceof Secret ? input.reveal() : input);
      stream.end();
    };
    const abort = (err: Error) => {
      if (failure) return;
      failure = err;
      stream.close();
    };
    const timer = opts.timeoutMs
      ? setTimeout(
          () =>
            abort(
              new ExecTimeoutError(`${ctx.host}: command timed out after ${opts.timeoutMs} ms: ${displayCommand(cmd)}`, {
                host: ctx.host,
                timeoutMs: opts.timeoutMs!,
              }),
            ),
          opts.timeoutMs,
        )
      : undefined;
    const onAbort = () => abort(opts.signal!.reason instanceof Error ? opts.signal!.reason : new Error('aborted'));
    opts.signal?.addEventListener('abort', onAbort, { once: true });

    stream.on('data', (d: Buffer) => stdout.push(d));
    stream.stderr.on('data', (d: Buffer) => {
      if (!watcher || watcher.done) return void stderr.push(d);
      for (const action of watcher.feed(d.toString('utf8'))) {
        if (action.kind === 'send-password') stream.write(`${ctx.becomePassword!.reveal()}\n`);
        else if (action.kind === 'ready') {
          if (action.stderr) stderr.push(Buffer.from(action.stderr));
          writeStdin();
        } else abort(sudoError(ctx, action.error, action.detail));
      }
    });
    stream.on('error', (err: Error) => abort(new ConnectError(`${ctx.host}: channel error: ${err.message}`, { host: ctx.host, cause: err })));
    stream.on('close', () => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      release();
      if (!failure && watcher && !watcher.done) {
        const last = watcher.finish();
        if (last?.kind === 'fail') failure = sudoError(ctx, last.error, last.detail);
        else stderr.push(Buffer.from(watcher.sudoOutput()));
      }
      if (failure) return reject(failure);
      const exit = exited.value;
      if (!exit && ctx.isLost()) {
        return reject(new ConnectError(`${ctx.host}: connection lost while running: ${briefCommand(cmd)}`, { host: ctx.host }));
      }
      const bytes = Buffer.concat(stdout);
      resolve({
        code: exit?.code ?? -1,
        stdout: bytes.toString('utf8'),
        stdoutBytes: bytes,
        stderr: Buffer.concat(stderr).toString('utf8'),
        ...(exit?.signal ? { signal: exit.signal } : exit ? {} : { signal: 'closed' }),
      });
    });
    // Where sudo may prompt, stdin waits for the marker (it must never be read as a password).
    if (!watcher || become?.stdinAtOnce) writeStdin();
  });
}

function sudoError(ctx: ExecContext, kind: SudoError['kind'], detail: string): SudoError {
  const { message, hint } = describeSudoFailure(kind, ctx.host, ctx.user);
  return new SudoError(`${message} (${detail})`, { host: ctx.host, kind, hint });
}
