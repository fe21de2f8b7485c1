// The `k8s-prereqs` module: swap off now and for good, overlay + br_netfilter loaded, kubelet's sysctls set.
import { z } from 'zod';
import type { Change, Module, PlanContext, Step } from '../../core/types.js';
import { change, combineChanges, noop } from '../support/change.js';
import { execStep } from '../support/command.js';
import { planFile } from '../support/plan-file.js';
import { commentSwapLines, FSTAB } from './host-setup/fstab.js';

export const MODULES_FILE = '/etc/modules-load.d/kubernetes.conf';
export const SYSCTL_FILE = '/etc/sysctl.d/99-kubernetes.conf';
export const ZRAM_GENERATOR_CONF = '/etc/systemd/zram-generator.conf';
const KERNEL_MODULES = ['overlay', 'br_netfilter'];
const SYSCTLS: Record<string, string> = {
  'net.ipv4.ip_forward': '1',
  'net.bridge.bridge-nf-call-iptables': '1',
  'net.bridge.bridge-nf-call-ip6tables': '1',
};

const schema = z.strictObject({});
export type K8sPrereqsParams = z.output<typeof schema>;

const SWAP_KEY = 'k8s-prereqs:swap';
const SWAP_SCRIPT = 'swapon --show=NAME --noheadings 2>/dev/null || cat /proc/swaps 2>/dev/null | tail -n +2 | cut -d" " -f1';
const LIVE_KEY = 'k8s-prereqs:live';
const LIVE_SCRIPT = [
  `for m in ${KERNEL_MODULES.join(' ')}; do if [ -d /sys/module/$m ] || lsmod 2>/dev/null | grep -q "^$m "; then echo "module $m"; fi; done`,
  `for k in ${Object.keys(SYSCTLS).join(' ')}; do echo "sysctl $k $(sysctl -n $k 2>/dev/null)"; done`,
].join('\n');

function parseLive(stdout: string): { modules: Set<string>; sysctls: Map<string, string> } {
  const modules = new Set<string>();
  const sysctls = new Map<string, string>();
  for (const line of stdout.split('\n')) {
    const [kind, name, value] = line.trim().split(/\s+/);
    if (kind === 'module' && name) modules.add(name);
    if (kind === 'sysctl' && name && value !== undefined) sysctls.set(name, value);
  }
  return { modules, sysctls };
}

function planSwap(ctx: PlanContext): Change[] {
  const active = ctx.facts.command(SWAP_KEY).stdout.split('\n').map((s) => s.trim()).filter(Boolean);
  const out: Change[] = [];
  out.push(
    active.length === 0
      ? noop(ctx, 'no active swap')
      : change(ctx, { action: 'run', summary: `swapoff -a (active: ${active.join(', ')})`, steps: [execStep(['swapoff', '-a'])] }),
  );
  const fstab = ctx.facts.file(FSTAB);
  if (fstab.exists && fstab.content !== undefined) {
    const { content, commented } = commentSwapLines(fstab.content);
    out.push(commented.length === 0 ? noop(ctx, `${FSTAB} has no swap entries`) : planFile({ ctx, path: FSTAB, want: content, fact: fstab, label: `${FSTAB} (swap entries commented out)` }));
  }
  const systemd = ctx.facts.base.initSystem === 'systemd';
  // Raspberry Pi OS: dphys-swapfile re-creates its swap at every boot unless its service is disabled.
  const dphys = ctx.facts.service('dphys-swapfile');
  if (ctx.facts.package('dphys-swapfile').installed && systemd && (dphys.enabled || dphys.active)) {
    out.push(change(ctx, { action: 'update', summary: 'dphys-swapfile off and disabled', steps: [execStep(['dphys-swapfile', 'swapoff']), execStep(['systemctl', 'disable', '--now', 'dphys-swapfile'])] }));
  }
  const zramswap = ctx.facts.service('zramswap');
  if (ctx.facts.package('zram-tools').installed && systemd && (zramswap.enabled || zramswap.active)) {
    out.push(change(ctx, { action: 'update', summary: 'zram-tools zramswap stopped and disabled', steps: [execStep(['systemctl', 'disable', '--now', 'zramswap'])] }));
  }
  if (ctx.facts.package('systemd-zram-generator').installed) {
    // A file in /etc shadows the packaged /usr/lib one; without a [zramN] section the generator creates no device.
    const want = '# Managed by provision (k8s-prereqs): no zram swap, kubelet needs swap off.\n';
    out.push(planFile({ ctx, path: ZRAM_GENERATOR_CONF, want, fact: ctx.facts.file(ZRAM_GENERATOR_CONF), label: `${ZRAM_GENERATOR_CONF} (no zram swap)` }));
  }
  return out;
}

