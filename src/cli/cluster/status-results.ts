// Turns the hosts' status probe output into one cluster view (pure; tested from recorded outputs): health, versions, certificates.
import type { ApiNode, ApiPod } from '../../cluster/api-objects.js';
import { escapeControl } from '../../core/escape.js';
import type { Inventory } from '../../inventory/types.js';
import { parseCheckExpiration, summarizeExpiry, WARN_DAYS, type ExpirySummary } from '../../cluster/cert-expiry.js';
import { apiEndpoint, firstControlPlane } from '../../cluster/cluster-shape.js';
import { API_BACKEND, parseBackendServers, type BackendServer } from '../../cluster/haproxy-stats.js';
import { STATIC_PODS } from './status-script.js';

/** What `up --check` would change on a host (status-drift.ts), or why that was not read. */
export type Drift = { changes: number; items: string[] } | { error: string };

export interface HostOutput {
  host: string;
  stdout?: string;
  /** Why the probe could not run (unreachable, sudo...). */
  error?: string;
}

export interface NodeStatus {
  name: string;
  role: string;
  reachable: boolean;
  /** Installed package versions (dpkg), e.g. "1.32.3-1.1"; undefined when not installed. */
  packages: { kubeadm?: string; kubelet?: string; kubectl?: string };
  held: string[];
  kubeletActive?: string;
  /** The kubernetes.list deb line. */
  repo?: string;
  joined?: boolean;
  /** From the API (first control plane). */
  listed?: boolean;
  ready?: boolean;
  readyMessage?: string;
  cordoned?: boolean;
  /** What the node's kubelet reports to the API, e.g. "v1.32.3". */
  kubeletVersion?: string;
  /** Control planes: the static pods' image tags. */
  staticPods?: Record<string, string>;
  etcd?: string;
  holdsVip?: boolean;
  endpointOk?: boolean;
  certs?: ExpirySummary & { all: number };
  certsError?: string;
  /** lb hosts: HAProxy's API backend servers and their state, from its stats page. */
  backends?: BackendServer[];
  /** What `provision up` would change on this host; absent when not checked. */
  drift?: Drift;
  problems: string[];
}

export interface StatusReport {
  ok: boolean;
  cluster: string;
  endpoint: { url: string; mode: string; health: string };
  /** The API server's version (kubectl version on the first control plane). */
  serverVersion?: string;
  etcdMembers: string[];
  nodes: NodeStatus[];
  warnings: string[];
  problems: string[];
}


function parseLines(stdout: string): { facts: Map<string, string>; blobs: Map<string, string> } {
  const facts = new Map<string, string>();
  const blobs = new Map<string, string>();
  for (const line of stdout.split('\n')) {
    const [tag, key, ...rest] = line.split('\t');
    if (!key) continue;
    if (tag === 'K') facts.set(key, rest.join('\t').trim());
    else if (tag === 'B') blobs.set(key, Buffer.from(rest.join(''), 'base64').toString('utf8'));
  }
  return { facts, blobs };
}

function json<T>(text: string | undefined): T | undefined {
  if (!text) return undefined;
  try {
    return JSON.parse(text) as T;
  } catch {
    return undefined;
  }
}

/** "Server Version: v1.32.3" from `kubectl version`. */
export function serverVersionOf(text: string | undefined): string | undefined {
  return /^Server Version:\s*(v\S+)/m.exec(text ?? '')?.[1];
}

