// Preflight's reads and checks on hosts: `provision preflight` runs them as one read-only probe per host; `up` as a
// gate of its run, read in the same exec as its plays' facts, checked before any host changes.
import { mapLimit } from '../../core/batches.js';
import { isUnreachable } from '../../core/connector.js';
import { createFacts } from '../../facts/facts.js';
import { containerdVersionText } from '../../facts/kinds/containerd.js';
import { parsePreflight } from '../../facts/parse-preflight.js';
import { parseProbe } from '../../facts/parse-probe.js';
import { newMarker } from '../../facts/parse-sections.js';
import { preflightItems, preflightLines, type PreflightLineOptions } from '../../facts/preflight-script.js';
import { HAPROXY_HEADER_PREFIX } from '../../cluster/haproxy-config.js';
import { HAPROXY_CFG } from '../../cluster/paths.js';
import { buildProbe } from '../../facts/probe.js';
import { firstAddress } from '../../inventory/ipv4.js';
import type { Host, Inventory } from '../../inventory/types.js';
import { preflightFindings, type HostFinding, type HostProbe } from '../../preflight/index.js';
import { formatHostFinding, tally } from '../../preflight/format.js';
import { shell } from '../../core/command.js';
import type { Connector } from '../../core/connector.js';
import type { Facts } from '../../core/types.js';
import { FindingsError } from '../../core/errors.js';
import type { GateAnswer, RunGate } from '../../engine/run-scope.js';

/** What preflight's lines need from the cluster model: how an lb host in service is told. */
const LINE_OPTIONS: PreflightLineOptions = { lbConfig: { path: HAPROXY_CFG, headerPrefix: HAPROXY_HEADER_PREFIX } };

/** A probe's answer (its sections and facts, the laptop's clock around it) → what the preflight rules read. */
function hostProbe(host: Host, sections: ReadonlyMap<string, string>, facts: Facts, sentAt: number, answeredAt: number): HostProbe {
  // An lb host reads no containerd (preflightItems): the system rules skip it.
  const { facts: pf, complete } = parsePreflight(sections, host.role === 'lb' ? undefined : containerdVersionText(facts));
  if (!complete) return { host, error: 'probe failed: the preflight reads did not complete' };
  return { host, facts: pf, sentAt, answeredAt };
}

async function probeHost(connector: Connector, inv: Inventory, host: Host, marker: string): Promise<HostProbe> {
  try {
    const session = await connector.connect(host, inv);
    const probe = buildProbe({ items: preflightItems(host), marker, nodesProbeAddress: firstAddress(inv.network.nodes), lines: preflightLines(inv, host, LINE_OPTIONS) });
    const sentAt = Date.now() / 1000;
    const r = await session.exec(shell(probe.script, { sudo: true }), { timeoutMs: 60_000 });
    const answeredAt = Date.now() / 1000;
    const parsed = parseProbe(r.stdoutBytes ?? r.stdout, probe);
    if (!parsed.complete) return { host, error: `the preflight probe did not complete (exit ${r.code}): ${r.stderr.trim().split('\n').pop() ?? ''}` };
    return hostProbe(host, parsed.sections, createFacts(parsed.tables), sentAt, answeredAt);
  } catch (e) {
    return { host, error: `${isUnreachable(e) ? 'unreachable' : 'probe failed'}: ${(e as Error).message}` };
  }
}

/** `provision preflight`: one read-only probe per host, then the findings. */
export async function runPreflight(o: { connector: Connector; inventory: Inventory; hosts: Host[]; concurrency?: number }): Promise<HostFinding[]> {
  const marker = newMarker();
  const probes = await mapLimit(o.hosts, o.concurrency ?? 32, (h) => probeHost(o.connector, o.inventory, h, marker));
  return preflightFindings(o.inventory, probes);
}

/**
 * Preflight errors stop `up` before any host changes. A FindingsError, so the CLI prints each finding on its own
 * line (and --json carries them as `findings`); its findings are the hosts' (host in place of file:line:col).
 */
export class PreflightError extends FindingsError {
  constructor(hostFindings: HostFinding[], hosts: number) {
    super('preflight found errors; no host was changed', [], 'fix the hosts (or the inventory), or run `provision up --skip-preflight` to go ahead knowingly');
    this.name = 'PreflightError';
    this.message = [this.headline, ...hostFindings.map(formatHostFinding), tally(hostFindings, hosts)].join('\n');
    Object.defineProperty(this, 'findings', { value: hostFindings, enumerable: true });
  }
}

/**
 * `up`'s preflight as its run's gate: the reads ride in each host's one up-front probe (no exec of their own), and
 * the findings are made once every host answered, before any change. Errors throw PreflightError; warnings go to `warn`.
 */
export function preflightGate(inventory: Inventory, warn: (line: string) => void): RunGate {
  return {
    probe: (host) => ({ items: preflightItems(host), lines: preflightLines(inventory, host, LINE_OPTIONS) }),
    check(answers: GateAnswer[]) {
      const probes = answers.map((a): HostProbe =>
        a.sections && a.facts && a.sentAt !== undefined && a.answeredAt !== undefined
          ? hostProbe(a.host, a.sections, a.facts, a.sentAt, a.answeredAt)
          : { host: a.host, error: `${a.unreachable ? 'unreachable' : 'probe failed'}: ${a.error ?? 'no answer'}` });
      const findings = preflightFindings(inventory, probes);
      if (findings.some((f) => f.level === 'error')) throw new PreflightError(findings, answers.length);
      for (const f of findings.filter((x) => x.level === 'warning')) warn(formatHostFinding(f));
    },
  };
}
