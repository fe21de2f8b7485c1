// One playbook run as an object: it owns the connections (early ones too), the run lock's owner, the providers,
// and stopping (--max-fail, Ctrl-C). Verbs build one from their flags; runner.ts walks its plays.
import { randomBytes } from 'node:crypto';
import { hostname, userInfo } from 'node:os';
import { newMarker } from '../facts/parse-sections.js';
import type { Host, Inventory } from '../inventory/types.js';
import type { Play, Playbook } from '../playbook/types.js';
import type { Connector } from '../core/connector.js';
import type { Facts } from '../core/types.js';
import type { Session } from '../core/session.js';
import { connectEarly, keepPlayed } from './connect-early.js';
import type { RunObserver } from './events.js';
import { ProviderResolver } from './providers.js';
import type { RunReport } from './report-model.js';
import { playPlaybook } from './runner.js';
import { DEFAULT_CONCURRENCY, type RunOptions, type RunScope } from './run-scope.js';
import { SessionPool } from './session-pool.js';

export { DEFAULT_CONCURRENCY, type RunOptions } from './run-scope.js';

export class Run implements RunScope {
  readonly check: boolean;
  readonly marker = newMarker();
  readonly lock: RunScope['lock'];
  readonly peers = new Map<string, Facts>();
  readonly concurrency: number;
  readonly #abort = new AbortController();
  #early = new Map<string, Promise<Session>>();
  #pool?: SessionPool;
  #providers?: ProviderResolver;
  /** Set by the runner when --max-fail is reached. */
  aborted?: string;

  constructor(
    readonly inventory: Inventory,
    readonly options: RunOptions,
  ) {
    this.check = !!options.check;
    this.concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
    this.lock = {
      owner: options.lockOwner ?? `${userInfo().username}@${hostname()} pid ${process.pid}`,
      since: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
      generation: randomBytes(8).toString('hex'),
      ...(options.lockFile ? { file: options.lockFile } : {}),
      ...(options.lockMarker ? { marker: options.lockMarker } : {}),
    };
    for (const [name, p] of options.earlySessions ?? []) this.#early.set(name, p);
  }

  get connector(): Connector {
    return this.options.connector;
  }
  get observer(): RunObserver | undefined {
    return this.options.observer;
  }
  get pollMs(): number | undefined {
    return this.options.pollMs;
  }

  /** The run's connections; opened at the first play (early ones adopted). */
  get pool(): SessionPool {
    return (this.#pool ??= new SessionPool(this.connector, this.inventory, this.#early));
  }

  get providers(): ProviderResolver {
    if (!this.#providers) throw new Error('the run has no playbook yet (providers come with it)');
    return this.#providers;
  }

  /**
   * Starts the handshakes to `hosts` (the first `concurrency` of them) while the playbook still loads: for verbs
   * whose playbook touches every host. A failure surfaces later, for the host that needs the connection. Resolves
   * once every one of them has started its TCP connect (or settled without one): the caller's own work can wait
   * for that, so that the hosts start on their side of the handshakes first.
   */
  connectEarly(hosts: Host[]): Promise<void> {
    const dialled = new Map<string, () => void>();
    const dials = hosts.slice(0, this.concurrency).map((h) => new Promise<void>((done) => dialled.set(h.name, done)));
    for (const [name, p] of connectEarly(this.connector, this.inventory, hosts, this.concurrency, (host) => dialled.get(host)?.())) {
      this.#early.set(name, p);
      const done = () => dialled.get(name)?.();
      p.then(done, done);
    }
    // net.connect issues connect(2) in a nextTick, which waits for the promise jobs queued before it: one turn of
    // the event loop later, every dialled socket has.
    return Promise.all(dials).then(() => new Promise<void>((turned) => setImmediate(turned)));
  }

  /** Once the playbook is known: lets go of early connections to hosts no play selects. */
  keepPlayed(plays: Play[]): string[] {
    return keepPlayed(this.#early, plays, this.inventory);
  }

  /** Stop starting new steps; the current ones finish, locks and connections are released, the report is made. */
  stop(): void {
    this.#abort.abort();
  }

  get interrupted(): boolean {
    return this.#abort.signal.aborted || !!this.options.signal?.aborted;
  }

  stopReason = (): string | undefined => this.aborted ?? (this.interrupted ? 'interrupted' : undefined);

  /**
   * Ctrl-C while the run works: the first stops it (`say` tells the user), the second leaves at once (exit 130).
   * Returns the function that removes the handler.
   */
  stopOnSigint(say: (line: string) => void): () => void {
    let interrupts = 0;
    const onSigint = () => {
      interrupts++;
      if (interrupts === 1) {
        say('provision: interrupted: finishing the current steps (Ctrl-C again to quit now)');
        this.stop();
      } else process.exit(130);
    };
    process.on('SIGINT', onSigint);
    return () => process.off('SIGINT', onSigint);
  }

  /** Runs the playbook's plays (runner.ts); connections are closed when it returns. */
  async execute(playbook: Playbook): Promise<RunReport> {
    this.#providers = new ProviderResolver({ providers: playbook.providers, inventory: this.inventory, session: (n) => this.pool.get(n) });
    return playPlaybook(this, playbook);
  }

  /** Closes every connection of the run (also the early ones when no playbook ran). */
  async close(): Promise<void> {
    // Before any play (a playbook that did not load): the connector closes what it opened, without waiting for a
    // handshake still under way to an unreachable host.
    if (!this.#pool) await this.connector.closeAll();
    else await this.#pool.closeAll();
  }
}

export interface RunPlaybookArgs {
  playbook: Playbook;
  inventory: Inventory;
  options: RunOptions;
}

/** A whole run in one call (status's drift check, remove's clean-up, tests): no early connections, no Ctrl-C handler. */
export async function runPlaybook({ playbook, inventory, options }: RunPlaybookArgs): Promise<RunReport> {
  return new Run(inventory, options).execute(playbook);
}
