// Opens SSH connections while the playbook and its modules still load: the handshakes overlap the controller's start.
import type { Host, Inventory } from '../inventory/types.js';
import type { Play } from '../playbook/types.js';
import { resolveTerms } from '../playbook/selector.js';
import type { Session } from '../core/session.js';
import type { Connector } from '../core/connector.js';

/**
 * Starts connecting to `hosts` (at most `max`, in order: the first ones the run will probe) and returns the
 * pending sessions, for RunOptions.earlySessions. A failure is not thrown here: the run reports it for the
 * host that needed the connection, exactly as if it had connected itself.
 */
export function connectEarly(connector: Connector, inventory: Inventory, hosts: Host[], max: number, onDial?: (host: string) => void): Map<string, Promise<Session>> {
  const early = new Map<string, Promise<Session>>();
  for (const host of hosts.slice(0, max)) {
    const p = connector.connect(host, inventory, onDial ? { onDial: () => onDial(host.name) } : undefined);
    p.catch(() => undefined);
    early.set(host.name, p);
  }
  return early;
}

/**
 * Once the playbook is known: forgets early connections to hosts no play selects and closes each once it is
 * up (never waiting for one still connecting: an unreachable extra host must not delay the run), so a verb's
 * guess can cost a login but never a wrong run. Returns the hosts let go.
 */
export function keepPlayed(early: Map<string, Promise<Session>>, plays: Play[], inventory: Inventory): string[] {
  const played = new Set(plays.flatMap((p) => resolveTerms(p.selector, inventory).map((h) => h.name)));
  const extra = [...early.keys()].filter((name) => !played.has(name));
  for (const name of extra) {
    const p = early.get(name)!;
    early.delete(name);
    void p.then((s) => s.close()).catch(() => undefined);
  }
  return extra;
}
