// Data cases for k8s-prereqs: swap (live, fstab, dphys-swapfile, zram), kernel modules, sysctls.
import mod from '../../../../src/modules/cluster/k8s-prereqs.js';
import { kernelModules } from '../../../../src/facts/kinds/kernel-modules.js';
import { swap } from '../../../../src/facts/kinds/swap.js';
import { sysctl } from '../../../../src/facts/kinds/sysctl.js';
import { factOf } from '../../../support/fake-facts.js';
import { runModuleCases } from '../harness.js';

const MODS = '# Managed by provision (k8s-prereqs): loaded at boot for containerd and kube-proxy.\noverlay\nbr_netfilter\n';
const SYSCTL = '# Managed by provision (k8s-prereqs): what kubelet and the CNI need.\nnet.ipv4.ip_forward = 1\nnet.bridge.bridge-nf-call-iptables = 1\nnet.bridge.bridge-nf-call-ip6tables = 1\n';
const KEYS = ['net.ipv4.ip_forward', 'net.bridge.bridge-nf-call-iptables', 'net.bridge.bridge-nf-call-ip6tables'];
const MODULES = factOf(kernelModules, { names: ['overlay', 'br_netfilter'] });
const SYSCTLS = factOf(sysctl, { names: KEYS });
const SWAP = factOf(swap);
/** The kernel-modules and sysctl facts' output: which modules /sys/module has, each key's `sysctl -n` line (or none). */
const live = (modules: string[], values: Array<string | undefined>) => ({
  [MODULES]: modules.map((m) => `sys ${m}\n`).join('') + (modules.length < 2 ? '--- builtin\n--- lsmod\nModule  Size  Used by\n' : ''),
  [SYSCTLS]: KEYS.map((k, i) => (values[i] === undefined ? '' : `${k} = ${values[i]}\n`)).join(''),
});
const LIVE_OK = live(['overlay', 'br_netfilter'], ['1', '1', '1']);
const LIVE_BARE = live([], ['0', undefined, undefined]);
const FSTAB = 'PARTUUID=1-01 /boot/firmware vfat defaults 0 2\nPARTUUID=1-02 / ext4 defaults,noatime 0 1\n';
const done = { files: { '/etc/fstab': FSTAB, '/etc/modules-load.d/kubernetes.conf': MODS, '/etc/sysctl.d/99-kubernetes.conf': SYSCTL }, facts: LIVE_OK };

runModuleCases(mod, [
  {
    name: 'bare Debian host with a swap partition',
    params: {},
    facts: { files: { '/etc/fstab': FSTAB + 'UUID=9 none swap sw 0 0\n' }, facts: { [SWAP]: '/dev/sda3\n', ...LIVE_BARE } },
    expect: {
      changes: [
        { action: 'run', summary: 'swapoff -a (active: /dev/sda3)', steps: [{ command: { argv: ['swapoff', '-a'] } }] },
        { action: 'update', steps: [{ kind: 'write', path: '/etc/fstab', content: FSTAB + '# provision (k8s-prereqs): swap disabled for kubelet: UUID=9 none swap sw 0 0\n' }] },
        { action: 'create', steps: [{ kind: 'write', path: '/etc/modules-load.d/kubernetes.conf', content: MODS }, { command: { argv: ['modprobe', 'overlay'] } }, { command: { argv: ['modprobe', 'br_netfilter'] } }] },
        {
          action: 'create',
          steps: [
            { kind: 'write', path: '/etc/sysctl.d/99-kubernetes.conf', content: SYSCTL },
            ...KEYS.map((k) => ({ command: { argv: ['sysctl', '-w', `${k}=1`] } })),
          ],
        },
      ],
    },
  },
  {
    name: 'converged host: one noop',
    params: {},
    facts: done,
    expect: { action: 'noop', summary: /no active swap; \/etc\/fstab has no swap entries; kernel modules overlay, br_netfilter loaded and in .*; sysctl .* \(live, and persisted in \/etc\/sysctl.d\/99-kubernetes.conf\)/ },
  },
  {
    name: 'Raspberry Pi OS: dphys-swapfile off and disabled',
    params: {},
    facts: { ...done, facts: { ...done.facts, [SWAP]: '/var/swap\n' }, packages: { 'dphys-swapfile': '20100506-7.1' }, services: { 'dphys-swapfile': 'active+enabled' } },
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
    facts: { ...done, facts: { ...done.facts, [SWAP]: '/dev/zram0\n' }, packages: { 'zram-tools': '0.3.3.1-1', 'systemd-zram-generator': '1.1.2-1' }, services: { zramswap: 'active+enabled' } },
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
    facts: { ...done, facts: live(['overlay'], ['0', undefined, undefined]) },
    expect: {
      changes: [
        { action: 'update', summary: 'kernel modules overlay, br_netfilter: modprobe br_netfilter', steps: [{ command: { argv: ['modprobe', 'br_netfilter'] } }] },
        {
          action: 'update',
          summary: /apply live net\.ipv4\.ip_forward \(now 0\), net\.bridge\.bridge-nf-call-iptables \(not readable when probed\), net\.bridge\.bridge-nf-call-ip6tables/,
          steps: KEYS.map((k) => ({ command: { argv: ['sysctl', '-w', `${k}=1`] } })),
        },
      ],
    },
  },
  {
    name: 'overlay built in (modules.builtin), br_netfilter loaded only as lsmod tells: nothing to load',
    params: {},
    facts: { ...done, facts: { ...LIVE_OK, [MODULES]: '--- builtin\nkernel/fs/overlayfs/overlay.ko\n--- lsmod\nModule  Size  Used by\nbr_netfilter 32768 0\n' } },
    expect: { action: 'noop' },
  },
  { name: 'takes no params', params: { swap: false }, expect: { error: /swap/ } },
]);
