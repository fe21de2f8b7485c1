// Runs the status script on every host (one exec each, bounded in parallel): shared by status, certs and upgrade.
import { mapLimit } from '../../core/batches.js';
import type { Inventory } from '../../inventory/types.js';
import type { Connector } from '../../core/connector.js';
import { collectStatus, type StatusReport } from './status-results.js';
import { renderStatusScript } from './status-script.js';
import { runHostScript } from './host-script.js';


export async function probeCluster(connector: Connector, inv: Inventory, concurrency = 32): Promise<StatusReport> {
  const outputs = await mapLimit(inv.hosts, concurrency, (h) => runHostScript(connector, inv, h, renderStatusScript(inv, h), { timeoutMs: 120_000, label: 'status script' }));
  return collectStatus(inv, outputs, new Date());
}
