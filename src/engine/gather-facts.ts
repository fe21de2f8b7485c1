// Reads the base facts of many hosts (one connection, one probe each; no lock: it changes nothing).
import { parseProbe } from '../facts/parse-probe.js';
import { newMarker } from '../facts/parse-sections.js';
import { buildProbe } from '../facts/probe.js';
import type { Host, Inventory } from '../inventory/types.js';
import { shell } from '../core/command.js';
import { mapLimit } from '../core/batches.js';
import { isUnreachable, type Connector } from '../core/connector.js';
import { firstAddress } from '../inventory/ipv4.js';
import type { BaseFacts } from '../core/types.js';

export type HostFacts = { host: string; facts: BaseFacts } | { host: string; error: string; unreachable: boolean };

export interface GatherFactsOptions {
  inventory: Inventory;
  hosts: Host[];
  connector: Connector;
  concurrency?: number;
}

export async function gatherFacts(o: GatherFactsOptions): Promise<HostFacts[]> {
  const marker = newMarker();
  return mapLimit(o.hosts, o.concurrency ?? 32, async (host): Promise<HostFacts> => {
    try {
      const session = await o.connector.connect(host, o.inventory);
      const probe = buildProbe({ items: [], marker, nodesProbeAddress: firstAddress(o.inventory.network.nodes) });
      const r = await session.exec(shell(probe.script, { sudo: true }));
      const parsed = parseProbe(r.stdout, probe);
      if (!parsed.complete) return { host: host.name, error: `the probe did not complete (exit ${r.code}): ${r.stderr.trim()}`, unreachable: false };
      return { host: host.name, facts: parsed.tables.base };
    } catch (e) {
      return { host: host.name, error: (e as Error).message, unreachable: isUnreachable(e) };
    }
  });
}
