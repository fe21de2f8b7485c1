// The key fetch runs for real: apt's own apt-helper fetches an armoured key from a loopback server; no curl, wget or gpg.
import { mkdir, mkdtemp, readFile, rm, stat, symlink } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APT_HELPER, fetchKeyScript } from '../../../../src/modules/cluster/host-setup/kube-apt.js';
import { requireProgram } from './programs.js';

const ARMOURED = '-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nmDMEZ0test\n-----END PGP PUBLIC KEY BLOCK-----\n';
const have = await requireProgram(APT_HELPER, 'apt');

describe.skipIf(!have)('kube-apt key fetch (real apt-helper)', () => {
  let server: Server;
  let base = '';
  let dir = '';
  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url === '/k8s/Release.key') res.end(ARMOURED);
      else if (req.url === '/k8s/binary.key') res.end(Buffer.from([0x99, 0x01, 0x0d, 0x04]));
      else { res.statusCode = 404; res.end(); }
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const addr = server.address();
    base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}/k8s`;
    dir = await mkdtemp(join(tmpdir(), 'provision-key-'));
  });
  afterAll(async () => {
    server.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('writes the armoured key as apt reads it (0644), with no curl, wget or gpg on PATH', async () => {
    const keyring = join(dir, 'keyrings', 'kubernetes-apt-keyring.asc');
    const script = fetchKeyScript({ key: `${base}/Release.key` }, keyring);
    // A PATH with only the coreutils the script uses: curl, wget and gpg cannot be found even if installed.
    const bin = join(dir, 'bin');
    await mkdir(bin);
    for (const tool of ['mkdir', 'mktemp', 'rm', 'id', 'chown', 'cat', 'grep', 'cp', 'chmod', 'mv', 'sh']) {
      const at = (await execa('sh', ['-c', `command -v ${tool}`])).stdout.trim();
      await symlink(at, join(bin, tool));
    }
    const r = await execa(join(bin, 'sh'), ['-c', script], { reject: false, env: { PATH: bin }, extendEnv: false });
    expect(r.stderr).not.toMatch(/curl|wget|gpg: /);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(await readFile(keyring, 'utf8')).toBe(ARMOURED);
    expect((await stat(keyring)).mode & 0o777).toBe(0o644);
    expect(script.split('\n').some((l) => /^\s*(curl|wget|gpg)\b/.test(l))).toBe(false);
  });

  it('a binary key is refused with the fix; a missing key names the URL', async () => {
    const keyring = join(dir, 'k2', 'key.asc');
    const bin = await execa('sh', ['-c', fetchKeyScript({ key: `${base}/binary.key` }, keyring)], { reject: false });
    expect(bin.exitCode).toBe(1);
    expect(bin.stderr).toMatch(/not ASCII-armoured; point cluster\.packages\.key at an armoured key/);
    const missing = await execa('sh', ['-c', fetchKeyScript({ key: `${base}/nope.key` }, keyring)], { reject: false });
    expect(missing.exitCode).toBe(1);
    expect(missing.stderr).toMatch(/could not fetch the Kubernetes apt key http:\/\/127\.0\.0\.1:\d+\/k8s\/nope\.key/);
  });
});
