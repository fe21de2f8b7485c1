// `provision upgrade -i INVENTORY --to 1.33`: refuse what kubeadm would refuse, then upgrade node by node in kubeadm's order; re-runs continue.
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { escapeControl } from '../core/escape.js';
import type { Host, Inventory } from '../inventory/types.js';
import { kubeRepo, type KubeRepo } from '../modules/cluster/host-setup/kube-apt.js';
import { firstControlPlane } from '../cluster/cluster-shape.js';
import { formatPlan, planUpgrade, type NodeFacts, type NodePlan, type UpgradePlan } from '../cluster/upgrade-plan.js';
import { minorOf, parseTarget, repoUrlForMinor, skewRefusals } from '../cluster/upgrade-policy.js';
import { stepRunsOnFirst, stepScript } from '../cluster/upgrade-steps.js';
import type { KubeVersion } from '../cluster/version.js';
import { shell } from '../core/command.js';
import type { Connector } from '../core/connector.js';
import { CONNECTION_FLAGS, CONNECTION_HELP, CONNECTION_USAGE, checkConnectionFlags, connectorFromFlags } from './connection-flags.js';
import { defineVerb, parseVerbArgs } from './args.js';
import { ACCEPT_LINT_FLAG, ACCEPT_LINT_USAGE, loadLintedInventory } from './host-inventory.js';
import { numberIn, positiveInt } from './numeric-flags.js';
import { probeCluster } from './cluster/status-probe.js';
import type { StatusReport } from './cluster/status-results.js';
import { localKubectl } from './cluster/status-script.js';
import { setClusterKubernetes } from './cluster/inventory-version.js';
import { nodeSettled } from './cluster/node-settled.js';
import { UsageError } from '../core/errors.js';
import { EXIT } from '../core/exit-codes.js';

export const spec = defineVerb({
  name: 'upgrade',
  options: {
    inventory: { type: 'string', short: 'i' },
    to: { type: 'string' },
    check: { type: 'boolean' },
    json: { type: 'boolean' },
    'max-unavailable': { type: 'string' },
    'drain-timeout': { type: 'string' },
    'ready-timeout': { type: 'string' },
    'packages-url': { type: 'string' },
    'write-inventory': { type: 'boolean' },
    ...ACCEPT_LINT_FLAG,
    ...CONNECTION_FLAGS,
  },
  help: `usage: provision upgrade -i INVENTORY --to MINOR [--check] [--json] [--max-unavailable N] [--drain-timeout S]
                         [--ready-timeout S] [--packages-url URL] [--write-inventory] [--accept-lint CODES] ${CONNECTION_USAGE}

Moves the cluster to the next Kubernetes minor (e.g. --to 1.33) the way kubeadm's upgrade guide does. First
it reads the cluster as 'provision status' does and refuses, before anything changes, a jump of more than
one minor, a downgrade, kubelets kubeadm would call too old (more than 3 minors) or newer than the target,
and an unhealthy cluster (a node NotReady or unreachable, a stopped kubelet, an etcd member missing).
Then, per node: the Kubernetes apt repository moved to the new minor (pkgs.k8s.io keeps one per minor) and
kubeadm upgraded and held; on the first control plane 'kubeadm upgrade plan' and 'kubeadm upgrade apply',
on the other control planes 'kubeadm upgrade node', one at a time; then workers in batches of
--max-unavailable: drain (cordon and evict, PodDisruptionBudgets respected, --drain-timeout), 'kubeadm
upgrade node', kubelet and kubectl upgraded and held, kubelet restarted, wait until Ready with the
new kubelet version, uncordon. Every step is decided from what the node says now, so a re-run after a failure or a kill
continues where the cluster is and never repeats a finished node. See docs/upgrade.md.
  -i, --inventory FILE    the inventory
  --to MINOR              the target, e.g. 1.33 (a patch, 1.33.4, pins the packages)
  --check                 print the plan per node and change nothing (exit 2 when there is work to do)
  --json                  print one JSON object on stdout (the plan, or the steps run and the result)
  --max-unavailable N     workers upgraded at once (default 1)
  --drain-timeout S       seconds kubectl drain may take per node (default 300)
  --ready-timeout S       seconds a node may take to be Ready with the new kubelet (default 300)
  --packages-url URL      the new minor's apt repository, when cluster.packages.url names no minor
  --write-inventory       also set cluster.kubernetes in the inventory file to the new minor
${ACCEPT_LINT_USAGE}
${CONNECTION_HELP}
  -h, --help              this text
Exit status: 0 done (or nothing to do), 1 refused or a step failed (re-run to continue), 2 (--check) work to do, 64 usage error.`,
});

