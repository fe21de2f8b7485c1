// What the hosts of one run share, as the runner and host-play read it (the Run class in run.ts implements it).
import type { Host, Inventory } from '../inventory/types.js';
import type { Play } from '../playbook/types.js';
import type { Connector } from '../core/connector.js';
import type { Facts, ProbeItem } from '../core/types.js';
import type { Session } from '../core/session.js';
import type { RunObserver } from './events.js';
import type { ProviderResolver } from './providers.js';
import type { SessionPool } from './session-pool.js';

export interface RunOptions {
  connector: Connector;
  /** Plan only: probe and report what would change, change nothing. */
  check?: boolean;
  /** A host selector (same grammar as `hosts:`) intersected with every play's hosts. */
  limit?: string;
  /** Hosts worked on at once within a play (default 32). */
  concurrency?: number;
  /** Abort the rest of the run once this many hosts have failed. */
  maxFail?: number;
  observer?: RunObserver;
  /** Aborting stops new steps from starting; the current step finishes; locks and sessions are released. */
  signal?: AbortSignal;
  /** Extra selection for callers like `provision join` (applied after hosts/limit). */
  selectHosts?: (play: Play, hosts: Host[]) => Host[];
  /** Shown to a concurrent run that finds the lock taken; default "user@machine pid N". */
  lockOwner?: string;
  lockFile?: string;
  /** Tests: the marker of become'd commands the lock looks for (see probeLockLines' orphanMarker). */
  lockMarker?: string;
  /** Reboot poll interval (tests). */
  pollMs?: number;
  /** Connections the caller started before the playbook loaded (see connectEarly), adopted by the run. */
  earlySessions?: ReadonlyMap<string, Promise<Session>>;
  /** Checks across hosts that must pass before any host changes (up's preflight), read in each host's first probe. */
  gate?: RunGate;
}

/** One host's answer to the up-front probe, as a gate sees it: its sections and facts, or why there are none. */
export interface GateAnswer {
  host: Host;
  sections?: ReadonlyMap<string, string>;
  facts?: Facts;
  /** The laptop's clock (seconds) when the probe left and when its answer came back. */
  sentAt?: number;
  answeredAt?: number;
  error?: string;
  unreachable?: boolean;
}

/**
 * What must hold across all hosts before the first change: its reads ride in each host's one up-front probe, and
 * `check` sees every answer at once, in inventory order (a barrier: no host has changed yet). It throws to stop the run.
 */
export interface RunGate {
  probe(host: Host): { items: ProbeItem[]; lines: string[] };
  check(answers: GateAnswer[]): void;
}

export const DEFAULT_CONCURRENCY = 32;

/** What a host's play reads from its run (host-play.ts): everything shared by the hosts of one run. */
export interface RunScope {
  readonly options: RunOptions;
  readonly concurrency: number;
  /** Set by the runner when --max-fail is reached. */
  aborted?: string;
  /** Stopped by the caller (Ctrl-C, options.signal). */
  readonly interrupted: boolean;
  readonly inventory: Inventory;
  readonly connector: Connector;
  readonly check: boolean;
  /** The probe's section marker, one per run. */
  readonly marker: string;
  /** The run lock's owner line, start time and this run's generation (random: see engine/lock.ts). */
  readonly lock: { owner: string; since: string; generation: string; file?: string; marker?: string };
  readonly peers: Map<string, Facts>;
  readonly observer?: RunObserver;
  readonly pollMs?: number;
  readonly pool: SessionPool;
  readonly providers: ProviderResolver;
  /** The reason to stop starting new steps (max-fail reached, interrupted), or undefined. */
  stopReason(): string | undefined;
}

