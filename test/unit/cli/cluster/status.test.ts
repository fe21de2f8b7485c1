// provision status from recorded probe outputs: healthy, a stopped kubelet, an unreachable host, expiring certificates;
// and the upgrade's decisions made from the same view (refused when unhealthy or skipping a minor, planned otherwise).
import { describe, expect, it } from 'vitest';
import { collectStatus, formatStatus, type HostOutput } from '../../../../src/cli/cluster/status-results.js';
import { renderStatusScript } from '../../../../src/cli/cluster/status-script.js';
import { nodeSettled } from '../../../../src/cli/cluster/node-settled.js';
import { setClusterKubernetes } from '../../../../src/cli/cluster/inventory-version.js';
import { decideUpgrade } from '../../../../src/cli/upgrade.js';
import { parseKubeVersion } from '../../../../src/cluster/version.js';
import { homelab } from '../../cluster/fixtures.js';

const inv = homelab();
const NOW = new Date('2026-12-01T00:00:00Z');
const b64 = (s: string) => Buffer.from(s).toString('base64');
const certs = (date: string) => `CERTIFICATE                EXPIRES                  RESIDUAL TIME   CERTIFICATE AUTHORITY   EXTERNALLY MANAGED
admin.conf                 ${date}   364d            ca                      no
apiserver                  ${date}   364d            ca                      no

CERTIFICATE AUTHORITY   EXPIRES                  RESIDUAL TIME   EXTERNALLY MANAGED
ca                      Nov 29, 2036 23:40 UTC   9y              no
`;
const apiNode = (name: string, ready = true, version = 'v1.32.3', unschedulable = false) => ({
  metadata: { name }, spec: unschedulable ? { unschedulable } : {},
  status: { conditions: [{ type: 'Ready', status: ready ? 'True' : 'False', message: ready ? 'ok' : 'cni plugin not initialized' }], nodeInfo: { kubeletVersion: version } },
});
function node(o: { kubelet?: string; active?: string; extra?: string[] } = {}): string {
  const v = o.kubelet ?? '1.32.3-1.1';
  return [
    'K\tendpoint\tok', `K\tkubeadm\t${v}`, `K\tkubelet\t${v}`, `K\tkubectl\t${v}`, 'K\theld\tkubeadm kubectl kubelet ',
    `K\tkubelet-active\t${o.active ?? 'active'}`, 'K\trepo\tdeb [signed-by=/etc/apt/keyrings/kubernetes-apt-keyring.asc] https://pkgs.k8s.io/core:/stable:/v1.32/deb/ /', 'K\tjoined\tyes',
    ...(o.extra ?? []),
  ].join('\n');
}
function cp(o: { certDate?: string; nodes?: unknown[]; etcd?: string } = {}): string {
  const pods = { items: [{ metadata: { name: 'etcd-k8s-cp-01' }, spec: { nodeName: 'k8s-cp-01' }, status: { phase: o.etcd ?? 'Running' } }] };
  return node({
    extra: [
      'K\tmanifest-kube-apiserver\tv1.32.3', 'K\tmanifest-etcd\tv1.32.3', 'K\tvip\tyes',
      `B\tcerts\t${b64(certs(o.certDate ?? 'Dec 01, 2027 23:40 UTC'))}`,
      `B\tnodes\t${b64(JSON.stringify({ items: o.nodes ?? [apiNode('k8s-cp-01'), apiNode('k8s-worker-01')] }))}`,
      `B\tpods\t${b64(JSON.stringify(pods))}`,
      `B\tversion\t${b64('Client Version: v1.32.3\nKustomize Version: v5.5.0\nServer Version: v1.32.3\n')}`,
    ],
  });
}
const outputs = (o: { cp?: string; worker?: string | Error } = {}): HostOutput[] => [
  { host: 'k8s-cp-01', stdout: o.cp ?? cp() },
  o.worker instanceof Error ? { host: 'k8s-worker-01', error: o.worker.message } : { host: 'k8s-worker-01', stdout: o.worker ?? node() },
];

