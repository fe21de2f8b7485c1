// The per-run resolver: ssh -G once per host (twice only when a Match host/exec could see the address), cached;
// a config error names the host and ssh's file:line.
import { chmodSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConnectError } from '../../../src/transport/errors.js';
import { findSshBinary } from '../../../src/transport/ssh-g.js';
import { SshResolver } from '../../../src/transport/ssh-resolver.js';
import { tempDir } from '../../support/temp-dir.js';

const ssh = findSshBinary({ PATH: process.env.PATH ?? '' });
const required = process.env.PROVISION_LAB_REQUIRED === '1';
const dir = tempDir('provision-resolver-');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The real ssh behind a wrapper that logs each call's destination. */
function countingSsh(name: string): { bin: string; calls: () => string[] } {
  const log = join(dir, `${name}.log`);
  const bin = join(dir, `${name}-ssh`);
  writeFileSync(log, '');
  writeFileSync(bin, `#!/bin/sh\nfor a; do last="$a"; done\necho "$last $*" >> ${log}\nexec ${ssh} "$@"\n`);
  chmodSync(bin, 0o755);
  return { bin, calls: () => readFileSync(log, 'utf8').split('\n').filter(Boolean) };
}

describe.skipIf(!ssh && !required)('SshResolver with ssh -G', () => {
  it('one ssh -G per host, cached for the run; the address fills in a missing HostName without a second call', async () => {
    const conf = join(dir, 'plain.conf');
    writeFileSync(conf, 'Host k8s-*\n  User pi\nHost named\n  HostName 10.0.0.9\n');
    const fake = countingSsh('plain');
    const r = new SshResolver({ configFile: conf, sshBinary: fake.bin, env: { PATH: process.env.PATH }, cacheDir: null });
    const targets = [
      { name: 'k8s-a', address: '10.4.0.11' },
      { name: 'k8s-b', address: '10.4.0.12' },
      { name: 'named', address: '10.4.0.13' },
    ];
    r.prefetch(targets);
    const got = await Promise.all(targets.map((t) => r.resolve(t)));
    expect(got.map((s) => [s.hostname, s.user])).toEqual([
      ['10.4.0.11', 'pi'],
      ['10.4.0.12', 'pi'],
      ['10.0.0.9', got[2]!.user],
    ]);
    expect(got[0]!.resolver).toBe('ssh -G');
    await r.resolve(targets[0]!);
    expect(fake.calls().map((c) => c.split(' ')[0]).sort()).toEqual(['k8s-a', 'k8s-b', 'named']);
    expect(fake.calls().join('\n')).not.toContain('HostName=');
  });

  it('a Match host line sees the address: then ssh -G runs again with -o HostName=ADDRESS', async () => {
    const conf = join(dir, 'match.conf');
    writeFileSync(conf, 'Match host 10.4.0.*\n  Port 2222\n');
    const fake = countingSsh('match');
    const s = await new SshResolver({ configFile: conf, sshBinary: fake.bin, env: { PATH: process.env.PATH }, cacheDir: null }).resolve({ name: 'k8s-a', address: '10.4.0.11' });
    expect([s.hostname, s.port]).toEqual(['10.4.0.11', 2222]);
    expect(fake.calls()).toHaveLength(2);
    expect(fake.calls()[1]).toContain('HostName=10.4.0.11');
  });

  it("a broken config is a ConnectError naming the host and ssh's file and line", async () => {
    const conf = join(dir, 'broken.conf');
    writeFileSync(conf, 'Host *\n  Port banana\n');
    const err = await new SshResolver({ configFile: conf, env: { PATH: process.env.PATH } }).resolve({ name: 'k8s-a', address: '10.4.0.11' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectError);
    expect((err as Error).message).toMatch(/^k8s-a: ssh -G k8s-a failed: .*broken\.conf line 2/);
  });

  it('the inventory values reach ssh as command-line options and win over the config', async () => {
    const conf = join(dir, 'override.conf');
    writeFileSync(conf, 'Host *\n  User cfg\n  Port 2200\n  StrictHostKeyChecking yes\n  IdentityFile /keys/cfg\n');
    const s = await new SshResolver({ configFile: conf, env: { PATH: process.env.PATH } }).resolve({
      name: 'k8s-a', address: '10.4.0.11', user: 'inv', port: 2201, hostKeys: 'off', identityFile: '/keys/inv key',
    });
    expect([s.user, s.port, s.hostKeyPolicy, s.identityFiles]).toEqual(['inv', 2201, 'off', ['/keys/inv key', '/keys/cfg']]);
  });
});
