// The connection keeper (`--persist`): a process of the user's own that holds a run's SSH connections after the run
// ends, so the next run within the persist time execs on them instead of logging in again (OpenSSH's ControlPersist,
// for provision's own connections). It connects only as a run asks, with the settings that run resolved, and exits
// after the persist time without a request.
import { createHash } from 'node:crypto';
import { createServer, connect as netConnect, type Server, type Socket } from 'node:net';
import { unlinkSync } from 'node:fs';
import { ConnectError } from '../errors.js';
import { KnownHostsStore } from '../known-hosts-store.js';
import { KeyedLimiter } from '../limiter.js';
import { openClient } from '../ssh.js';
import type { ResolvedSsh } from '../ssh-settings.js';
import { SshSession } from '../ssh-session.js';
import { encodeFrame, FrameReader, keeperIdentity, type Frame } from './frames.js';
import { commandOf, errorHead, resultHead } from './wire.js';

export interface KeeperOptions {
  socketPath: string;
  /** Exit after this long without a request (each run's connect sets it). */
  idleMs: number;
  env?: NodeJS.ProcessEnv;
  /** Called once the keeper stopped (its socket is gone). */
  onExit?: () => void;
  /** What it answers a ping with (default: this build's, keeperIdentity()). */
  identity?: string;
}

export interface Keeper {
  readonly connections: number;
  stop(): Promise<void>;
}

/** The connection a run's settings name: the same settings (ssh -G's answer, the policy, the files) share one. */
export function keyOf(settings: ResolvedSsh): string {
  return createHash('sha256').update(JSON.stringify(settings)).digest('hex').slice(0, 32);
}

/** An exec that never reached a command on the host (the kept connection was gone): the run may do it directly. */
export function neverStarted(err: unknown): boolean {
  return err instanceof ConnectError && err.notStarted;
}

export async function startKeeper(opts: KeeperOptions): Promise<Keeper> {
  const sessions = new Map<string, Promise<SshSession>>();
  const handshakes = new KeyedLimiter(8);
  let idleMs = opts.idleMs;
  let busy = 0;
  let timer: NodeJS.Timeout | undefined;
  let stopping: Promise<void> | undefined;

  const arm = () => {
    if (timer) clearTimeout(timer);
    timer = busy === 0 ? setTimeout(() => void stop(), idleMs) : undefined;
  };

  const sessionFor = (head: Record<string, unknown>): Promise<SshSession> => {
    const settings = head.settings as ResolvedSsh;
    const key = keyOf(settings);
    const existing = sessions.get(key);
    if (existing) return existing;
    const opened = (async () => {
      const { client } = await openClient({
        settings,
        label: String(head.label ?? settings.name),
        store: new KnownHostsStore(),
        handshakes,
        connectTimeoutMs: Number(head.connectTimeoutMs) || 10_000,
        keepaliveIntervalMs: Number(head.keepaliveIntervalMs) || 5_000,
        retries: Number(head.retries ?? 3),
        // No TTY here: a key that needs its passphrase fails, and the run connects directly (and asks).
        passphraseFor: async () => undefined,
        env: opts.env ?? process.env,
      });
      return new SshSession({ host: settings.name, user: settings.user, client, maxChannels: Number(head.maxChannels) || 9, onClose: () => sessions.delete(key) });
    })();
    sessions.set(key, opened);
    opened.catch(() => sessions.delete(key));
    return opened;
  };

  const answer = async (frame: Frame, signal: AbortSignal): Promise<{ head: Record<string, unknown>; body?: Buffer }> => {
    const { head, body } = frame;
    if (head.op === 'ping') return { head: { ok: true, pid: process.pid, identity: opts.identity ?? keeperIdentity() } };
    if (head.op === 'stop') {
      setImmediate(() => void stop());
      return { head: { ok: true } };
    }
    if (head.op === 'connect') {
      const settings = head.settings as ResolvedSsh;
      // The run connects these itself (the hops are its own connections); never reach the host past them.
      if (settings.proxyJump.length > 0 || settings.proxyCommand) throw new Error('keeper: a connection through a ProxyJump or ProxyCommand is not kept');
      if (typeof head.idleMs === 'number' && head.idleMs > 0) idleMs = head.idleMs;
      const s = await sessionFor(head);
      if (!s.alive) {
        sessions.delete(keyOf(head.settings as ResolvedSsh));
        await sessionFor(head);
      }
      return { head: { ok: true, key: keyOf(head.settings as ResolvedSsh) } };
    }
    if (head.op === 'exec') {
      const s = await sessions.get(String(head.key))?.catch(() => undefined);
      if (!s?.alive) return { head: { ok: false, gone: true, error: { name: 'ConnectError', message: 'the kept connection is gone' } } };
      try {
        const r = await s.exec(commandOf(head, body), { ...(typeof head.timeoutMs === 'number' ? { timeoutMs: head.timeoutMs } : {}), signal });
        const out = resultHead(r);
        return { head: { ok: true, ...out.head }, body: out.body };
      } catch (err) {
        return { head: { ok: false, ...(neverStarted(err) ? { gone: true } : {}), ...errorHead(err) } };
      }
    }
    throw new Error(`keeper: unknown op ${JSON.stringify(head.op)}`);
  };

  const serve = (sock: Socket) => {
    const reader = new FrameReader();
    const abort = new AbortController();
    sock.on('close', () => abort.abort(new Error('the run went away')));
    sock.on('error', () => undefined);
    sock.on('data', (chunk: Buffer) => {
      let frames: Frame[];
      try {
        frames = reader.push(chunk);
      } catch {
        sock.destroy();
        return;
      }
      for (const frame of frames) {
        busy++;
        arm();
        answer(frame, abort.signal)
          .catch((err: unknown) => ({ head: { ok: false, ...errorHead(err) } as Record<string, unknown>, body: undefined }))
          .then((out) => {
            if (!sock.destroyed) sock.write(encodeFrame(out.head, out.body));
          })
          .finally(() => {
            busy--;
            arm();
          });
      }
    });
  };

  const server: Server = createServer(serve);
  await listenOnce(server, opts.socketPath);

  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      if (timer) clearTimeout(timer);
      server.close();
      try {
        unlinkSync(opts.socketPath);
      } catch {
        /* already gone */
      }
      const all = await Promise.all([...sessions.values()].map((p) => p.catch(() => undefined)));
      sessions.clear();
      await Promise.all(all.map((s) => s?.close()));
      opts.onExit?.();
    })());

  arm();
  return {
    get connections() {
      return sessions.size;
    },
    stop,
  };
}

/** Listen on the socket; a socket file no keeper answers on (one that died) is taken over, a live one is not. */
async function listenOnce(server: Server, path: string): Promise<void> {
  const attempt = () =>
    new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(path, () => {
        server.off('error', reject);
        resolve();
      });
    });
  try {
    await attempt();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
    const alive = await new Promise<boolean>((resolve) => {
      const s = netConnect(path, () => {
        s.destroy();
        resolve(true);
      });
      s.on('error', () => resolve(false));
    });
    if (alive) throw new Error(`a keeper already listens on ${path}`);
    unlinkSync(path);
    await attempt();
  }
}
