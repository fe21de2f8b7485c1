// Every module by name, in two groups: generic building blocks and the cluster's own. Static, so the bundle
// splits each module into a chunk loaded on first use (no directory scans), and a new module is one line here.
import type { Module, Provider } from '../core/types.js';

/** What a module file exports: the Module as default, and the providers its steps may use. */
export interface ModuleFile {
  default: Module;
  providers?: Provider[];
}

export type ModuleGroup = 'generic' | 'cluster';

export interface RegistryEntry {
  group: ModuleGroup;
  load(): Promise<ModuleFile>;
}

export const MODULES: Readonly<Record<string, RegistryEntry>> = {
  // generic: one thing on one host, nothing about Kubernetes (docs/modules.md)
  block: { group: 'generic', load: () => import('./generic/block.js') },
  command: { group: 'generic', load: () => import('./generic/command.js') },
  'dpkg-resume': { group: 'generic', load: () => import('./generic/dpkg-resume.js') },
  file: { group: 'generic', load: () => import('./generic/file.js') },
  'kernel-module': { group: 'generic', load: () => import('./generic/kernel-module.js') },
  line: { group: 'generic', load: () => import('./generic/line.js') },
  package: { group: 'generic', load: () => import('./generic/package.js') },
  route: { group: 'generic', load: () => import('./generic/route.js') },
  service: { group: 'generic', load: () => import('./generic/service.js') },
  sysctl: { group: 'generic', load: () => import('./generic/sysctl.js') },
  // cluster: read the inventory's cluster model (src/cluster) (docs/host-setup.md, docs/kubernetes.md)
  addons: { group: 'cluster', load: () => import('./cluster/addons.js') },
  containerd: { group: 'cluster', load: () => import('./cluster/containerd.js') },
  firewall: { group: 'cluster', load: () => import('./cluster/firewall.js') },
  haproxy: { group: 'cluster', load: () => import('./cluster/haproxy.js') },
  'hosts-file': { group: 'cluster', load: () => import('./cluster/hosts-file.js') },
  'k8s-prereqs': { group: 'cluster', load: () => import('./cluster/k8s-prereqs.js') },
  'kube-packages': { group: 'cluster', load: () => import('./cluster/kube-packages.js') },
  'kube-vip': { group: 'cluster', load: () => import('./cluster/kube-vip.js') },
  'kubeadm-init': { group: 'cluster', load: () => import('./cluster/kubeadm-init.js') },
  'kubeadm-join': { group: 'cluster', load: () => import('./cluster/kubeadm-join.js') },
  kubeconfig: { group: 'cluster', load: () => import('./cluster/kubeconfig.js') },
  'metallb-route': { group: 'cluster', load: () => import('./cluster/metallb-route.js') },
  'rpi-cgroups': { group: 'cluster', load: () => import('./cluster/rpi-cgroups.js') },
  'time-sync': { group: 'cluster', load: () => import('./cluster/time-sync.js') },
};

/** The names of one group (or all), sorted. */
export function moduleNames(group?: ModuleGroup): string[] {
  return Object.keys(MODULES)
    .filter((n) => !group || MODULES[n]!.group === group)
    .sort();
}
