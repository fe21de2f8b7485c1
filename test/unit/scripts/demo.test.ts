// Issue 19 item 10: `npm run demo` as a user whose node root cannot see (nvm): it builds as that user, then re-runs
// itself through sudo with the user's PATH. sudo, npm and id are stand-ins that record what they were asked.
import { chmodSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../../support/temp-dir.js';

const DEMO = resolve(import.meta.dirname, '../../../scripts/demo.mjs');
const bin = tempDir('demo-bin-');
const log = join(bin, 'calls.log');
afterAll(() => rmSync(bin, { recursive: true, force: true }));

const stub = (name: string, body: string) => {
  writeFileSync(join(bin, name), `#!/bin/sh\necho "${name} $*" >> ${log}\n${body}\n`);
  chmodSync(join(bin, name), 0o755);
};

describe('scripts/demo.mjs (zx)', () => {
  it('as a user: builds as that user, then re-runs through sudo with the same PATH and the same node', async () => {
    stub('id', 'case "$1" in -u) echo 1000;; -g) echo 1000;; -un) echo alice;; esac');
    stub('npm', 'exit 0');
    stub('sudo', 'exit 0');
    stub('node', 'exit 0'); // the user's node, found only through this PATH
    const PATH = `${bin}:${dirname(process.execPath)}:/usr/bin:/bin`;
    const r = await execa(process.execPath, [DEMO], { env: { PATH, HOME: bin }, extendEnv: false, reject: false });
    expect(r.exitCode, r.stderr).toBe(0);
    const calls = readFileSync(log, 'utf8').split('\n').filter((l) => /^(npm|sudo) /.test(l));
    expect(calls[0]).toBe('npm run build --silent');
    expect(calls[1]).toMatch(new RegExp(`^sudo -- env PATH=${PATH.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} PROVISION_DEMO_BUILT=1 PROVISION_DEMO_OWNER=1000:1000 ${process.execPath.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} ${DEMO} inventory/homelab.yaml$`));
    expect(calls).toHaveLength(2);
  });
});

describe('scripts/test-notice.mjs (npm test)', () => {
  it('says whether the lab tests will run (minutes, as root) and how to run only the unit tests', async () => {
    const script = resolve(import.meta.dirname, '../../../scripts/test-notice.mjs');
    const pkg = JSON.parse(readFileSync(resolve(import.meta.dirname, '../../../package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts.test).toMatch(/^node scripts\/test-notice\.mjs && /);
    const r = await execa(process.execPath, [script]);
    expect(r.stderr).toContain('Only the unit tests: npm run test:unit');
    if (process.getuid?.() === 0) expect(r.stderr).toMatch(/as root\): the unit tests, then the lab tests \(.*several minutes\)/);
    else expect(r.stderr).toMatch(/the lab tests skip/);
  });
});