function planModules(ctx: PlanContext, loaded: Set<string>): Change {
  const want = ['# Managed by provision (k8s-prereqs): loaded at boot for containerd and kube-proxy.', ...KERNEL_MODULES, ''].join('\n');
  const file = planFile({ ctx, path: MODULES_FILE, want, fact: ctx.facts.file(MODULES_FILE), label: MODULES_FILE });
  const missing = KERNEL_MODULES.filter((m) => !loaded.has(m));
  if (file.action === 'noop' && missing.length === 0) return noop(ctx, `kernel modules ${KERNEL_MODULES.join(', ')} loaded and in ${MODULES_FILE}`);
  const steps: Step[] = [...file.steps, ...missing.map((m) => execStep(['modprobe', m]))];
  const parts = [file.action === 'noop' ? '' : file.summary, missing.length ? `modprobe ${missing.join(' ')}` : ''].filter(Boolean);
  const out = change(ctx, { action: file.action === 'noop' ? 'run' : file.action, summary: parts.join('; '), steps });
  if (file.diff) out.diff = file.diff;
  return out;
}

function planSysctls(ctx: PlanContext, live: Map<string, string>): Change {
  const want = ['# Managed by provision (k8s-prereqs): what kubelet and the CNI need.', ...Object.entries(SYSCTLS).map(([k, v]) => `${k} = ${v}`), ''].join('\n');
  const file = planFile({ ctx, path: SYSCTL_FILE, want, fact: ctx.facts.file(SYSCTL_FILE), label: SYSCTL_FILE });
  const wrong = Object.entries(SYSCTLS).filter(([k, v]) => live.get(k) !== v).map(([k]) => k);
  if (file.action === 'noop' && wrong.length === 0) return noop(ctx, `sysctls ${Object.keys(SYSCTLS).join(', ')} = 1, persisted in ${SYSCTL_FILE}`);
  const steps: Step[] = [...file.steps, execStep(['sysctl', '-p', SYSCTL_FILE])];
  const parts = [file.action === 'noop' ? '' : file.summary, wrong.length ? `apply ${wrong.join(', ')} = 1` : ''].filter(Boolean);
  const out = change(ctx, { action: file.action === 'noop' ? 'run' : file.action, summary: parts.join('; '), steps });
  if (file.diff) out.diff = file.diff;
  return out;
}

const k8sPrereqs: Module<K8sPrereqsParams> = {
  name: 'k8s-prereqs',
  schema,
  probe: () => [
    { kind: 'command', key: SWAP_KEY, script: SWAP_SCRIPT },
    { kind: 'command', key: LIVE_KEY, script: LIVE_SCRIPT },
    { kind: 'file', path: FSTAB },
    { kind: 'file', path: MODULES_FILE },
    { kind: 'file', path: SYSCTL_FILE },
    { kind: 'file', path: ZRAM_GENERATOR_CONF },
    { kind: 'package', name: 'dphys-swapfile' },
    { kind: 'package', name: 'zram-tools' },
    { kind: 'package', name: 'systemd-zram-generator' },
    { kind: 'service', name: 'dphys-swapfile' },
    { kind: 'service', name: 'zramswap' },
  ],
  plan: (_p, ctx) => {
    const live = parseLive(ctx.facts.command(LIVE_KEY).stdout);
    // Modules before sysctls: the net.bridge.* keys only exist once br_netfilter is loaded.
    return combineChanges(ctx, [...planSwap(ctx), planModules(ctx, live.modules), planSysctls(ctx, live.sysctls)]);
  },
};

export default k8sPrereqs;
