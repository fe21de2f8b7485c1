// provision render for the three seeds: the files each host gets come from the modules' own plans, and the
// real programs accept them (haproxy -c, nft -c); the cluster folder holds the add-on objects, never upstream copies.
import { execa } from 'execa';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { loadInventory } from '../../../src/inventory/load.js';
import type { Inventory } from '../../../src/inventory/types.js';
import { loadPlaybook } from '../../../src/playbook/load.js';
import { viteModules as modules } from '../../support/vite-modules.js';
import { useArtifactPlaceholders } from '../../../src/modules/cluster/addons/artifacts.js';
import { renderPlan, type RenderResult } from '../../../src/render/render-plan.js';
import { readFactsFile } from '../../../src/render/assumed-facts.js';
import { tempDir } from '../../support/temp-dir.js';

const ROOT = resolve(import.meta.dirname, '../../..');

const tmp = tempDir('i14-render-');
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function render(name: string, facts?: Map<string, never>): Promise<{ inv: Inventory; r: RenderResult }> {
  const loaded = await loadInventory(join(ROOT, 'inventory', `${name}.yaml`));
  const inv = loaded.inventory!;
  const pb = await loadPlaybook({ path: join(ROOT, 'playbooks', 'up.yaml'), inventory: inv, modules });
  useArtifactPlaceholders();
  try {
    return { inv, r: renderPlan(inv, pb.playbook!, facts) };
  } finally {
    useArtifactPlaceholders(false);
  }
}
const file = (r: RenderResult, host: string, path: string) => r.hosts.get(host)!.find((f) => f.path === path)?.content;
const paths = (r: RenderResult, host: string) => r.hosts.get(host)!.map((f) => f.path).sort();

/** A program CI installs: missing fails under PROVISION_LAB_REQUIRED=1, else the check is skipped. */
async function has(program: string): Promise<boolean> {
  const r = await execa('sh', ['-c', `command -v ${program}`], { reject: false });
  if (r.exitCode === 0) return true;
  if (process.env.PROVISION_LAB_REQUIRED === '1') throw new Error(`${program} is required (PROVISION_LAB_REQUIRED=1)`);
  return false;
}

function save(content: string, name: string): string {
  const p = join(tmp, name);
  mkdirSync(dirname(p), { recursive: true });
  writeFileSync(p, content);
  return p;
}

