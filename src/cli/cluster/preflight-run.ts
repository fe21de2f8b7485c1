// Runs the preflight probe on hosts (one exec each, read-only) and turns the answers into findings; used by preflight and up.
import { mapLimit } from '../../core/batches.js';
import { isUnreachable } from '../../core/connector.js';
import { parsePreflight } from '../../facts/parse-preflight.js';
import { newMarker } from '../../facts/parse-sections.js';
import { renderPreflightScript } from '../../facts/preflight-script.js';
import type { Host, Inventory } from '../../inventory/types.js';
import { preflightFindings, type HostFinding, type HostProbe } from '../../preflight/index.js';
import { formatHostFinding, tally } from '../../preflight/format.js';
import { shell } from '../../core/command.js';
import type { Connector } from '../../core/connector.js';
import { FindingsError } from '../../core/errors.js';

async function probeHost(connector: Connector, inv: Inventory, host: Host, marker: string): Promise<HostProbe> {
  try {
    const session = await connector.connect(host, inv);
    const sentAt = Date.now() / 1000;
    const r = await session.exec(shell(renderPreflightScript(inv, host, marker), { sudo: true }), { timeoutMs: 60_000 });
    const answeredAt = Date.now() / 1000;
    const { facts, complete } = parsePreflight(r.stdout, marker);
    if (!complete) return { host, error: `the preflight probe did not complete (exit ${r.code}): ${r.stderr.trim().split('\n').pop() ?? ''}` };
    return { host, facts, sentAt, answeredAt };
  } catch (e) {
    return { host, error: `${isUnreachable(e) ? 'unreachable' : 'probe failed'}: ${(e as Error).message}` };
  }
}

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

/** What `up` runs before its first change: warnings go to stderr, errors throw PreflightError. */
export async function preflightBeforeUp(o: { connector: Connector; inventory: Inventory; hosts: Host[]; concurrency?: number; warn: (line: string) => void }): Promise<void> {
  const findings = await runPreflight(o);
  if (findings.some((f) => f.level === 'error')) throw new PreflightError(findings, o.hosts.length);
  for (const f of findings.filter((x) => x.level === 'warning')) o.warn(formatHostFinding(f));
}
