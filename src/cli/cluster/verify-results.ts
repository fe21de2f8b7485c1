// Turns the nodes' verify output into per-host check results (pure; tested from recorded outputs).
import type { ApiNode, ApiPod } from '../../cluster/api-objects.js';
import { escapeControl } from '../../core/escape.js';
import type { Inventory } from '../../inventory/types.js';
import { firstControlPlane } from '../../cluster/cluster-shape.js';
import { CHECKS, NODE_CHECKS, listeningPorts, peerOf, type CheckName } from './verify-script.js';

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
  return CHECKS.filter((c) => !(NODE_CHECKS.includes(c) && role === 'lb'));
}


function decodeJson<T>(b64: string): T | undefined {
  try {
    return JSON.parse(Buffer.from(b64, 'base64').toString('utf8')) as T;
  } catch {
    return undefined;
  }
}

/** ready and pods for every node, from the API's node list and kube-system's pods (read on the first control plane). */
function apiChecks(inv: Inventory, results: Map<string, CheckResult[]>, nodes: ApiNode[] | undefined, pods: ApiPod[] | undefined): void {
  const first = firstControlPlane(inv).name;
  for (const h of inv.hosts.filter((x) => x.role !== 'lb')) {
    const r = results.get(h.name)!;
    if (!nodes) {
      r.push({ check: 'ready', ok: false, detail: `not checked: kubectl get nodes on ${first} did not answer` });
      continue;
    }
    const n = nodes.find((x) => x.metadata.name === h.name);
    const c = n?.status?.conditions?.find((x) => x.type === 'Ready');
    if (!n) r.push({ check: 'ready', ok: false, detail: 'not listed by kubectl get nodes' });
    else if (c?.status === 'True') r.push({ check: 'ready', ok: true, detail: 'Ready' });
    else r.push({ check: 'ready', ok: false, detail: `NotReady: ${c?.message ?? 'no Ready condition'}` });
  }
  const byHost = new Map<string, ApiPod[]>();
  for (const p of pods ?? []) {
    const host = p.spec?.nodeName && results.has(p.spec.nodeName) ? p.spec.nodeName : first;
    byHost.set(host, [...(byHost.get(host) ?? []), p]);
  }
  for (const h of inv.hosts.filter((x) => x.role !== 'lb')) {
    const r = results.get(h.name)!;
    if (!pods) {
      r.push({ check: 'pods', ok: false, detail: `not checked: kubectl get pods -n kube-system on ${first} did not answer` });
      continue;
    }
    const mine = byHost.get(h.name) ?? [];
    const bad = mine.filter((p) => p.status?.phase !== 'Running' && p.status?.phase !== 'Succeeded');
    if (bad.length === 0) r.push({ check: 'pods', ok: true, detail: `${mine.length} kube-system pod${mine.length === 1 ? '' : 's'} Running` });
    else r.push({ check: 'pods', ok: false, detail: `not Running: ${bad.map((p) => `${p.metadata.name} (${p.status?.phase ?? '?'}${p.spec?.nodeName ? '' : ', unscheduled'})`).join(', ')}` });
  }
}

export function collectResults(inv: Inventory, outputs: NodeOutput[]): VerifyReport {
  const results = new Map<string, CheckResult[]>(inv.hosts.map((h) => [h.name, []]));
  let nodes: ApiNode[] | undefined;
  let pods: ApiPod[] | undefined;
  for (const o of outputs) {
    if (o.error !== undefined) {
      for (const c of checksFor(inv, o.host).filter((c) => !['ports', 'ready', 'pods'].includes(c))) results.get(o.host)?.push({ check: c, ok: false, detail: `not checked: ${o.error}` });
      continue;
    }
    for (const line of (o.stdout ?? '').split('\n')) {
      const f = line.split('\t');
      if (f[0] === 'R' && f.length >= 5 && results.has(f[1]!)) results.get(f[1]!)!.push({ check: f[2] as CheckName, ok: f[3] === 'ok', detail: f.slice(4).join('\t') });
      else if (f[0] === 'J' && f[1] === 'nodes' && f[2]) nodes = decodeJson<{ items: ApiNode[] }>(f[2])?.items;
      else if (f[0] === 'J' && f[1] === 'pods' && f[2]) pods = decodeJson<{ items: ApiPod[] }>(f[2])?.items;
    }
  }
  // "joined" also needs the API's word when the init node answered.
  if (nodes) {
    const listed = new Set(nodes.map((n) => n.metadata.name));
    for (const h of inv.hosts.filter((x) => x.role !== 'lb')) {
      const r = results.get(h.name)!;
      const j = r.find((c) => c.check === 'joined');
      if (j && j.ok && !listed.has(h.name)) Object.assign(j, { ok: false, detail: 'kubelet.conf present but not listed by kubectl get nodes' });
      else if (j && j.ok) j.detail += ', listed by the API';
    }
  }
  apiChecks(inv, results, nodes, pods);
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
  const extra = (['podnet', 'dns', 'lb'] as const).filter((c) => Object.values(report.hosts).some((h) => h.checks.some((x) => x.check === c)));
  const columns = [...CHECKS, ...extra];
  const head = ['HOST'.padEnd(width), ...columns.map((c) => c.padEnd(8))].join('  ');
  const rows = inv.hosts.map((h) => {
    const checks = report.hosts[h.name]?.checks ?? [];
    const cells = columns.map((c) => {
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
