// Picks the reporter for a run (TTY, plain lines, --json or --events) and prints the plan, the recap and the JSON.
import type { RunObserver } from '../engine/events.js';
import type { RunReport } from '../engine/report-model.js';
import { paint, usesColor } from './color.js';
import { eventStream } from './event-stream.js';
import { toJson } from './json.js';
import { plainObserver } from './plain.js';
import { renderPlan } from './plan.js';
import { RunProgress } from './progress.js';
import { renderSummary } from './summary.js';
import { ttyObserver } from './tty.js';

export interface ReporterOptions {
  json?: boolean;
  /** JSON Lines, one event per line, and nothing else on stdout. */
  events?: boolean;
  diff?: boolean;
  verbose?: boolean;
  check?: boolean;
  /** Plain lines start with the time. */
  timestamps?: boolean;
  stdout?: { write(s: string): unknown; isTTY?: boolean; columns?: number; rows?: number };
  env?: NodeJS.ProcessEnv;
  /** The clock (tests). */
  now?: () => number;
}

export interface Reporter {
  observer: RunObserver;
  /** Waits for the progress view to settle, then prints the plan and the recap (or the JSON document, or the last event). */
  finish(report: RunReport): Promise<void>;
  /** The run stopped with an error instead of a report: waits for the progress view to end (it has the terminal). */
  settle(): Promise<void>;
}

/** Calls each observer in turn (the progress first, so that views read the state after the event). */
/** Every RunObserver callback: a record over its keys, so a new callback cannot be left out of fanOut. */
const OBSERVER_KEYS: Record<keyof RunObserver, true> = { runStart: true, playStart: true, hostPhase: true, change: true, provided: true, hostEnd: true, playEnd: true, runEnd: true };

function fanOut(...observers: RunObserver[]): RunObserver {
  const out: RunObserver = {};
  for (const key of Object.keys(OBSERVER_KEYS) as Array<keyof RunObserver>) {
    const fns = observers.map((o) => o[key]).filter((f) => f !== undefined) as Array<(e: never) => void>;
    if (fns.length) (out as Record<string, (e: never) => void>)[key] = (e) => fns.forEach((f) => f(e));
  }
  return out;
}

export function createReporter(o: ReporterOptions): Reporter {
  const out = o.stdout ?? process.stdout;
  const env = o.env ?? process.env;
  const write = (s: string) => void out.write(s);
  const progress = new RunProgress(o.now);
  const settled = async () => undefined;
  if (o.json) return { observer: {}, finish: async (r) => write(toJson(r, { diff: o.diff })), settle: settled };
  if (o.events) {
    const s = eventStream({ write, progress, diff: o.diff });
    return { observer: fanOut(progress.observer, s.observer), finish: async (r) => s.end(r), settle: settled };
  }
  const p = paint(usesColor(out, env));
  const plan = (r: RunReport) => (r.check || o.diff || o.verbose ? `\n${renderPlan(r, { paint: p, diff: o.diff })}` : '');
  const tty = !!out.isTTY && env.TERM !== 'dumb' && !env.CI;
  if (!tty) {
    const view = plainObserver({ write, paint: p, progress, verbose: o.verbose, diff: o.diff, check: o.check, timestamps: o.timestamps, now: o.now });
    // Non-check runs streamed their changes (and diffs) already: the plain recap lists them only under --check.
    return { observer: fanOut(progress.observer, view), finish: async (r) => write(`${r.check ? plan(r) : ''}\n${renderSummary(r, p, progress)}`), settle: settled };
  }
  const pending: Promise<unknown>[] = [];
  const view = ttyObserver({ paint: p, progress, check: o.check, stream: out, track: (x) => pending.push(x) });
  return {
    observer: fanOut(progress.observer, view),
    async finish(r) {
      await Promise.all(pending);
      write(`${plan(r)}\n${renderSummary(r, p, progress, Math.max(40, out.columns || 80))}`);
    },
    async settle() {
      await Promise.all(pending);
    },
  };
}
