// `provision remove NAME -i INVENTORY`: take one worker or control plane out of the cluster and clean its host, refusing
// before anything changes when etcd would lose quorum; the other hosts are then converged on the inventory without NAME.
import type { Inventory } from '../inventory/types.js';
import { escapeControl } from '../core/escape.js';
import { shell } from '../core/command.js';
import type { Connector } from '../core/connector.js';
import { UsageError } from '../core/errors.js';
import { EXIT } from '../core/exit-codes.js';
import { decideRemoval, formatRemoval, inventoryWithout, staticRefusals, type RemovalFacts, type RemovalStep } from '../cluster/node-removal.js';
import { etcdctlInPod, parseMemberList, type EtcdMember } from '../cluster/etcd-members.js';
import { parseDirty, renderCleanScript, renderDirtyProbe } from '../cluster/node-clean-script.js';
import { loadPlaybook } from '../playbook/load.js';
import { runPlaybook } from '../engine/run.js';
import { CONNECTION_FLAGS, CONNECTION_HELP, CONNECTION_USAGE, checkConnectionFlags, connectorFromFlags } from './connection-flags.js';
import { defineVerb, parseVerbArgs } from './args.js';
import { ACCEPT_LINT_FLAG, ACCEPT_LINT_USAGE, loadLintedInventory } from './host-inventory.js';
import { numberIn } from './numeric-flags.js';
import { findActingControlPlane, type ActingControlPlane } from './cluster/acting-control-plane.js';
import { runHostScript } from './cluster/host-script.js';
import { bundledPlaybook } from './cluster/playbook-run.js';
import { removeHostFromInventoryFile } from './cluster/inventory-remove-host.js';

export const spec = defineVerb({
  name: 'remove',
  options: {
    inventory: { type: 'string', short: 'i' },
    check: { type: 'boolean' },
    json: { type: 'boolean' },
    'drain-timeout': { type: 'string' },
    'write-inventory': { type: 'boolean' },
    ...ACCEPT_LINT_FLAG,
    ...CONNECTION_FLAGS,
  },
  positionals: true,
  help: `usage: provision remove NAME -i INVENTORY [--check] [--json] [--drain-timeout S] [--write-inventory]
                         [--accept-lint CODES] ${CONNECTION_USAGE}

Takes the worker or control plane NAME out of the cluster. NAME must still be in the inventory (provision needs its
address and SSH settings to clean it). Refused before anything changes: NAME not a node, the last control plane, or
a control plane whose etcd member leaves fewer than two members (or not a started majority). Then, in order:
cordon and drain NAME (a dead node: cordon only); on NAME, 'kubeadm reset -f' and what it leaves behind (CNI
config and links, kube-proxy and CNI nft tables and iptables rules, /etc/kubernetes, /var/lib/kubelet,
/var/lib/etcd; an unreachable host is reported as skipped); its etcd member removed if reset left it; the Node
deleted; the other hosts converged on the inventory without NAME (/etc/hosts block, HAProxy backends, firewall
sources). Last, delete NAME from the inventory (--write-inventory does it): until then 'provision up' would join it
again. A re-run continues from what the cluster says. See docs/day-two-remove-reset-backup.md.
  -i, --inventory FILE    the inventory (still listing NAME)
  --check                 print the plan and change nothing (exit 2 when there is work to do)
  --json                  print one JSON object on stdout
  --drain-timeout S       seconds kubectl drain may take (default 300)
  --write-inventory       also delete NAME from the inventory file (comments kept)
${ACCEPT_LINT_USAGE}
${CONNECTION_HELP}
  -h, --help              this text
Exit status: 0 removed, 1 refused or a step failed (re-run to continue), 2 (--check) work to do, 64 usage error.`,
});

interface StepResult { step: string; ok: boolean; skipped?: string; detail?: string }

