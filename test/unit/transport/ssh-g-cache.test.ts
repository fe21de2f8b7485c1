// ssh -G's answers kept between runs: a second run starts no ssh -G, and anything ssh -G reads (an included file, a
// new file an Include glob finds, a ${VAR} the config names, the ssh program) makes it ask again. Real OpenSSH.
import { chmodSync, mkdirSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findSshBinary } from '../../../src/transport/ssh-g.js';
import { SshResolver } from '../../../src/transport/ssh-resolver.js';
import { tempDir } from '../../support/temp-dir.js';

const ssh = findSshBinary({ PATH: process.env.PATH ?? '' });
const required = process.env.PROVISION_LAB_REQUIRED === '1';
const dir = tempDir('provision-ssh-g-cache-');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A fresh world: its own config dir, cache dir and counting wrapper around the real ssh. */
function world(name: string) {
  const root = join(dir, name);
  mkdirSync(join(root, 'conf.d'), { recursive: true });
  const log = join(root, 'calls.log');
  const bin = join(root, 'ssh');
  writeFileSync(log, '');
  writeFileSync(bin, `#!/bin/sh\necho call >> ${log}\nexec ${ssh} "$@"\n`);
  chmodSync(bin, 0o755);
  const conf = join(root, 'config');
  const cacheDir = join(root, 'cache');
  const calls = () => readFileSync(log, 'utf8').split('\n').filter(Boolean).length;
  /** One run: a new resolver (as each `provision` process makes), resolving one host. */
  const run = async (env: NodeJS.ProcessEnv = {}) =>
    (await new SshResolver({ configFile: conf, sshBinary: bin, env: { PATH: process.env.PATH, ...env }, cacheDir }).resolve({ name: 'node-1', address: '10.4.0.11' })).options;
  return { root, conf, bin, cacheDir, calls, run };
}

describe.skipIf(!ssh && !required)('ssh -G answers kept between runs', () => {
  it('a second run asks ssh nothing and gets the same answer; an edit to an included file makes it ask again', async () => {
    const w = world('include');
    writeFileSync(w.conf, `Include ${w.root}/conf.d/*.conf\nHost node-*\n  User pi\n`);
    writeFileSync(join(w.root, 'conf.d', 'a.conf'), 'Host node-1\n  Port 2201\n');
    const first = await w.run();
    expect(first.port).toEqual(['2201']);
    expect(w.calls()).toBe(1);
    expect(await w.run()).toEqual(first);
    expect(w.calls()).toBe(1);
    writeFileSync(join(w.root, 'conf.d', 'a.conf'), 'Host node-1\n  Port 2202\n');
    expect((await w.run()).port).toEqual(['2202']);
    expect(w.calls()).toBe(2);
  });

  it('a new file that an Include glob finds counts (it was not read before)', async () => {
    const w = world('glob');
    writeFileSync(w.conf, `Include ${w.root}/conf.d/*.conf\n`);
    expect((await w.run()).user).not.toEqual(['alice']);
    await w.run();
    expect(w.calls()).toBe(1);
    writeFileSync(join(w.root, 'conf.d', 'new.conf'), 'Host *\n  User alice\n');
    expect((await w.run()).user).toEqual(['alice']);
    expect(w.calls()).toBe(2);
  });

  it('a ${VAR} the config names is part of the key; other variables are not', async () => {
    const w = world('vars');
    writeFileSync(w.conf, 'Host *\n  IdentityFile ${KEYDIR}/id_ed25519\n');
    expect((await w.run({ KEYDIR: '/keys/a' })).identityfile).toEqual(['/keys/a/id_ed25519']);
    await w.run({ KEYDIR: '/keys/a', UNRELATED: 'x' });
    expect(w.calls()).toBe(1);
    expect((await w.run({ KEYDIR: '/keys/b' })).identityfile).toEqual(['/keys/b/id_ed25519']);
    expect(w.calls()).toBe(2);
  });

  it('a changed ssh program (its mtime) makes it ask again', async () => {
    const w = world('program');
    writeFileSync(w.conf, 'Host *\n  User pi\n');
    await w.run();
    const later = new Date(Date.now() + 60_000);
    utimesSync(w.bin, later, later);
    await w.run();
    expect(w.calls()).toBe(2);
  });

  it('Match exec and CanonicalizeHostname are never kept: ssh -G runs every time', async () => {
    for (const [name, text] of [
      ['exec', 'Match exec "true"\n  User pi\n'],
      ['canon', 'CanonicalizeHostname yes\nCanonicalDomains example.invalid\nCanonicalizeFallbackLocal yes\n'],
    ] as const) {
      const w = world(name);
      writeFileSync(w.conf, text);
      await w.run();
      const once = w.calls(); // (two for exec: a Match exec could see the address, so ssh -G is asked with it too)
      await w.run();
      expect(w.calls(), name).toBe(2 * once);
    }
  });

  it('a damaged cache file is asked again and replaced; cacheDir null keeps nothing', async () => {
    const w = world('damaged');
    writeFileSync(w.conf, 'Host *\n  User pi\n');
    const first = await w.run();
    const [file] = readdirSync(w.cacheDir);
    writeFileSync(join(w.cacheDir, file!), '{"user": "not a list"}');
    expect(await w.run()).toEqual(first);
    expect(w.calls()).toBe(2);
    expect(await w.run()).toEqual(first);
    expect(w.calls()).toBe(2);
    const none = new SshResolver({ configFile: w.conf, sshBinary: w.bin, env: { PATH: process.env.PATH }, cacheDir: null });
    await none.resolve({ name: 'node-1', address: '10.4.0.11' });
    expect(w.calls()).toBe(3);
  });
});
