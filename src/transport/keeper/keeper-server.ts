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
  /** The persist time of a connection whose run named none (the run that started the keeper gives its own). */
  idleMs: number;
  env?: NodeJS.ProcessEnv;
  /** Called once the keeper stopped (its socket is gone). */
  onExit?: () => void;
  /** What it answers a ping with (default: this build's, keeperIdentity()). */
  identity?: string;
  /** How long it waits for a request while it holds no connection, at most idleMs (default 5 s). */
  emptyGraceMs?: number;
}

export interface Keeper {
  readonly connections: number;
  stop(): Promise<void>;
}

/** One held connection, as `provision persist status` shows it. */
export interface KeptConnection {
  host: string;
  user: string;
  address: string;
  port: number;
  /** When it was opened and last used (ms since the epoch). */
  since: number;
  lastUsed: number;
  /** Its persist time: it closes this long after its last use, as OpenSSH's ControlPersist does. */
  persistMs: number;
  /** Commands running on it now. */
  running: number;
}

interface Held extends KeptConnection {
  session: Promise<SshSession>;
}

/** The connection a run's settings name: the same settings (ssh -G's answer, the policy, the files) share one. */
export function keyOf(settings: ResolvedSsh): string {
  return createHash('sha256').update(JSON.stringify(settings)).digest('hex').slice(0, 32);
}

/** An exec that never reached a command on the host (the kept connection was gone): the run may do it directly. */
export function neverStarted(err: unknown): boolean {
  return err instanceof ConnectError && err.notStarted;
}

/** How long a keeper holding no connection waits for a request before it exits (a run's first connect comes in ms). */
const EMPTY_GRACE_MS = 5_000;

export async function startKeeper(opts: KeeperOptions): Promise<Keeper> {
  const held = new Map<string, Held>();
  const handshakes = new KeyedLimiter(8);
  let requests = 0;
  let lastRequest = Date.now();
  let timer: NodeJS.Timeout | undefined;
  let stopping: Promise<void> | undefined;

  const drop = (key: string, h: Held) => {
    if (held.get(key) !== h) return;
    held.delete(key);
    void h.session.then((s) => s.close(), () => undefined);
  };

  /**
   * Each connection closes its own persist time after its last use (a run of another ControlPersist does not move it);
   * the keeper exits once it holds none and no request came for a few seconds (the time a run takes from its first
   * ask to its first connect), so it never lingers with nothing to hold.
   */
  const sweep = () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    if (stopping) return;
    const now = Date.now();
    let next = Infinity;
    for (const [key, h] of held) {
      if (h.running > 0) continue;
      const due = h.lastUsed + h.persistMs;
      if (due <= now) drop(key, h);
      else next = Math.min(next, due);
    }
    if (requests > 0) return; // swept again when the last one ends
    if (held.size === 0) {
      const due = lastRequest + Math.min(opts.idleMs, opts.emptyGraceMs ?? EMPTY_GRACE_MS);
      if (due <= now) return void stop();
      next = Math.min(next, due);
    }
    // setTimeout holds at most 2^31-1 ms; a later due time is reached in steps.
    if (next < Infinity) timer = setTimeout(sweep, Math.min(next - now, 2 ** 31 - 1));
  };

  const open = (head: Record<string, unknown>, key: string, persistMs: number): Held => {
    const settings = head.settings as ResolvedSsh;
    const now = Date.now();
    const h: Held = {
      host: settings.name,
      user: settings.user,
      address: settings.hostname,
      port: settings.port,
      since: now,
      lastUsed: now,
      persistMs,
      running: 0,
      session: (async () => {
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
        return new SshSession({ host: settings.name, user: settings.user, client, maxChannels: Number(head.maxChannels) || 9, onClose: () => held.get(key) === h && held.delete(key) });
      })(),
    };
    held.set(key, h);
    h.session.catch(() => held.get(key) === h && held.delete(key));
    return h;
  };

  const connect = async (head: Record<string, unknown>): Promise<string> => {
    const settings = head.settings as ResolvedSsh;
    // The run connects these itself (the hops are its own connections); never reach the host past them.
    if (settings.proxyJump.length > 0 || settings.proxyCommand) throw new Error('keeper: a connection through a ProxyJump or ProxyCommand is not kept');
    const key = keyOf(settings);
    const persistMs = typeof head.idleMs === 'number' && head.idleMs > 0 ? head.idleMs : opts.idleMs;
    let h = held.get(key) ?? open(head, key, persistMs);
    h.persistMs = persistMs; // this run's persist time for this host, from now on
    h.lastUsed = Date.now();
    const s = await h.session;
    if (!s.alive) {
      drop(key, h);
      h = open(head, key, persistMs);
      await h.session;
    }
    return key;
  };

  const exec = async (head: Record<string, unknown>, body: Buffer, signal: AbortSignal) => {
    const h = held.get(String(head.key));
    const s = await h?.session.catch(() => undefined);
    if (!h || !s?.alive) return { head: { ok: false, gone: true, error: { name: 'ConnectError', message: 'the kept connection is gone' } } };
    h.running++;
    try {
      const r = await s.exec(commandOf(head, body), { ...(typeof head.timeoutMs === 'number' ? { timeoutMs: head.timeoutMs } : {}), signal });
      const out = resultHead(r);
      return { head: { ok: true, ...out.head }, body: out.body };
    } catch (err) {
      return { head: { ok: false, ...(neverStarted(err) ? { gone: true } : {}), ...errorHead(err) } };
    } finally {
      h.running--;
      h.lastUsed = Date.now();
    }
  };

  const answer = async (frame: Frame, signal: AbortSignal): Promise<{ head: Record<string, unknown>; body?: Buffer }> => {
    const { head, body } = frame;
    if (head.op === 'ping') return { head: { ok: true, pid: process.pid, identity: opts.identity ?? keeperIdentity() } };
    if (head.op === 'status') {
      const connections: KeptConnection[] = [...held.values()].map(({ session: _, ...c }) => c);
      return { head: { ok: true, pid: process.pid, identity: opts.identity ?? keeperIdentity(), connections } };
    }
    if (head.op === 'stop') {
      setImmediate(() => void stop());
      return { head: { ok: true } };
    }
    if (head.op === 'connect') return { head: { ok: true, key: await connect(head) } };
    if (head.op === 'exec') return exec(head, body, signal);
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
        requests++;
        lastRequest = Date.now();
        answer(frame, abort.signal)
          .catch((err: unknown) => ({ head: { ok: false, ...errorHead(err) } as Record<string, unknown>, body: undefined }))
          .then((out) => {
            if (!sock.destroyed) sock.write(encodeFrame(out.head, out.body));
          })
          .finally(() => {
            requests--;
            lastRequest = Date.now();
            sweep();
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
      const all = await Promise.all([...held.values()].map((h) => h.session.catch(() => undefined)));
      held.clear();
      await Promise.all(all.map((s) => s?.close()));
      opts.onExit?.();
    })());

  sweep();
  return {
    get connections() {
      return held.size;
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
