// `provision restore FILE -i INVENTORY --yes`: kubeadm's procedure for stacked etcd, on every control plane: stop the API
// servers and etcd, restore the snapshot as a new cluster of the same members, start them, wait for the API.
import { execa } from 'execa';
import { escapeControl } from '../core/escape.js';
import { shell } from '../core/command.js';
import { UsageError, UserError } from '../core/errors.js';
import { EXIT } from '../core/exit-codes.js';
import { controlPlanes } from '../cluster/cluster-shape.js';
import { BACKUP_MANIFEST, renderEtcdImageProbe, renderRestoreScript, renderStageScript, renderStartScript, renderStopScript, type BackupManifest } from '../cluster/etcd-backup.js';
import { CONNECTION_FLAGS, CONNECTION_HELP, CONNECTION_USAGE, checkConnectionFlags, connectorFromFlags } from './connection-flags.js';
import { defineVerb, parseVerbArgs } from './args.js';
import { ACCEPT_LINT_FLAG, ACCEPT_LINT_USAGE, loadLintedInventory } from './host-inventory.js';
import { findActingControlPlane } from './cluster/acting-control-plane.js';
import { runHostScript } from './cluster/host-script.js';
import { readCheckedBackup } from './cluster/backup-files.js';

export const spec = defineVerb({
  name: 'restore',
  options: {
    inventory: { type: 'string', short: 'i' },
    yes: { type: 'boolean' },
    json: { type: 'boolean' },
    ...ACCEPT_LINT_FLAG,
    ...CONNECTION_FLAGS,
  },
  positionals: true,
  help: `usage: provision restore FILE -i INVENTORY --yes [--json] [--accept-lint CODES] ${CONNECTION_USAGE}

Puts the cluster back to a backup made by 'provision backup' (FILE, checked against FILE.sha256 first), the way
kubeadm's guide restores stacked etcd: on every control plane the kube-apiserver and etcd static pods are stopped
(their manifests moved aside); then on each, etcdutl (from the etcd image, run with containerd's ctr) restores
the snapshot into a fresh data dir as that member of a new cluster of all the inventory's control planes, and
the old /var/lib/etcd is kept as /var/lib/etcd.before-restore-STAMP; the manifests go back, the kubelet restarts,
and provision waits for the API. Everything written since the backup is lost: hence --yes. Refused before
anything changes: a damaged backup, another cluster's backup, a control plane that does not answer.
  -i, --inventory FILE    the inventory
  --yes                   really restore (required)
  --json                  print one JSON object on stdout
${ACCEPT_LINT_USAGE}
${CONNECTION_HELP}
  -h, --help              this text
Exit status: 0 restored, 1 refused or failed, 64 usage error.`,
});