/** What the cluster and the host say now (nothing changes). */
async function readFacts(connector: Connector, inv: Inventory, name: string, acting: ActingControlPlane): Promise<RemovalFacts | string> {
  const host = inv.hosts.find((h) => h.name === name)!;
  let members: EtcdMember[] | undefined;
  if (host.role === 'control-plane') {
    const m = await listMembers(connector, inv, acting);
    if (typeof m === 'string') return m;
    members = m;
  }
  const probe = await runHostScript(connector, inv, host, renderDirtyProbe(), { timeoutMs: 60_000, label: 'probe' });
  return {
    nodeInApi: acting.nodes.includes(name),
    ...(members ? { members } : {}),
    host: probe.stdout !== undefined ? { reachable: true, dirty: parseDirty(probe.stdout) } : { reachable: false, why: probe.error ?? 'no answer' },
  };
}

async function listMembers(connector: Connector, inv: Inventory, acting: ActingControlPlane): Promise<EtcdMember[] | string> {
  const r = await runHostScript(connector, inv, acting.host, etcdctlInPod(acting.kubectl, acting.host.name, ['member', 'list']), { timeoutMs: 60_000, label: 'etcdctl member list' });
  if (r.stdout === undefined) return `cannot read etcd's member list through ${acting.host.name}: ${r.error}`;
  try {
    return parseMemberList(r.stdout);
  } catch (e) {
    return `cannot read etcd's member list through ${acting.host.name}: ${(e as Error).message}`;
  }
}

const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseVerbArgs(argv, spec);
  const [name, ...extra] = positionals;
  if (!name || extra.length) throw new UsageError('remove needs one node: provision remove NAME -i INVENTORY', "run 'provision help remove' for usage");
  if (!values.inventory) throw new UsageError('remove needs -i INVENTORY');
  checkConnectionFlags(values);
  const drainTimeout = numberIn('--drain-timeout', values['drain-timeout'], 1, 86400, 'seconds') ?? 300;
  const inv = await loadLintedInventory(values.inventory, values['accept-lint']);
  const json = !!values.json;
  const say = (line: string) => { if (!json) process.stdout.write(`${line}\n`); };
  const refuse = (refusals: string[]) => {
    if (json) process.stdout.write(`${JSON.stringify({ ok: false, node: name, refused: refusals })}\n`);
    else process.stderr.write(`provision: remove ${escapeControl(name)} refused, nothing was changed:\n${refusals.map((r) => `  - ${escapeControl(r)}`).join('\n')}\n`);
    return EXIT.failure;
  };
  const early = staticRefusals(inv, name);
  if (early.length) return refuse(early);
  const host = inv.hosts.find((h) => h.name === name)!;
  const connector = await connectorFromFlags(values);
  try {
    const acting = await findActingControlPlane(connector, inv, [name]);
    const facts = await readFacts(connector, inv, name, acting);
    if (typeof facts === 'string') return refuse([facts]);
    const d = decideRemoval(inv, name, facts);
    if (d.refusals.length) return refuse(d.refusals);
    if (values.check) {
      if (json) process.stdout.write(`${JSON.stringify({ ok: true, check: true, node: name, role: host.role, through: acting.host.name, steps: d.steps })}\n`);
      else say(formatRemoval(name, d));
      return d.work ? EXIT.changes : EXIT.ok;
    }
    say(formatRemoval(name, d));
    const results: StepResult[] = [];
    const failed = await runSteps(connector, inv, name, acting, d.steps, drainTimeout, (r) => {
      results.push(r);
      say(`  ${r.step}: ${r.skipped ? `skipped (${r.skipped})` : r.ok ? 'ok' : 'FAILED'}${!r.ok && r.detail ? `\n    ${escapeControl(r.detail).replace(/\n/g, '\n    ')}` : ''}`);
    });
    const inventoryNote = failed ? undefined : await inventoryFollowUp(inv, name, !!values['write-inventory']);
    if (json) process.stdout.write(`${JSON.stringify({ ok: !failed, node: name, role: host.role, through: acting.host.name, steps: results, ...(failed ? { failed } : {}), ...(inventoryNote ? { inventory: inventoryNote } : {}) })}\n`);
    if (failed) {
      process.stderr.write(`provision: remove ${escapeControl(name)} stopped: ${escapeControl(failed)}; fix the cause and run the same command again: it continues from what the cluster says\n`);
      return EXIT.failure;
    }
    say(`remove ${name}: done`);
    if (inventoryNote) say(inventoryNote);
    return EXIT.ok;
  } finally {
    await connector.closeAll();
  }
}

