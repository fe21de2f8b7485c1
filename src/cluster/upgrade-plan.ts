// The upgrade as data: which steps each node still needs (from what its packages, manifests and the API say), in kubeadm's order.
import { serialBatches } from '../core/batches.js';
import { minorOf } from './upgrade-policy.js';

/**
 * Steps, in the order kubeadm's upgrade guide runs them. `repo`: the node's kubernetes.list moved to the new
 * minor; `kubeadm`: its package upgraded and held; `plan`+`apply` on the first control plane, `upgrade-node` on
 * the others and on workers; `drain` (cordon + evict, PodDisruptionBudgets respected); `kubelet`: kubelet and
 * kubectl upgraded and held; `restart` the kubelet; `wait-ready`: Ready with the new kubelet version (still
 * cordoned, so that nothing is scheduled on a kubelet that has not come back); `uncordon`.
 */
export type UpgradeStep = 'repo' | 'kubeadm' | 'plan' | 'apply' | 'upgrade-node' | 'drain' | 'kubelet' | 'restart' | 'uncordon' | 'wait-ready';

export interface NodeFacts {
  name: string;
  role: 'control-plane' | 'worker';
  /** The first control plane runs `kubeadm upgrade apply`. */
  first: boolean;
  /** The kubernetes.list deb line. */
  repo?: string;
  packages: { kubeadm?: string; kubelet?: string; kubectl?: string };
  /** Control planes: kube-apiserver's image tag. */
  apiserver?: string;
  /** As the API reports it. */
  kubeletVersion?: string;
  cordoned: boolean;
}

export interface NodePlan {
  name: string;
  role: 'control-plane' | 'worker';
  steps: UpgradeStep[];
  /** Why the node is done, or what it still lacks. */
  reason: string;
}

export interface UpgradePlan {
  toMinor: number;
  repoUrl: string;
  /** First control plane, then the other control planes (one at a time), then worker batches. */
  controlPlanes: NodePlan[];
  workerBatches: NodePlan[][];
  /** Nodes with nothing left to do. */
  done: NodePlan[];
}

/** The steps one node still needs to be at minor `t`; [] when it is. Every step is safe to repeat. */
export function nodeSteps(n: NodeFacts, t: number, repoUrl: string): { steps: UpgradeStep[]; reason: string } {
  const at = (v?: string) => minorOf(v) === t;
  const lacks: string[] = [];
  const steps: UpgradeStep[] = [];
  if (!(n.repo ?? '').includes(` ${repoUrl} `)) { steps.push('repo'); lacks.push('repository'); }
  if (!at(n.packages.kubeadm)) { steps.push('kubeadm'); lacks.push(`kubeadm ${n.packages.kubeadm ?? 'missing'}`); }
  const controlPlaneDone = n.role !== 'control-plane' || at(n.apiserver);
  if (!controlPlaneDone) {
    steps.push(...(n.first ? (['plan', 'apply'] as const) : (['upgrade-node'] as const)));
    lacks.push(`control plane ${n.apiserver ?? 'unknown'}`);
  }
  const kubeletPkgs = at(n.packages.kubelet) && at(n.packages.kubectl);
  if (!kubeletPkgs) {
    steps.push('drain');
    if (n.role === 'worker') steps.push('upgrade-node');
    steps.push('kubelet');
    lacks.push(`kubelet ${n.packages.kubelet ?? 'missing'}, kubectl ${n.packages.kubectl ?? 'missing'}`);
  }
  if (!kubeletPkgs || !at(n.kubeletVersion)) { steps.push('restart'); if (kubeletPkgs) lacks.push(`running kubelet ${n.kubeletVersion ?? 'unknown'}`); }
  // Only the package steps (repository, kubeadm) leave the node in service; everything else ends with uncordon and a Ready check.
  // The node must report Ready with the new kubelet while still cordoned; only then is it uncordoned.
  if (steps.some((x) => x !== 'repo' && x !== 'kubeadm') || n.cordoned) steps.push('wait-ready', 'uncordon');
  if (n.cordoned && !lacks.length) lacks.push('cordoned');
  return { steps, reason: steps.length ? `needs: ${lacks.join('; ')}` : `at 1.${t} (kubeadm, kubelet, kubectl${n.role === 'control-plane' ? ', control plane' : ''}), schedulable` };
}

export function planUpgrade(nodes: NodeFacts[], toMinor: number, repoUrl: string, maxUnavailable: number): UpgradePlan {
  const plans = nodes.map((n) => ({ n, p: { name: n.name, role: n.role, ...nodeSteps(n, toMinor, repoUrl) } }));
  const todo = plans.filter((x) => x.p.steps.length > 0);
  const cps = todo.filter((x) => x.n.role === 'control-plane').sort((a, b) => Number(b.n.first) - Number(a.n.first)).map((x) => x.p);
  const workers = todo.filter((x) => x.n.role === 'worker').map((x) => x.p);
  return { toMinor, repoUrl, controlPlanes: cps, workerBatches: serialBatches(workers, maxUnavailable), done: plans.filter((x) => x.p.steps.length === 0).map((x) => x.p) };
}

/** --check output: the whole plan, one line per node in the order it would run. */
export function formatPlan(p: UpgradePlan, from: string): string {
  const lines = [`upgrade plan: ${from} → 1.${p.toMinor} (packages from ${p.repoUrl})`];
  p.controlPlanes.forEach((n, i) => lines.push(`  control plane ${i + 1}: ${n.name}: ${n.steps.join(', ')} (${n.reason})`));
  p.workerBatches.forEach((b, i) => lines.push(`  worker batch ${i + 1}: ${b.map((n) => `${n.name}: ${n.steps.join(', ')} (${n.reason})`).join('; ')}`));
  for (const n of p.done) lines.push(`  done: ${n.name}: ${n.reason}`);
  if (p.controlPlanes.length === 0 && p.workerBatches.length === 0) lines.push('  nothing to do: every node is at the target minor');
  return lines.join('\n');
}