export function nodeFactsOf(inv: Inventory, report: StatusReport): NodeFacts[] {
  const first = firstControlPlane(inv).name;
  return report.nodes.filter((n) => n.role !== 'lb').map((n) => ({
    name: n.name,
    role: n.role as 'control-plane' | 'worker',
    first: n.name === first,
    ...(n.repo ? { repo: n.repo } : {}),
    packages: n.packages,
    ...(n.staticPods?.['kube-apiserver'] ? { apiserver: n.staticPods['kube-apiserver'] } : {}),
    ...(n.kubeletVersion ? { kubeletVersion: n.kubeletVersion } : {}),
    cordoned: !!n.cordoned,
  }));
}

/** The new minor's repository (URL and key), or a refusal. */
export function targetRepo(current: KubeRepo, from: number, to: number, override?: string): KubeRepo | string {
  if (override) return { url: override.endsWith('/') ? override : `${override}/`, key: repoUrlForMinor(current.key, from, to) ?? current.key };
  const url = repoUrlForMinor(current.url, from, to);
  if (!url) return `the package repository ${current.url} names no minor (like .../v1.${from}/), so provision cannot tell where 1.${to} lives: pass --packages-url with the 1.${to} repository`;
  return { url, key: repoUrlForMinor(current.key, from, to) ?? current.key };
}

export interface Decision {
  refusals: string[];
  from?: number;
  repo?: KubeRepo;
  plan?: UpgradePlan;
}

/** Everything decided before a host changes (pure). */
export function decideUpgrade(inv: Inventory, report: StatusReport, target: KubeVersion, opts: { maxUnavailable: number; packagesUrl?: string }): Decision {
  const facts = nodeFactsOf(inv, report);
  const refusals = skewRefusals({
    target,
    controlPlanes: facts.filter((f) => f.role === 'control-plane').map((f) => ({ name: f.name, ...(f.apiserver ? { apiserver: f.apiserver } : {}) })),
    kubelets: facts.map((f) => ({ name: f.name, ...(f.kubeletVersion ? { version: f.kubeletVersion } : {}) })),
    kubeadms: facts.map((f) => ({ name: f.name, ...(f.packages.kubeadm ? { version: f.packages.kubeadm } : {}) })),
  });
  refusals.push(...report.problems.map((p) => `the cluster is not healthy: ${p}`));
  const cpMinors = facts.filter((f) => f.role === 'control-plane').map((f) => minorOf(f.apiserver)).filter((m): m is number => m !== undefined);
  if (cpMinors.length === 0) return { refusals };
  const from = Math.min(...cpMinors);
  const repo = targetRepo(kubeRepo(inv), minorOf(`v${inv.cluster.kubernetes}`) ?? from, target.minor, opts.packagesUrl);
  if (typeof repo === 'string') return { refusals: [...refusals, repo], from };
  if (refusals.length) return { refusals, from, repo };
  return { refusals, from, repo, plan: planUpgrade(facts, target.minor, repo.url, opts.maxUnavailable) };
}

interface StepResult {
  node: string;
  step: string;
  ok: boolean;
  seconds: number;
  detail?: string;
}

class StepFailed extends Error {}