export function collectStatus(inv: Inventory, outputs: HostOutput[], now: Date, drift?: ReadonlyMap<string, Drift>): StatusReport {
  const first = firstControlPlane(inv).name;
  const byHost = new Map(outputs.map((o) => [o.host, o]));
  const firstOut = parseLines(byHost.get(first)?.stdout ?? '');
  const apiNodes = json<{ items: ApiNode[] }>(firstOut.blobs.get('nodes'))?.items;
  const pods = json<{ items: ApiPod[] }>(firstOut.blobs.get('pods'))?.items;
  const serverVersion = serverVersionOf(firstOut.blobs.get('version'));
  const warnings: string[] = [];
  const nodes: NodeStatus[] = [];
  const lbHealth: string[] = [];
  for (const h of inv.hosts) {
    const o = byHost.get(h.name);
    const n: NodeStatus = { name: h.name, role: h.role, reachable: !!o && o.error === undefined, packages: {}, held: [], problems: [] };
    nodes.push(n);
    if (!o || o.error !== undefined) {
      n.problems.push(`unreachable: ${o?.error ?? 'not probed'}`);
      continue;
    }
    const { facts, blobs } = parseLines(o.stdout ?? '');
    const d = drift?.get(h.name);
    if (d) {
      n.drift = d;
      if ('error' in d) warnings.push(`${h.name}: drift not checked: ${d.error}`);
      else if (d.changes) warnings.push(`${h.name}: drifted: ${d.changes} change${d.changes === 1 ? '' : 's'} 'provision up' would make (${d.items.slice(0, 3).join('; ')}${d.items.length > 3 ? '; …' : ''}); 'provision up -i ${inv.file} --check --diff' shows them`);
    }
    n.endpointOk = facts.get('endpoint') === 'ok';
    if (!n.endpointOk) n.problems.push(`the API endpoint ${apiEndpoint(inv).hostPort} does not answer from here`);
    if (h.role === 'lb') {
      const active = facts.get('haproxy') ?? '';
      if (active !== 'active') {
        lbHealth.push(`${h.name} haproxy ${active || 'unknown'}`);
        n.problems.push(`haproxy is ${active || 'not running'}`);
        continue;
      }
      try {
        n.backends = parseBackendServers(blobs.get('haproxy-stats') ?? '', API_BACKEND);
        lbHealth.push(`${h.name} haproxy active: ${n.backends.map((b) => `${b.server} ${b.status}`).join(', ') || 'no backend servers'}`);
        for (const b of n.backends) if (!b.status.startsWith('UP')) n.problems.push(`haproxy backend ${b.server} is ${b.status}${b.check ? ` (${b.check})` : ''}`);
        if (!n.backends.length) n.problems.push('haproxy has no kube-apiserver backend servers');
      } catch (e) {
        lbHealth.push(`${h.name} haproxy active`);
        n.problems.push(`haproxy's stats page (127.0.0.1, /stats;csv) not read: ${(e as Error).message}`);
      }
      continue;
    }
    for (const p of ['kubeadm', 'kubelet', 'kubectl'] as const) {
      const v = facts.get(p);
      if (v) n.packages[p] = v;
    }
    n.held = (facts.get('held') ?? '').split(/\s+/).filter(Boolean);
    n.kubeletActive = facts.get('kubelet-active') || 'unknown';
    n.repo = facts.get('repo') || undefined;
    n.joined = facts.get('joined') === 'yes';
    if (!n.packages.kubelet) n.problems.push('kubelet is not installed');
    if (n.kubeletActive !== 'active') n.problems.push(`kubelet is ${n.kubeletActive} (systemctl is-active kubelet)`);
    if (!n.joined) n.problems.push('not joined (no /etc/kubernetes/kubelet.conf)');
    const unheld = (['kubeadm', 'kubelet', 'kubectl'] as const).filter((p) => n.packages[p] && !n.held.includes(p));
    if (unheld.length) warnings.push(`${h.name}: ${unheld.join(', ')} not held (apt upgrade could move them)`);
    if (h.role === 'control-plane') {
      const pods = Object.fromEntries(STATIC_PODS.map((p) => [p, facts.get(`manifest-${p}`) ?? '']).filter(([, v]) => v));
      n.staticPods = pods;
      if (!pods['kube-apiserver']) n.problems.push('no kube-apiserver static pod manifest');
      if (facts.has('vip')) n.holdsVip = facts.get('vip') === 'yes';
      try {
        const certs = parseCheckExpiration(blobs.get('certs') ?? '');
        n.certs = { ...summarizeExpiry(certs, now), all: certs.length };
        if (n.certs.daysLeft < 0) n.problems.push(`certificate ${n.certs.earliest.name} expired ${n.certs.earliest.expires.slice(0, 10)}`);
        else if (n.certs.soon.length) warnings.push(`${h.name}: certificates expire within ${WARN_DAYS} days: ${n.certs.soon.map((c) => `${c.name} ${c.expires.slice(0, 10)}`).join(', ')}; run 'provision certs renew -i ${inv.file}'`);
      } catch (e) {
        n.certsError = `${(e as Error).message}: ${(blobs.get('certs') ?? '').trim().split('\n').slice(-1)[0] ?? ''}`;
        n.problems.push(`certificates not read: ${n.certsError}`);
      }
    }
  }
  // The API's word on each node (read once, on the first control plane).
  const etcdMembers: string[] = [];
  for (const n of nodes.filter((x) => x.role !== 'lb')) {
    if (!apiNodes) {
      n.problems.push(`not checked by the API: kubectl get nodes on ${first} did not answer`);
      continue;
    }
    const a = apiNodes.find((x) => x.metadata.name === n.name);
    n.listed = !!a;
    if (!a) {
      n.problems.push('not listed by kubectl get nodes');
      continue;
    }
    const c = a.status?.conditions?.find((x) => x.type === 'Ready');
    n.ready = c?.status === 'True';
    if (!n.ready) n.readyMessage = c?.message ?? 'no Ready condition';
    if (!n.ready) n.problems.push(`NotReady: ${n.readyMessage}`);
    n.cordoned = !!a.spec?.unschedulable;
    if (n.cordoned) warnings.push(`${n.name}: cordoned (SchedulingDisabled)`);
    n.kubeletVersion = a.status?.nodeInfo?.kubeletVersion;
    if (n.role === 'control-plane') {
      const etcd = pods?.find((p) => p.metadata.name === `etcd-${n.name}`);
      n.etcd = etcd?.status?.phase ?? (pods ? 'missing' : 'unknown');
      if (n.etcd === 'Running') etcdMembers.push(n.name);
      else n.problems.push(`etcd member etcd-${n.name} is ${n.etcd}`);
    }
  }
  const versions = new Set(nodes.map((n) => n.kubeletVersion).filter(Boolean));
  if (versions.size > 1) warnings.push(`kubelets run different versions: ${[...versions].join(', ')} (an upgrade in progress? 'provision upgrade' continues it)`);
  const mode = inv.network.api.mode;
  const vipHolders = nodes.filter((n) => n.holdsVip).map((n) => n.name);
  const answered = nodes.filter((n) => n.endpointOk).length;
  const probed = nodes.filter((n) => n.endpointOk !== undefined).length;
  const health = [
    `answers from ${answered}/${probed} hosts`,
    ...(mode === 'kube-vip' ? [vipHolders.length === 1 ? `kube-vip leader ${vipHolders[0]}` : `VIP held by ${vipHolders.length ? vipHolders.join(', ') : 'no control plane'}`] : lbHealth),
  ].join('; ');
  const problems = nodes.flatMap((n) => n.problems.map((p) => `${n.name}: ${p}`));
  if (mode === 'kube-vip' && vipHolders.length !== 1 && nodes.some((n) => n.holdsVip !== undefined)) problems.push(`kube-vip: the VIP ${inv.network.api.address} is held by ${vipHolders.length} control planes (want 1)`);
  return {
    ok: problems.length === 0,
    cluster: inv.cluster.name,
    endpoint: { url: apiEndpoint(inv).url, mode, health },
    ...(serverVersion ? { serverVersion } : {}),
    etcdMembers,
    nodes,
    warnings,
    problems,
  };
}

