// The bundled up/join playbooks load against the real inventories, and `join` narrows plays as documented.
import { describe, expect, it } from 'vitest';
import { bundledPlaybook } from '../../../src/cli/cluster/playbook-run.js';
import { alreadyJoinedGate, checkJoinTarget, narrowToNode } from '../../../src/cli/join.js';
import { loadInventoryOrThrow } from '../../../src/inventory/load.js';
import { loadPlaybook } from '../../../src/playbook/load.js';
import { viteModules } from '../../support/vite-modules.js';
import { selectHosts } from '../../../src/playbook/selector.js';

const inventories = ['inventory/homelab.yaml', 'inventory/goldentooth.yaml'];

const modules = viteModules;

describe('bundled playbooks', () => {
  it.each(inventories.flatMap((i) => ['up.yaml', 'join-worker.yaml', 'join-control-plane.yaml'].map((p) => ({ i, p }))))('$p loads for $i with the join providers', async ({ i, p }) => {
    const inventory = await loadInventoryOrThrow(i);
    const { playbook, findings } = await loadPlaybook({ path: bundledPlaybook(p), inventory, modules });
    expect(findings.filter((f) => f.level === 'error')).toEqual([]);
    expect([...playbook!.providers.keys()].sort()).toEqual(['kubeadm-cert-key', 'kubeadm-token']);
  });

  it.each(['inventory/homelab.yaml', 'inventory/goldentooth.yaml', 'inventory/flat-bgp.yaml'])('up.yaml selects every host of %s (up connects to all of them early)', async (i) => {
    const inventory = await loadInventoryOrThrow(i);
    const { playbook } = await loadPlaybook({ path: bundledPlaybook('up.yaml'), inventory, modules });
    const played = new Set(playbook!.plays.flatMap((p) => selectHosts(p.hosts, inventory).map((h) => h.name)));
    expect([...played].sort()).toEqual(inventory.hosts.map((h) => h.name).sort());
  });

  it('up.yaml orders the Kubernetes plays: endpoint, init, kube-vip back to admin.conf, CP joins serial 1, workers, CNI + kubeconfig', async () => {
    const inventory = await loadInventoryOrThrow('inventory/goldentooth.yaml');
    const { playbook } = await loadPlaybook({ path: bundledPlaybook('up.yaml'), inventory, modules });
    const k8s = playbook!.plays.filter((p) => p.tasks.some((t) => ['haproxy', 'kube-vip', 'kubeadm-init', 'kubeadm-join', 'addons', 'kubeconfig'].includes(t.module.name)));
    expect(k8s.map((p) => [p.tasks.map((t) => t.module.name).join('+'), selectHosts(p.hosts, inventory).map((h) => h.name).join(','), p.serial ?? '-'])).toEqual([
      ['package+haproxy', 'allyrion', '-'],
      ['kube-vip', 'bettley,cargyll,dalt', '-'],
      ['kubeadm-init', 'bettley', '-'],
      ['kube-vip', 'bettley', '-'],
      ['kubeadm-join', 'cargyll,dalt', 1],
      ['kubeadm-join', 'erenford,fenn,gardener,harlton,inchfield,jast,karstark,lipps,velaryon', '-'],
      ['addons+kubeconfig', 'bettley', '-'],
    ]);
  });

  it('join worker narrows every play to NAME except the hosts-file-only play', async () => {
    const inventory = await loadInventoryOrThrow('inventory/goldentooth.yaml');
    const { playbook } = await loadPlaybook({ path: bundledPlaybook('join-worker.yaml'), inventory, modules });
    const narrow = narrowToNode('fenn');
    const sel = playbook!.plays.map((p) => ({ modules: p.tasks.map((t) => t.module.name), hosts: narrow(p, selectHosts(p.hosts, inventory)).map((h) => h.name) }));
    for (const s of sel) {
      if (s.modules.every((m) => m === 'hosts-file')) expect(s.hosts).toHaveLength(13);
      else expect(s.hosts.every((h) => h === 'fenn')).toBe(true);
    }
    expect(sel.some((s) => s.modules.includes('kubeadm-join') && s.hosts.join() === 'fenn')).toBe(true);
  });
});

describe('checkJoinTarget', () => {
  it.each([
    { role: 'worker' as const, name: 'fenn', error: undefined },
    { role: 'control-plane' as const, name: 'cargyll', error: undefined },
    { role: 'worker' as const, name: 'nobody', error: /nobody is not in the inventory/ },
    { role: 'worker' as const, name: 'cargyll', error: /cargyll has role control-plane in the inventory, not worker/ },
    { role: 'control-plane' as const, name: 'bettley', error: /bettley is the first control plane/ },
  ])('$role $name', async ({ role, name, error }) => {
    const inventory = await loadInventoryOrThrow('inventory/goldentooth.yaml');
    if (error) expect(() => checkJoinTarget(inventory, role, name)).toThrow(error);
    else expect(checkJoinTarget(inventory, role, name).name).toBe(name);
  });
});

describe('join gate', () => {
  it('reads kubelet.conf on the target only, and stops before any change when it is joined or unreachable', async () => {
    const inventory = await loadInventoryOrThrow('inventory/goldentooth.yaml');
    const fenn = checkJoinTarget(inventory, 'worker', 'fenn');
    const other = inventory.hosts.find((h) => h.name === 'bettley')!;
    const gate = alreadyJoinedGate(fenn);
    expect(gate.probe(fenn).lines.join('\n')).toContain('/etc/kubernetes/kubelet.conf');
    expect(gate.probe(other).lines).toEqual([]);
    const answer = (body: string) => [{ host: other, sections: new Map([['join.kubelet', 'yes\n']]) }, { host: fenn, sections: new Map([['join.kubelet', body]]) }];
    expect(() => gate.check(answer(''))).not.toThrow();
    expect(() => gate.check(answer('yes\n'))).toThrow(/fenn is already joined/);
    expect(() => gate.check([{ host: fenn, error: 'connect fenn: connection refused', unreachable: true }])).toThrow(/cannot read fenn: connect fenn: connection refused/);
  });
});
