// `provision ssh-config NAME --json` equals OpenSSH's own `ssh -G` on every fixture config, for the keywords that matter.
import { existsSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { findSshBinary } from '../../../src/transport/ssh-g.js';
import { canRelative, loadFixtures, materialise, openSshSays, pick } from '../transport/ssh-fixtures.js';
import { tempDir } from '../../support/temp-dir.js';

const CLI = resolve(import.meta.dirname, '../../../dist/cli/main.js');
const hasSsh = findSshBinary({ PATH: process.env.PATH ?? '' }) !== undefined;
const required = process.env.PROVISION_LAB_REQUIRED === '1';
const dir = tempDir('provision-ssh-config-');
// A HOME of its own: nothing of this machine's ~/.ssh reaches provision (ssh itself reads the passwd home; -F keeps its config out).
const home = join(dir, 'home');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const fixtures = loadFixtures();

describe.skipIf(!hasSsh && !required)('provision ssh-config vs ssh -G', () => {
  it('has at least 40 fixture configs', () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(40);
    expect(hasSsh, 'ssh (openssh-client) is needed').toBe(true);
  });

  it.concurrent.each(fixtures.map((f) => [f.name, f] as const))('%s', async (name, fx) => {
    if (name.includes('relative') && !canRelative) return; // relative Include needs the passwd home's ~/.ssh
    if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first (npm test does)`);
    const { conf, inventory } = materialise(fx, join(dir, name));
    const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, ...fx.env };
    const [ours, theirs] = await Promise.all([
      execa(process.execPath, [CLI, 'ssh-config', fx.host, '-i', inventory, '--ssh-config', conf, '--json'], { env, extendEnv: false, reject: false }),
      openSshSays(fx, conf, env),
    ]);
    expect(ours.exitCode, String(ours.stderr)).toBe(0);
    expect(pick(JSON.parse(String(ours.stdout)) as Record<string, string | string[]>)).toEqual(pick(theirs));
  }, 120_000);
});
