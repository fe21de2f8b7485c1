// playbooks/host-setup.yaml loads cleanly against the real inventories and runs the right modules on the right roles.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadPlaybook } from '../../../../../src/playbook/load.js';
import { loadInventory } from '../../../../../src/inventory/load.js';
import { resolveTerms } from '../../../../../src/playbook/selector.js';
import { registryModuleSource, memoryModuleSource } from '../../../../../src/playbook/modules.js';
import hostsFile from '../../../../../src/modules/cluster/hosts-file.js';
import rpiCgroups from '../../../../../src/modules/cluster/rpi-cgroups.js';
import k8sPrereqs from '../../../../../src/modules/cluster/k8s-prereqs.js';
import containerd from '../../../../../src/modules/cluster/containerd.js';
import kubePackages from '../../../../../src/modules/cluster/kube-packages.js';
import metallbRoute from '../../../../../src/modules/cluster/metallb-route.js';
import firewall from '../../../../../src/modules/cluster/firewall.js';
import timeSync from '../../../../../src/modules/cluster/time-sync.js';
import dpkgResume from '../../../../../src/modules/generic/dpkg-resume.js';

// The same modules as the registry's, imported statically.
const ours = [dpkgResume, hostsFile, timeSync, rpiCgroups, k8sPrereqs, containerd, kubePackages, metallbRoute, firewall];
const modules = memoryModuleSource(ours);

const root = fileURLToPath(new URL('../../../../../', import.meta.url));

describe('playbooks/host-setup.yaml', () => {
  it('uses modules of the real (static) registry', () => {
    expect(registryModuleSource().names()).toEqual(expect.arrayContaining(ours.map((m) => m.name)));
  });
  it.each(['homelab', 'goldentooth', 'flat-bgp'])('loads against inventory/%s.yaml', async (name) => {
    const inventory = (await loadInventory(`${root}inventory/${name}.yaml`)).inventory!;
    expect(inventory).toBeDefined();
    const r = await loadPlaybook({ path: `${root}playbooks/host-setup.yaml`, inventory, modules });
    expect(r.findings.filter((f) => f.level === 'error')).toEqual([]);
    const plays = r.playbook!.plays.map((p) => ({ hosts: p.hosts, modules: p.tasks.map((t) => t.module.name) }));
    expect(plays).toEqual([
      { hosts: 'all', modules: ['dpkg-resume', 'hosts-file', 'time-sync'] },
      { hosts: 'control-plane, worker', modules: ['rpi-cgroups', 'k8s-prereqs', 'containerd', 'kube-packages', 'metallb-route'] },
      { hosts: 'all', modules: ['firewall'] },
    ]);
    // A pure lb host never gets the node prerequisites.
    const nodesPlay = r.playbook!.plays[1]!;
    const picked = resolveTerms(nodesPlay.selector, inventory).map((h) => h.role);
    expect(picked).not.toContain('lb');
  });
});
