// The TTY view (listr2, imported only here): per play, a row per host with its phase, current task and changed count.
import { createRequire } from 'node:module';
import type { HostPhase, RunObserver } from '../engine/events.js';
import type { Paint } from './color.js';

/** A host's row. State arrives from the runner before or after listr2 starts the row's task. */
interface Row {
  changed: number;
  phase: HostPhase;
  task?: string;
  /** Set once the host is finished: undefined error = success. */
  end?: { error?: string };
  /** Bound when listr2 starts the row. */
  ui?: { title(text: string): void; resolve(): void; reject(e: Error): void };
}

export interface TtyOptions {
  paint: Paint;
  check?: boolean;
  /** Called with the run promise of each play's list, so the CLI can await rendering before the recap. */
  track(p: Promise<unknown>): void;
}

// listr2 is loaded (its CommonJS build) when the first play starts on a terminal: --json and plain runs never pay for it.
const lazyRequire = createRequire(import.meta.url);

export function ttyObserver(o: TtyOptions): RunObserver {
  let rows = new Map<string, Row>();
  // One list on screen at a time: a play's list starts when the previous one has finished rendering.
  let chain: Promise<unknown> = Promise.resolve();
  const label = (host: string, r: Row) => {
    if (r.end?.error) return `${host}  ${o.paint.red(r.end.error.split('\n')[0]!)}`;
    const what = r.phase === 'applying' || r.phase === 'handlers' ? `${r.phase} ${r.task ?? ''}` : r.phase;
    const n = r.changed ? o.paint.yellow(` ${o.check ? 'would change' : 'changed'} ${r.changed}`) : '';
    return `${host}  ${o.paint.dim(what)}${n}`;
  };
  const render = (host: string, r: Row) => {
    if (!r.ui) return;
    r.ui.title(label(host, r));
    if (r.end) r.end.error ? r.ui.reject(new Error(`${host}: ${r.end.error.split('\n')[0]}`)) : r.ui.resolve();
  };
  const on = (host: string, f: (r: Row) => void) => {
    const r = rows.get(host);
    if (!r || r.end) return;
    f(r);
    render(host, r);
  };
  return {
    playStart(e) {
      const mine = new Map<string, Row>(e.hosts.map((h) => [h, { changed: 0, phase: 'waiting' as HostPhase }]));
      rows = mine;
      const { Listr } = lazyRequire('listr2') as typeof import('listr2');
      const list = new Listr(
        e.hosts.map((host) => ({
          title: host,
          task: (_ctx: unknown, task: { title: string }) =>
            new Promise<void>((resolve, reject) => {
              const r = mine.get(host)!;
              r.ui = { title: (t) => (task.title = t), resolve, reject };
              render(host, r);
            }),
        })),
        { concurrent: true, exitOnError: false, rendererOptions: { collapseErrors: false } },
      );
      chain = chain.then(() => list.run().catch(() => undefined));
      o.track(chain);
    },
    hostPhase: (e) =>
      on(e.host, (r) => {
        r.phase = e.phase;
        r.task = e.task;
        if (e.phase === 'skipped') r.end = {};
      }),
    change: (e) =>
      on(e.host, (r) => {
        if (e.record.action !== 'noop' && !e.record.error) r.changed++;
      }),
    hostEnd: (e) =>
      on(e.host, (r) => {
        r.phase = e.error ? 'failed' : 'done';
        r.end = { error: e.error };
      }),
    // Hosts that never reported an end (nothing to do after an abort) must not hold the list open.
    playEnd: () => {
      for (const [host, r] of rows) if (!r.end) on(host, (x) => (x.end = {}));
    },
  };
}
