// The connection keeper (--persist) against in-process ssh2 servers: a second run execs on the first run's connection,
// bytes and secrets pass as they are, a lost connection costs a direct one (never a failure or a second run of a
// command), what it cannot hold is connected directly, and it exits after its idle time.
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Secret } from '../../../../src/core/secret.js';
import { AuthError, ConnectError, ExecTimeoutError, SudoError } from '../../../../src/transport/errors.js';
import { ask, KeptSession, keeperSocketPath, keeperStatus, netnsSuffix, reachKeeper, stopKeeper, type KeeperUse } from '../../../../src/transport/keeper/keeper-client.js';
import { startKeeper, type Keeper } from '../../../../src/transport/keeper/keeper-server.js';
import { createConnector, type ConnectorOptions, type SshConnector } from '../../../../src/transport/ssh-connector.js';
import { FAKE_SUDO, freePort, startTestServer, type TestServer } from '../ssh-test-server.js';
import { ed25519Pair } from '../../../support/ssh-keys.js';
import { tempDir } from '../../../support/temp-dir.js';

const userKey = ed25519Pair();
const hostKey = ed25519Pair();

let dir: string;
const servers: TestServer[] = [];
const connectors: SshConnector[] = [];
const keepers: Keeper[] = [];

beforeAll(() => {
  dir = tempDir('provision-keeper-');
  mkdirSync(join(dir, 'bin'));
  writeFileSync(join(dir, 'bin', 'sudo'), FAKE_SUDO);
  chmodSync(join(dir, 'bin', 'sudo'), 0o755);
  writeFileSync(join(dir, 'id'), userKey.private, { mode: 0o600 });
  writeFileSync(
    join(dir, 'config'),
    `Host *\n  HostName 127.0.0.1\n  User tester\n  IdentityFile ${join(dir, 'id')}\n  UserKnownHostsFile ${join(dir, 'known_hosts')}\n  GlobalKnownHostsFile ${join(dir, 'no_global')}\n  StrictHostKeyChecking accept-new\n  IdentityAgent none\n`,
  );
});
afterEach(async () => {
  await Promise.all(connectors.splice(0).map((c) => c.closeAll()));
  await Promise.all(keepers.splice(0).map((k) => k.stop()));
  await Promise.all(servers.splice(0).map((s) => s.stop()));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function server(sudoMode = 'nopass') {
  const env = { ...process.env, PATH: `${join(dir, 'bin')}:${process.env.PATH}`, FAKE_SUDO_MODE: sudoMode };
  const s = await startTestServer({ hostKey: hostKey.private, authorizedKeys: [userKey.public], env });
  servers.push(s);
  return s;
}

let seq = 0;
/** A keeper in this process (as `__keeper` runs it) and what a run passes to reach it. */
async function keeper(idleMs = 30_000): Promise<{ use: KeeperUse; keeper: Keeper; exited: Promise<void> }> {
  const socketPath = join(dir, `k${++seq}.sock`);
  let exited!: () => void;
  const done = new Promise<void>((r) => (exited = r));
  const k = await startKeeper({ socketPath, idleMs, onExit: exited });
  keepers.push(k);
  return { use: { socketPath, idleMs, start: () => undefined, startWaitMs: 200 }, keeper: k, exited: done };
}

/** What a run passes to reach a keeper at socketPath that it starts itself (in this process), counting the starts. */
function startsInProcess(socketPath: string): { use: KeeperUse; started: () => number } {
  let n = 0;
  const start = () => {
    n++;
    void startKeeper({ socketPath, idleMs: 30_000 }).then((k) => keepers.push(k));
  };
  return { use: { socketPath, idleMs: 30_000, startWaitMs: 2000, start }, started: () => n };
}

/** Resolves once check() holds (polled every 50 ms, for at most 10 s). */
async function until(check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('timed out');
}

/** One run's connector, with --persist when given a keeper. */
function run(o: ConnectorOptions = {}): SshConnector {
  const c = createConnector({ sshConfigPath: join(dir, 'config'), env: {}, home: dir, retryBaseDelayMs: 50, ...o });
  connectors.push(c);
  return c;
}

const target = (port: number) => ({ name: 'node-1', address: '127.0.0.1', port });

describe('the connection keeper', () => {
  it("lets a second run exec on the first run's connection: one login for both", async () => {
    const s = await server();
    const { use, keeper: k } = await keeper();
    const first = run({ keeper: use });
    const a = await first.connectTarget(target(s.port));
    expect(a).toBeInstanceOf(KeptSession);
    expect((await a.exec({ argv: ['echo', 'one'] })).stdout).toBe('one\n');
    await first.closeAll(); // the run ends; the keeper keeps its connection
    const second = run({ keeper: use });
    const b = await second.connectTarget(target(s.port));
    expect((await b.exec({ argv: ['echo', 'two'] })).stdout).toBe('two\n');
    expect(s.stats.connections).toBe(1);
    expect(s.stats.commands.filter((c) => c.includes('echo'))).toHaveLength(2);
    expect(k.connections).toBe(1);
  });

  it('passes stdin (text, bytes, a secret), env, exit codes, stderr and raw stdout bytes as a direct connection does', async () => {
    const s = await server();
    const { use } = await keeper();
    const session = await run({ keeper: use }).connectTarget(target(s.port));
    const r = await session.exec({ argv: ['sh', '-c', 'cat; printf "%s" "$V"; echo err >&2; exit 3'], stdin: 'in\n', env: { V: "it's" } });
    expect([r.code, r.stdout, r.stderr]).toEqual([3, "in\nit's", 'err\n']);
    expect((await session.exec({ argv: ['cat'], stdin: new Secret('s3cret') })).stdout).toBe('s3cret');
    const bytes = Buffer.from([0, 255, 1, 128, 10]);
    const raw = await session.exec({ argv: ['cat'], stdin: bytes });
    expect(raw.stdoutBytes?.equals(bytes)).toBe(true);
    const big = Buffer.alloc(3 * 1024 * 1024, 'x');
    expect((await session.exec({ argv: ['wc', '-c'], stdin: big })).stdout.trim()).toBe(String(big.length));
    // become: the fake sudo runs the command as it is (NOPASSWD)
    expect((await session.exec({ argv: ['echo', 'root'], sudo: true })).stdout).toBe('root\n');
  });

  it("reports the keeper's transport errors as the transport's own classes", async () => {
    const s = await server();
    const { use } = await keeper();
    const session = await run({ keeper: use }).connectTarget(target(s.port));
    await expect(session.exec({ argv: ['sleep', '5'] }, { timeoutMs: 200 })).rejects.toBeInstanceOf(ExecTimeoutError);
    const refusing = await server('password');
    const wants = await run({ keeper: use }).connectTarget(target(refusing.port));
    const err = await wants.exec({ argv: ['true'], sudo: true }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SudoError);
    expect((err as SudoError).kind).toBe('password-required');
    expect((err as SudoError).host).toBe('node-1');
    const ctl = new AbortController();
    const running = session.exec({ argv: ['sleep', '5'] }, { signal: ctl.signal });
    setTimeout(() => ctl.abort(new Error('stop')), 100);
    await expect(running).rejects.toThrow('stop');
  });

  it('runs a command it could not start (the kept connection dropped) on a direct connection, once', async () => {
    const s = await server();
    const { use } = await keeper();
    await (await run({ keeper: use }).connectTarget(target(s.port))).exec({ argv: ['true'] });
    const session = await run({ keeper: use }).connectTarget(target(s.port));
    expect(session.kept).toBe(true);
    s.dropAll(); // the host rebooted between the runs
    await new Promise((r) => setTimeout(r, 100));
    const mark = join(dir, `ran-${seq}`);
    const r = await session.exec({ argv: ['sh', '-c', `echo x >> ${mark}; echo done`] });
    expect(r.stdout).toBe('done\n');
    expect(readFileSync(mark, 'utf8')).toBe('x\n'); // it ran once
    expect(s.stats.connections).toBe(2); // the keeper's, then the run's own
    expect(session.kept).toBe(false); // the run's own from here on: a lock may be taken on it
  });

  it('after a reboot, has the keeper hold a connection to the new boot: the next run logs in nowhere', async () => {
    const s = await server();
    const { use } = await keeper();
    const first = run({ keeper: use });
    await (await first.connectTarget(target(s.port))).exec({ argv: ['true'] });
    s.dropAll(); // the run rebooted the host; its own reconnection was direct (runReboot's)
    await new Promise((r) => setTimeout(r, 100));
    await first.keepAgainTarget(target(s.port));
    expect(s.stats.connections).toBe(2);
    await first.closeAll();
    const next = await run({ keeper: use }).connectTarget(target(s.port));
    expect((await next.exec({ argv: ['echo', 'next'] })).stdout).toBe('next\n');
    expect(next.kept).toBe(true);
    expect(s.stats.connections).toBe(2);
    // Without a keeper there is nothing to keep: no connection is made.
    const plain = run();
    await (await plain.connectTarget(target(s.port))).exec({ argv: ['true'] });
    await plain.keepAgainTarget(target(s.port));
    expect(s.stats.connections).toBe(3);
  });

  it('connects directly when no keeper answers, and for what it does not hold (a sudo password)', async () => {
    const s = await server();
    const none: KeeperUse = { socketPath: join(dir, 'nobody.sock'), idleMs: 1000, start: () => undefined, startWaitMs: 100 };
    const a = await run({ keeper: none }).connectTarget(target(s.port));
    expect(a).not.toBeInstanceOf(KeptSession);
    expect((await a.exec({ argv: ['echo', 'direct'] })).stdout).toBe('direct\n');
    const { use, keeper: k } = await keeper();
    const b = await run({ keeper: use, becomePassword: new Secret('pw') }).connectTarget(target(s.port));
    expect(b).not.toBeInstanceOf(KeptSession);
    expect(k.connections).toBe(0);
  });

  it('holds a connection the ssh config says to (ControlMaster + ControlPersist) when no --persist says', async () => {
    const s = await server();
    const { use, keeper: k } = await keeper();
    const bySsh = { socketPath: () => use.socketPath, start: use.start!, startWaitMs: 200 };
    const persistConfig = join(dir, 'config-persist');
    writeFileSync(persistConfig, `Host kept\n  ControlMaster auto\n  ControlPersist 10m\n${readFileSync(join(dir, 'config'), 'utf8')}`);
    const c = run({ sshConfigPath: persistConfig, keeperBySshConfig: bySsh });
    const kept = await c.connectTarget({ ...target(s.port), name: 'kept' });
    expect(kept).toBeInstanceOf(KeptSession);
    const plain = await c.connectTarget(target(s.port)); // node-1: no ControlMaster for it
    expect(plain).not.toBeInstanceOf(KeptSession);
    expect(k.connections).toBe(1);
  });

  it('starts one keeper for a run whose hosts connect at once', async () => {
    const s = await server();
    const socketPath = join(dir, `many-${++seq}.sock`);
    const { use, started } = startsInProcess(socketPath);
    const c = run({ keeper: use });
    const sessions = await Promise.all([1, 2, 3, 4, 5].map((i) => c.connectTarget({ ...target(s.port), name: `node-${i}` })));
    expect(sessions.every((x) => x instanceof KeptSession)).toBe(true);
    expect(started()).toBe(1);
  });

  it("fails an unreachable host as the run would (once, not again directly); a refused key is left to the run's own try", async () => {
    const { use } = await keeper();
    const closed = await freePort();
    const before = Date.now();
    await expect(run({ keeper: use, retries: 0, connectTimeoutMs: 2000 }).connectTarget(target(closed))).rejects.toBeInstanceOf(ConnectError);
    expect(Date.now() - before).toBeLessThan(10_000);
    const s = await startTestServer({ hostKey: hostKey.private, authorizedKeys: [ed25519Pair().public] });
    servers.push(s);
    await expect(run({ keeper: use }).connectTarget(target(s.port))).rejects.toBeInstanceOf(AuthError);
    expect(s.stats.connections).toBe(2); // the keeper's attempt, then the run's own (which could ask for a passphrase)
  });

  it('exits after its idle time without a request, closing its connections and its socket', async () => {
    const s = await server();
    const { use, exited } = await keeper(300);
    await (await run({ keeper: { ...use, idleMs: 300 } }).connectTarget(target(s.port))).exec({ argv: ['true'] });
    await exited;
    expect(existsSync(use.socketPath)).toBe(false);
    await new Promise((r) => setTimeout(r, 100));
    expect(s.stats.connections).toBe(1);
  });

  it('closes each connection its own persist time after its last use, lists what it holds, and stops when asked', async () => {
    const [s1, s2] = [await server(), await server()];
    const { use, exited } = await keeper(300);
    await (await run({ keeper: { ...use, idleMs: 400 } }).connectTarget(target(s1.port))).exec({ argv: ['true'] });
    await (await run({ keeper: { ...use, idleMs: 60_000 } }).connectTarget({ ...target(s2.port), name: 'node-2' })).exec({ argv: ['true'] });
    const listed = await keeperStatus(use.socketPath);
    expect(listed?.pid).toBe(process.pid);
    expect(listed?.connections?.map((c) => [c.host, c.user, c.address, c.port, c.persistMs, c.running]).sort()).toEqual([
      ['node-1', 'tester', '127.0.0.1', s1.port, 400, 0],
      ['node-2', 'tester', '127.0.0.1', s2.port, 60_000, 0],
    ]);
    // node-1's 400 ms pass; node-2's minute does not, and the keeper (started with 300 ms) stays for it
    await until(async () => (await keeperStatus(use.socketPath))?.connections?.length === 1);
    expect((await keeperStatus(use.socketPath))?.connections?.[0]?.host).toBe('node-2');
    expect(await stopKeeper(use.socketPath)).toBe(true);
    await exited;
    expect(existsSync(use.socketPath)).toBe(false);
    expect(await keeperStatus(use.socketPath)).toBeUndefined();
    expect(await stopKeeper(use.socketPath)).toBe(false);
  });

  it('exits soon when it holds no connection, whatever persist time started it', async () => {
    let exited!: () => void;
    const done = new Promise<void>((r) => (exited = r));
    keepers.push(await startKeeper({ socketPath: join(dir, `empty-${++seq}.sock`), idleMs: 600_000, emptyGraceMs: 200, onExit: exited }));
    await done; // a test timeout if it waited its 10 minutes
  });

  it('takes over a socket file no keeper answers on, and refuses one a live keeper holds', async () => {
    const { use } = await keeper();
    await expect(startKeeper({ socketPath: use.socketPath, idleMs: 1000 })).rejects.toThrow(/already listens/);
    const stale = join(dir, 'stale.sock');
    writeFileSync(stale, '');
    const k = await startKeeper({ socketPath: stale, idleMs: 1000 }).catch((e: Error) => e);
    // a plain file is not a socket: listen fails with EADDRINUSE, no keeper answers, the file is replaced
    expect(k).not.toBeInstanceOf(Error);
    if (!(k instanceof Error)) keepers.push(k);
  });

  it("stops a keeper another build of provision started, and starts this build's", async () => {
    const socketPath = join(dir, `old-${++seq}.sock`);
    let oldExited = false;
    const old = await startKeeper({ socketPath, idleMs: 30_000, identity: 'provision-keeper/0 elsewhere', onExit: () => (oldExited = true) });
    keepers.push(old);
    const { use, started } = startsInProcess(socketPath);
    expect(await reachKeeper(use)).toBe(true);
    expect(oldExited).toBe(true);
    expect(started()).toBe(1);
    expect(await reachKeeper(use)).toBe(true);
    expect(started()).toBe(1); // this build's answers now
  });

  it('refuses to hold a connection behind a ProxyJump or a ProxyCommand (the run makes those itself)', async () => {
    const { use } = await keeper();
    const settings = await run().resolve(target(22));
    for (const extra of [{ proxyJump: [{ host: 'bastion' }] }, { proxyCommand: 'nc %h %p' }]) {
      const reply = await ask(use.socketPath, { op: 'connect', settings: { ...settings, ...extra }, label: 'node-1' });
      expect(reply.head.ok).toBe(false);
      expect(JSON.stringify(reply.head.error)).toMatch(/ProxyJump or ProxyCommand is not kept/);
    }
  });

  it('names its socket for the network namespace it dials from (Linux), so another namespace gets a keeper of its own', () => {
    const dir = tempDir('provision-keeper-ns-');
    symlinkSync('net:[4026531833]', join(dir, 'net'));
    expect(netnsSuffix(join(dir, 'net'))).toBe('-net4026531833');
    expect(netnsSuffix(join(dir, 'absent'))).toBe('');
    if (existsSync('/proc/self/ns/net')) expect(netnsSuffix()).toMatch(/^-net\d+$/);
  });

  it('keeps its socket only in a directory that is this user\'s alone', () => {
    const base = tempDir('provision-keeper-dir-');
    expect(keeperSocketPath({ XDG_RUNTIME_DIR: base })).toBe(join(base, 'provision', `keeper${netnsSuffix()}.sock`));
    chmodSync(join(base, 'provision'), 0o755);
    expect(keeperSocketPath({ XDG_RUNTIME_DIR: base })).toBeUndefined();
  });
});
