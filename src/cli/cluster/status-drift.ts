// Whether each host has drifted from the inventory: `provision up --check` itself (the engine's check path, one
// batched probe per host over status's own connections), reduced to the changes it would make per host.
import type { Inventory } from '../../inventory/types.js';
import type { Connector } from '../../core/connector.js';
import { loadPlaybook } from '../../playbook/load.js';
import { runPlaybook } from '../../engine/run.js';
import { bundledPlaybook } from './playbook-run.js';
import { prefetchAddons } from './addon-fetch.js';
import type { Drift } from './status-results.js';

/**
 * Plans up.yaml in check mode on `hosts` (those status could read), sharing `connector`'s sessions (left open for
 * the caller to close). Run it after the status script, not beside it: the engine's probe takes provision's run
 * lock, which refuses while another become'd command of provision runs on the host.
 */
export async function checkDrift(connector: Connector, inv: Inventory, hosts: ReadonlySet<string>, concurrency: number): Promise<Map<string, Drift>> {
  const drift = new Map<string, Drift>();
  const all = (error: string) => new Map([...hosts].map((h) => [h, { error }]));
  const loaded = await loadPlaybook({ path: bundledPlaybook('up.yaml'), inventory: inv });
  if (!loaded.playbook) return all(`the up playbook did not load: ${loaded.findings.map((f) => f.message).join('; ')}`);
  try {
    // up --check compares the add-on manifests too: their pinned, checksum-verified artifacts must be at hand.
    await prefetchAddons(inv, () => undefined);
  } catch (e) {
    return all((e as Error).message);
  }
  const report = await runPlaybook({
    playbook: loaded.playbook,
    inventory: inv,
    options: {
      connector: { connect: (h, i, o) => connector.connect(h, i, o), closeAll: async () => undefined },
      check: true,
      concurrency,
      selectHosts: (_play, selected) => selected.filter((h) => hosts.has(h.name)),
    },
  });
  for (const name of hosts) {
    const r = report.hosts[name];
    if (!r) continue;
    if (r.failed || r.unreachable) drift.set(name, { error: r.error ?? 'the check failed' });
    else {
      const items = r.changes.filter((c) => c.action !== 'noop').map((c) => `${c.task}: ${c.summary}`);
      drift.set(name, { changes: items.length, items });
    }
  }
  return drift;
}
