// reset's order and refusals: workers together, control planes one at a time with the first last, lb hosts after;
// no --yes is a usage error before any connection; the teardown script parses with sh -n and keeps the user's lines.
import { execa } from 'execa';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { resetOrder } from '../../../src/cli/reset.js';
import { renderTeardownScript } from '../../../src/cluster/host-setup-teardown.js';
import { goldentooth } from '../cluster/fixtures.js';
import { cli } from './capture.js';
import { tempDir } from '../../support/temp-dir.js';

const dir = tempDir('i17-reset-');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('provision reset', () => {
  it('orders workers, then each other control plane, the first last, then lb hosts', () => {
    expect(resetOrder(goldentooth()).map((b) => b.map((h) => h.name))).toEqual([['erenford', 'velaryon'], ['cargyll'], ['dalt'], ['bettley'], ['allyrion']]);
  });
  it('without --yes: usage error, nothing contacted', async () => {
    const r = await cli(['reset', '-i', join(import.meta.dirname, '../../../inventory/homelab.yaml')]);
    expect(r.code).toBe(64);
    expect(r.err).toMatch(/pass --yes/);
  });
  it('the teardown script parses with sh -n', async () => {
    const r = await execa('sh', ['-n', '-c', renderTeardownScript()], { reject: false });
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
  });
  it('its block removal (the same sed) drops only provision\'s marked lines', async () => {
    const sed = /sed ('[^']+')/.exec(renderTeardownScript())![1]!.slice(1, -1);
    const file = join(dir, 'hosts');
    writeFileSync(file, '127.0.0.1 localhost\n# BEGIN provision hosts\n10.0.0.1 a\n# END provision hosts\n10.9.9.9 mine\n');
    const r = await execa('sed', [sed, file]);
    expect(String(r.stdout)).toBe('127.0.0.1 localhost\n10.9.9.9 mine');
    expect(readFileSync(file, 'utf8')).toContain('BEGIN');
  });
});
