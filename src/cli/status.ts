// `provision status -i INVENTORY`: one read-only view of the cluster (nodes, versions, endpoint, etcd, certificates); exit 1 when unhealthy.
import { CONNECTION_FLAGS, CONNECTION_HELP, CONNECTION_USAGE, checkConnectionFlags, connectorFromFlags } from './connection-flags.js';
import { defineVerb, parseVerbArgs } from './args.js';
import { ACCEPT_LINT_FLAG, ACCEPT_LINT_USAGE, loadLintedInventory } from './host-inventory.js';
import { positiveInt } from './numeric-flags.js';
import { probeCluster } from './cluster/status-probe.js';
import { formatStatus } from './cluster/status-results.js';
import { UsageError } from '../core/errors.js';

export const spec = defineVerb({
  name: 'status',
  options: {
    inventory: { type: 'string', short: 'i' },
    json: { type: 'boolean' },
    concurrency: { type: 'string' },
    'skip-drift': { type: 'boolean' },
    ...ACCEPT_LINT_FLAG,
    ...CONNECTION_FLAGS,
  },
  help: `usage: provision status -i INVENTORY [--json] [--concurrency N] [--skip-drift] [--accept-lint CODES] ${CONNECTION_USAGE}

Reads the cluster without changing anything: one probe per host (installed kubeadm/kubelet/kubectl and
whether they are held, the kubelet service, the Kubernetes apt repository, the static pods' versions and
'kubeadm certs check-expiration' on control planes, whether a control plane holds the kube-vip VIP, the API
endpoint from every host) plus the API's word read on the first control plane (each node Ready or not,
cordoned, its kubelet version, the etcd members' pods, the server version). On the lb host (haproxy mode)
it reads HAProxy's stats page: each API backend UP or DOWN. Then it plans 'provision up' in check mode on every
host it could read (the engine's own check, one more probe per host) and shows what up would change there:
drift. Certificates that expire within 30 days and drift are warnings; an expired certificate, a NotReady
node, a stopped kubelet, an unreachable host, a missing etcd member or a DOWN backend make the cluster
unhealthy. See docs/upgrade.md.
  -i, --inventory FILE   the inventory
  --json                 print the whole view as one JSON object on stdout
  --concurrency N        hosts probed at once (default 32)
  --skip-drift           do not plan up in check mode (no drift; one probe per host)
${ACCEPT_LINT_USAGE}
${CONNECTION_HELP}
  -h, --help             this text
Exit status: 0 healthy, 1 unhealthy (or bad input), 64 usage error.`,
});

export async function run(argv: string[]): Promise<number> {
  const { values } = parseVerbArgs(argv, spec);
  if (!values.inventory) throw new UsageError('status needs -i INVENTORY');
  checkConnectionFlags(values);
  const concurrency = positiveInt('--concurrency', values.concurrency) ?? 32;
  const inv = await loadLintedInventory(values.inventory, values['accept-lint']);
  const connector = await connectorFromFlags(values);
  try {
    const report = await probeCluster(connector, inv, concurrency, { drift: !values['skip-drift'] });
    process.stdout.write((values.json ? JSON.stringify(report) : formatStatus(report)) + '\n');
    return report.ok ? 0 : 1;
  } finally {
    await connector.closeAll();
  }
}
