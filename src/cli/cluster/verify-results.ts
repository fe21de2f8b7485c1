// Turns the nodes' verify output into per-host check results (pure; tested from recorded outputs).
import { escapeControl } from '../../diagnostics/escape.js';
import type { Inventory } from '../../inventory/types.js';
import { CHECKS, listeningPorts, peerOf, type CheckName } from './verify-script.js';

export interface CheckResult {
  check: CheckName;
  ok: boolean;
  detail: string;
}

export interface HostVerify {
  checks: CheckResult[];
}

export interface VerifyReport {
  ok: boolean;
  hosts: Record<string, HostVerify>;
}

export interface NodeOutput {
  host: string;
  /** stdout of the script, or the reason the node could not run it. */
  stdout?: string;
  error?: string;
}

/** The checks that apply to a host (lb hosts are not Kubernetes nodes). */
export function checksFor(inv: Inventory, name: string): CheckName[] {
  const role = inv.hosts.find((h) => h.name === name)?.role;
  return CHECKS.filter((c) => !(c === 'joined' && role === 'lb'));
}

export function collectResults(inv: Inventory, outputs: NodeOutput[]): VerifyReport {
  const results = new Map<string, CheckResult[]>(inv.hosts.map((h) => [h.name, []]));
  const listed = new Set<string>();
  let apiAsked = false;
  for (const o of outputs) {
    if (o.error !== undefined) {
      for (const c of checksFor(inv, o.host).filter((c) => c !== 'ports')) results.get(o.host)?.push({ check: c, ok: false, detail: `not checked: ${o.error}` });
      continue;
    }
    for (const line of (o.stdout ?? '').split('\n')) {
      const f = line.split('\t');
      if (f[0] === 'R' && f.length >= 5 && results.has(f[1]!)) results.get(f[1]!)!.push({ check: f[2] as CheckName, ok: f[3] === 'ok', detail: f.slice(4).join('\t') });
      else if (f[0] === 'N' && f[1]) {
        apiAsked = true;
        listed.add(f[1].trim());
      }
    }
  }
  // "joined" also needs the API's word when the init node answered.
  if (apiAsked) {
    for (const h of inv.hosts.filter((x) => x.role !== 'lb')) {
      const r = results.get(h.name)!;
      const j = r.find((c) => c.check === 'joined');
      if (j && j.ok && !listed.has(h.name)) Object.assign(j, { ok: false, detail: 'kubelet.conf present but not listed by kubectl get nodes' });
      else if (j && j.ok) j.detail += ', listed by the API';
    }
  }
  const hosts: Record<string, HostVerify> = {};
  for (const h of inv.hosts) {
    const r = results.get(h.name)!;
    // A host whose peer could not test it (peer unreachable) gets an explicit failed ports check.
    if (!r.some((c) => c.check === 'ports')) {
      const peer = peerOf(inv, h);
      if (listeningPorts(inv, h).length === 0 || !peer) r.push({ check: 'ports', ok: true, detail: 'no listener to test by role (firewall checked instead)' });
      else r.push({ check: 'ports', ok: false, detail: `not checked: its peer ${peer.name} could not run the checks` });
    }
    hosts[h.name] = { checks: checksFor(inv, h.name).flatMap((c) => r.filter((x) => x.check === c)) };
  }
  const ok = Object.values(hosts).every((h) => h.checks.every((c) => c.ok)) && inv.hosts.every((h) => checksFor(inv, h.name).every((c) => hosts[h.name]!.checks.some((x) => x.check === c)));
  return { ok, hosts };
}

/** A row per host, a column per check, then one line per failure. */
export function formatVerifyTable(inv: Inventory, report: VerifyReport): string {
  const width = Math.max(4, ...inv.hosts.map((h) => h.name.length));
  const head = ['HOST'.padEnd(width), ...CHECKS.map((c) => c.padEnd(8))].join('  ');
  const rows = inv.hosts.map((h) => {
    const checks = report.hosts[h.name]?.checks ?? [];
    const cells = CHECKS.map((c) => {
      const mine = checks.filter((x) => x.check === c);
      const cell = mine.length === 0 ? (checksFor(inv, h.name).includes(c) ? 'MISSING' : '-') : mine.every((x) => x.ok) ? 'ok' : 'FAIL';
      return cell.padEnd(8);
    });
    return [h.name.padEnd(width), ...cells].join('  ').trimEnd();
  });
  const failures = inv.hosts.flatMap((h) => (report.hosts[h.name]?.checks ?? []).filter((c) => !c.ok).map((c) => `  ${h.name} ${c.check}: ${escapeControl(c.detail)}`));
  const tail = report.ok ? ['', 'verify: all checks passed'] : ['', 'failures:', ...failures, '', 'verify: FAILED'];
  return [head, ...rows, ...tail].join('\n');
}
