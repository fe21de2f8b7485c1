// `provision remove NAME`: what removing one node takes, decided in pure code from what the cluster and the host say now.
import type { Inventory } from '../inventory/types.js';
import type { EtcdMember } from './etcd-members.js';

export type RemovalStepName = 'drain' | 'cordon' | 'reset-host' | 'etcd-member-remove' | 'delete-node' | 'refresh-others';

export interface RemovalStep {
  step: RemovalStepName;
  /** Set when the step is not run, with why. */
  skip?: string;
  /** What it does, one line. */
  what: string;
}

export interface RemovalFacts {
  /** The node as the API lists it (absent: not a Node). */
  nodeInApi: boolean;
  /** etcd's member list, read through another control plane (control planes only). */
  members?: EtcdMember[];
  /** Whether provision could run a script on the node itself, and, if so, whether it still holds cluster state. */
  host: { reachable: false; why: string } | { reachable: true; dirty: string[] };
}

export interface RemovalDecision {
  refusals: string[];
  steps: RemovalStep[];
  /** Whether any step would change something. */
  work: boolean;
}

/** The inventory without `name`: what HAProxy, /etc/hosts and the firewall on the others are rendered from afterwards. */
export function inventoryWithout(inv: Inventory, name: string): Inventory {
  return { ...inv, hosts: inv.hosts.filter((h) => h.name !== name) };
}

/**
 * Refusals that need no connection: the name must be a listed Kubernetes node, and never the last control plane.
 * (The quorum check needs etcd's member list: `decideRemoval`.)
 */
export function staticRefusals(inv: Inventory, name: string): string[] {
  const host = inv.hosts.find((h) => h.name === name);
  if (!host) return [`${name} is not in the inventory ${inv.file}: provision needs its address and SSH settings to clean it (list it again, run remove, then delete it)`];
  if (host.role === 'lb') return [`${name} is an lb host, not a Kubernetes node: delete it from the inventory and run 'provision up' (HAProxy and /etc/hosts follow the inventory)`];
  const others = inv.hosts.filter((h) => h.role === 'control-plane' && h.name !== name);
  if (host.role === 'control-plane' && others.length === 0) return [`${name} is the last control plane in the inventory: removing it would destroy the cluster (use 'provision reset' for that)`];
  return [];
}

/**
 * etcd keeps working only while a majority of its members agree; kubeadm's stacked etcd has one member per control plane.
 * Removing a member is refused when fewer than two would be left (one of two: the survivor alone is a cluster that any
 * failure stops, and a two-member cluster needs both to agree on the removal) or when the members left that are started
 * would not be a majority of those left.
 */
export function quorumRefusals(name: string, members: EtcdMember[]): string[] {
  const left = members.filter((m) => m.name !== name);
  if (left.length === members.length) return [];
  if (left.length < 2) {
    return [`removing ${name} would leave etcd with ${left.length} member${left.length === 1 ? '' : 's'} (${left.map((m) => m.name).join(', ') || 'none'}): no quorum to spare. Join another control plane first, or tear the cluster down with 'provision reset'`];
  }
  const started = left.filter((m) => m.started).length;
  if (started <= left.length / 2) {
    return [`removing ${name} would leave ${left.length} etcd members of which only ${started} started: not a majority (quorum lost). Bring the others back first`];
  }
  return [];
}

/** The plan, in the order it runs: drain (or cordon, for a dead node), kubeadm reset and cleaning on the host, etcd member, Node, the others. */
export function decideRemoval(inv: Inventory, name: string, f: RemovalFacts): RemovalDecision {
  const refusals = staticRefusals(inv, name);
  const host = inv.hosts.find((h) => h.name === name);
  const cp = host?.role === 'control-plane';
  if (cp && f.members) refusals.push(...quorumRefusals(name, f.members));
  if (refusals.length || !host) return { refusals, steps: [], work: false };
  const member = cp ? f.members?.find((m) => m.name === name) : undefined;
  const steps: RemovalStep[] = [];
  if (!f.nodeInApi) steps.push({ step: 'drain', what: `drain ${name}`, skip: 'not a Node in the API' });
  else if (f.host.reachable) steps.push({ step: 'drain', what: `cordon ${name} and evict its pods (PodDisruptionBudgets respected; DaemonSet pods stay)` });
  else steps.push({ step: 'cordon', what: `cordon ${name} (unreachable: its pods cannot confirm an eviction; they go with the Node)` });
  if (!f.host.reachable) steps.push({ step: 'reset-host', what: `kubeadm reset and cleaning on ${name}`, skip: `unreachable (${f.host.why}): run 'kubeadm reset -f' there, or reinstall it, before it joins again` });
  else if (f.host.dirty.length === 0) steps.push({ step: 'reset-host', what: `kubeadm reset and cleaning on ${name}`, skip: 'the host holds no cluster state' });
  else steps.push({ step: 'reset-host', what: `kubeadm reset -f on ${name}, then remove what a later join would trip on: ${f.host.dirty.join(', ')}` });
  if (cp) {
    if (!member) steps.push({ step: 'etcd-member-remove', what: `remove ${name}'s etcd member`, skip: 'not an etcd member' });
    else steps.push({ step: 'etcd-member-remove', what: `remove etcd member ${member.id} (${name}) if kubeadm reset left it` });
  }
  steps.push(f.nodeInApi ? { step: 'delete-node', what: `delete Node ${name}` } : { step: 'delete-node', what: `delete Node ${name}`, skip: 'not a Node in the API' });
  const lbs = inv.hosts.filter((h) => h.role === 'lb').length;
  const also = [cp && inv.network.api.mode === 'haproxy' && lbs ? 'HAProxy backends on the lb hosts' : undefined, 'firewall sources'].filter(Boolean).join(', ');
  steps.push({ step: 'refresh-others', what: `/etc/hosts block, ${also} on the ${inv.hosts.length - 1} other hosts, rendered from the inventory without ${name}` });
  const work = steps.some((s) => !s.skip && s.step !== 'refresh-others');
  return { refusals, steps, work };
}

/** The plan as lines for the terminal. */
export function formatRemoval(name: string, d: RemovalDecision): string {
  return [`remove ${name}:`, ...d.steps.map((s) => `  ${s.skip ? '-' : '>'} ${s.step}: ${s.skip ? `skipped: ${s.skip}` : s.what}`)].join('\n');
}
