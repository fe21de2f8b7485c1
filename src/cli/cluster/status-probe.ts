// Runs the status script on every host (one exec each, bounded in parallel), and for status the drift check: shared by status, certs and upgrade.
import { mapLimit } from '../../core/batches.js';
import type { Inventory } from '../../inventory/types.js';
import type { Connector } from '../../core/connector.js';
import { collectStatus, type StatusReport } from './status-results.js';
import { renderStatusScript } from './status-script.js';
import { runHostScript } from './host-script.js';
import { checkDrift } from './status-drift.js';


/** `drift`: also ask the engine what `up` would change on each host that answered (status; upgrade and certs do not). */
export async function probeCluster(connector: Connector, inv: Inventory, concurrency = 32, o: { drift?: boolean } = {}): Promise<StatusReport> {
  const outputs = await mapLimit(inv.hosts, concurrency, (h) => runHostScript(connector, inv, h, renderStatusScript(inv, h), { timeoutMs: 120_000, label: 'status script' }));
  const answered = new Set(outputs.filter((x) => x.error === undefined).map((x) => x.host));
  const drift = o.drift && answered.size ? await checkDrift(connector, inv, answered, concurrency) : undefined;
  return collectStatus(inv, outputs, new Date(), drift);
}
