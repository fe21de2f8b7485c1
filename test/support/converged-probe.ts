// The exact probe a converged `provision up` sends to one host: every play's items merged, the run lock's checks first, and
// (when asked) its preflight gate's reads.
import { bundledPlaybook } from '../../src/cli/cluster/playbook-run.js';
import { probeLockLines } from '../../src/engine/lock.js';
import { buildProbe, type ProbeScript } from '../../src/facts/probe.js';
import { firstAddress } from '../../src/inventory/ipv4.js';
import { preflightItems, preflightLines } from '../../src/facts/preflight-script.js';
import { loadInventoryOrThrow } from '../../src/inventory/load.js';
import { loadPlaybook } from '../../src/playbook/load.js';
import { selectHosts } from '../../src/playbook/selector.js';
import type { ProbeItem } from '../../src/core/types.js';
import { viteModules } from './vite-modules.js';

export interface ConvergedProbeOptions {
  inventory: string;
  host: string;
  /** Lock file (tests point it at a temp dir); default the product's. */
  lockFile?: string;
  dpkgAdminDir?: string;
  /** The become marker the orphan check looks for (tests: one no other process carries). */
  orphanMarker?: string;
  /** Add up's preflight reads (as its gate does) with this directory as /etc/kubernetes (a joined node's has kubelet.conf). */
  preflightKubernetesDir?: string;
}

/** Items of every play of up.yaml that selects `host`, in play order (as the runner merges them). */
export async function convergedItems(o: ConvergedProbeOptions): Promise<{ items: ProbeItem[]; nodesProbeAddress?: string; lines?: string[] }> {
  const inventory = await loadInventoryOrThrow(o.inventory);
  const { playbook } = await loadPlaybook({ path: bundledPlaybook('up.yaml'), inventory, modules: viteModules });
  const host = inventory.hosts.find((h) => h.name === o.host);
  if (!host || !playbook) throw new Error(`no host ${o.host} or no playbook`);
  const plays = playbook.plays.filter((p) => selectHosts(p.hosts, inventory).some((h) => h.name === o.host));
  const items = plays.flatMap((p) => [...p.tasks, ...p.handlers]).flatMap((t) => t.module.probe(t.params, { host, inventory }));
  const nodesProbeAddress = firstAddress(inventory.network.nodes);
  if (o.preflightKubernetesDir === undefined) return { items, nodesProbeAddress };
  return { items: [...items, ...preflightItems(host)], nodesProbeAddress, lines: preflightLines(inventory, host, { kubernetesDir: o.preflightKubernetesDir }) };
}

export async function convergedProbe(o: ConvergedProbeOptions): Promise<ProbeScript> {
  const { items, nodesProbeAddress, lines } = await convergedItems(o);
  return buildProbe({
    items,
    ...(lines ? { lines } : {}),
    marker: 'PROVISION-PROBE-MARKER',
    ...(nodesProbeAddress ? { nodesProbeAddress } : {}),
    prelude: probeLockLines({ ...(o.lockFile ? { file: o.lockFile } : {}), ...(o.orphanMarker ? { orphanMarker: o.orphanMarker } : {}) }),
    ...(o.dpkgAdminDir ? { dpkgAdminDir: o.dpkgAdminDir } : {}),
  });
}
