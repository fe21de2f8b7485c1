// `provision certs check|renew -i INVENTORY`: kubeadm's certificates on every control plane; renew one control plane at a time.
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { escapeControl } from '../core/escape.js';
import { WARN_DAYS } from '../cluster/cert-expiry.js';
import { renewScript, RESTARTED_PODS } from '../cluster/certs-renew.js';
import { apiEndpoint, controlPlanes, firstControlPlane } from '../cluster/cluster-shape.js';
import { rewriteServer } from '../modules/cluster/kubernetes/kubeconfig-rewrite.js';
import { ADMIN_CONF } from '../cluster/paths.js';
import { kubeconfigDest } from '../modules/cluster/kubeconfig.js';
import { shell } from '../core/command.js';
import { CONNECTION_FLAGS, CONNECTION_HELP, CONNECTION_USAGE, checkConnectionFlags, connectorFromFlags } from './connection-flags.js';
import { defineVerb, parseVerbArgs } from './args.js';
import { ACCEPT_LINT_FLAG, ACCEPT_LINT_USAGE, loadLintedInventory } from './host-inventory.js';
import { numberIn } from './numeric-flags.js';
import { probeCluster } from './cluster/status-probe.js';
import type { StatusReport } from './cluster/status-results.js';
import { localKubectl } from './cluster/status-script.js';
import { UsageError } from '../core/errors.js';
import { EXIT } from '../core/exit-codes.js';

export const spec = defineVerb({
  name: 'certs',
  options: {
    inventory: { type: 'string', short: 'i' },
    json: { type: 'boolean' },
    check: { type: 'boolean' },
    'restart-wait': { type: 'string' },
    ...ACCEPT_LINT_FLAG,
    ...CONNECTION_FLAGS,
  },
  positionals: true,
  help: `usage: provision certs check -i INVENTORY [--json] [--accept-lint CODES] ${CONNECTION_USAGE}
       provision certs renew -i INVENTORY [--check] [--json] [--restart-wait S] [--accept-lint CODES] ${CONNECTION_USAGE}

check: 'kubeadm certs check-expiration' on every control plane; each certificate's expiry, and a warning
  for those that expire within ${WARN_DAYS} days. Exit 1 when one does (or has expired), so it fits a cron job.
renew: on each control plane, one at a time: 'kubeadm certs renew all', then the static pods
  (${RESTARTED_PODS.join(', ')}) restarted as kubeadm documents it (manifests moved out for --restart-wait
  seconds, the kubelet's fileCheckFrequency, default 20, then back), and the node's API server must answer
  again before the next control plane starts. Then ./kubeconfig/<cluster>.conf is fetched again from the
  first control plane (its client certificate was renewed). --check prints what would be done.
  -i, --inventory FILE   the inventory
  --json                 print one JSON object on stdout
  --check                (renew) show the plan, change nothing (exit 2)
  --restart-wait S       (renew) seconds each manifest stays out (default 20)
${ACCEPT_LINT_USAGE}
${CONNECTION_HELP}
  -h, --help             this text
Exit status: 0 ok, 1 certificates expire within ${WARN_DAYS} days (check) or a step failed (renew), 2 (renew --check) work to do, 64 usage error.`,
});

