// Every module file in one place: the registry loads them all with one import (one chunk of the bundle), as `up`
// uses nearly every one and each chunk costs the ES module loader a resolution, a read and a compile.

export * as block from './generic/block.js';
export * as command from './generic/command.js';
export * as dpkg_resume from './generic/dpkg-resume.js';
export * as file from './generic/file.js';
export * as kernel_module from './generic/kernel-module.js';
export * as line from './generic/line.js';
export * as package_ from './generic/package.js';
export * as route from './generic/route.js';
export * as service from './generic/service.js';
export * as sysctl from './generic/sysctl.js';
export * as addons from './cluster/addons.js';
export * as containerd from './cluster/containerd.js';
export * as firewall from './cluster/firewall.js';
export * as haproxy from './cluster/haproxy.js';
export * as hosts_file from './cluster/hosts-file.js';
export * as k8s_prereqs from './cluster/k8s-prereqs.js';
export * as kube_packages from './cluster/kube-packages.js';
export * as kube_vip from './cluster/kube-vip.js';
export * as kubeadm_init from './cluster/kubeadm-init.js';
export * as kubeadm_join from './cluster/kubeadm-join.js';
export * as kubeconfig from './cluster/kubeconfig.js';
export * as metallb_route from './cluster/metallb-route.js';
export * as rpi_cgroups from './cluster/rpi-cgroups.js';
export * as time_sync from './cluster/time-sync.js';
