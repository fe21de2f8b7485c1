// Every module by name, in two groups: generic building blocks and the cluster's own. The files are loaded together
// on first use, through all.ts (one chunk of the bundle: `up` uses nearly every module, and each chunk costs the ES
// module loader a resolution, a read and a compile); a new module is a line here and one there.
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

type AllModules = typeof import('./all.js');
const all = () => import('./all.js');
/** A registry entry whose file is all.ts's export `key` (the type checks that it exists). */
const entry = (group: ModuleGroup, key: keyof AllModules): RegistryEntry => ({ group, load: () => all().then((m) => m[key]) });

export const MODULES: Readonly<Record<string, RegistryEntry>> = {
  // generic: one thing on one host, nothing about Kubernetes (docs/modules.md)
  block: entry('generic', 'block'),
  command: entry('generic', 'command'),
  'dpkg-resume': entry('generic', 'dpkg_resume'),
  file: entry('generic', 'file'),
  'kernel-module': entry('generic', 'kernel_module'),
  line: entry('generic', 'line'),
  package: entry('generic', 'package_'),
  route: entry('generic', 'route'),
  service: entry('generic', 'service'),
  sysctl: entry('generic', 'sysctl'),
  // cluster: read the inventory's cluster model (src/cluster) (docs/host-setup.md, docs/kubernetes.md)
  addons: entry('cluster', 'addons'),
  containerd: entry('cluster', 'containerd'),
  firewall: entry('cluster', 'firewall'),
  haproxy: entry('cluster', 'haproxy'),
  'hosts-file': entry('cluster', 'hosts_file'),
  'k8s-prereqs': entry('cluster', 'k8s_prereqs'),
  'kube-packages': entry('cluster', 'kube_packages'),
  'kube-vip': entry('cluster', 'kube_vip'),
  'kubeadm-init': entry('cluster', 'kubeadm_init'),
  'kubeadm-join': entry('cluster', 'kubeadm_join'),
  kubeconfig: entry('cluster', 'kubeconfig'),
  'metallb-route': entry('cluster', 'metallb_route'),
  'rpi-cgroups': entry('cluster', 'rpi_cgroups'),
  'time-sync': entry('cluster', 'time_sync'),
};

/** The names of one group (or all), sorted. */
export function moduleNames(group?: ModuleGroup): string[] {
  return Object.keys(MODULES)
    .filter((n) => !group || MODULES[n]!.group === group)
    .sort();
}
