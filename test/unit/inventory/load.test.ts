// The loader: normalisation into the Inventory contract, env overrides, the throwing entry point, hostile files, the real inventories.
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { UserError } from '../../../src/core/errors.js';
import { applyEnvOverrides, inventoryFromYaml, loadInventory, loadInventoryOrThrow } from '../../../src/inventory/load.js';
import { lintInventoryFile } from '../../../src/inventory/lint-file.js';
import { parseYamlText } from '../../../src/yaml/index.js';
import { fakeInventory } from '../../support/fake-inventory.js';
import { tempDir } from '../../support/temp-dir.js';

const REPO = join(import.meta.dirname, '../../..');
const tmp = tempDir('provision-inv-');
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const BASE = `cluster: { name: t, kubernetes: "1.32" }
network:
  nodes: 192.168.1.0/24
  gateway: 192.168.1.1
  pods: 10.244.0.0/16
  services: 10.96.0.0/12
  POOL
  api: { mode: kube-vip, address: 192.168.1.50 }
  cni: flannel
hosts:
  zeta: { address: 192.168.1.53, role: worker, mac: "AA:BB:CC:DD:EE:FF" }
  alpha: { address: 192.168.1.51, role: control-plane }
  "007x": { address: 192.168.1.52, role: worker }
`;
const load = (pool: string) => inventoryFromYaml(parseYamlText(BASE.replace('POOL', pool), 'inline.yaml'), {});

describe('normalisation', () => {
  it.each([
    { pool: 'metallb: { pool: 192.168.1.240-192.168.1.250 }', want: [{ first: '192.168.1.240', last: '192.168.1.250' }] },
    { pool: 'metallb: { pool: 192.168.1.240 - 192.168.1.250 }', want: [{ first: '192.168.1.240', last: '192.168.1.250' }] },
    { pool: 'metallb: { pool: 192.168.1.240/29 }', want: [{ first: '192.168.1.240', last: '192.168.1.247' }] },
    { pool: 'metallb: { pool: [192.168.1.240/30, 192.168.1.250, 192.168.1.60-192.168.1.61] }',
      want: [{ first: '192.168.1.240', last: '192.168.1.243' }, { first: '192.168.1.250', last: '192.168.1.250' }, { first: '192.168.1.60', last: '192.168.1.61' }] },
  ])('pool $pool', ({ pool, want }) => {
    const { inventory, findings } = load(pool);
    expect(findings).toEqual([]);
    expect(inventory!.network.metallb!.pool).toEqual(want);
  });

  it.each([
    { pool: 'metallb: { pool: 192.168.1.250-192.168.1.240 }', msg: /ends before it starts/ },
    { pool: 'metallb: { pool: [] }', msg: /pool/ },
    { pool: 'metallb: { pool: nonsense }', msg: /not a range, CIDR or address/ },
    { pool: 'metallb: { pool: 192.168.1.240/29, route: 10.0.0.1/8 }', msg: /host bits/ },
  ])('bad pool $pool', ({ pool, msg }) => {
    const { inventory, findings } = load(pool);
    expect(inventory).toBeUndefined();
    expect(findings.map((f) => f.message).join('\n')).toMatch(msg);
    expect(findings.every((f) => f.code === 'schema' && f.line === 7)).toBe(true);
  });

  it('keeps host file order, names, lower-cases MACs and fills defaults', () => {
    const { inventory } = load('metallb: { pool: 192.168.1.240/29, route: 192.168.1.240/29 }');
    expect(inventory!.hosts.map((h) => h.name)).toEqual(['zeta', 'alpha', '007x']);
    expect(inventory!.hosts[0]!.mac).toBe('aa:bb:cc:dd:ee:ff');
    expect(inventory!.network.api).toEqual({ mode: 'kube-vip', address: '192.168.1.50', port: 6443, name: 'k8s-api' });
    expect(inventory!.ssh).toEqual({});
    expect(inventory!.network.metallb!.route).toEqual(['192.168.1.240/29']);
    expect(inventory!.file).toBe('inline.yaml');
  });
});

describe('env overrides', () => {
  it.each([
    { env: {}, want: undefined },
    { env: { PROVISION_PACKAGES_URL: 'http://10.9.0.1/k8s' }, want: { url: 'http://10.9.0.1/k8s' } },
    { env: { PROVISION_PACKAGES_URL: 'http://m/', PROVISION_PACKAGES_KEY: '/tmp/k.gpg' }, want: { url: 'http://m/', key: '/tmp/k.gpg' } },
  ])('$env', ({ env, want }) => {
    expect(applyEnvOverrides(fakeInventory(), env).cluster.packages).toEqual(want);
  });
  it('env wins over the file', () => {
    const inv = fakeInventory({ cluster: { name: 'h', kubernetes: '1.32', packages: { url: 'https://pkgs.k8s.io', key: 'k' } } });
    expect(applyEnvOverrides(inv, { PROVISION_PACKAGES_URL: 'http://lab/' }).cluster.packages).toEqual({ url: 'http://lab/', key: 'k' });
  });
});

