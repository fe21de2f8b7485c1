// The run's connections: one per host for the whole run, opened on first use, plus lock state per host.
import type { Host, Inventory } from '../inventory/types.js';
import type { Session } from '../core/session.js';
import type { Connector } from '../core/connector.js';

export class SessionPool {
  readonly #sessions = new Map<string, Promise<Session>>();
  /** Hosts whose run lock this run holds (taken before its first change there, tied to the current connection). */
  readonly holding = new Set<string>();
  /** Each host's lock generation as this run's last probe of it read it (engine/lock.ts). */
  readonly generations = new Map<string, string>();

  constructor(
    readonly connector: Connector,
    readonly inventory: Inventory,
    /** Connections already under way (opened before the playbook loaded): used instead of opening new ones. */
    early?: ReadonlyMap<string, Promise<Session>>,
  ) {
    for (const [name, p] of early ?? []) this.#adopt(name, p);
  }

  #adopt(name: string, p: Promise<Session>): Promise<Session> {
    this.#sessions.set(name, p);
    // A failed connect is not cached: a later play (or provider lookup) may retry it.
    p.catch(() => {
      if (this.#sessions.get(name) === p) this.#sessions.delete(name);
    });
    return p;
  }

  host(name: string): Host {
    const h = this.inventory.hosts.find((x) => x.name === name);
    if (!h) throw new Error(`host '${name}' is not in the inventory`);
    return h;
  }

  get(name: string): Promise<Session> {
    return this.#sessions.get(name) ?? this.#adopt(name, this.connector.connect(this.host(name), this.inventory));
  }

  /** The host's open (or opening) connection, without opening one. */
  existing(name: string): Promise<Session> | undefined {
    return this.#sessions.get(name);
  }

  /** After a reboot: the old connection is gone (and with it the lock). */
  replace(name: string, session: Session): void {
    this.#sessions.set(name, Promise.resolve(session));
    this.holding.delete(name);
  }

  async drop(name: string): Promise<void> {
    const p = this.#sessions.get(name);
    this.#sessions.delete(name);
    this.holding.delete(name);
    if (p) await p.then((s) => s.close()).catch(() => undefined);
  }

  async closeAll(): Promise<void> {
    const all = [...this.#sessions.values()];
    this.#sessions.clear();
    await Promise.all(all.map((p) => p.then((s) => s.close()).catch(() => undefined)));
    await this.connector.closeAll();
  }
}