/** Runs the steps in order; returns why it stopped, or undefined when all went through. */
async function runSteps(connector: Connector, inv: Inventory, name: string, acting: ActingControlPlane, steps: RemovalStep[], drainTimeout: number, record: (r: StepResult) => void): Promise<string | undefined> {
  const host = inv.hosts.find((h) => h.name === name)!;
  const onActing = (script: string, label: string, timeoutMs = 120_000) => runHostScript(connector, inv, acting.host, script, { timeoutMs, label });
  for (const s of steps) {
    if (s.skip) { record({ step: s.step, ok: true, skipped: s.skip }); continue; }
    let r: { stdout?: string; error?: string };
    switch (s.step) {
      case 'drain':
        r = await onActing(`${acting.kubectl} drain ${q(name)} --ignore-daemonsets --delete-emptydir-data --timeout=${drainTimeout}s`, 'kubectl drain', (drainTimeout + 120) * 1000);
        break;
      case 'cordon':
        r = await onActing(`${acting.kubectl} cordon ${q(name)}`, 'kubectl cordon');
        break;
      case 'reset-host':
        r = await runHostScript(connector, inv, host, renderCleanScript(), { timeoutMs: 600_000, label: 'kubeadm reset and cleaning' });
        break;
      case 'etcd-member-remove': {
        // kubeadm reset on a reachable control plane removes its own member; only what is left is removed here, by ID.
        const members = await listMembers(connector, inv, acting);
        if (typeof members === 'string') { r = { error: members }; break; }
        const m = members.find((x) => x.name === name);
        if (!m) { record({ step: s.step, ok: true, skipped: 'kubeadm reset removed it' }); continue; }
        r = await onActing(etcdctlInPod(acting.kubectl, acting.host.name, ['member', 'remove', m.id]), 'etcdctl member remove');
        break;
      }
      case 'delete-node':
        r = await onActing(`${acting.kubectl} delete node ${q(name)} --ignore-not-found`, 'kubectl delete node');
        break;
      case 'refresh-others':
        r = await refreshOthers(connector, inv, name);
        break;
    }
    record({ step: s.step, ok: r.error === undefined, ...(r.error !== undefined ? { detail: r.error } : {}) });
    if (r.error !== undefined) return `${s.step} failed`;
  }
  return undefined;
}

/** The other hosts converged on the inventory without NAME (/etc/hosts, HAProxy, firewall sources). */
async function refreshOthers(connector: Connector, inv: Inventory, name: string): Promise<{ error?: string }> {
  const without = inventoryWithout(inv, name);
  const loaded = await loadPlaybook({ path: bundledPlaybook('remove-refresh.yaml'), inventory: without });
  if (!loaded.playbook) return { error: `playbook remove-refresh.yaml: ${loaded.findings.map((f) => f.message).join('; ')}` };
  const report = await runPlaybook({ playbook: loaded.playbook, inventory: without, options: { connector } });
  const bad = Object.entries(report.hosts).filter(([, h]) => h.failed > 0 || h.unreachable);
  if (bad.length) return { error: bad.map(([h, r]) => `${h}: ${r.unreachable ? 'unreachable' : 'failed'}${r.error ? ` (${r.error})` : ''}`).join('; ') };
  return {};
}

async function inventoryFollowUp(inv: Inventory, name: string, write: boolean): Promise<string> {
  if (!write) return `inventory: now delete ${name} from ${inv.file} (or re-run with --write-inventory): until then 'provision up' would set it up and join it again`;
  await removeHostFromInventoryFile(inv.file, name);
  return `inventory: ${name} deleted from ${inv.file}`;
}
