// The `k8s-prereqs` module: swap off now and for good, overlay + br_netfilter loaded, kubelet's sysctls set (the last
// two by the generic kernel-module and sysctl planners).
import { z } from 'zod';
import type { Change, Module, PlanContext } from '../../core/types.js';
import { declareFact } from '../../facts/declare.js';
import { swap } from '../../facts/kinds/swap.js';
import { kernelModulesProbe, planKernelModules, type KernelModulesSpec } from '../generic/kernel-module.js';
import { planSysctls, sysctlsProbe, type SysctlsSpec } from '../generic/sysctl.js';
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

const MODULES: KernelModulesSpec = {
  names: KERNEL_MODULES,
  path: MODULES_FILE,
  header: '# Managed by provision (k8s-prereqs): loaded at boot for containerd and kube-proxy.',
};
const SYSCTL_SPEC: SysctlsSpec = {
  values: Object.entries(SYSCTLS).map(([name, value]) => ({ name, value })),
  path: SYSCTL_FILE,
  header: '# Managed by provision (k8s-prereqs): what kubelet and the CNI need.',
};

function planSwap(ctx: PlanContext): Change[] {
  const { active } = ctx.facts.fact(swap, undefined);
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

const k8sPrereqs: Module<K8sPrereqsParams> = {
  name: 'k8s-prereqs',
  schema,
  probe: () => [
    declareFact(swap),
    ...kernelModulesProbe(MODULES),
    ...sysctlsProbe(SYSCTL_SPEC),
    { kind: 'file', path: FSTAB },
    { kind: 'file', path: ZRAM_GENERATOR_CONF },
    { kind: 'package', name: 'dphys-swapfile' },
    { kind: 'package', name: 'zram-tools' },
    { kind: 'package', name: 'systemd-zram-generator' },
    { kind: 'service', name: 'dphys-swapfile' },
    { kind: 'service', name: 'zramswap' },
  ],
  // Modules before sysctls: the net.bridge.* keys only exist once br_netfilter is loaded.
  plan: (_p, ctx) => combineChanges(ctx, [...planSwap(ctx), planKernelModules(ctx, MODULES), planSysctls(ctx, SYSCTL_SPEC)]),
};

export default k8sPrereqs;
