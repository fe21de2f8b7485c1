// The agent as OpenSSH uses it, against a real ssh-agent and an in-process sshd: a dead agent is passed over,
// IdentitiesOnly offers the agent's copy of the configured key (a .pub IdentityFile too), the ssh-add hint only when needed.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa, type ResultPromise } from 'execa';
import ssh2 from 'ssh2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectAgentKeys } from '../../../src/transport/agent-keys.js';
import { AuthError } from '../../../src/transport/errors.js';
import { createConnector, type SshConnector } from '../../../src/transport/ssh-connector.js';
import { findSshBinary } from '../../../src/transport/ssh-g.js';
import { startTestServer, type TestServer } from './ssh-test-server.js';
import { ed25519Pair, parsedPublic } from '../../support/ssh-keys.js';
import { tempDir } from '../../support/temp-dir.js';

const hasAgent = findSshBinary({ PATH: process.env.PATH ?? '' }) !== undefined;
const required = process.env.PROVISION_LAB_REQUIRED === '1';

describe('selectAgentKeys', () => {
  const [a, b, c] = [1, 2, 3].map(() => parsedPublic()) as [ssh2.ParsedKey, ssh2.ParsedKey, ssh2.ParsedKey];
  it('without IdentitiesOnly: every agent key, those matching an IdentityFile first, in file order', () => {
    expect(selectAgentKeys([a, b, c], [c.getPublicSSH(), undefined, b.getPublicSSH()], false)).toEqual([c, b, a]);
  });
  it('with IdentitiesOnly: only the keys of the identity files (none when none match)', () => {
    expect(selectAgentKeys([a, b, c], [b.getPublicSSH()], true)).toEqual([b]);
    expect(selectAgentKeys([a, b], [c.getPublicSSH()], true)).toEqual([]);
  });
});

describe.skipIf(!hasAgent && !required)('with a real ssh-agent', () => {
  let dir = '';
  let agent: ResultPromise | undefined;
  let sock = '';
  let server: TestServer;
  const connectors: SshConnector[] = [];
  const hostKey = ed25519Pair();

  beforeAll(async () => {
    dir = tempDir('provision-agent-');
    sock = join(dir, 'agent.sock');
    for (const k of ['plain', 'locked', 'other']) {
      await execa('ssh-keygen', ['-q', '-t', 'ed25519', '-N', k === 'locked' ? 'secret-pass' : '', '-C', k, '-f', join(dir, k)]);
    }
    agent = execa('ssh-agent', ['-D', '-a', sock], { reject: false, stdin: 'ignore' });
    for (let i = 0; i < 100 && (await execa('ssh-add', ['-l'], { env: { SSH_AUTH_SOCK: sock }, reject: false })).exitCode === 2; i++) await new Promise((r) => setTimeout(r, 50));
    // The encrypted key is loaded into the agent (as a user would with ssh-add and the passphrase): an askpass answers.
    writeFileSync(join(dir, 'askpass'), '#!/bin/sh\necho secret-pass\n', { mode: 0o700 });
    const add = await execa('ssh-add', [join(dir, 'locked')], { env: { SSH_AUTH_SOCK: sock, SSH_ASKPASS: join(dir, 'askpass'), SSH_ASKPASS_REQUIRE: 'force', DISPLAY: 'x' }, reject: false, stdin: 'ignore' });
    expect(add.exitCode, String(add.stderr)).toBe(0);
    server = await startTestServer({ hostKey: hostKey.private, authorizedKeys: [readFileSync(join(dir, 'locked.pub'), 'utf8'), readFileSync(join(dir, 'plain.pub'), 'utf8')] });
  });
  afterAll(async () => {
    await Promise.all(connectors.map((c) => c.closeAll()));
    await server?.stop();
    agent?.kill();
    await agent;
    rmSync(dir, { recursive: true, force: true });
  });

  const connect = (config: string, env: NodeJS.ProcessEnv) => {
    const file = join(dir, `config-${connectors.length}`);
    writeFileSync(file, `Host *\n  HostName 127.0.0.1\n  User tester\n  UserKnownHostsFile ${join(dir, 'known_hosts')}\n  GlobalKnownHostsFile /dev/null\n${config}`);
    const c = createConnector({ sshConfigPath: file, env: { PATH: process.env.PATH, ...env }, retries: 0 });
    connectors.push(c);
    return c.connectTarget({ name: 'node-1', address: '127.0.0.1', port: server.port });
  };

  it('a dead SSH_AUTH_SOCK is passed over: the IdentityFile logs in', async () => {
    const s = await connect(`  IdentityFile ${join(dir, 'plain')}\n`, { SSH_AUTH_SOCK: join(dir, 'no-such-agent.sock') });
    expect((await s.exec({ argv: ['echo', 'ok'] })).stdout).toBe('ok\n');
  });

  it('IdentitiesOnly yes with the (encrypted) key only in the agent: the agent signs, no passphrase is needed', async () => {
    const s = await connect(`  IdentityFile ${join(dir, 'locked')}\n  IdentitiesOnly yes\n`, { SSH_AUTH_SOCK: sock });
    expect((await s.exec({ argv: ['echo', 'ok'] })).stdout).toBe('ok\n');
  });

  it('IdentitiesOnly yes with a .pub IdentityFile (the 1Password style) uses the agent copy', async () => {
    const s = await connect(`  IdentityFile ${join(dir, 'locked.pub')}\n  IdentitiesOnly yes\n  IdentityAgent ${sock}\n`, {});
    expect((await s.exec({ argv: ['echo', 'ok'] })).stdout).toBe('ok\n');
  });

  it('IdentitiesOnly yes offers no other agent key: a key the server refuses fails, naming the skipped agent and no ssh-add hint for keys in the agent', async () => {
    const err = await connect(`  IdentityFile ${join(dir, 'other')}\n  IdentitiesOnly yes\n`, { SSH_AUTH_SOCK: sock }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AuthError);
    expect((err as Error).message).toContain(`tried ${join(dir, 'other')}`);
    expect((err as Error).message).toMatch(/none of its 1 key\(s\) is an IdentityFile/);
    expect((err as Error).message).not.toContain('ssh-add');
  });

  it('an encrypted key that is not in the agent, no terminal: skipped with the ssh-add hint', async () => {
    await execa('ssh-keygen', ['-q', '-t', 'ed25519', '-N', 'pw2', '-f', join(dir, 'locked2')]);
    const err = await connect(`  IdentityFile ${join(dir, 'locked2')}\n  IdentityAgent none\n`, {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AuthError);
    expect((err as Error).message).toContain(`${join(dir, 'locked2')} is encrypted`);
    expect((err as Error).message).toContain('ssh-add');
  });
});
