// The fallback parser (no ssh binary) against OpenSSH's own ssh -G, on the same fixtures as `provision ssh-config`.
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findSshBinary } from '../../../src/transport/ssh-g.js';
import { SshResolver } from '../../../src/transport/ssh-resolver.js';
import { canRelative, loadFixtures, materialise, openSshSays, pick } from './ssh-fixtures.js';
import { tempDir } from '../../support/temp-dir.js';

const hasSsh = findSshBinary({ PATH: process.env.PATH ?? '' }) !== undefined;
const required = process.env.PROVISION_LAB_REQUIRED === '1';
const dir = tempDir('provision-builtin-');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const fixtures = loadFixtures();
const covered = fixtures.filter((f) => f.builtin);

describe.skipIf(!hasSsh && !required)('built-in ssh_config parser vs ssh -G', () => {
  it('covers most fixtures (the rest are listed in docs/ssh.md)', () => {
    expect(covered.length).toBeGreaterThanOrEqual(fixtures.length - 5);
  });

  it.concurrent.each(covered.map((f) => [f.name, f] as const))('%s', async (name, fx) => {
    if (name.includes('relative') && !canRelative) return;
    const { conf } = materialise(fx, join(dir, name));
    const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', ...fx.env };
    const resolver = new SshResolver({ configFile: conf, env, sshBinary: null });
    const inv = fx.inventory ? (JSON.parse(fx.inventory.replace(/(\w+):/g, '"$1":').replace(/: ([\w/.-]+)/g, ': "$1"')) as Record<string, string>) : {};
    const ours = await resolver.resolve({ name: fx.host, address: fx.address, ...inv, ...(inv.port ? { port: Number(inv.port) } : {}) } as never);
    expect(pick(ours.options)).toEqual(pick(await openSshSays(fx, conf, env)));
  }, 120_000);
});

describe('built-in parser: each config file split once per text', () => {
  const resolveIn = (conf: string, name: string) => new SshResolver({ configFile: conf, env: { PATH: '/usr/bin:/bin' }, sshBinary: null, cacheDir: null }).resolve({ name, address: '10.4.0.11' });

  it('an edit between two lookups in one process is seen at once, even of the same size within the same clock tick', async () => {
    const conf = join(dir, 'edited.conf');
    writeFileSync(conf, 'Host node-1\n  User aa\nHost node-2\n  User cc\n');
    expect((await resolveIn(conf, 'node-1')).options.user).toEqual(['aa']);
    expect((await resolveIn(conf, 'node-2')).options.user).toEqual(['cc']);
    writeFileSync(conf, 'Host node-1\n  User bb\nHost node-2\n  User cc\n');
    expect((await resolveIn(conf, 'node-1')).options.user).toEqual(['bb']);
  });

  it('a line it cannot split fails every lookup that reads it, naming file:line', async () => {
    const conf = join(dir, 'broken.conf');
    writeFileSync(conf, 'Host node-1\n  User aa\n  ProxyCommand "nc %h\n');
    await expect(resolveIn(conf, 'node-1')).rejects.toThrow(`${conf}:3: unbalanced quote`);
    await expect(resolveIn(conf, 'node-2')).rejects.toThrow(`${conf}:3: unbalanced quote`);
  });
});
