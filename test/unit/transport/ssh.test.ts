// The real transport against in-process ssh2 servers: exec, host-key policies, auth, retries, caps, ProxyJump, become.
import { chmodSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { createServer as createNetServer, type AddressInfo, type Socket } from 'node:net';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Secret } from '../../../src/core/secret.js';
import { AuthError, ConnectError, ExecTimeoutError, HostKeyError, SudoError } from '../../../src/transport/errors.js';
import { createConnector, type SshConnector, type ConnectorOptions } from '../../../src/transport/ssh-connector.js';
import { FAKE_SUDO, freePort, startTestServer, type TestServer } from './ssh-test-server.js';
import { ed25519Pair } from '../../support/ssh-keys.js';
import { tempDir } from '../../support/temp-dir.js';

const gen = () => ed25519Pair();
const userKey = gen();
const otherUserKey = gen();
const hostKeyA = gen();
const hostKeyB = gen();
const jumpHostKey = gen();

let dir: string;
const servers: TestServer[] = [];
const connectors: SshConnector[] = [];

beforeAll(() => {
  dir = tempDir('provision-ssh-');
  mkdirSync(join(dir, 'bin'));
  writeFileSync(join(dir, 'bin', 'sudo'), FAKE_SUDO);
  chmodSync(join(dir, 'bin', 'sudo'), 0o755);
  writeFileSync(join(dir, 'id'), userKey.private, { mode: 0o600 });
  writeFileSync(join(dir, 'other_id'), otherUserKey.private, { mode: 0o600 });
});
afterEach(async () => {
  await Promise.all(connectors.splice(0).map((c) => c.closeAll()));
  await Promise.all(servers.splice(0).map((s) => s.stop()));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let seq = 0;
/** A fresh known_hosts + ssh config for one test; returns a connector factory. */
function setup(extra = '', identity = 'id') {
  const n = ++seq;
  const knownHosts = join(dir, `known_hosts_${n}`);
  const config = join(dir, `config_${n}`);
  writeFileSync(
    config,
    `${extra}
Host *
  HostName 127.0.0.1
  User tester
  IdentityFile ${join(dir, identity)}
  UserKnownHostsFile ${knownHosts}
  GlobalKnownHostsFile ${join(dir, 'no_global')}
  IdentityAgent none
`,
  );
  const make = (o: ConnectorOptions = {}) => {
    const c = createConnector({ sshConfigPath: config, env: {}, home: dir, retryBaseDelayMs: 50, ...o });
    connectors.push(c);
    return c;
  };
  return { knownHosts, config, make };
}

async function server(o: Partial<Parameters<typeof startTestServer>[0]> = {}) {
  const s = await startTestServer({
    hostKey: hostKeyA.private,
    authorizedKeys: [userKey.public],
    env: { ...process.env, PATH: `${join(dir, 'bin')}:${process.env.PATH}` },
    ...o,
  });
  servers.push(s);
  return s;
}

const target = (port: number, name = 'node-1') => ({ name, address: '127.0.0.1', port });

describe('exec', () => {
  it('returns stdout, stderr and exit codes; streams stdin (string, Buffer, Secret); quotes hostile argv', async () => {
    const s = await server();
    const c = setup().make();
    const session = await c.connectTarget(target(s.port));
    const hostile = `a'b "c" $(touch /tmp/x) \`id\` ; | & \n\tend`;
    const cases = [
      { cmd: { argv: ['sh', '-c', 'echo out; echo err >&2; exit 3'] }, want: { code: 3, stdout: 'out\n', stderr: 'err\n' } },
      { cmd: { argv: ['printf', '%s', hostile] }, want: { code: 0, stdout: hostile, stderr: '' } },
      { cmd: { argv: ['cat'], stdin: 'hello\nworld' }, want: { code: 0, stdout: 'hello\nworld', stderr: '' } },
      { cmd: { argv: ['cat'], stdin: new Secret('s3cret') }, want: { code: 0, stdout: 's3cret', stderr: '' } },
      { cmd: { argv: ['sh', '-c', 'printf %s "$V"'], env: { V: hostile } }, want: { code: 0, stdout: hostile, stderr: '' } },
    ];
    for (const { cmd, want } of cases) {
      const { stdoutBytes, ...r } = await session.exec(cmd);
      expect(r).toEqual(want);
      expect(stdoutBytes?.toString('utf8')).toBe(want.stdout); // the bytes as they came, for the probe's raw tar
    }
    const big = Buffer.alloc(2 * 1024 * 1024, 'x');
    const r = await session.exec({ argv: ['wc', '-c'], stdin: big });
    expect(r.stdout.trim()).toBe(String(big.length));
    expect(s.stats.connections).toBe(1); // one connection for everything
  });

  it('times out a command (ExecTimeoutError) and reports a dropped connection as ConnectError', async () => {
    const s = await server();
    const c = setup().make();
    const session = await c.connectTarget(target(s.port));
    await expect(session.exec({ argv: ['sleep', '5'] }, { timeoutMs: 200 })).rejects.toBeInstanceOf(ExecTimeoutError);
    const running = session.exec({ argv: ['sleep', '5'] });
    setTimeout(() => s.dropAll(), 100);
    await expect(running).rejects.toBeInstanceOf(ConnectError);
    await expect(running).rejects.toMatchObject({ notStarted: false }); // it was running: never run again elsewhere
    await expect(session.exec({ argv: ['true'] })).rejects.toMatchObject({ name: 'ConnectError', notStarted: true });
    // the pool notices and reconnects on the next connect()
    const again = await c.connectTarget(target(s.port));
    expect((await again.exec({ argv: ['echo', 'back'] })).stdout).toBe('back\n');
  });
  it('keeps the exit status when success, data, exit-status and close arrive in one read (a loaded sshd)', async () => {
    const s = await server({ instantReply: (command) => (command.includes('instant') ? { stdout: 'id\n', code: 7 } : undefined) });
    const c = setup().make();
    const session = await c.connectTarget(target(s.port));
    const results = [];
    for (let i = 0; i < 20; i++) results.push(await session.exec({ argv: ['instant'] }));
    expect(results.map((r) => [r.code, r.stdout, r.signal])).toEqual(Array(20).fill([7, 'id\n', undefined]));
  });
});

describe('host keys', () => {
  it('accept-new pins a plain line; the next run trusts it; a changed key is refused naming file:line and the fix', async () => {
    const s = await server();
    const { knownHosts, make } = setup();
    await (await make().connectTarget(target(s.port))).exec({ argv: ['true'] });
    const pinned = readFileSync(knownHosts, 'utf8');
    expect(pinned).toMatch(new RegExp(`^\\[127\\.0\\.0\\.1\\]:${s.port} ssh-ed25519 \\S+\\n$`));
    await (await make({ hostKeyPolicy: 'strict' }).connectTarget(target(s.port))).exec({ argv: ['true'] });
    await s.stop();
    servers.pop();
    const reinstalled = await server({ hostKey: hostKeyB.private, port: s.port });
    for (const policy of ['accept-new', 'strict'] as const) {
      const err = await make({ hostKeyPolicy: policy }).connectTarget(target(reinstalled.port)).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(HostKeyError);
      const e = err as HostKeyError;
      expect(e.problem).toBe('changed');
      expect(e.message).toContain(`${knownHosts}:1`);
      expect(e.message).toContain(`ssh-keygen -R '[127.0.0.1]:${s.port}' -f ${knownHosts}`);
      expect(e.host).toBe('node-1');
    }
    expect(reinstalled.stats.authenticated).toBe(0);
    expect(readFileSync(knownHosts, 'utf8')).toBe(pinned); // nothing re-pinned
    // off: connects anyway
    await (await make({ hostKeyPolicy: 'off' }).connectTarget(target(reinstalled.port))).exec({ argv: ['true'] });
  });

  it('strict refuses an unknown key without retrying; HashKnownHosts yes pins a hashed line', async () => {
    const s = await server();
    const strict = setup();
    const err = await strict.make({ hostKeyPolicy: 'strict' }).connectTarget(target(s.port)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HostKeyError);
    expect((err as HostKeyError).problem).toBe('unknown');
    expect(s.stats.connections).toBe(1);
    const hashed = setup('Host *\n  HashKnownHosts yes\n');
    await hashed.make().connectTarget(target(s.port));
    const line = readFileSync(hashed.knownHosts, 'utf8');
    expect(line).toMatch(/^\|1\|\S+\|\S+ ssh-ed25519 \S+\n$/);
    expect(line).not.toContain('127.0.0.1');
    await (await hashed.make({ hostKeyPolicy: 'strict' }).connectTarget(target(s.port))).exec({ argv: ['true'] });
  });
});

describe('auth and retries', () => {
  it('an unknown key fails with AuthError after one connection (no retry)', async () => {
    const s = await server();
    const err = await setup('', 'other_id').make({ retries: 3 }).connectTarget(target(s.port)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AuthError);
    expect((err as Error).message).toMatch(/authentication failed for tester@127\.0\.0\.1/);
    expect((err as Error).message).toContain(join(dir, 'other_id'));
    expect(s.stats.connections).toBe(1);
  });

  it('an encrypted key without a terminal is skipped with a clear reason', async () => {
    const s = await server({ authorizedKeys: [userKey.public] });
    const enc = ed25519Pair({ passphrase: 'pp', cipher: 'aes256-cbc', rounds: 2 });
    writeFileSync(join(dir, 'enc_id'), enc.private, { mode: 0o600 });
    const err = await setup('', 'enc_id').make({ askPassphrase: async () => undefined }).connectTarget(target(s.port)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AuthError);
    expect((err as Error).message).toMatch(/enc_id is encrypted and no terminal is available.*ssh-add/);
    // with a passphrase source, the same key works once the server knows it
    const s2 = await server({ authorizedKeys: [enc.public] });
    const ok = await setup('', 'enc_id').make({ askPassphrase: async () => new Secret('pp') }).connectTarget(target(s2.port));
    expect((await ok.exec({ argv: ['echo', 'ok'] })).stdout).toBe('ok\n');
  });

  it('retries while sshd is down (refused), then connects', async () => {
    const port = await freePort();
    const c = setup().make({ retries: 6, retryBaseDelayMs: 100 });
    const started = (async () => {
      await new Promise((r) => setTimeout(r, 400));
      return server({ port });
    })();
    const session = await c.connectTarget(target(port));
    expect((await session.exec({ argv: ['echo', 'up'] })).stdout).toBe('up\n');
    expect((await started).stats.connections).toBe(1);
  });

  it('gives up on a refused port after the retries, with a ConnectError naming the host', async () => {
    const port = await freePort();
    const err = await setup().make({ retries: 1 }).connectTarget(target(port, 'k8s-cp-01')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectError);
    expect((err as ConnectError).message).toMatch(/^k8s-cp-01: cannot connect to tester@127\.0\.0\.1:\d+: ECONNREFUSED/);
  });
});

describe('connect timeout bounds the whole connect, retries included', () => {
  /** A TCP listener that accepts and never speaks: what a blackholed or hung sshd looks like. */
  async function silentListener() {
    const sockets: Socket[] = [];
    const srv = createNetServer((sock) => void sockets.push(sock));
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    const stop = () => new Promise<void>((r) => (sockets.forEach((s) => s.destroy()), srv.close(() => r())));
    return { port: (srv.address() as AddressInfo).port, accepted: () => sockets.length, stop };
  }
  it.each([
    { via: 'direct', timeoutMs: 800 },
    { via: 'a ProxyJump hop that never answers the forward', timeoutMs: 800 },
  ])('$via: fails within the timeout ($timeoutMs ms), not once per retry', async ({ via, timeoutMs }) => {
    const silent = await silentListener();
    try {
      let extra = '';
      if (via !== 'direct') {
        const jump = await server({ hostKey: jumpHostKey.private, allowForwarding: true, holdForwards: true });
        extra = `Host jumphost\n  Port ${jump.port}\n\nHost t-*\n  ProxyJump jumphost\n`;
      }
      const c = setup(extra).make({ connectTimeoutMs: timeoutMs, retries: 3, retryBaseDelayMs: 50 });
      // The timeout bounds the connect, not reading the config (ssh -G): resolve the target and its hop first.
      await c.resolve(target(silent.port, 't-1'));
      if (via !== 'direct') await c.resolve({ name: 'jumphost', address: '' });
      const started = Date.now();
      const err = await c.connectTarget(target(silent.port, 't-1')).catch((e: unknown) => e);
      const took = Date.now() - started;
      expect(err).toBeInstanceOf(ConnectError);
      expect((err as Error).message).toMatch(/^t-1: no SSH answer from tester@127\.0\.0\.1:\d+ within 0\.8 s \(connect timeout\)$/);
      expect(took).toBeGreaterThanOrEqual(timeoutMs - 50);
      expect(took).toBeLessThan(timeoutMs + 700); // 4 attempts (1 + 3 retries) would take 3200 ms
      expect(silent.accepted()).toBeLessThanOrEqual(1);
    } finally {
      await silent.stop();
    }
  });
});

describe('limits', () => {
  it('keeps at most N channels open per connection and adapts when sshd refuses (MaxSessions 2)', async () => {
    const s = await server({ maxSessions: 2 });
    const session = await setup().make().connectTarget(target(s.port));
    const results = await Promise.all(Array.from({ length: 12 }, (_, i) => session.exec({ argv: ['sh', '-c', `sleep 0.05; echo ${i}`] })));
    expect(results.map((r) => r.stdout)).toEqual(Array.from({ length: 12 }, (_, i) => `${i}\n`));
    expect(s.stats.maxOpenSessions).toBeLessThanOrEqual(2);
    const roomy = await server();
    const capped = await setup().make({ maxChannelsPerConnection: 3 }).connectTarget(target(roomy.port));
    await Promise.all(Array.from({ length: 10 }, () => capped.exec({ argv: ['sleep', '0.4'] })));
    expect(roomy.stats.maxOpenSessions).toBe(3);
  }, 30_000); // 22 real processes: slow on a loaded machine; the sleeps keep 3 channels open at once however slow the opens are

  it('MaxSessions 1 with a slot freed late (as OpenSSH does): sequential and parallel execs still all run', async () => {
    const s = await server({ maxSessions: 1, sessionReleaseDelayMs: 30 });
    const session = await setup().make().connectTarget(target(s.port));
    for (let i = 0; i < 4; i++) expect((await session.exec({ argv: ['echo', `seq${i}`] })).stdout).toBe(`seq${i}\n`);
    const results = await Promise.all(Array.from({ length: 6 }, (_, i) => session.exec({ argv: ['echo', `par${i}`] })));
    expect(results.map((r) => r.stdout)).toEqual(Array.from({ length: 6 }, (_, i) => `par${i}\n`));
    expect(s.stats.maxOpenSessions).toBe(1);
    expect(s.stats.refusedSessions).toBeGreaterThan(0); // the late release really was hit
  });

  it('keeps at most N handshakes in flight per sshd', async () => {
    const s = await server();
    const c = setup().make({ maxHandshakesPerTarget: 2 });
    const sessions = await Promise.all(Array.from({ length: 6 }, (_, i) => c.connectTarget(target(s.port, `h${i}`))));
    expect(sessions).toHaveLength(6);
    expect(s.stats.connections).toBe(6);
    expect(s.stats.maxPreAuth).toBeLessThanOrEqual(2);
  });
});

describe('ProxyJump', () => {
  it('tunnels through a shared hop and verifies the hop key too', async () => {
    const jump = await server({ hostKey: jumpHostKey.private, allowForwarding: true });
    const t1 = await server();
    const t2 = await server();
    const hop = `Host jumphost\n  Port ${jump.port}\n\nHost t-*\n  ProxyJump jumphost\n`;
    const { knownHosts, make } = setup(hop);
    const c = make();
    const [a, b] = await Promise.all([c.connectTarget(target(t1.port, 't-1')), c.connectTarget(target(t2.port, 't-2'))]);
    expect((await a.exec({ argv: ['echo', 'a'] })).stdout).toBe('a\n');
    expect((await b.exec({ argv: ['echo', 'b'] })).stdout).toBe('b\n');
    expect(jump.stats.connections).toBe(1); // one hop connection shared by both hosts
    expect(jump.stats.forwards.sort()).toEqual([`127.0.0.1:${t1.port}`, `127.0.0.1:${t2.port}`].sort());
    expect(t1.stats.connections).toBe(1);
    const pins = readFileSync(knownHosts, 'utf8');
    expect(pins).toContain(`[127.0.0.1]:${jump.port} ssh-ed25519`);
    expect(pins).toContain(`[127.0.0.1]:${t1.port} ssh-ed25519`);

    // the hop's key changes: refused, and the error names the hop
    const jumpLine = pins.split('\n').findIndex((l) => l.startsWith(`[127.0.0.1]:${jump.port}`)) + 1;
    await jump.stop();
    const evil = await server({ hostKey: hostKeyB.private, allowForwarding: true, port: jump.port });
    const err = await make().connectTarget(target(t1.port, 't-1')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HostKeyError);
    expect((err as HostKeyError).message).toMatch(/^jumphost \(ProxyJump hop for t-1\): HOST KEY CHANGED/);
    expect((err as HostKeyError).line).toBe(jumpLine);
    expect(evil.stats.authenticated).toBe(0);
  });
});

describe('become (sudo)', () => {
  const canary = 'Canary-pw-7f3a9';
  async function become(mode: string, password?: string) {
    const s = await server({ env: { ...process.env, PATH: `${join(dir, 'bin')}:${process.env.PATH}`, FAKE_SUDO_MODE: mode, FAKE_SUDO_PASSWORD: canary } });
    const c = setup().make(password === undefined ? {} : { becomePassword: new Secret(password) });
    return { s, session: await c.connectTarget(target(s.port)) };
  }
  const cmd = { argv: ['sh', '-c', 'cat; echo " stderr-line" >&2; exit 4'], sudo: true, stdin: 'data-after-sudo' };

  it.each([
    ['password', canary],
    ['nopass', undefined],
  ])('mode %s: stdin reaches the command after sudo; prompt and marker are stripped', async (mode, pw) => {
    const { s, session } = await become(mode, pw);
    const { stdoutBytes: _b, ...r } = await session.exec(cmd);
    expect(r).toEqual({ code: 4, stdout: 'data-after-sudo', stderr: ' stderr-line\n' });
    expect(s.stats.commands.join('\n')).not.toContain(canary);
  });

  it.each([
    ['password', canary],
    ['nopass', undefined],
  ])('mode %s: a long script (a probe) goes on stdin, not in the command line sudo logs; it runs as in argv', async (mode, pw) => {
    const { s, session } = await become(mode, pw);
    const filler = ': a line of filler that makes the script long\n'.repeat(60);
    const { stdoutBytes: _b, ...r } = await session.exec({ argv: ['sh', '-c', `echo start\n${filler}cat; echo " stderr-line" >&2; exit 4`], sudo: true });
    expect(r).toEqual({ code: 4, stdout: 'start\n', stderr: ' stderr-line\n' });
    const sent = s.stats.commands.join('\n');
    expect(sent).toContain('echo start');
    expect(sent).not.toContain('filler');
    expect(sent).toMatch(mode === 'nopass' ? /^sudo -n -- / : /^sudo -S -p /);
  });

  it('a root login runs sudo: true commands itself: no sudo (whose password it would lack), same stdin and marker handling', async () => {
    const s = await server({ env: { ...process.env, PATH: `${join(dir, 'bin')}:${process.env.PATH}`, FAKE_SUDO_MODE: 'password', FAKE_SUDO_PASSWORD: canary } });
    const session = await setup('Host node-root\n  User root\n').make().connectTarget(target(s.port, 'node-root'));
    const { stdoutBytes: _b, ...r } = await session.exec(cmd);
    expect(r).toEqual({ code: 4, stdout: 'data-after-sudo', stderr: ' stderr-line\n' });
    expect(s.stats.commands.join('\n')).not.toMatch(/\bsudo\b/);
    expect(s.stats.commands.join('\n')).toContain('provision-become-ok-');
  });

  it.each([
    ['password', 'wrong-one', 'wrong-password'],
    ['password', undefined, 'password-required'],
    ['expired', canary, 'password-expired'],
    ['notallowed', canary, 'not-allowed'],
  ])('mode %s with password %s → SudoError %s, password never shown', async (mode, pw, kind) => {
    const { s, session } = await become(mode, pw);
    const err = await session.exec(cmd).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SudoError);
    expect((err as SudoError).kind).toBe(kind);
    const shown = `${(err as Error).message} ${(err as SudoError).hint} ${JSON.stringify(err)} ${String(err)}`;
    expect(shown).not.toContain(canary);
    expect(shown).not.toContain('wrong-one');
    expect(s.stats.commands.join('\n')).not.toContain(canary);
  });
});
