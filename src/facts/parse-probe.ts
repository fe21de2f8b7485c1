// Turns a probe's whole stdout into the Facts tables (and the lock section, when the probe took the lock).
import { factKey } from '../core/fact-key.js';
import type { CommandFact, FileFact, PackageFact, ServiceFact } from '../core/types.js';
import { createFacts, type FactTables } from './facts.js';
import { parseBase } from './parse-base.js';
import { parseCommand, parseFile, parsePackage, parseService } from './parse-items.js';
import type { ProbeScript } from './probe.js';
import { splitSections } from './parse-sections.js';
import { batchable, fileBatchBytes, parseFileBatch } from './probe-files.js';
import { PACKAGES_SECTION, SERVICES_SECTION } from './probe.js';
import { unitBlocks, unitConditionsOutput } from './probe-units.js';
import { sysctlLines } from './probe-packages.js';

export interface ParsedProbe {
  tables: FactTables;
  sections: Map<string, string>;
  /** False when the output stopped before the end marker (the probe died or was cut). */
  complete: boolean;
}

/**
 * "name<TAB>status<TAB>version" lines, in any order → name → "status<TAB>version". A name listed twice
 * (multi-arch instances) resolves to an installed instance when there is one.
 */
function packageLinesByName(body: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of (body ?? '').split('\n')) {
    const tab = line.indexOf('\t');
    if (tab <= 0) continue;
    const name = line.slice(0, tab);
    const rest = line.slice(tab + 1);
    if (!out.has(name) || (rest[1] === 'i' && out.get(name)![1] !== 'i')) out.set(name, rest);
  }
  return out;
}

/** `stdout`: the probe's output as text, or as bytes (ExecResult.stdoutBytes: its file batch is a raw tar stream). */
export function parseProbe(stdout: string | Buffer, probe: Pick<ProbeScript, 'marker' | 'items' | 'units' | 'unitSlices' | 'sysctlInPackages'>): ParsedProbe {
  const text = typeof stdout === 'string' ? stdout : stdout.toString('utf8');
  const sections = splitSections(text, probe.marker);
  const files = new Map<string, FileFact>();
  const packages = new Map<string, PackageFact>();
  const services = new Map<string, ServiceFact>();
  const commands = new Map<string, CommandFact>();
  const facts = new Map<string, CommandFact>();
  const batchedPaths = [...probe.items.values()].flatMap((i) => (i.kind === 'file' && batchable(i.path) ? [i.path] : []));
  const batch = parseFileBatch(fileBatchBytes(sections, probe.marker, typeof stdout === 'string' ? undefined : stdout), batchedPaths);
  const packageLines = packageLinesByName(sections.get(PACKAGES_SECTION));
  const serviceBlocks = unitBlocks(sections.get(SERVICES_SECTION), probe.units ?? []);
  let serviceIndex = 0;
  for (const [id, item] of probe.items) {
    const body = sections.get(id);
    if (item.kind === 'file') files.set(item.path, batch?.get(item.path) ?? parseFile(body));
    else if (item.kind === 'package') packages.set(item.name, parsePackage(packageLines.get(item.name)));
    else if (item.kind === 'service') services.set(item.name, parseService(serviceBlocks[serviceIndex++]));
    else if (item.kind === 'fact') {
      const key = factKey(item.fact, item.args);
      const slice = probe.unitSlices?.get(key);
      // A unit-conditions fact read in the services' systemctl call: its blocks, exit 0 when that section came back.
      if (slice) facts.set(key, sections.has(SERVICES_SECTION) ? { code: 0, stdout: unitConditionsOutput(serviceBlocks, slice) } : parseCommand(undefined, undefined));
      // A sysctl fact read by the packages' awk: its lines, exit 0 when that section came back.
      else if (probe.sysctlInPackages?.has(key)) facts.set(key, sections.has(PACKAGES_SECTION) ? { code: 0, stdout: sysctlLines(sections.get(PACKAGES_SECTION)) } : parseCommand(undefined, undefined));
      else facts.set(key, parseCommand(body, sections.get(`${id}.rc`)));
    }
    else commands.set(item.key, parseCommand(body, sections.get(`${id}.rc`)));
  }
  return { tables: { base: parseBase(sections), files, packages, services, commands, facts }, sections, complete: sections.has('end') };
}

export { createFacts };
