// One script as root on one host over its session, stdout or the reason there is none: the single exec per
// host that verify, failover, status, certs and upgrade each make (preflight also times its exec, so it has its own).
import type { Host, Inventory } from '../../inventory/types.js';
import { shell } from '../../core/command.js';
import type { Connector } from '../../core/connector.js';

export interface HostScriptOutput {
  host: string;
  /** stdout of a script that exited 0. */
  stdout?: string;
  /** Why there is no stdout: the connection or exec failed, or the script exited non-zero (its last stderr line). */
  error?: string;
}

export async function runHostScript(
  connector: Connector,
  inv: Inventory,
  host: Host,
  script: string,
  o: { timeoutMs: number; label: string; thrown?: (message: string) => string },
): Promise<HostScriptOutput> {
  try {
    const session = await connector.connect(host, inv);
    const r = await session.exec(shell(script, { sudo: true }), { timeoutMs: o.timeoutMs });
    if (r.code !== 0) return { host: host.name, error: `${o.label} exited ${r.code}: ${r.stderr.trim().split('\n').pop() ?? ''}` };
    return { host: host.name, stdout: r.stdout };
  } catch (e) {
    const message = (e as Error).message;
    return { host: host.name, error: o.thrown ? o.thrown(message) : message };
  }
}

/** How verify and failover name a host they could not run their script on. */
export const unreachable = (message: string): string => `unreachable (${message})`;
