// `provision backup -i INVENTORY [--out DIR] [--keep N]`: an etcd snapshot from a healthy control plane, with the PKI a
// restore or rebuild needs, copied to the laptop 0600 with its sha256, named by cluster and time.
import { escapeControl } from '../core/escape.js';
import { UsageError } from '../core/errors.js';
import { EXIT } from '../core/exit-codes.js';
import { backupFileName, renderBackupScript, type BackupManifest } from '../cluster/etcd-backup.js';
import { CONNECTION_FLAGS, CONNECTION_HELP, CONNECTION_USAGE, checkConnectionFlags, connectorFromFlags } from './connection-flags.js';
import { defineVerb, parseVerbArgs } from './args.js';
import { ACCEPT_LINT_FLAG, ACCEPT_LINT_USAGE, loadLintedInventory } from './host-inventory.js';
import { positiveInt } from './numeric-flags.js';
import { findActingControlPlane } from './cluster/acting-control-plane.js';
import { runHostScript } from './cluster/host-script.js';
import { pruneBackups, writeBackup } from './cluster/backup-files.js';

export const spec = defineVerb({
  name: 'backup',
  options: {
    inventory: { type: 'string', short: 'i' },
    out: { type: 'string' },
    keep: { type: 'string' },
    json: { type: 'boolean' },
    ...ACCEPT_LINT_FLAG,
    ...CONNECTION_FLAGS,
  },
  help: `usage: provision backup -i INVENTORY [--out DIR] [--keep N] [--json] [--accept-lint CODES] ${CONNECTION_USAGE}

Takes an etcd snapshot on the first control plane whose API server answers ('etcdctl snapshot save' in its etcd
pod), with the PKI a restore or a rebuilt control plane needs (cluster CA, service-account keys, front-proxy and
etcd CAs), and copies it to DIR/CLUSTER-YYYYMMDDTHHMMSSZ.tar with a sha256sum file beside it. Both are 0600 in a
0700 directory, whatever the umask: the tar holds the CA key. Nothing of it is printed. The copy on the control
plane is removed. --keep N then deletes this cluster's older backups in DIR beyond the newest N.
  -i, --inventory FILE    the inventory
  --out DIR               where backups go (default ./backups)
  --keep N                keep only the newest N backups of this cluster in DIR
  --json                  print one JSON object on stdout
${ACCEPT_LINT_USAGE}
${CONNECTION_HELP}
  -h, --help              this text
Exit status: 0 written, 1 failed (nothing written), 64 usage error.`,
});

export async function run(argv: string[]): Promise<number> {
  const { values } = parseVerbArgs(argv, spec);
  if (!values.inventory) throw new UsageError('backup needs -i INVENTORY');
  checkConnectionFlags(values);
  const keep = positiveInt('--keep', values.keep);
  const dir = values.out ?? 'backups';
  const inv = await loadLintedInventory(values.inventory, values['accept-lint']);
  const connector = await connectorFromFlags(values);
  try {
    const acting = await findActingControlPlane(connector, inv, []);
    const at = new Date();
    const manifest: BackupManifest = { cluster: inv.cluster.name, takenAt: at.toISOString(), takenOn: acting.host.name, kubernetes: inv.cluster.kubernetes, format: 1 };
    const r = await runHostScript(connector, inv, acting.host, renderBackupScript(acting.kubectl, acting.host, manifest), { timeoutMs: 900_000, label: 'etcd snapshot' });
    if (r.stdout === undefined) {
      const message = `backup failed on ${acting.host.name}: ${r.error}`;
      if (values.json) process.stdout.write(`${JSON.stringify({ ok: false, error: message })}\n`);
      else process.stderr.write(`provision: ${escapeControl(message)}\n`);
      return EXIT.failure;
    }
    const data = Buffer.from(r.stdout.trim(), 'base64');
    const { path, sha256 } = await writeBackup(dir, backupFileName(inv.cluster.name, at), data);
    const pruned = keep ? await pruneBackups(dir, inv.cluster.name, keep) : [];
    if (values.json) process.stdout.write(`${JSON.stringify({ ok: true, file: path, sha256, bytes: data.length, from: acting.host.name, pruned })}\n`);
    else {
      process.stdout.write(`backup of ${inv.cluster.name} from ${acting.host.name}: ${path} (${data.length} bytes, sha256 ${sha256})\n`);
      if (pruned.length) process.stdout.write(`pruned (--keep ${keep}): ${pruned.join(', ')}\n`);
    }
    return EXIT.ok;
  } finally {
    await connector.closeAll();
  }
}
