// Picks the reporter for a run (TTY, plain lines or --json) and prints the recap, diffs and the JSON document.
import type { RunObserver } from '../engine/events.js';
import type { RunReport } from '../engine/report-model.js';
import { paint, usesColor } from './color.js';
import { renderDiff } from './diff.js';
import { toJson } from './json.js';
import { plainObserver } from './plain.js';
import { renderSummary } from './summary.js';
import { ttyObserver } from './tty.js';

export interface ReporterOptions {
  json?: boolean;
  diff?: boolean;
  verbose?: boolean;
  check?: boolean;
  stdout?: NodeJS.WriteStream | { write(s: string): unknown; isTTY?: boolean };
  env?: NodeJS.ProcessEnv;
}

export interface Reporter {
  observer: RunObserver;
  /** Waits for the progress view to settle, then prints the recap (or the JSON document). */
  finish(report: RunReport): Promise<void>;
}

export function createReporter(o: ReporterOptions): Reporter {
  const out = o.stdout ?? process.stdout;
  const env = o.env ?? process.env;
  const p = paint(usesColor(out, env));
  const write = (s: string) => void out.write(s);
  if (o.json) return { observer: {}, finish: async (r) => write(toJson(r, { diff: o.diff })) };
  const tty = !!out.isTTY && env.TERM !== 'dumb' && !env.CI;
  if (!tty) {
    return { observer: plainObserver({ write, paint: p, verbose: o.verbose, diff: o.diff, check: o.check }), finish: async (r) => write(`\n${renderSummary(r, p)}`) };
  }
  const pending: Promise<unknown>[] = [];
  return {
    observer: ttyObserver({ paint: p, check: o.check, track: (x) => pending.push(x) }),
    async finish(r) {
      await Promise.all(pending);
      for (const [host, h] of Object.entries(r.hosts)) {
        for (const c of h.changes) {
          if (o.verbose || o.diff) write(`${host}  ${c.error ? p.red('FAILED') : p.yellow(r.check ? `would ${c.action}` : c.action)}  ${c.task}: ${c.summary}\n`);
          const d = o.diff ? renderDiff(host, c, p) : undefined;
          if (d) write(`${d}\n`);
        }
      }
      write(`\n${renderSummary(r, p)}`);
    },
  };
}