describe('loadInventoryOrThrow', () => {
  const write = (name: string, text: string) => {
    const p = join(tmp, name);
    writeFileSync(p, text);
    return p;
  };
  it.each([
    { name: 'missing file', path: () => join(tmp, 'nope.yaml'), lint: false, msg: /no such file/ },
    { name: 'schema error', path: () => write('bad.yaml', BASE.replace('POOL', 'prods: 1')), lint: false, msg: /bad\.yaml:7:3: error schema: unknown key 'prods'/ },
    { name: 'plan error only with lint', path: () => write('plan.yaml', BASE.replace('POOL', 'dhcp: 192.168.1.50-192.168.1.60')), lint: true, msg: /dhcp-conflict/ },
  ])('$name', async ({ path, lint, msg }) => {
    const err = await loadInventoryOrThrow(path(), { lint }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).message).toMatch(msg);
    expect((err as UserError).exitCode).toBe(1);
  });
  it('returns the inventory when the plan lint is not asked for', async () => {
    const p = write('plan2.yaml', BASE.replace('POOL', 'dhcp: 192.168.1.50-192.168.1.60'));
    expect((await loadInventoryOrThrow(p)).hosts).toHaveLength(3);
  });
});

describe('hostile files are rejected with a clear yaml finding', () => {
  const bomb = () => {
    let s = 'cluster: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n';
    for (let i = 0; i < 9; i++) s += `k${i}: &${i === 8 ? 'z' : `b${i}`} [${Array(9).fill(i === 0 ? '*a' : `*b${i - 1}`).join(', ')}]\n`;
    return s;
  };
  it.each([
    { name: '1 MB of keys', text: () => Array.from({ length: 60_000 }, (_, i) => `k${i}: v${i}`).join('\n'), msg: /limit is \d+ bytes/ },
    { name: 'alias bomb', text: bomb, msg: /alias bomb/ },
    { name: 'deep nesting', text: () => `hosts: ${'['.repeat(200_000)}`, msg: /nesting deeper/ },
    { name: 'duplicate hosts', text: () => BASE.replace('POOL', '').replace('alpha:', 'zeta:'), msg: /unique/ },
    { name: 'not a mapping', text: () => '- a\n- b\n', msg: /must be a mapping/ },
  ])('$name', async ({ text, msg }) => {
    const p = join(tmp, 'hostile.yaml');
    writeFileSync(p, text());
    const { inventory, findings } = await loadInventory(p);
    expect(inventory).toBeUndefined();
    expect(findings.length).toBeGreaterThan(0);
    expect(findings[0]!.message).toMatch(msg);
  });
});

describe('the real inventories lint as their plans deserve', () => {
  it.each([
    { file: 'homelab.yaml', must: [], maxLevel: 'none' },
    { file: 'goldentooth.yaml', must: ['metallb-unrouted', 'asn-reserved', 'bgp-double-peering'], maxLevel: 'error' },
    { file: 'flat-bgp.yaml', must: ['bgp-ibgp'], maxLevel: 'warning' },
  ])('$file', async ({ file, must, maxLevel }) => {
    const findings = await lintInventoryFile(join(REPO, 'inventory', file));
    const codes = findings.map((f) => f.code);
    for (const c of must) expect(codes).toContain(c);
    if (maxLevel === 'none') expect(findings).toEqual([]);
    if (maxLevel === 'warning') expect(findings.filter((f) => f.level === 'error')).toEqual([]);
    const { inventory } = await loadInventory(join(REPO, 'inventory', file));
    expect(inventory).toBeDefined();
  });
});

describe('accepting lint codes knowingly', () => {
  const goldentooth = new URL('../../../inventory/goldentooth.yaml', import.meta.url).pathname;

  it('stops on network-plan errors unless every error code is accepted', async () => {
    const { loadInventoryOrThrow } = await import('../../../src/inventory/load.js');
    await expect(loadInventoryOrThrow(goldentooth, { lint: true })).rejects.toMatchObject({
      hint: 'fix the inventory, or proceed knowingly with --accept-lint metallb-unrouted',
    });
    await expect(loadInventoryOrThrow(goldentooth, { lint: true, acceptLint: ['asn-reserved'] })).rejects.toThrow(/metallb-unrouted/);
    const warned: string[] = [];
    const inv = await loadInventoryOrThrow(goldentooth, { lint: true, acceptLint: ['asn-reserved', 'metallb-unrouted'], warn: (l) => warned.push(l) });
    expect(inv.hosts).toHaveLength(13);
    expect(warned.join('\n')).toMatch(/warning metallb-unrouted: .*accepted with --accept-lint/);
    expect(warned.join('\n')).toMatch(/warning asn-reserved: AS 64500/);
  });
});
