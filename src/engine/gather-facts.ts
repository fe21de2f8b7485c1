// Reads the base facts and every fact kind of many hosts (one connection, one probe each; no lock: it changes nothing).
import { parseProbe } from '../facts/parse-probe.js';
import { newMarker } from '../facts/parse-sections.js';
import { buildProbe } from '../facts/probe.js';
import { createFacts } from '../facts/facts.js';
import { FACT_KINDS, type AnyFactKind } from '../facts/kinds/index.js';
import type { Host, Inventory } from '../inventory/types.js';
import { shell } from '../core/command.js';
import { mapLimit } from '../core/batches.js';
import { isUnreachable, type Connector } from '../core/connector.js';
import { firstAddress } from '../inventory/ipv4.js';
import type { BaseFacts, ProbeItem } from '../core/types.js';

/** Each fact kind as provision's modules would declare it for this inventory: its args and its parsed value. */
export type KindFacts = Record<string, { args?: unknown; value: unknown }>;

export type HostFacts = { host: string; facts: BaseFacts; kinds: KindFacts } | { host: string; error: string; unreachable: boolean };

export interface GatherFactsOptions {
  inventory: Inventory;
  hosts: Host[];
  connector: Connector;
  concurrency?: number;
}

const displayed = (kind: AnyFactKind, value: unknown) => (kind.display ? kind.display(value) : value);

export async function gatherFacts(o: GatherFactsOptions): Promise<HostFacts[]> {
  const marker = newMarker();
  const shown = FACT_KINDS.map((kind) => ({ kind, args: kind.shown(o.inventory) as unknown }));
  const items: ProbeItem[] = shown.map(({ kind, args }) => (args === undefined ? { kind: 'fact', fact: kind.name } : { kind: 'fact', fact: kind.name, args }));
  return mapLimit(o.hosts, o.concurrency ?? 32, async (host): Promise<HostFacts> => {
    try {
      const session = await o.connector.connect(host, o.inventory);
      const probe = buildProbe({ items, marker, nodesProbeAddress: firstAddress(o.inventory.network.nodes) });
      const r = await session.exec(shell(probe.script, { sudo: true }));
      const parsed = parseProbe(r.stdoutBytes ?? r.stdout, probe);
      if (!parsed.complete) return { host: host.name, error: `the probe did not complete (exit ${r.code}): ${r.stderr.trim()}`, unreachable: false };
      const facts = createFacts(parsed.tables);
      const kinds: KindFacts = Object.fromEntries(shown.map(({ kind, args }) => [kind.name, { ...(args === undefined ? {} : { args }), value: displayed(kind, facts.fact(kind, args)) }]));
      return { host: host.name, facts: parsed.tables.base, kinds };
    } catch (e) {
      return { host: host.name, error: (e as Error).message, unreachable: isUnreachable(e) };
    }
  });
}