describe('collectStatus', () => {
  it('a converged cluster is healthy: versions, etcd, VIP leader, certificate expiry', () => {
    const r = collectStatus(inv, outputs(), NOW);
    expect(r.problems).toEqual([]);
    expect(r.ok).toBe(true);
    expect(r.serverVersion).toBe('v1.32.3');
    expect(r.etcdMembers).toEqual(['k8s-cp-01']);
    expect(r.endpoint.health).toBe('answers from 2/2 hosts; kube-vip leader k8s-cp-01');
    const c = r.nodes[0]!;
    expect(c).toMatchObject({ ready: true, kubeletVersion: 'v1.32.3', packages: { kubelet: '1.32.3-1.1' }, staticPods: { 'kube-apiserver': 'v1.32.3' } });
    expect(c.certs!.earliest.name).toBe('admin.conf');
    expect(c.certs!.daysLeft).toBe(365);
    expect(formatStatus(r)).toMatch(/status: healthy$/);
  });
  it('a stopped kubelet makes it unhealthy and names the node', () => {
    const r = collectStatus(inv, outputs({ worker: node({ active: 'inactive' }) }), NOW);
    expect(r.ok).toBe(false);
    expect(r.problems).toEqual(['k8s-worker-01: kubelet is inactive (systemctl is-active kubelet)']);
    expect(formatStatus(r)).toMatch(/problems:\n {2}k8s-worker-01: kubelet is inactive/);
  });
  it('an unreachable host, a NotReady node and a missing etcd member are problems', () => {
    const r = collectStatus(inv, outputs({ cp: cp({ nodes: [apiNode('k8s-cp-01', false)], etcd: 'Pending' }), worker: new Error('connect ECONNREFUSED') }), NOW);
    expect(r.problems).toEqual([
      'k8s-cp-01: NotReady: cni plugin not initialized',
      'k8s-cp-01: etcd member etcd-k8s-cp-01 is Pending',
      'k8s-worker-01: unreachable: connect ECONNREFUSED',
      'k8s-worker-01: not listed by kubectl get nodes',
    ]);
  });
  it('certificates within 30 days are a warning; expired ones a problem', () => {
    const soon = collectStatus(inv, outputs({ cp: cp({ certDate: 'Dec 20, 2026 00:00 UTC' }) }), NOW);
    expect(soon.ok).toBe(true);
    expect(soon.warnings.join('\n')).toMatch(/k8s-cp-01: certificates expire within 30 days: admin.conf 2026-12-20, apiserver 2026-12-20; run 'provision certs renew/);
    const gone = collectStatus(inv, outputs({ cp: cp({ certDate: 'Nov 20, 2026 00:00 UTC' }) }), NOW);
    expect(gone.problems).toEqual(['k8s-cp-01: certificate admin.conf expired 2026-11-20']);
  });
  it('unreadable certificate output is a problem, not silence', () => {
    const r = collectStatus(inv, outputs({ cp: cp().replace(/B\tcerts\t\S+/, `B\tcerts\t${b64('kubeadm: command not found')}`) }), NOW);
    expect(r.problems[0]).toMatch(/k8s-cp-01: certificates not read: .*kubeadm: command not found/);
  });
});

describe('renderStatusScript', () => {
  it('reads certificates and static pods only on control planes, the API only on the first', () => {
    const c = renderStatusScript(inv, inv.hosts[0]!);
    const w = renderStatusScript(inv, inv.hosts[1]!);
    expect(c).toContain('kubeadm certs check-expiration');
    expect(c).toContain("get nodes -o json");
    expect(w).not.toContain('kubeadm certs');
    expect(w).not.toContain('get nodes');
    expect(w).toContain("dpkg-query -W -f='${Version}' kubelet");
  });
});

describe('decideUpgrade', () => {
  it('refuses an unhealthy cluster before anything changes, naming the node', () => {
    const d = decideUpgrade(inv, collectStatus(inv, outputs({ worker: node({ active: 'failed' }) }), NOW), parseKubeVersion('1.33'), { maxUnavailable: 1 });
    expect(d.plan).toBeUndefined();
    expect(d.refusals).toEqual(['the cluster is not healthy: k8s-worker-01: kubelet is failed (systemctl is-active kubelet)']);
  });
  it('refuses 1.32 → 1.34', () => {
    const d = decideUpgrade(inv, collectStatus(inv, outputs(), NOW), parseKubeVersion('1.34'), { maxUnavailable: 1 });
    expect(d.refusals.join('\n')).toMatch(/one minor at a time/);
  });
  it('plans 1.32 → 1.33 with the repository moved', () => {
    const d = decideUpgrade(inv, collectStatus(inv, outputs(), NOW), parseKubeVersion('1.33'), { maxUnavailable: 1 });
    expect(d.refusals).toEqual([]);
    expect(d.repo!.url).toBe('https://pkgs.k8s.io/core:/stable:/v1.33/deb/');
    expect(d.plan!.controlPlanes.map((n) => n.name)).toEqual(['k8s-cp-01']);
    expect(d.plan!.workerBatches).toHaveLength(1);
  });
  it('refuses a mirror URL with no minor unless --packages-url names the new one', () => {
    const mirrored = { ...inv, cluster: { ...inv.cluster, packages: { url: 'http://mirror.lan/k8s/' } } };
    const r = collectStatus(mirrored, outputs(), NOW);
    expect(decideUpgrade(mirrored, r, parseKubeVersion('1.33'), { maxUnavailable: 1 }).refusals.join()).toMatch(/names no minor.*--packages-url/);
    expect(decideUpgrade(mirrored, r, parseKubeVersion('1.33'), { maxUnavailable: 1, packagesUrl: 'http://mirror.lan/k8s-133' }).repo!.url).toBe('http://mirror.lan/k8s-133/');
  });
});

describe('nodeSettled and setClusterKubernetes', () => {
  it('a node is back when Ready with the new kubelet (cordoned or not: uncordon comes after)', () => {
    expect(nodeSettled(JSON.stringify(apiNode('w', true, 'v1.33.3')), 33).ok).toBe(true);
    expect(nodeSettled(JSON.stringify(apiNode('w', true, 'v1.32.3')), 33).why).toMatch(/not 1\.33/);
    expect(nodeSettled(JSON.stringify(apiNode('w', true, 'v1.33.3', true)), 33).ok).toBe(true);
    expect(nodeSettled(JSON.stringify(apiNode('w', false, 'v1.33.3')), 33).why).toMatch(/^NotReady/);
    expect(nodeSettled('error: connection refused', 33).ok).toBe(false);
  });
  it('rewrites only the value of cluster.kubernetes', () => {
    const text = 'cluster:\n  name: homelab\n  kubernetes: "1.32"        # quoted\n  domain: home.arpa\n';
    expect(setClusterKubernetes(text, '1.33')).toBe('cluster:\n  name: homelab\n  kubernetes: "1.33"        # quoted\n  domain: home.arpa\n');
    expect(setClusterKubernetes('cluster:\n  kubernetes: 1.32\n', '1.33')).toBe('cluster:\n  kubernetes: "1.33"\n');
    expect(() => setClusterKubernetes('cluster:\n  name: x\n', '1.33')).toThrow(/not found/);
  });
});
