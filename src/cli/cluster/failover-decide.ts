// Pure decisions of `verify --failover`: parse each control plane's status, pick the holder, judge each phase.
import type { Inventory } from '../../inventory/types.js';

export interface CpStatus {
  host: string;
  /** Why there is no status (unreachable, script failed). */
  error?: string;
  vip?: boolean;
  manifest?: 'yes' | 'parked' | 'no';
  api?: boolean;
  vipApi?: boolean;
  /** Where this node's kube-apiserver static pod manifest is (haproxy mode stops the API server by parking it). */
  apiManifest?: 'yes' | 'parked' | 'no';
}

export interface FailoverStep {
  step: 'holder' | 'target' | 'stop' | 'moved' | 'down' | 'api' | 'restore';
  ok: boolean;
  detail: string;
}

export interface FailoverReport {
  ok: boolean;
  /** What holds the endpoint: kube-vip's VIP moves, or HAProxy takes a backend out. */
  mode: 'kube-vip' | 'haproxy';
  steps: FailoverStep[];
}

export function parseCpStatus(host: string, stdout: string): CpStatus {
  const s: CpStatus = { host };
  for (const line of stdout.split('\n')) {
    const [tag, key, value] = line.split('\t');
    if (tag !== 'F') continue;
    if (key === 'vip') s.vip = value === 'yes';
    else if (key === 'manifest' && (value === 'yes' || value === 'parked' || value === 'no')) s.manifest = value;
    else if (key === 'api') s.api = value === 'ok';
    else if (key === 'vipapi') s.vipApi = value === 'ok';
    else if (key === 'apimanifest' && (value === 'yes' || value === 'parked' || value === 'no')) s.apiManifest = value;
  }
  return s;
}

/** Before anything is stopped: kube-vip mode, two control planes or more, exactly one holding the VIP. */
export function findHolder(inv: Inventory, statuses: CpStatus[]): { holder?: string; step: FailoverStep } {
  const api = inv.network.api;
  if (api.mode !== 'kube-vip') return { step: { step: 'holder', ok: false, detail: `--failover needs api mode kube-vip (this plan uses ${api.mode})` } };
  if (statuses.length < 2) return { step: { step: 'holder', ok: false, detail: `the VIP can only move with two control planes or more (the plan has ${statuses.length})` } };
  const holders = statuses.filter((s) => s.vip);
  if (holders.length === 1) return { holder: holders[0]!.host, step: { step: 'holder', ok: true, detail: `${holders[0]!.host} holds the VIP ${api.address}` } };
  const why = holders.length === 0 ? `no control plane holds the VIP ${api.address}` : `the VIP ${api.address} is on ${holders.map((h) => h.host).join(' and ')} at once`;
  return { step: { step: 'holder', ok: false, detail: `${why}: nothing was stopped${describe(statuses)}` } };
}

/** After kube-vip stopped on `holder`: the VIP is on another control plane, and the API answers through it. */
export function judgeMoved(holder: string, statuses: CpStatus[]): { moved?: string; apiOk: boolean } {
  const now = statuses.find((s) => s.vip && s.host !== holder);
  const apiOk = statuses.some((s) => s.vipApi);
  return { ...(now ? { moved: now.host } : {}), apiOk };
}

/** Why the VIP did not move: what each other control plane looks like (a kube-vip without its local API cannot take the lease). */
export function failureCause(holder: string, statuses: CpStatus[]): string {
  const others = statuses.filter((s) => s.host !== holder);
  const causes = others.map((s) => {
    if (s.error) return `${s.host}: ${s.error}`;
    const bad = [
      ...(s.manifest !== 'yes' ? ['no kube-vip manifest'] : []),
      ...(s.api === false ? [`its API server on :6443 does not answer (kube-vip there cannot take the leader lease)`] : []),
    ];
    return `${s.host}: ${bad.length ? bad.join(', ') : 'kube-vip is in place and its API answers, yet it did not take the VIP'}`;
  });
  return causes.join('; ');
}

function describe(statuses: CpStatus[]): string {
  const errs = statuses.filter((s) => s.error).map((s) => `${s.host}: ${s.error}`);
  return errs.length ? ` (${errs.join('; ')})` : '';
}

export function formatFailover(r: FailoverReport): string {
  return [`failover (${r.mode}):`, ...r.steps.map((s) => `  ${s.ok ? 'ok  ' : 'FAIL'} ${s.step.padEnd(8)} ${s.detail}`), `failover: ${r.ok ? 'passed' : 'FAILED'}`].join('\n');
}