describe('render goldentooth', async () => {
  const { r } = await render('goldentooth');

  it('plans every task of every host without error', () => expect(r.errors).toEqual([]));

  it('allyrion gets haproxy.cfg that haproxy -c accepts, with every control plane as a backend', async () => {
    const cfg = file(r, 'allyrion', '/etc/haproxy/haproxy.cfg')!;
    for (const a of ['10.4.0.11:6443', '10.4.0.12:6443', '10.4.0.13:6443']) expect(cfg).toContain(a);
    if (await has('haproxy')) {
      const v = await execa('haproxy', ['-c', '-f', save(cfg, 'haproxy.cfg')], { reject: false });
      expect(v.exitCode, v.stderr).toBe(0);
    }
  });

  it('each node gets an nftables ruleset that nft -c accepts', async () => {
    const rules = file(r, 'bettley', '/etc/provision/firewall.candidate.nft')!;
    expect(rules).toContain('6443');
    if ((await has('nft')) && process.getuid?.() === 0) {
      const v = await execa('nft', ['-c', '-f', save(rules, 'bettley.nft')], { reject: false });
      expect(v.exitCode, v.stderr).toBe(0);
    }
  });

  it('the first control plane gets the kubeadm init config; workers a join template with placeholders, no secrets', () => {
    const init = parseAllDocuments(file(r, 'bettley', '/etc/kubernetes/provision/kubeadm-init.yaml')!).map((d) => d.toJS());
    expect(init.map((d) => d.kind)).toEqual(['InitConfiguration', 'ClusterConfiguration', 'KubeletConfiguration']);
    expect(init[1].networking).toEqual({ podSubnet: '192.168.0.0/16', serviceSubnet: '172.16.0.0/20' });
    expect(init[0].nodeRegistration.taints).toBeUndefined(); // workers exist: the control planes keep their taint
    expect(file(r, 'erenford', '/etc/kubernetes/provision/kubeadm-join.yaml')).toContain('{{kubeadm-token.token}}');
  });

  it('route persistence and containerd config on the nodes; add-on files only on the first control plane', () => {
    expect(paths(r, 'fenn')).toEqual(expect.arrayContaining(['/etc/containerd/config.toml', '/etc/network/if-up.d/provision-metallb-routes']));
    expect(file(r, 'fenn', '/etc/network/if-up.d/provision-metallb-routes')).toContain('10.4.11.0/24');
    expect(paths(r, 'bettley').filter((p) => p.includes('/addons/'))).toContain('/etc/kubernetes/provision/addons/apply.sh');
    expect(paths(r, 'cargyll').filter((p) => p.includes('/addons/'))).toEqual([]);
  });

  it('cluster/ holds the configuration objects and names the upstream artifacts by URL and sha256', () => {
    expect(r.cluster.map((f) => f.path)).toEqual(['addons/01-calico.yaml', 'addons/02-calico-bgp.yaml', 'addons/03-metallb.yaml', 'addons/upstream.txt']);
    const kinds = r.cluster.filter((f) => f.path.endsWith('.yaml')).flatMap((f) => parseAllDocuments(f.content).map((d) => d.toJS().kind));
    expect(kinds).toEqual(['Installation', 'APIServer', 'BGPConfiguration', 'BGPPeer', 'IPAddressPool', 'BGPPeer', 'BGPAdvertisement']);
    expect(r.cluster.find((f) => f.path === 'addons/upstream.txt')!.content).toMatch(/^calico v3\.30\.7 https:\/\/raw\.githubusercontent\.com\/projectcalico\/calico\/v3\.30\.7\/manifests\/operator-crds\.yaml sha256=[0-9a-f]{64}$/m);
    // the node's copy of an upstream manifest is a note, not the manifest
    expect(file(r, 'bettley', '/etc/kubernetes/provision/addons/upstream/01-calico-v3.30.7-operator-crds.yaml')).toMatch(/^# upstream artifact, not copied/);
  });
});

describe('render homelab and flat-bgp', () => {
  it('homelab: kube-vip on eth0 (assumed), flannel net-conf in cluster/', async () => {
    const { r } = await render('homelab');
    expect(r.errors).toEqual([]);
    expect(file(r, 'k8s-cp-01', '/etc/kubernetes/manifests/kube-vip.yaml')).toMatch(/value: eth0/);
    expect(r.cluster[0]!.content).toContain('"Network": "10.244.0.0/16"');
  });

  it('flat-bgp: one node, no taint, MetalLB without its speaker', async () => {
    const { r } = await render('flat-bgp');
    expect(r.errors).toEqual([]);
    const init = parseAllDocuments(file(r, 'k8s-vm-01', '/etc/kubernetes/provision/kubeadm-init.yaml')!).map((d) => d.toJS());
    expect(init[0].nodeRegistration.taints).toEqual([]);
    expect(r.cluster.find((f) => f.path === 'addons/upstream.txt')!.content).toContain('without DaemonSet/metallb-system/speaker');
  });

  it('--facts: the real interface from provision facts --json replaces the assumed eth0', async () => {
    const base = { hostname: 'k8s-cp-01', bootId: 'b', os: { id: 'debian', versionId: '12', prettyName: 'Debian', codename: 'bookworm' }, arch: 'arm64', kernel: '6.6', initSystem: 'systemd', networkStack: 'netplan', primaryInterface: 'end0', primaryAddress: '192.168.1.51', routes: [], board: 'raspberry-pi' };
    const facts = readFactsFile(save(JSON.stringify({ hosts: { 'k8s-cp-01': base, 'k8s-worker-01': { error: 'unreachable', unreachable: true } } }), 'facts.json'));
    const { r } = await render('homelab', facts as Map<string, never>);
    expect(file(r, 'k8s-cp-01', '/etc/kubernetes/manifests/kube-vip.yaml')).toMatch(/value: end0/);
    expect(() => readFactsFile(save('{"hosts":{"a":{"os":1}}}', 'bad.json'))).toThrow(/not 'provision facts --json' output/);
  });
});
