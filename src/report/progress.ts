// Where a run is, as every view needs it: per play its hosts, who is done, changed/failed counts and elapsed time;
// per host what it is working on and how long it has worked in the whole run. Fed by the runner's events.
import type { HostPhase, RunObserver } from '../engine/events.js';

export interface HostProgress {
  phase: HostPhase;
  /** The task being applied (phases applying/handlers). */
  task?: string;
  changed: number;
  done: boolean;
}

export interface PlayProgress {
  name: string;
  index: number;
  total: number;
  hosts: string[];
  host: Map<string, HostProgress>;
  startedAt: number;
  endedAt?: number;
  changed: number;
  /** Failed hosts and why (error with its hint), in the order they failed. */
  failed: Map<string, string>;
}

export interface SlowHost {
  host: string;
  ms: number;
}

/** The name the up-front connect phase is shown under. */
export const CONNECT = 'Connect and read every host';

const IDLE: ReadonlySet<HostPhase> = new Set(['waiting', 'done', 'failed', 'skipped']);

export class RunProgress {
  readonly plays: PlayProgress[] = [];
  /** Every play's name, known from the start (views align their columns on the longest). */
  playNames: string[] = [];
  startedAt?: number;
  /** When the first play started: before it, every host was connected and probed once, up front. */
  firstPlayAt?: number;
  /** Time each host spent being worked on (connect, probe, plan, apply), summed over the run. */
  readonly hostMs = new Map<string, number>();
  private readonly busySince = new Map<string, number>();
  /**
   * The up-front phase (every host connected and probed once, before the first play), shown like a play:
   * hosts join it as they start connecting; it ends when the first play starts.
   */
  connect?: PlayProgress;

  constructor(readonly now: () => number = Date.now) {}

  /** The play that has started and not ended, if any. */
  current(): PlayProgress | undefined {
    const last = this.plays[this.plays.length - 1];
    return last && last.endedAt === undefined ? last : undefined;
  }

  /** The connect phase while it runs, else the running play. */
  active(): PlayProgress | undefined {
    return this.connect && this.connect.endedAt === undefined ? this.connect : this.current();
  }

  doneCount(play: PlayProgress): number {
    let n = 0;
    for (const h of play.host.values()) if (h.done) n++;
    return n;
  }

  hostCount(play: PlayProgress): number {
    return play.hosts.length;
  }

  elapsed(play: PlayProgress): number {
    return (play.endedAt ?? this.now()) - play.startedAt;
  }

  /** The `n` hosts that were worked on longest in the run, slowest first. */
  slowest(n = 3): SlowHost[] {
    const t = this.now();
    const ms = new Map(this.hostMs);
    for (const [h, since] of this.busySince) ms.set(h, (ms.get(h) ?? 0) + t - since);
    return [...ms].map(([host, v]) => ({ host, ms: v })).sort((a, b) => b.ms - a.ms || a.host.localeCompare(b.host)).slice(0, n);
  }

  private busy(host: string, on: boolean): void {
    const since = this.busySince.get(host);
    if (on && since === undefined) this.busySince.set(host, this.now());
    if (!on && since !== undefined) {
      this.hostMs.set(host, (this.hostMs.get(host) ?? 0) + this.now() - since);
      this.busySince.delete(host);
    }
  }

  readonly observer: RunObserver = {
    runStart: (e) => {
      this.startedAt = this.now();
      this.playNames = e.plays;
    },
    playStart: (e) => {
      this.startedAt ??= this.now();
      this.firstPlayAt ??= this.now();
      if (this.connect && this.connect.endedAt === undefined) {
        for (const h of this.connect.host.values()) h.done = true;
        this.connect.endedAt = this.now();
      }
      const host = new Map(e.hosts.map((h) => [h, { phase: 'waiting' as HostPhase, changed: 0, done: false }]));
      this.plays.push({ name: e.play, index: e.index, total: e.total, hosts: e.hosts, host, startedAt: this.now(), changed: 0, failed: new Map() });
    },
    hostPhase: (e) => {
      this.startedAt ??= this.now();
      this.busy(e.host, !IDLE.has(e.phase));
      if (this.plays.length === 0) {
        this.connect ??= { name: CONNECT, index: -1, total: this.playNames.length, hosts: [], host: new Map(), startedAt: this.now(), changed: 0, failed: new Map() };
        if (!this.connect.host.has(e.host)) {
          this.connect.hosts.push(e.host);
          this.connect.host.set(e.host, { phase: e.phase, changed: 0, done: false });
        }
      }
      const h = this.active()?.host.get(e.host);
      if (!h || h.done) return;
      h.phase = e.phase;
      h.task = e.task;
      if (e.phase === 'skipped' || (e.phase === 'waiting' && this.plays.length === 0)) h.done = true;
    },
    change: (e) => {
      if (e.record.action === 'noop' || e.record.error) return;
      const play = this.current();
      const h = play?.host.get(e.host);
      if (!play || !h) return;
      play.changed++;
      h.changed++;
    },
    hostEnd: (e) => {
      this.busy(e.host, false);
      // Before the first play, a host can only fail while connecting: that is where its error is shown.
      const play = this.active();
      const h = play?.host.get(e.host);
      if (play && h) {
        h.done = true;
        h.phase = e.error ? 'failed' : 'done';
        if (e.error) play.failed.set(e.host, e.error);
      }
    },
    runEnd: () => {
      // A run stopped before its first play (a gate such as up's preflight): the up-front phase ends here.
      const c = this.connect;
      if (!c || c.endedAt !== undefined) return;
      for (const [name, h] of c.host) {
        h.done = true;
        this.busy(name, false);
      }
      c.endedAt = this.now();
    },
    playEnd: () => {
      const play = this.current();
      if (!play) return;
      for (const [name, h] of play.host) {
        h.done = true;
        this.busy(name, false);
      }
      play.endedAt = this.now();
    },
  };
}
