// Preflight: the network plan and the cluster's needs checked against what every host reported (pure).
import type { Level } from '../core/finding.js';
import type { Inventory } from '../inventory/types.js';
import { checkClock } from './clock.js';
import type { HostFinding, HostProbe, PreflightContext, PreflightRule } from './context.js';
import { checkUnique } from './identity.js';
import { checkAddress, checkDuplicateAddress, checkVip } from './network.js';
import { checkPorts } from './ports.js';
import { checkSystem } from './system.js';

export const RULES: readonly PreflightRule[] = [checkAddress, checkDuplicateAddress, checkVip, checkUnique, checkClock, checkSystem, checkPorts];

/** Every code preflight can report (docs/preflight.md lists each with what it reads and the fix). */
export const PREFLIGHT_CODES = [
  'unreachable', 'probe-failed', 'address-missing', 'subnet-mismatch', 'mac-mismatch', 'default-route', 'duplicate-address', 'arping-missing',
  'vip-in-use', 'duplicate-hostname', 'duplicate-machine-id', 'duplicate-product-uuid', 'duplicate-serial', 'duplicate-mac', 'clock-skew',
  'time-sync', 'cgroup-v1', 'cgroup-memory', 'swap', 'var-space', 'page-size', 'board-mismatch', 'arch-mismatch', 'kernel-version',
  'runtime-version', 'port-in-use',
] as const;

const RANK: Record<Level, number> = { error: 0, warning: 1, info: 2 };

/** Findings for every host, in inventory order, errors first within a host. */
export function preflightFindings(inv: Inventory, probes: HostProbe[]): HostFinding[] {
  const findings: HostFinding[] = [];
  const ctx: PreflightContext = {
    inv,
    probed: probes.flatMap((p) => (p.facts ? [{ host: p.host, facts: p.facts, ...(p.sentAt !== undefined ? { sentAt: p.sentAt } : {}), ...(p.answeredAt !== undefined ? { answeredAt: p.answeredAt } : {}) }] : [])),
    report: (level, code, host, message, hint) => findings.push({ level, code, host, message, ...(hint ? { hint } : {}) }),
  };
  for (const p of probes) {
    if (p.facts) continue;
    // A warning: `up` goes on and reports the host its own way (an unreachable host stops only itself); the
    // preflight verb still exits 1, since the host was not checked.
    ctx.report('warning', p.error?.startsWith('unreachable') ? 'unreachable' : 'probe-failed', p.host.name, `not checked: ${p.error ?? 'no answer'}`,
      'fix the connection (or sudo), or leave the host out with --limit');
  }
  for (const rule of RULES) rule(ctx);
  const order = new Map(inv.hosts.map((h, i) => [h.name, i]));
  return findings.sort((a, b) => (order.get(a.host) ?? 0) - (order.get(b.host) ?? 0) || RANK[a.level] - RANK[b.level]);
}

export type { HostFinding, HostProbe } from './context.js';
