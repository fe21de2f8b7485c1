// A run's side of the connection keeper: find it (or start it), ask it to hold a host's connection, and exec there.
import { spawn } from 'node:child_process';
import { mkdirSync, readlinkSync, statSync } from 'node:fs';
import { connect as netConnect } from 'node:net';
import { isAbsolute, join } from 'node:path';
import { briefCommand, type Command } from '../../core/command.js';
import { provisionCacheDir } from '../../core/cache-dir.js';
import type { ExecOptions, ExecResult, Session } from '../../core/session.js';
import { ConnectError } from '../errors.js';
import type { ResolvedSsh } from '../ssh-settings.js';
import type { KeptConnection } from './keeper-server.js';
import { encodeFrame, FrameReader, keeperIdentity, type Frame } from './frames.js';
import { commandHead, errorOf, resultOf } from './wire.js';

export interface KeeperUse {
  socketPath: string;
  /** How long the keeper holds connections after the last request. */
  idleMs: number;
  /** Starts a keeper listening on socketPath (default: this CLI, detached, `__keeper`). */
  start?: (socketPath: string, idleMs: number) => void;
  /** How long to wait for a keeper just started (default 5 s). */
  startWaitMs?: number;
}

/**
 * Where the keeper listens: $XDG_RUNTIME_DIR/provision (a tmpfs only this user reaches) or the cache directory.
 * The directory must be this user's and closed to everyone else, else undefined (no keeper: connect directly).
 * On Linux the name carries the network namespace: a keeper dials from its own, so a run in another (`ip netns exec`,
 * a VPN's namespace, a lab's laptop) must have a keeper of its own, not reach the same addresses somewhere else.
 */
export function keeperSocketPath(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const runtime = env.XDG_RUNTIME_DIR && isAbsolute(env.XDG_RUNTIME_DIR) ? join(env.XDG_RUNTIME_DIR, 'provision') : undefined;
  const dir = runtime ?? provisionCacheDir('keeper', env);
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const st = statSync(dir);
    if (st.uid !== process.getuid?.() || (st.mode & 0o077) !== 0) return undefined;
  } catch {
    return undefined;
  }
  const path = join(dir, `keeper${netnsSuffix()}.sock`);
  // A unix socket's path has room for 107 bytes.
  return Buffer.byteLength(path) <= 100 ? path : undefined;
}

/** `-net` and the namespace's inode where /proc says it (Linux), else nothing. */
export function netnsSuffix(link = '/proc/self/ns/net'): string {
  try {
    const m = /^net:\[(\d+)\]$/.exec(readlinkSync(link));
    return m ? `-net${m[1]}` : '';
  } catch {
    return '';
  }
}

/** One request and its one answer, on a connection of its own (closing it aborts the request in the keeper). */
export function ask(socketPath: string, head: Record<string, unknown>, body?: Buffer, signal?: AbortSignal): Promise<Frame> {
  return new Promise((resolve, reject) => {
    const reader = new FrameReader();
    const sock = netConnect(socketPath);
    let done = false;
    const finish = (err: Error | undefined, frame?: Frame) => {
      if (done) return;
      done = true;
      signal?.removeEventListener('abort', onAbort);
      sock.destroy();
      if (err) reject(err);
      else resolve(frame!);
    };
    const onAbort = () => finish(signal!.reason instanceof Error ? signal!.reason : new Error('aborted'));
    if (signal?.aborted) return onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });
    sock.on('connect', () => sock.write(encodeFrame(head, body)));
    sock.on('data', (chunk: Buffer) => {
      try {
        const [frame] = reader.push(chunk);
        if (frame) finish(undefined, frame);
      } catch (err) {
        finish(err as Error);
      }
    });
    sock.on('error', (err) => finish(err));
    sock.on('close', () => finish(new Error('the keeper closed the connection without an answer')));
  });
}

const defaultStart = (socketPath: string, idleMs: number) => {
  // cwd /: the keeper outlives the run and must not hold its directory (a mount) busy.
  const child = spawn(process.execPath, [process.argv[1]!, '__keeper', socketPath, String(idleMs)], { detached: true, stdio: 'ignore', cwd: '/' });
  child.on('error', () => undefined);
  child.unref();
};

/** One answer per socket for this process: a run's hosts connect at once, and only one of them may start a keeper. */
const reached = new Map<string, Promise<boolean>>();

/**
 * The keeper answers on its socket, started first when none did (or when the one there is another build's, which is
 * stopped first); false when none came up (connect directly). Asked once per socket by this process.
 */
export function reachKeeper(use: KeeperUse): Promise<boolean> {
  let p = reached.get(use.socketPath);
  if (!p) {
    p = findOrStart(use);
    reached.set(use.socketPath, p);
  }
  return p;
}

async function findOrStart(use: KeeperUse): Promise<boolean> {
  const me = keeperIdentity();
  const answer = () => ask(use.socketPath, { op: 'ping' }).then((f) => (f.head.ok === true ? String(f.head.identity) : undefined), () => undefined);
  const ping = async () => (await answer()) === me;
  const found = await answer();
  if (found === me) return true;
  if (found !== undefined) await stopKeeper(use.socketPath, 1000);
  (use.start ?? defaultStart)(use.socketPath, use.idleMs);
  const until = Date.now() + (use.startWaitMs ?? 5000);
  while (Date.now() < until) {
    await new Promise((r) => setTimeout(r, 25));
    if (await ping()) return true;
  }
  return false;
}

