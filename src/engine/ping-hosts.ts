// Reaches every host the way a run does (its SSH connection, its become) and runs nothing else: `provision ping`,
// and the bench's measure of what any probe costs before it has read a thing (issue 21).
import { shell } from '../core/command.js';
import { mapLimit } from '../core/batches.js';
import { isUnreachable, type Connector } from '../core/connector.js';
import type { Host, Inventory } from '../inventory/types.js';
import { DEFAULT_CONCURRENCY } from './run-scope.js';

export type PingResult =
  | {
      host: string;
      ok: true;
      /** The kernel's hostname on the host that answered (not yet the inventory's name before a first `up`). */
      hostname: string;
      /** The login user sudo ran for (SUDO_USER); undefined on a root login. */
      sudoUser?: string;
      /** From the start of the connection to the answer. */
      ms: number;
    }
  | { host: string; ok: false; error: string; unreachable: boolean; ms: number };

/**
 * As root (through the session's become), with shell builtins only: the shell sudo starts is the last program, as in
 * a probe. Prints the kernel's hostname and the user sudo ran for.
 */
export const PING_SCRIPT = `read -r h < /proc/sys/kernel/hostname && printf '%s %s\\n' "$h" "\${SUDO_USER-}"`;

export interface PingOptions {
  inventory: Inventory;
  hosts: Host[];
  connector: Connector;
  concurrency?: number;
  /** Milliseconds, for the durations (tests). */
  now?: () => number;
}

export async function pingHosts(o: PingOptions): Promise<PingResult[]> {
  const now = o.now ?? (() => performance.now());
  return mapLimit(o.hosts, o.concurrency ?? DEFAULT_CONCURRENCY, async (host): Promise<PingResult> => {
    const start = now();
    const ms = () => Math.round(now() - start);
    try {
      const session = await o.connector.connect(host, o.inventory);
      const r = await session.exec(shell(PING_SCRIPT, { sudo: true }));
      const m = /^(\S+) ?(\S*)\n$/.exec(r.stdout);
      if (r.code !== 0 || !m) {
        const why = r.stderr.trim().split('\n').pop() || r.stdout.trim().split('\n').pop() || 'no output';
        return { host: host.name, ok: false, error: `the check did not run as root (exit ${r.code}${r.signal ? `, ${r.signal}` : ''}): ${why}`, unreachable: false, ms: ms() };
      }
      return { host: host.name, ok: true, hostname: m[1]!, ...(m[2] ? { sudoUser: m[2] } : {}), ms: ms() };
    } catch (e) {
      return { host: host.name, ok: false, error: (e as Error).message, unreachable: isUnreachable(e), ms: ms() };
    }
  });
}
