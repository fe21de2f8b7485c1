// ProxyCommand: SSH over a local command's stdin/stdout, tokens expanded, the host key still checked; a failing command is named.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectError, HostKeyError } from '../../../src/transport/errors.js';
import { createConnector, type SshConnector } from '../../../src/transport/ssh-connector.js';
import { startTestServer, type TestServer } from './ssh-test-server.js';
import { ed25519Pair } from '../../support/ssh-keys.js';
import { tempDir } from '../../support/temp-dir.js';

const userKey = ed25519Pair();
const hostKey = ed25519Pair();
let dir = '';
let server: TestServer;
const connectors: SshConnector[] = [];

beforeAll(async () => {
  dir = tempDir('provision-proxycmd-');
  writeFileSync(join(dir, 'id'), userKey.private, { mode: 0o600 });
  // A tiny netcat: what `ssh -W %h:%p bastion` or `nc %h %p` does, without needing either here.
  writeFileSync(join(dir, 'pipe.cjs'), "const s = require('net').connect(Number(process.argv[3]), process.argv[2]); process.stdin.pipe(s); s.pipe(process.stdout); s.on('close', () => process.exit(0));\n");
  server = await startTestServer({ hostKey: hostKey.private, authorizedKeys: [userKey.public] });
});
afterAll(async () => {
  await Promise.all(connectors.map((c) => c.closeAll()));
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
});

function connect(proxy: string, policy: 'strict' | 'accept-new' = 'accept-new') {
  const file = join(dir, `config-${connectors.length}`);
  writeFileSync(
    file,
    `Host k8s-*\n  HostName 127.0.0.1\n  User tester\n  IdentityFile ${join(dir, 'id')}\n  IdentityAgent none\n  UserKnownHostsFile ${join(dir, 'known_hosts')}\n  GlobalKnownHostsFile /dev/null\n  ProxyCommand ${proxy}\n`,
  );
  const c = createConnector({ sshConfigPath: file, env: { PATH: process.env.PATH }, retries: 2, retryBaseDelayMs: 10, hostKeyPolicy: policy });
  connectors.push(c);
  return c.connectTarget({ name: 'k8s-node', address: '10.9.9.9', port: server.port });
}

describe('ProxyCommand', () => {
  it('speaks SSH over the command (tokens %h %p expanded) and pins the key under the real name', async () => {
    const s = await connect(`${process.execPath} ${join(dir, 'pipe.cjs')} %h %p`);
    expect((await s.exec({ argv: ['echo', 'via-proxy'] })).stdout).toBe('via-proxy\n');
    expect(readFileSync(join(dir, 'known_hosts'), 'utf8')).toMatch(new RegExp(`^\\[127\\.0\\.0\\.1\\]:${server.port} ssh-ed25519 `));
    // strict now accepts the pinned key through the proxy
    const again = await connect(`${process.execPath} ${join(dir, 'pipe.cjs')} %h %p`, 'strict');
    expect((await again.exec({ argv: ['true'] })).code).toBe(0);
  });

  it('the host key is still checked: a different key behind the proxy is refused', async () => {
    const other = await startTestServer({ hostKey: ed25519Pair().private, authorizedKeys: [userKey.public], port: 0 });
    try {
      const err = await connect(`${process.execPath} ${join(dir, 'pipe.cjs')} 127.0.0.1 ${other.port} # %h %p`, 'strict').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(HostKeyError);
      expect(other.stats.authenticated).toBe(0);
    } finally {
      await other.stop();
    }
  });

  it('a failing command is a ConnectError naming it, with its stderr', async () => {
    const err = await connect("sh -c 'echo no route to %h >&2; exit 3'").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectError);
    expect((err as Error).message).toMatch(/^k8s-node: ProxyCommand failed \(exit 3\): no route to 127\.0\.0\.1/);
  });
});
