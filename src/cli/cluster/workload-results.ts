// Turns the workload probe's output into per-node checks (podnet, dns) and the LoadBalancer check (lb), which
// needs the laptop: the Service's address must come from the MetalLB pool and answer here.
import type { Inventory } from '../../inventory/types.js';
import { ipToInt } from '../../inventory/ipv4.js';
import { firstControlPlane } from '../../cluster/cluster-shape.js';
import type { CheckResult, VerifyReport } from './verify-results.js';

export const WORKLOAD_CHECKS = ['podnet', 'dns', 'lb'] as const;
export type WorkloadCheck = (typeof WORKLOAD_CHECKS)[number];

export interface WorkloadOutput {
  results: Map<string, CheckResult[]>;
  /** The LoadBalancer address the probe Service got ('' when none). */
  lbAddress: string;
}

export function parseWorkload(inv: Inventory, stdout: string): WorkloadOutput {
  const results = new Map<string, CheckResult[]>(inv.hosts.filter((h) => h.role !== 'lb').map((h) => [h.name, []]));
  let lbAddress = '';
  const first = firstControlPlane(inv).name;
  for (const line of stdout.split('\n')) {
    const f = line.split('\t');
    if (f[0] === 'W' && f[1] === 'setup') results.get(first)!.push({ check: 'podnet', ok: false, detail: f.slice(4).join('\t') });
    else if (f[0] === 'W' && (f[1] === 'podnet' || f[1] === 'dns') && results.has(f[2]!)) results.get(f[2]!)!.push({ check: f[1], ok: f[3] === 'ok', detail: f.slice(4).join('\t') });
    else if (f[0] === 'LB') lbAddress = (f[1] ?? '').trim();
  }
  for (const r of results.values()) {
    for (const c of ['podnet', 'dns'] as const) if (!r.some((x) => x.check === c)) r.push({ check: c, ok: false, detail: `no result from the probe on ${first}` });
  }
  return { results, lbAddress };
}

export function inPool(inv: Inventory, ip: string): boolean {
  const pool = inv.network.metallb?.pool ?? [];
  return /^\d+\.\d+\.\d+\.\d+$/.test(ip) && pool.some((r) => ipToInt(ip) >= ipToInt(r.first) && ipToInt(ip) <= ipToInt(r.last));
}

/** The lb check: an address from the pool, and a probe pod answers on it from the laptop (HTTP, 5 s). */
export async function lbCheck(inv: Inventory, ip: string, get: (url: string) => Promise<string> = httpGet): Promise<CheckResult> {
  const check = 'lb' as const;
  if (!inv.network.metallb) return { check, ok: true, detail: 'no MetalLB pool: not checked' };
  if (!ip) return { check, ok: false, detail: 'the LoadBalancer Service got no address (is MetalLB running, with a pool?)' };
  if (!inPool(inv, ip)) return { check, ok: false, detail: `the LoadBalancer address ${ip} is not in the MetalLB pool` };
  try {
    const body = (await get(`http://${ip}/`)).trim();
    const nodes = inv.hosts.map((h) => h.name);
    return nodes.includes(body) ? { check, ok: true, detail: `${ip} answers from the laptop (served by ${body})` } : { check, ok: false, detail: `${ip} answered, but not with a probe pod's node name` };
  } catch (e) {
    return { check, ok: false, detail: `${ip} from the MetalLB pool does not answer from the laptop: ${(e as Error).message}` };
  }
}

async function httpGet(url: string): Promise<string> {
  const r = await fetch(url, { signal: AbortSignal.timeout(5000) });
  return r.text();
}

/** Adds the workload checks to the report (lb on the first control plane) and recomputes ok. */
export function mergeWorkload(inv: Inventory, report: VerifyReport, w: WorkloadOutput, lb: CheckResult): VerifyReport {
  const first = firstControlPlane(inv).name;
  for (const [host, r] of w.results) report.hosts[host]?.checks.push(...r);
  report.hosts[first]?.checks.push(lb);
  report.ok = report.ok && Object.values(report.hosts).every((h) => h.checks.every((c) => c.ok));
  return report;
}
