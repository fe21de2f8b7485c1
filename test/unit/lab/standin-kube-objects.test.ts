// The lab API server's object logic against what provision really applies: the stand-in artifacts, then the
// rendered configuration stages of each seed. Kinds without a CRD are refused as kubectl reports it, nodes are
// Ready only with a CNI config reported by their kubelet, flannel's ConfigMap keeps upstream's keys under SSA.
import { readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { loadInventory } from '../../../src/inventory/load.js';
import { artifactTable } from '../../../src/modules/cluster/addons/artifacts.js';
import { addonBundle, withoutObjects } from '../../../src/modules/cluster/addons/bundle.js';
import { LAB_FLANNEL_CNI_NAME } from '../../../src/lab/standin-addons/flannel.js';
import { writeStandinAddons } from '../../../src/lab/standin-addons/write.js';
import { tempDir } from '../../support/temp-dir.js';

// The stand-in releases as `lab up` writes them.
const DIR = tempDir('standin-objects-');
writeStandinAddons(DIR);
afterAll(() => rmSync(DIR, { recursive: true, force: true }));
type Obj = { kind: string; apiVersion: string; metadata: { name: string; namespace?: string; annotations?: Record<string, string> }; spec?: any; data?: Record<string, string> };
type Result = { error?: string; action?: string; kind?: string; name?: string };
interface State { version: string; nodes: Array<{ name: string; address: string; controlPlane: boolean; joinedAt: number; cni?: string[] }>; objects?: Obj[] }
const lib = (await import(/* @vite-ignore */ new URL('../../../src/lab/assets/standins/lib/kube-objects.mjs', import.meta.url).href)) as {
  applyObjects(s: State, o: Obj[], opts?: { serverSide?: boolean; manager?: string; source?: string }): Result[];
  nodeList(s: State): { items: Array<{ metadata: { name: string }; status: { conditions: Array<{ type: string; status: string; message: string }> } }> };
  podList(s: State, ns?: string): { items: Array<{ metadata: { name: string }; spec: { nodeName?: string }; status: { phase: string } }> };
  condition(s: State, what: string, ns?: string): [boolean, string?];
  cniConfigs(s: State): Array<{ file: string; content: string }>;
};

const docs = (text: string): Obj[] => parseAllDocuments(text).map((d) => d.toJS()).filter(Boolean);
const fresh = (): State => ({ version: '1.32.0', nodes: [{ name: 'cp', address: '10.0.0.2', controlPlane: true, joinedAt: 0 }, { name: 'w', address: '10.0.0.3', controlPlane: false, joinedAt: 0 }] });
const ready = (s: State) => Object.fromEntries(lib.nodeList(s).items.map((n) => [n.metadata.name, n.status.conditions[0]!.status]));
/** What the kubelets do: write each install-cni config, then report the files. */
const kubelets = (s: State) => {
  const files = lib.cniConfigs(s).map((c) => c.file);
  for (const n of s.nodes) n.cni = files;
};

async function applyAddons(seed: string, s: State): Promise<Result[]> {
  const inv = (await loadInventory(resolve(import.meta.dirname, `../../../inventory/${seed}.yaml`))).inventory!;
  const b = addonBundle(inv, artifactTable({ PROVISION_ADDONS_TABLE: join(DIR, 'versions.json') }));
  const out: Result[] = [];
  for (const u of b.upstream) out.push(...lib.applyObjects(s, docs(withoutObjects(readFileSync(join(DIR, u.artifact.file), 'utf8'), u.exclude)), { serverSide: true, manager: 'provision-upstream' }));
  for (const st of b.stages) {
    for (const w of st.waits) {
      if (!lib.condition(s, w.what, w.namespace)[0]) kubelets(s); // what `kubectl wait` waits for: the CNI coming up
      expect(lib.condition(s, w.what, w.namespace), w.what).toEqual([true]);
    }
    out.push(...lib.applyObjects(s, st.objects as Obj[], { serverSide: true, manager: 'provision' }));
  }
  kubelets(s);
  return out;
}

describe('lab API server: kinds need their CRDs', () => {
  it('an Installation before Calico\'s CRDs is refused as kubectl says it', () => {
    const r = lib.applyObjects(fresh(), [{ apiVersion: 'operator.tigera.io/v1', kind: 'Installation', metadata: { name: 'default' } }], { source: '/x.yaml' });
    expect(r[0]!.error).toBe('error: resource mapping not found for name: "default" namespace: "" from "/x.yaml": no matches for kind "Installation" in version "operator.tigera.io/v1"\nensure CRDs are installed first');
  });

  it('projectcalico.org/v3 is served only once the APIServer object exists and a node is Ready', () => {
    const s = fresh();
    const bgp: Obj = { apiVersion: 'projectcalico.org/v3', kind: 'BGPPeer', metadata: { name: 'router' }, spec: { peerIP: '10.0.0.1', asNumber: 64512 } };
    expect(lib.applyObjects(s, [bgp])[0]!.error).toMatch(/no matches for kind "BGPPeer" in version "projectcalico.org\/v3"/);
  });

  it('MetalLB objects are refused until its controller (webhook) can run', () => {
    const s = fresh();
    lib.applyObjects(s, docs(readFileSync(join(DIR, 'metallb-metallb-native.yaml'), 'utf8')));
    const pool: Obj = { apiVersion: 'metallb.io/v1beta1', kind: 'IPAddressPool', metadata: { name: 'p', namespace: 'metallb-system' }, spec: { addresses: ['10.0.0.240/28'] } };
    expect(lib.applyObjects(s, [pool])[0]!.error).toMatch(/failed calling webhook/);
  });
});

describe.each(['homelab', 'goldentooth', 'flat-bgp'])('lab API server with %s\'s add-ons', (seed) => {
  it('every object is accepted in apply order, the CNI installs, nodes turn Ready, kube-system pods run', async () => {
    const s = fresh();
    expect(ready(s)).toEqual({ cp: 'False', w: 'False' });
    expect(lib.podList(s, 'kube-system').items.find((p) => p.metadata.name.startsWith('coredns'))!.status.phase).toBe('Pending');
    const r = await applyAddons(seed, s);
    expect(r.filter((x) => x.error)).toEqual([]);
    expect(ready(s)).toEqual({ cp: 'True', w: 'True' });
    expect(lib.podList(s, 'kube-system').items.every((p) => p.status.phase === 'Running')).toBe(true);
    // a re-apply of the same objects ends where it started (upstream's apply takes net-conf.json back for a moment,
    // provision's apply restores it, as real server-side apply with --force-conflicts does)
    const before = JSON.stringify(s.objects);
    expect((await applyAddons(seed, s)).filter((x) => x.error)).toEqual([]);
    expect(JSON.stringify(s.objects)).toBe(before);
  });
});

describe('server-side apply per field manager', () => {
  it('flannel: provision\'s net-conf.json replaces upstream\'s, upstream\'s cni-conf.json stays, and install-cni uses it', async () => {
    const s = fresh();
    await applyAddons('homelab', s);
    const cm = s.objects!.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'kube-flannel-cfg')!;
    expect(JSON.parse(cm.data!['net-conf.json']!).Network).toBe('10.244.0.0/16');
    expect(cm.data!['cni-conf.json']).toContain(LAB_FLANNEL_CNI_NAME);
    expect(lib.cniConfigs(s)).toEqual([{ file: '10-flannel.conflist', content: cm.data!['cni-conf.json'] }]);
  });

  it('flat-bgp: the operator\'s calico-node carries the pool, and no MetalLB speaker exists', async () => {
    const s = fresh();
    await applyAddons('flat-bgp', s);
    expect(lib.cniConfigs(s)[0]!.content).toContain('192.168.4.0/24');
    expect(s.objects!.some((o) => o.kind === 'DaemonSet' && o.metadata.name === 'speaker')).toBe(false);
    expect(s.objects!.find((o) => o.kind === 'BGPConfiguration')!.spec.serviceLoadBalancerIPs).toEqual([{ cidr: '192.168.6.0/24' }]);
  });

  it('no CNI: nodes stay NotReady with the kubelet\'s message', () => {
    const n = lib.nodeList(fresh()).items[0]!.status.conditions[0]!;
    expect(n).toMatchObject({ status: 'False', message: expect.stringContaining('NetworkPluginNotReady') });
  });
});