export async function run(argv: string[]): Promise<number> {
  const { values } = parseVerbArgs(argv, spec);
  if (!values.inventory) throw new UsageError('upgrade needs -i INVENTORY');
  if (!values.to) throw new UsageError('upgrade needs --to MINOR (e.g. --to 1.33)');
  let target: KubeVersion;
  try {
    target = parseTarget(values.to);
  } catch (e) {
    throw new UsageError(`--to: ${(e as Error).message}`);
  }
  checkConnectionFlags(values);
  const maxUnavailable = positiveInt('--max-unavailable', values['max-unavailable']) ?? 1;
  const drainTimeout = numberIn('--drain-timeout', values['drain-timeout'], 1, 86400, 'seconds') ?? 300;
  const readyTimeout = numberIn('--ready-timeout', values['ready-timeout'], 1, 86400, 'seconds') ?? 300;
  const inv = await loadLintedInventory(values.inventory, values['accept-lint']);
  const connector = await connectorFromFlags(values);
  const say = (line: string) => { if (!values.json) process.stdout.write(`${line}\n`); };
  try {
    const before = await probeCluster(connector, inv);
    const d = decideUpgrade(inv, before, target, { maxUnavailable, ...(values['packages-url'] ? { packagesUrl: values['packages-url'] } : {}) });
    const fromText = d.from !== undefined ? `1.${d.from}` : 'unknown';
    if (!d.plan) {
      if (values.json) process.stdout.write(`${JSON.stringify({ ok: false, from: fromText, to: `1.${target.minor}`, refused: d.refusals })}\n`);
      else process.stderr.write(`provision: upgrade to 1.${target.minor} refused, nothing was changed:\n${d.refusals.map((r) => `  - ${escapeControl(r)}`).join('\n')}\n`);
      return EXIT.failure;
    }
    const plan = d.plan;
    const work = plan.controlPlanes.length + plan.workerBatches.length > 0;
    if (values.check) {
      if (values.json) process.stdout.write(`${JSON.stringify({ ok: true, check: true, from: fromText, to: `1.${target.minor}`, plan })}\n`);
      else say(formatPlan(plan, fromText));
      return work ? EXIT.changes : EXIT.ok;
    }
    say(formatPlan(plan, fromText));
    const results: StepResult[] = [];
    const firstHost = firstControlPlane(inv);
    const hostOf = (name: string): Host => inv.hosts.find((h) => h.name === name)!;
    const kubectl = localKubectl(firstHost);
    const runNode = async (n: NodePlan) => {
      for (const step of n.steps) {
        const started = Date.now();
        const record = (ok: boolean, detail?: string) => {
          const r: StepResult = { node: n.name, step, ok, seconds: Math.round((Date.now() - started) / 100) / 10, ...(detail ? { detail } : {}) };
          results.push(r);
          say(`  ${n.name}: ${step} ${ok ? 'ok' : 'FAILED'} (${r.seconds}s)${detail && !ok ? `\n    ${escapeControl(detail).replace(/\n/g, '\n    ')}` : ''}`);
          if (!ok) throw new StepFailed(`${n.name}: ${step} failed`);
        };
        try {
          if (step === 'wait-ready') {
            const first = await connector.connect(firstHost, inv);
            const until = Date.now() + readyTimeout * 1000;
            let last = '';
            for (;;) {
              const r = await first.exec(shell(`${kubectl} get node '${n.name}' -o json`, { sudo: true }), { timeoutMs: 60_000 });
              const s = nodeSettled(r.code === 0 ? r.stdout : undefined, target.minor);
              if (s.ok) break;
              last = r.code === 0 ? s.why : r.stderr.trim();
              if (Date.now() > until) { record(false, `not Ready with 1.${target.minor} after ${readyTimeout}s: ${last}`); break; }
              await new Promise((res) => setTimeout(res, 2000));
            }
            if (!results.some((r) => r.node === n.name && r.step === step && !r.ok)) record(true);
            continue;
          }
          const session = await connector.connect(stepRunsOnFirst(step) ? firstHost : hostOf(n.name), inv);
          const script = stepScript(step, { minor: target.minor, ...(target.patch !== undefined ? { patch: target.patch } : {}), repo: d.repo!, node: n.name, kubectl, drainTimeoutSeconds: drainTimeout });
          const r = await session.exec(shell(script, { sudo: true }), { timeoutMs: (drainTimeout + 1200) * 1000 });
          record(r.code === 0, r.code === 0 ? undefined : `exit ${r.code}: ${(r.stderr.trim() || r.stdout.trim()).split('\n').slice(-6).join('\n')}`);
        } catch (e) {
          if (e instanceof StepFailed) throw e;
          record(false, (e as Error).message);
        }
      }
    };
    let failed: string | undefined;
    try {
      for (const n of plan.controlPlanes) {
        say(`control plane ${n.name}:`);
        await runNode(n);
      }
      for (const [i, batch] of plan.workerBatches.entries()) {
        say(`worker batch ${i + 1}/${plan.workerBatches.length}: ${batch.map((n) => n.name).join(', ')}`);
        const settled = await Promise.allSettled(batch.map(runNode));
        const bad = settled.find((s) => s.status === 'rejected');
        if (bad) throw (bad as PromiseRejectedResult).reason;
      }
    } catch (e) {
      if (!(e instanceof StepFailed)) throw e;
      failed = e.message;
    }
    const inventoryNote = await inventoryFollowUp(inv, target, !failed && !!values['write-inventory']);
    if (values.json) process.stdout.write(`${JSON.stringify({ ok: !failed, from: fromText, to: `1.${target.minor}`, steps: results, ...(failed ? { failed } : {}), inventory: inventoryNote })}\n`);
    if (failed) {
      process.stderr.write(`provision: upgrade stopped: ${escapeControl(failed)}; fix the cause and run the same command again: it continues from where the cluster is\n`);
      return EXIT.failure;
    }
    say(`upgrade to 1.${target.minor}: ${results.length ? `done (${results.length} steps)` : 'nothing to do'}`);
    say(inventoryNote);
    return EXIT.ok;
  } finally {
    await connector.closeAll();
  }
}

/** Tells the user to move cluster.kubernetes, or does it (--write-inventory). */
async function inventoryFollowUp(inv: Inventory, target: KubeVersion, write: boolean): Promise<string> {
  const want = `1.${target.minor}`;
  if (minorOf(`v${inv.cluster.kubernetes}`) === target.minor) return `inventory: cluster.kubernetes is already ${inv.cluster.kubernetes}`;
  if (!write) return `inventory: set cluster.kubernetes to "${want}" in ${inv.file} (or re-run with --write-inventory); until then 'provision up' would move the package repository back to ${inv.cluster.kubernetes}`;
  const text = readFileSync(inv.file, 'utf8');
  writeFileSync(`${inv.file}.provision-tmp`, setClusterKubernetes(text, want));
  renameSync(`${inv.file}.provision-tmp`, inv.file);
  return `inventory: cluster.kubernetes set to "${want}" in ${inv.file}`;
}