export interface KeeperStatus {
  pid: number;
  /** The build of provision it belongs to (a run of another build replaces it). */
  identity: string;
  /** What it holds; undefined from a keeper of a build that cannot list them (it answers ping and stop only). */
  connections: KeptConnection[] | undefined;
}

/** What the keeper listening on socketPath holds; undefined when none answers there. */
export async function keeperStatus(socketPath: string): Promise<KeeperStatus | undefined> {
  const reply = await ask(socketPath, { op: 'status' }).catch(() => undefined);
  if (reply?.head.ok === true) {
    const { pid, identity, connections } = reply.head as { pid?: unknown; identity?: unknown; connections?: unknown };
    return { pid: Number(pid), identity: String(identity), connections: Array.isArray(connections) ? (connections as KeptConnection[]) : [] };
  }
  const ping = await ask(socketPath, { op: 'ping' }).catch(() => undefined);
  if (ping?.head.ok !== true) return undefined;
  return { pid: Number(ping.head.pid), identity: String(ping.head.identity), connections: undefined };
}

/**
 * Stops the keeper on socketPath, which closes every connection it holds, and waits until it no longer answers
 * (at most waitMs). False when none answered there.
 */
export async function stopKeeper(socketPath: string, waitMs = 5000): Promise<boolean> {
  const reply = await ask(socketPath, { op: 'stop' }).catch(() => undefined);
  if (reply?.head.ok !== true) return false;
  const until = Date.now() + waitMs;
  while (Date.now() < until && (await ask(socketPath, { op: 'ping' }).then(() => true, () => false))) await new Promise((r) => setTimeout(r, 25));
  return true;
}

export interface KeptConnectOptions {
  settings: ResolvedSsh;
  label: string;
  connectTimeoutMs: number;
  keepaliveIntervalMs: number;
  retries: number;
  maxChannels: number;
  /** Opens the host directly: an exec the kept connection could not start (it was gone) runs there instead. */
  direct: () => Promise<Session>;
}

/** The keeper's connection to one host, as a Session; undefined when the keeper could not connect (connect directly). */
export async function connectKept(use: KeeperUse, o: KeptConnectOptions): Promise<KeptSession | undefined> {
  if (!(await reachKeeper(use))) return undefined;
  const { direct, ...rest } = o;
  const reply = await ask(use.socketPath, { op: 'connect', ...rest, idleMs: use.idleMs }).catch(() => undefined);
  if (reply?.head.ok === true && typeof reply.head.key === 'string') return new KeptSession(o.settings.name, use.socketPath, reply.head.key, direct);
  // Unreachable, or a host key refused: the run's own attempt would end the same way, after the same wait.
  // Anything else (a key that needs its passphrase, which only the run can ask for): the run connects itself.
  const name = (reply?.head.error as { name?: unknown } | undefined)?.name;
  if (reply && (name === 'ConnectError' || name === 'HostKeyError')) throw errorOf(reply.head, o.label);
  return undefined;
}

/** A host's connection held by the keeper. Closing it leaves the connection to the keeper. */
export class KeptSession implements Session {
  /** The keeper answers for the connection: one it lost costs the next exec a direct connection, not a failure. */
  readonly alive = true;
  #direct: Promise<Session> | undefined;

  constructor(
    readonly host: string,
    readonly socketPath: string,
    readonly key: string,
    readonly openDirect: () => Promise<Session>,
  ) {}

  /** Kept until a command had to go on a direct connection: from then on the session is the run's own. */
  get kept(): boolean {
    return this.#direct === undefined;
  }

  async exec(cmd: Command, opts: ExecOptions = {}): Promise<ExecResult> {
    if (this.#direct) return (await this.#direct).exec(cmd, opts);
    const { head, body } = commandHead(cmd);
    const reply = await ask(this.socketPath, { op: 'exec', key: this.key, ...head, ...(opts.timeoutMs ? { timeoutMs: opts.timeoutMs } : {}) }, body, opts.signal).catch((err: NodeJS.ErrnoException) => {
      if (opts.signal?.aborted) throw err;
      // No keeper to take the request (it exited): the command was never sent.
      if (err.code === 'ECONNREFUSED' || err.code === 'ENOENT') return { head: { ok: false, gone: true }, body: Buffer.alloc(0) } as Frame;
      throw new ConnectError(`${this.host}: the connection keeper stopped while running: ${briefCommand(cmd)}`, { host: this.host, cause: err });
    });
    if (reply.head.ok === true) return resultOf(reply.head, reply.body);
    if (reply.head.gone === true) {
      // The command never started: run it on a connection of our own from here on.
      this.#direct ??= this.openDirect();
      return (await this.#direct).exec(cmd, opts);
    }
    throw errorOf(reply.head, this.host);
  }

  async close(): Promise<void> {
    const d = this.#direct;
    this.#direct = undefined;
    if (d) await d.then((s) => s.close(), () => undefined);
  }
}
