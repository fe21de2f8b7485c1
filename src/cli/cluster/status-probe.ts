// Runs the status script on every host (one exec each, bounded in parallel): shared by status, certs and upgrade.
import { mapLimit } from '../../core/batches.js';
import type { Host, Inventory } from '../../inventory/types.js';
import { shell } from '../../core/command.js';
import type { Connector } from '../../core/connector.js';
import { collectStatus, type HostOutput, type StatusReport } from './status-results.js';
import { renderStatusScript } from './status-script.js';

async function probeHost(connector: Connector, inv: Inventory, host: Host): Promise<HostOutput> {
  try {
    const session = await connector.connect(host, inv);
    const r = await session.exec(shell(renderStatusScript(inv, host), { sudo: true }), { timeoutMs: 120_000 });
    if (r.code !== 0) return { host: host.name, error: `status script exited ${r.code}: ${r.stderr.trim().split('\n').pop() ?? ''}` };
    return { host: host.name, stdout: r.stdout };
  } catch (e) {
    return { host: host.name, error: (e as Error).message };
  }
}

export async function probeCluster(connector: Connector, inv: Inventory, concurrency = 32): Promise<StatusReport> {
  const outputs = await mapLimit(inv.hosts, concurrency, (h) => probeHost(connector, inv, h));
  return collectStatus(inv, outputs, new Date());
}