function certRows(report: StatusReport) {
  return report.nodes.filter((n) => n.role === 'control-plane').map((n) => ({
    host: n.name,
    ...(n.certs ? { earliest: n.certs.earliest, daysLeft: n.certs.daysLeft, soon: n.certs.soon.map((c) => c.name) } : { error: n.certsError ?? (n.reachable ? 'not read' : 'unreachable') }),
  }));
}

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseVerbArgs(argv, spec);
  const [sub, ...extra] = positionals;
  if ((sub !== 'check' && sub !== 'renew') || extra.length) throw new UsageError('certs needs check or renew: provision certs check|renew -i INVENTORY', "run 'provision help certs' for usage");
  if (!values.inventory) throw new UsageError(`certs ${sub} needs -i INVENTORY`);
  if (sub === 'check' && values.check) throw new UsageError('certs check changes nothing already: --check is for certs renew');
  checkConnectionFlags(values);
  const wait = numberIn('--restart-wait', values['restart-wait'], 0, 600, 'seconds') ?? 20;
  const inv = await loadLintedInventory(values.inventory, values['accept-lint']);
  const connector = await connectorFromFlags(values);
  const say = (l: string) => { if (!values.json) process.stdout.write(`${l}\n`); };
  try {
    const report = await probeCluster(connector, inv);
    const rows = certRows(report);
    const warn = report.warnings.filter((w) => w.includes('certificates expire'));
    if (sub === 'check') {
      const bad = rows.some((r) => 'error' in r || (r.soon?.length ?? 0) > 0);
      if (values.json) process.stdout.write(`${JSON.stringify({ ok: !bad, warnDays: WARN_DAYS, controlPlanes: rows })}\n`);
      else {
        for (const r of rows) say('error' in r ? `${r.host}: certificates not read: ${escapeControl(r.error ?? '')}` : `${r.host}: earliest ${r.earliest!.name} expires ${r.earliest!.expires} (${r.daysLeft} days)${r.soon!.length ? ` WARNING: within ${WARN_DAYS} days: ${r.soon!.join(', ')}` : ''}`);
        for (const w of warn) say(`warning: ${escapeControl(w)}`);
      }
      return bad ? EXIT.failure : EXIT.ok;
    }
    const cps = controlPlanes(inv);
    const dest = kubeconfigDest(inv.cluster.name);
    if (values.check) {
      const plan = cps.map((h) => `${h.name}: kubeadm certs renew all; restart ${RESTARTED_PODS.join(', ')} (${wait}s each way); wait for its API server`);
      if (values.json) process.stdout.write(`${JSON.stringify({ ok: true, check: true, controlPlanes: rows, plan, kubeconfig: dest })}\n`);
      else say([...plan, `then fetch ${dest} from ${firstControlPlane(inv).name}`].join('\n'));
      return EXIT.changes;
    }
    const unreachable = report.nodes.filter((n) => n.role === 'control-plane' && !n.reachable);
    if (unreachable.length) {
      process.stderr.write(`provision: certs renew refused, nothing was changed: unreachable control planes: ${unreachable.map((n) => n.name).join(', ')}\n`);
      return EXIT.failure;
    }
    const done: string[] = [];
    for (const h of cps) {
      const session = await connector.connect(h, inv);
      const r = await session.exec(shell(renewScript({ waitSeconds: wait, healthSeconds: 180, kubectl: localKubectl(h) }), { sudo: true }), { timeoutMs: (wait + 600) * 1000 });
      if (r.code !== 0) {
        const why = (r.stderr.trim() || r.stdout.trim()).split('\n').slice(-6).join('\n');
        if (values.json) process.stdout.write(`${JSON.stringify({ ok: false, renewed: done, failed: h.name, error: why })}\n`);
        else process.stderr.write(`provision: certs renew failed on ${h.name} (exit ${r.code}), the control planes after it were not touched:\n  ${escapeControl(why)}\nrun it again once fixed\n`);
        return EXIT.failure;
      }
      done.push(h.name);
      say(`${h.name}: certificates renewed, static pods restarted, API server answers`);
    }
    const first = await connector.connect(firstControlPlane(inv), inv);
    const admin = await first.exec({ argv: ['cat', ADMIN_CONF], sudo: true }, { timeoutMs: 60_000 });
    if (admin.code !== 0) throw new Error(`could not read ${ADMIN_CONF} on ${firstControlPlane(inv).name}`);
    mkdirSync(dirname(dest), { recursive: true });
    writeFileSync(`${dest}.tmp`, rewriteServer(admin.stdout, apiEndpoint(inv).url), { mode: 0o600 });
    renameSync(`${dest}.tmp`, dest);
    const after = certRows(await probeCluster(connector, inv));
    if (values.json) process.stdout.write(`${JSON.stringify({ ok: true, renewed: done, controlPlanes: after, kubeconfig: dest })}\n`);
    else {
      say(`kubeconfig refreshed: ${dest}`);
      for (const r of after) if (!('error' in r)) say(`${r.host}: earliest ${r.earliest!.name} now expires ${r.earliest!.expires} (${r.daysLeft} days)`);
    }
    return EXIT.ok;
  } finally {
    await connector.closeAll();
  }
}