const pkgMinor = (v?: string) => (v ? v.replace(/-.*$/, '') : '-');

/** The table: one row per host, then the endpoint, etcd, warnings and problems. */
export function formatStatus(r: StatusReport): string {
  const rows = [['NODE', 'ROLE', 'READY', 'SCHED', 'KUBELET', 'KUBEADM', 'API-VERSION', 'CERTS', 'DRIFT']];
  for (const n of r.nodes) {
    const ready = !n.reachable ? 'unreachable' : n.role === 'lb' ? '-' : n.ready === undefined ? '?' : n.ready ? 'Ready' : 'NotReady';
    const certs = n.certs ? `${n.certs.daysLeft}d (${n.certs.earliest.name})` : n.role === 'control-plane' ? '?' : '-';
    const drift = !n.drift ? '-' : 'error' in n.drift ? '?' : n.drift.changes ? `${n.drift.changes} to change` : 'none';
    rows.push([n.name, n.role, ready, n.role === 'lb' ? '-' : n.cordoned ? 'cordoned' : 'ok', n.kubeletVersion ?? pkgMinor(n.packages.kubelet), pkgMinor(n.packages.kubeadm), n.staticPods?.['kube-apiserver'] ?? '-', certs, drift]);
  }
  const w = rows[0]!.map((_, i) => Math.max(...rows.map((x) => x[i]!.length)));
  const lines = rows.map((x) => x.map((c, i) => c.padEnd(w[i]!)).join('  ').trimEnd());
  lines.push('', `cluster ${r.cluster}: API ${r.endpoint.url} (${r.endpoint.mode}): ${r.endpoint.health}${r.serverVersion ? `; server ${r.serverVersion}` : ''}`);
  lines.push(`etcd members Running: ${r.etcdMembers.length ? r.etcdMembers.join(', ') : 'none'}`);
  if (r.warnings.length) lines.push('', 'warnings:', ...r.warnings.map((x) => `  ${escapeControl(x)}`));
  if (r.problems.length) lines.push('', 'problems:', ...r.problems.map((x) => `  ${escapeControl(x)}`));
  lines.push('', r.ok ? 'status: healthy' : 'status: UNHEALTHY');
  return lines.join('\n');
}
