// `provision verify -i INVENTORY`: from every node, check what the cluster depends on; a table, --json, exit 1 on failure.
import { mapLimit } from '../core/batches.js';
import type { Host, Inventory } from '../inventory/types.js';
import { shell } from '../core/command.js';
import type { Connector } from '../core/connector.js';
import { CONNECTION_FLAGS, CONNECTION_HELP, CONNECTION_USAGE, checkConnectionFlags, connectorFromFlags } from './connection-flags.js';
import { defineVerb, parseVerbArgs } from './args.js';
import { ACCEPT_LINT_FLAG, ACCEPT_LINT_USAGE, loadLintedInventory } from './host-inventory.js';
import { positiveInt } from './numeric-flags.js';
import { collectResults, formatVerifyTable, type NodeOutput, type VerifyReport } from './cluster/verify-results.js';
import { lbCheck, mergeWorkload, parseWorkload } from './cluster/workload-results.js';
import { PROBE_IMAGE, PROBE_NAMESPACE, cleanupScript, workloadScript } from './cluster/workload-script.js';
import { firstControlPlane } from '../cluster/cluster-shape.js';
import { renderVerifyScript } from './cluster/verify-script.js';
import { runHostScript, unreachable } from './cluster/host-script.js';
import { UsageError } from '../core/errors.js';
import { formatFailover } from './cluster/failover-decide.js';
import { runFailover } from './cluster/failover-run.js';

export const spec = defineVerb({
  name: 'verify',
  options: {
    inventory: { type: 'string', short: 'i' },
    json: { type: 'boolean' },
    workloads: { type: 'boolean' },
    failover: { type: 'boolean' },
    concurrency: { type: 'string' },
    ...ACCEPT_LINT_FLAG,
    ...CONNECTION_FLAGS,
  },
  help: `usage: provision verify -i INVENTORY [--json] [--workloads] [--failover] [--concurrency N] [--accept-lint CODES] ${CONNECTION_USAGE}

Lints the network plan first (as every verb that reaches hosts does), then from every node (one exec each)
checks: every inventory name resolves to its address (resolve); the API endpoint answers on its port (api);
the MetalLB route is present (route); the role's listening ports answer from a peer node (ports: 6443 on
control planes, the API port and network.api.metricsPort on lb hosts); provision's nft table accepts the role's ports
(firewall); the node is joined: kubelet.conf, and listed by 'kubectl get nodes' on the first control
plane (joined); a CNI configuration is installed in /etc/cni/net.d (cni); the API says the node is Ready
(ready); its kube-system pods are Running (pods).
--workloads also runs a probe pod (${PROBE_IMAGE}) on every node from the first control plane: each
node's pod fetches from the next node's pod (podnet), resolves kubernetes.default (dns), and a
LoadBalancer Service must get an address from the MetalLB pool that answers from this machine (lb); the
namespace ${PROBE_NAMESPACE} is deleted afterwards.
  -i, --inventory FILE   the inventory
  --json                 print {"ok":bool,"hosts":{...}} on stdout
  --workloads            also prove pods, DNS and a LoadBalancer with probe pods (see above)
  --failover             kube-vip mode: stop kube-vip on the VIP holder (its static pod manifest is parked), prove
                         the VIP moves to another control plane and the API answers through it, then restore it;
                         haproxy mode: stop one backend's API server, prove HAProxy marks it DOWN and the API
                         answers through the load balancer, then restore it and wait for every backend UP
  --concurrency N        nodes checked at once (default 32)
${ACCEPT_LINT_USAGE}
${CONNECTION_HELP}
  -h, --help             this text
Exit status: 0 every check passed, 1 a check failed (or bad input), 64 usage error.`,
});

function runOn(connector: Connector, inv: Inventory, host: Host): Promise<NodeOutput> {
  return runHostScript(connector, inv, host, renderVerifyScript(inv, host), { timeoutMs: 60_000, label: 'verify script', thrown: unreachable });
}

/** The probe pods from the first control plane, the lb check from here, then the probe namespace removed. */
async function runWorkloads(connector: Connector, inv: Inventory, report: VerifyReport): Promise<void> {
  const first = firstControlPlane(inv);
  let stdout = '';
  let session: Awaited<ReturnType<Connector['connect']>> | undefined;
  try {
    session = await connector.connect(first, inv);
    stdout = (await session.exec(shell(workloadScript(inv), { sudo: true }), { timeoutMs: 600_000 })).stdout;
    const w = parseWorkload(inv, stdout);
    mergeWorkload(inv, report, w, await lbCheck(inv, w.lbAddress));
  } catch (e) {
    const w = parseWorkload(inv, `W\tsetup\t-\tfail\tthe probe could not run on ${first.name}: ${(e as Error).message}`);
    mergeWorkload(inv, report, w, { check: 'lb', ok: false, detail: 'not checked: the probe did not run' });
  } finally {
    await session?.exec(shell(cleanupScript(), { sudo: true }), { timeoutMs: 60_000 }).catch(() => undefined);
  }
}

export async function run(argv: string[]): Promise<number> {
  const { values } = parseVerbArgs(argv, spec);
  if (!values.inventory) throw new UsageError('verify needs -i INVENTORY');
  checkConnectionFlags(values);
  const concurrency = positiveInt('--concurrency', values.concurrency) ?? 32;
  const inv = await loadLintedInventory(values.inventory, values['accept-lint']);
  const connector = await connectorFromFlags(values);
  try {
    const outputs = await mapLimit(inv.hosts, concurrency, (h) => runOn(connector, inv, h));
    const report = collectResults(inv, outputs);
    if (values.workloads) await runWorkloads(connector, inv, report);
    const failover = values.failover ? await runFailover(connector, inv) : undefined;
    if (values.json) process.stdout.write(`${JSON.stringify(failover ? { ...report, ok: report.ok && failover.ok, failover } : report)}\n`);
    else process.stdout.write(`${formatVerifyTable(inv, report)}\n${failover ? `\n${formatFailover(failover)}\n` : ''}`);
    return report.ok && (failover?.ok ?? true) ? 0 : 1;
  } finally {
    await connector.closeAll();
  }
}