interface StepResult { host: string; step: string; ok: boolean; detail?: string }

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseVerbArgs(argv, spec);
  const [file, ...extra] = positionals;
  if (!file || extra.length) throw new UsageError('restore needs one backup file: provision restore FILE -i INVENTORY --yes');
  if (!values.inventory) throw new UsageError('restore needs -i INVENTORY');
  if (!values.yes) throw new UsageError('restore replaces everything in the cluster written since the backup: pass --yes to do it');
  checkConnectionFlags(values);
  const inv = await loadLintedInventory(values.inventory, values['accept-lint']);
  const data = await readCheckedBackup(file);
  const manifest = await readManifest(file);
  if (manifest.cluster !== inv.cluster.name) throw new UserError(`${file} is a backup of cluster ${manifest.cluster}, not ${inv.cluster.name}`);
  const json = !!values.json;
  const say = (line: string) => { if (!json) process.stdout.write(`${line}\n`); };
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  const cps = controlPlanes(inv);
  const connector = await connectorFromFlags(values);
  const results: StepResult[] = [];
  const finish = (failed?: string) => {
    if (json) process.stdout.write(`${JSON.stringify({ ok: !failed, file, cluster: manifest.cluster, takenAt: manifest.takenAt, steps: results, ...(failed ? { failed } : {}) })}\n`);
    if (failed) process.stderr.write(`provision: restore stopped: ${escapeControl(failed)}\n`);
    return failed ? EXIT.failure : EXIT.ok;
  };
  try {
    // Before anything changes: every control plane answers and runs an etcd static pod whose image has etcdutl.
    const images = new Map<string, string>();
    for (const h of cps) {
      const r = await runHostScript(connector, inv, h, renderEtcdImageProbe(), { timeoutMs: 60_000, label: 'etcd image probe' });
      const image = r.stdout?.trim();
      if (!image) return finish(`refused, nothing was changed: ${h.name}: ${r.error ?? 'no etcd static pod manifest (/etc/kubernetes/manifests/etcd.yaml)'}; every control plane must answer to restore`);
      images.set(h.name, image);
    }
    say(`restore ${file} (cluster ${manifest.cluster}, taken ${manifest.takenAt} on ${manifest.takenOn}) on ${cps.map((h) => h.name).join(', ')}`);
    const each = async (step: string, script: (h: (typeof cps)[number]) => string, opts: { stdin?: Buffer; timeoutMs?: number } = {}) => {
      for (const h of cps) {
        let error: string | undefined;
        try {
          const session = await connector.connect(h, inv);
          const r = await session.exec({ ...shell(script(h), { sudo: true }), ...(opts.stdin ? { stdin: opts.stdin } : {}) }, { timeoutMs: opts.timeoutMs ?? 300_000 });
          if (r.code !== 0) error = `exit ${r.code}: ${r.stderr.trim().split('\n').slice(-4).join(' / ')}`;
        } catch (e) {
          error = (e as Error).message;
        }
        results.push({ host: h.name, step, ok: !error, ...(error ? { detail: error } : {}) });
        say(`  ${h.name}: ${step} ${error ? `FAILED\n    ${escapeControl(error)}` : 'ok'}`);
        if (error) throw new StepFailed(`${h.name}: ${step} failed`);
      }
    };
    try {
      await each('stage', () => renderStageScript(), { stdin: data });
      await each('stop', () => renderStopScript());
      await each('restore', (h) => renderRestoreScript(inv, h, images.get(h.name)!, stamp), { timeoutMs: 900_000 });
      await each('start', () => renderStartScript());
    } catch (e) {
      if (!(e instanceof StepFailed)) throw e;
      return finish(`${e.message}; the manifests of stopped control planes are in /etc/kubernetes/provision-restore-manifests and the old data in /var/lib/etcd.before-restore-${stamp} (see docs/day-two-remove-reset-backup.md)`);
    }
    const until = Date.now() + 300_000;
    for (;;) {
      try {
        const acting = await findActingControlPlane(connector, inv, []);
        results.push({ host: acting.host.name, step: 'api-answers', ok: true });
        say(`  ${acting.host.name}: API answers (${acting.nodes.length} nodes)`);
        break;
      } catch (e) {
        if (Date.now() > until) {
          results.push({ host: '-', step: 'api-answers', ok: false, detail: (e as Error).message });
          return finish(`the API did not answer within 300 s after the restore: ${(e as Error).message}`);
        }
        await new Promise((r) => setTimeout(r, 2000));
      }
    }
    say(`restore done: run 'provision verify -i ${values.inventory}'`);
    return finish();
  } finally {
    await connector.closeAll();
  }
}

class StepFailed extends Error {}

/** The backup's manifest (cluster, time), read with the laptop's tar. */
async function readManifest(file: string): Promise<BackupManifest> {
  const r = await execa('tar', ['-xOf', file, BACKUP_MANIFEST], { reject: false, encoding: 'utf8' });
  try {
    if (r.exitCode !== 0) throw new Error(String(r.stderr).trim());
    const m = JSON.parse(String(r.stdout)) as BackupManifest;
    if (typeof m.cluster !== 'string' || m.format !== 1) throw new Error('not a provision backup manifest');
    return m;
  } catch (e) {
    throw new UserError(`${file} is not a provision backup (${BACKUP_MANIFEST}: ${(e as Error).message})`);
  }
}
