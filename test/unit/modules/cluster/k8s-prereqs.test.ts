// Data cases for k8s-prereqs: swap (live, fstab, dphys-swapfile, zram), kernel modules, sysctls.
import mod from '../../../../src/modules/cluster/k8s-prereqs.js';
import { runModuleCases } from '../harness.js';

const MODS = '# Managed by provision (k8s-prereqs): loaded at boot for containerd and kube-proxy.\noverlay\nbr_netfilter\n';
const SYSCTL = '# Managed by provision (k8s-prereqs): what kubelet and the CNI need.\nnet.ipv4.ip_forward = 1\nnet.bridge.bridge-nf-call-iptables = 1\nnet.bridge.bridge-nf-call-ip6tables = 1\n';
const LIVE_OK = 'module overlay\nmodule br_netfilter\nsysctl net.ipv4.ip_forward 1\nsysctl net.bridge.bridge-nf-call-iptables 1\nsysctl net.bridge.bridge-nf-call-ip6tables 1\n';
const LIVE_BARE = 'sysctl net.ipv4.ip_forward 0\nsysctl net.bridge.bridge-nf-call-iptables \nsysctl net.bridge.bridge-nf-call-ip6tables \n';
const FSTAB = 'PARTUUID=1-01 /boot/firmware vfat defaults 0 2\nPARTUUID=1-02 / ext4 defaults,noatime 0 1\n';
const done = { files: { '/etc/fstab': FSTAB, '/etc/modules-load.d/kubernetes.conf': MODS, '/etc/sysctl.d/99-kubernetes.conf': SYSCTL }, commands: { 'k8s-prereqs:live': LIVE_OK } };

runModuleCases(mod, [
  {
    name: 'bare Debian host with a swap partition',
    params: {},
    facts: { files: { '/etc/fstab': FSTAB + 'UUID=9 none swap sw 0 0\n' }, commands: { 'k8s-prereqs:swap': '/dev/sda3\n', 'k8s-prereqs:live': LIVE_BARE } },
    expect: {
      changes: [
        { action: 'run', summary: 'swapoff -a (active: /dev/sda3)', steps: [{ command: { argv: ['swapoff', '-a'] } }] },
        { action: 'update', steps: [{ kind: 'write', path: '/etc/fstab', content: FSTAB + '# provision (k8s-prereqs): swap disabled for kubelet: UUID=9 none swap sw 0 0\n' }] },
        { action: 'create', steps: [{ kind: 'write', path: '/etc/modules-load.d/kubernetes.conf', content: MODS }, { command: { argv: ['modprobe', 'overlay'] } }, { command: { argv: ['modprobe', 'br_netfilter'] } }] },
        { action: 'create', steps: [{ kind: 'write', path: '/etc/sysctl.d/99-kubernetes.conf', content: SYSCTL }, { command: { argv: ['sysctl', '-p', '/etc/sysctl.d/99-kubernetes.conf'] } }] },
      ],
    },
  },
  {
    name: 'converged host: one noop',
    params: {},
    facts: done,
    expect: { action: 'noop', summary: /no active swap; \/etc\/fstab has no swap entries; kernel modules overlay, br_netfilter loaded .*; sysctls .* persisted/ },
  },
  {
    name: 'Raspberry Pi OS: dphys-swapfile off and disabled',
    params: {},
    facts: { ...done, commands: { ...done.commands, 'k8s-prereqs:swap': '/var/swap\n' }, packages: { 'dphys-swapfile': '20100506-7.1' }, services: { 'dphys-swapfile': 'active+enabled' } },
    expect: {
      changes: [
        { action: 'run' },
        { action: 'update', summary: 'dphys-swapfile off and disabled', steps: [{ command: { argv: ['dphys-swapfile', 'swapoff'] } }, { command: { argv: ['systemctl', 'disable', '--now', 'dphys-swapfile'] } }] },
      ],
    },
  },
  {
    name: 'dphys-swapfile installed but already disabled: nothing to do',
    params: {},
    facts: { ...done, packages: { 'dphys-swapfile': '20100506-7.1' }, services: { 'dphys-swapfile': 'inactive' } },
    expect: { action: 'noop' },
  },
  {
    name: 'zram: zram-tools disabled, systemd-zram-generator overridden by an empty config',
    params: {},
    facts: { ...done, commands: { ...done.commands, 'k8s-prereqs:swap': '/dev/zram0\n' }, packages: { 'zram-tools': '0.3.3.1-1', 'systemd-zram-generator': '1.1.2-1' }, services: { zramswap: 'active+enabled' } },
    expect: {
      changes: [
        { action: 'run' },
        { action: 'update', steps: [{ command: { argv: ['systemctl', 'disable', '--now', 'zramswap'] } }] },
        { action: 'create', steps: [{ kind: 'write', path: '/etc/systemd/zram-generator.conf' }] },
      ],
    },
  },
  {
    name: 'half-configured: files written but br_netfilter not loaded and a sysctl reset',
    params: {},
    facts: { ...done, commands: { 'k8s-prereqs:live': 'module overlay\nsysctl net.ipv4.ip_forward 0\n' } },
    expect: {
      changes: [
        { action: 'run', summary: 'modprobe br_netfilter', steps: [{ command: { argv: ['modprobe', 'br_netfilter'] } }] },
        { action: 'run', summary: /apply net\.ipv4\.ip_forward, net\.bridge\.bridge-nf-call-iptables, net\.bridge\.bridge-nf-call-ip6tables = 1/, steps: [{ command: { argv: ['sysctl', '-p', '/etc/sysctl.d/99-kubernetes.conf'] } }] },
      ],
    },
  },
  { name: 'takes no params', params: { swap: false }, expect: { error: /swap/ } },
]);
