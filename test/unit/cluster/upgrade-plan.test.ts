// The upgrade plan from node facts: kubeadm's order per role, batches of --max-unavailable, and a re-run that continues.
import { describe, expect, it } from 'vitest';
import { formatPlan, nodeSteps, planUpgrade, type NodeFacts } from '../../../src/cluster/upgrade-plan.js';
import { execa } from 'execa';
import { stepScript } from '../../../src/cluster/upgrade-steps.js';

const URL = 'https://pkgs.k8s.io/core:/stable:/v1.33/deb/';
const repoAt = (m: number) => `deb [signed-by=/etc/apt/keyrings/kubernetes-apt-keyring.asc] https://pkgs.k8s.io/core:/stable:/v1.${m}/deb/ /`;
function node(name: string, role: NodeFacts['role'], m: number, extra: Partial<NodeFacts> = {}): NodeFacts {
  return {
    name, role, first: false, repo: repoAt(m),
    packages: { kubeadm: `1.${m}.3-1.1`, kubelet: `1.${m}.3-1.1`, kubectl: `1.${m}.3-1.1` },
    ...(role === 'control-plane' ? { apiserver: `v1.${m}.3` } : {}),
    kubeletVersion: `v1.${m}.3`, cordoned: false, ...extra,
  };
}

describe('nodeSteps', () => {
  it('first control plane: plan + apply; others: upgrade node; workers: drain before upgrade node', () => {
    expect(nodeSteps(node('cp1', 'control-plane', 32, { first: true }), 33, URL).steps).toEqual(['repo', 'kubeadm', 'plan', 'apply', 'drain', 'kubelet', 'restart', 'wait-ready', 'uncordon']);
    expect(nodeSteps(node('cp2', 'control-plane', 32), 33, URL).steps).toEqual(['repo', 'kubeadm', 'upgrade-node', 'drain', 'kubelet', 'restart', 'wait-ready', 'uncordon']);
    expect(nodeSteps(node('w1', 'worker', 32), 33, URL).steps).toEqual(['repo', 'kubeadm', 'drain', 'upgrade-node', 'kubelet', 'restart', 'wait-ready', 'uncordon']);
  });
  it('a finished node has nothing to do and says why', () => {
    const r = nodeSteps(node('w1', 'worker', 33), 33, URL);
    expect(r.steps).toEqual([]);
    expect(r.reason).toMatch(/at 1\.33/);
  });
  it('continues a node left half-way', () => {
    // killed after the packages, before the restart: the kubelet still runs 1.32
    expect(nodeSteps(node('w1', 'worker', 33, { kubeletVersion: 'v1.32.3', cordoned: true }), 33, URL).steps).toEqual(['restart', 'wait-ready', 'uncordon']);
    // killed after the restart, before uncordon
    expect(nodeSteps(node('w1', 'worker', 33, { cordoned: true }), 33, URL).steps).toEqual(['wait-ready', 'uncordon']);
    // killed after kubeadm apply: the control plane is done, its kubelet is not
    const cp = node('cp1', 'control-plane', 32, { first: true, apiserver: 'v1.33.3', repo: repoAt(33), packages: { kubeadm: '1.33.3-1.1', kubelet: '1.32.3-1.1', kubectl: '1.32.3-1.1' } });
    expect(nodeSteps(cp, 33, URL).steps).toEqual(['drain', 'kubelet', 'restart', 'wait-ready', 'uncordon']);
  });
});

describe('planUpgrade', () => {
  const nodes = [node('w1', 'worker', 32), node('cp2', 'control-plane', 32), node('cp1', 'control-plane', 32, { first: true }), node('w2', 'worker', 32), node('w3', 'worker', 33)];
  it('first control plane first, then the others, then workers in batches; finished nodes are left alone', () => {
    const p = planUpgrade(nodes, 33, URL, 1);
    expect(p.controlPlanes.map((n) => n.name)).toEqual(['cp1', 'cp2']);
    expect(p.workerBatches.map((b) => b.map((n) => n.name))).toEqual([['w1'], ['w2']]);
    expect(p.done.map((n) => n.name)).toEqual(['w3']);
    expect(planUpgrade(nodes, 33, URL, 2).workerBatches.map((b) => b.map((n) => n.name))).toEqual([['w1', 'w2']]);
    expect(formatPlan(p, '1.32')).toMatch(/control plane 1: cp1: repo, kubeadm, plan, apply/);
  });
  it('nothing to do when every node is at the target', () => {
    const p = planUpgrade([node('cp1', 'control-plane', 33, { first: true, repo: `deb [x] ${URL} /` })], 33, URL, 1);
    expect(p.controlPlanes).toEqual([]);
    expect(formatPlan(p, '1.33')).toMatch(/nothing to do/);
  });
});

describe('stepScript', () => {
  const ctx = { minor: 33, repo: { url: URL, key: `${URL}Release.key` }, node: 'w1', kubectl: 'kubectl --kubeconfig /etc/kubernetes/admin.conf', drainTimeoutSeconds: 120 };
  it('pins the packages to the minor and holds them again', () => {
    const s = stepScript('kubelet', ctx);
    expect(s).toContain("p='1.33.'");
    expect(s).toContain('--allow-change-held-packages kubelet="$v_kubelet" kubectl="$v_kubectl"');
    expect(s).toContain('apt-mark hold kubelet kubectl');
    expect(stepScript('kubeadm', { ...ctx, patch: 4 })).toContain("p='1.33.4-'");
  });
  it('drains with a timeout, respecting PodDisruptionBudgets (eviction, never --disable-eviction)', () => {
    const s = stepScript('drain', ctx);
    expect(s).toContain("drain 'w1' --ignore-daemonsets --delete-emptydir-data --timeout=120s");
    expect(s).not.toContain('disable-eviction');
    expect(stepScript('apply', ctx)).toContain('kubeadm upgrade apply --yes "$(kubeadm version -o short)"');
  });
  it('after a killed run: finishes interrupted dpkg work first and waits for apt\'s lock; bash parses every step', async () => {
    for (const step of ['kubeadm', 'kubelet'] as const) {
      const lines = stepScript(step, ctx).split('\n');
      expect(lines[0]).toMatch(/dpkg --audit.*dpkg --configure -a/);
      expect(lines[1]).toBe('set -e');
      expect(lines.find((l) => l.includes(' install '))).toContain('-o DPkg::Lock::Timeout=300');
    }
    for (const step of ['repo', 'kubeadm', 'plan', 'apply', 'upgrade-node', 'drain', 'kubelet', 'restart', 'uncordon'] as const) {
      const r = await execa('bash', ['-n'], { input: stepScript(step, ctx), reject: false });
      expect(r.exitCode, `${step}: ${r.stderr}`).toBe(0);
    }
  });
  it('moves the repository file to the new minor', () => {
    expect(stepScript('repo', ctx)).toContain(`deb [signed-by=/etc/apt/keyrings/kubernetes-apt-keyring.asc] ${URL} /`);
  });
});
