// Pure decisions of `verify --failover` in haproxy mode: which backend to stop, and what HAProxy and the nodes show.
import type { Host } from '../../inventory/types.js';
import { isUp, type BackendServer } from '../../cluster/haproxy-stats.js';
import type { CpStatus, FailoverStep } from './failover-decide.js';

/** What the lb host's HAProxy says of the API backend, or why it could not be read. */
export interface LbReading {
  servers?: BackendServer[];
  error?: string;
}

/** HAProxy's verdicts, one `NAME STATUS` per server. */
export const describeServers = (servers: BackendServer[]): string => servers.map((s) => `${s.server} ${s.status}`).join(', ');

/** Why a backend is not UP, from its node's own status (its API server, its manifest). */
function nodeCause(s: CpStatus | undefined): string {
  if (!s) return 'not a control plane of the plan';
  if (s.error) return s.error;
  if (s.apiManifest === 'parked') return 'its kube-apiserver manifest is parked (a failover left unfinished? `verify --failover` restores it)';
  if (s.apiManifest === 'no') return 'no kube-apiserver manifest';
  if (s.api === false) return 'its API server on :6443 does not answer';
  return 'its API server answers on :6443 locally (the firewall, or the health check, keeps HAProxy from it)';
}

/**
 * Before anything is stopped: HAProxy read, two backends UP or more (stopping one must leave one), and the target is
 * the first control plane of the plan that HAProxy has UP.
 */
export function pickTarget(lbName: string, cps: Host[], lb: LbReading, statuses: CpStatus[]): { target?: string; step: FailoverStep } {
  const fail = (detail: string) => ({ step: { step: 'target' as const, ok: false, detail } });
  if (cps.length < 2) return fail(`HAProxy can only fail over with two control planes or more (the plan has ${cps.length})`);
  if (!lb.servers) return fail(`cannot read HAProxy's stats on ${lbName}: ${lb.error ?? 'no kube-apiserver backend in its CSV'}: nothing was stopped`);
  const up = cps.filter((h) => lb.servers!.some((s) => s.server === h.name && isUp(s)));
  if (up.length < 2) {
    const down = cps.filter((h) => !up.includes(h)).map((h) => `${h.name}: ${nodeCause(statuses.find((s) => s.host === h.name))}`);
    return fail(`HAProxy on ${lbName} has ${up.length === 0 ? 'no backend' : `only ${up[0]!.name}`} UP (${describeServers(lb.servers)}): stopping one would take the API down, so nothing was stopped; ${down.join('; ')}`);
  }
  return { target: up[0]!.name, step: { step: 'target', ok: true, detail: `HAProxy on ${lbName} has ${up.map((h) => h.name).join(', ')} UP; stopping the API server of ${up[0]!.name}` } };
}

/** HAProxy has taken the stopped backend out of rotation (DOWN, not `UP 1/3` still counting its failed checks). */
export const backendDown = (target: string, lb: LbReading): boolean => !!lb.servers?.some((s) => s.server === target && s.status === 'DOWN');

/** The API answers through the endpoint from every other control plane that could be asked. */
export function answersWithout(target: string, statuses: CpStatus[]): boolean {
  const others = statuses.filter((s) => s.host !== target);
  return others.length > 0 && others.every((s) => s.vipApi === true);
}

/** Why the API did not answer through HAProxy: each other control plane's view, and HAProxy's. */
export function endpointCause(target: string, lb: LbReading, statuses: CpStatus[]): string {
  const nodes = statuses.filter((s) => s.host !== target).map((s) => `${s.host}: ${s.error ?? (s.vipApi ? 'answers through the endpoint' : `no answer through the endpoint; ${nodeCause(s)}`)}`);
  return [...nodes, `HAProxy: ${lb.servers ? describeServers(lb.servers) : lb.error ?? 'unreadable'}`].join('; ');
}

/** After the restore: the target answers locally again and HAProxy has every control plane UP. */
export function settledAll(cps: Host[], lb: LbReading, statuses: CpStatus[]): boolean {
  return cps.every((h) => lb.servers?.some((s) => s.server === h.name && s.status === 'UP')) && statuses.every((s) => s.api === true && s.apiManifest === 'yes');
}

