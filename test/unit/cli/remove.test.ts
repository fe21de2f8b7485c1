// remove, backup and restore refuse what they can before any connection: the last control plane, an lb host, a name not in
// the inventory, a restore without --yes or of a damaged backup.
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { cli } from './capture.js';
import { tempDir } from '../../support/temp-dir.js';

const connects = vi.hoisted(() => ({ count: 0 }));
vi.mock('../../../src/transport/index.js', async (importOriginal) => ({
  ...(await importOriginal<object>()),
  createConnector: () => {
    connects.count++;
    throw new Error('test: a connection was about to be made');
  },
}));

const ROOT = join(import.meta.dirname, '../../..');
const HOMELAB = join(ROOT, 'inventory/homelab.yaml');
const GOLDENTOOTH = join(ROOT, 'inventory/goldentooth.yaml');
const dir = tempDir('i17-cli-');
afterAll(() => rmSync(dir, { recursive: true, force: true }));
beforeEach(() => {
  connects.count = 0;
});

describe('provision remove: refusals before any connection', () => {
  it.each([
    [HOMELAB, 'k8s-cp-01', /k8s-cp-01 is the last control plane in the inventory/],
    [HOMELAB, 'nobody', /nobody is not in the inventory/],
    [GOLDENTOOTH, 'allyrion', /allyrion is an lb host, not a Kubernetes node/],
  ])('%s %s', async (inv, name, why) => {
    const r = await cli(['remove', name, '-i', inv, '--accept-lint', 'metallb-unrouted']);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/refused, nothing was changed/);
    expect(r.err).toMatch(why);
    expect(connects.count).toBe(0);
  });
  it('--json: the refusal as one object on stdout', async () => {
    const r = await cli(['remove', 'k8s-cp-01', '-i', HOMELAB, '--json']);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.out)).toMatchObject({ ok: false, node: 'k8s-cp-01' });
  });
  it('needs exactly one NAME', async () => {
    expect((await cli(['remove', '-i', HOMELAB])).code).toBe(64);
    expect((await cli(['remove', 'a', 'b', '-i', HOMELAB])).code).toBe(64);
  });
});

describe('provision restore: refusals before any connection', () => {
  it('without --yes', async () => {
    const r = await cli(['restore', join(dir, 'x.tar'), '-i', HOMELAB]);
    expect(r.code).toBe(64);
    expect(r.err).toMatch(/pass --yes/);
    expect(connects.count).toBe(0);
  });
  it('a backup that does not match its sha256', async () => {
    const f = join(dir, 'homelab-20261202T000000Z.tar');
    writeFileSync(f, 'changed', { mode: 0o600 });
    writeFileSync(`${f}.sha256`, `${'0'.repeat(64)}  homelab-20261202T000000Z.tar\n`, { mode: 0o600 });
    const r = await cli(['restore', f, '-i', HOMELAB, '--yes']);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/does not match its sha256/);
    expect(connects.count).toBe(0);
  });
});
