// Plain progress lines for pipes and logs (no TTY): one line per change, per failure, per play start and end,
// each naming its play (and, with --timestamps, starting with the time).
import type { RunObserver } from '../engine/events.js';
import type { Paint } from './color.js';
import { renderDiff } from './diff.js';
import type { RunProgress } from './progress.js';
import { formatDuration, plural, withoutHost } from './text.js';

export interface PlainOptions {
  write(text: string): void;
  paint: Paint;
  /** Play end lines carry counts and elapsed time from here. */
  progress?: RunProgress;
  verbose?: boolean;
  diff?: boolean;
  check?: boolean;
  /** Prefix every line with the ISO time (--timestamps); `now` is the clock. */
  timestamps?: boolean;
  now?: () => number;
}

export function plainObserver(o: PlainOptions): RunObserver {
  const p = o.paint;
  let play = '';
  const line = (text: string, playName = play) => {
    const stamp = o.timestamps ? `${new Date((o.now ?? Date.now)()).toISOString()} ` : '';
    for (const l of text.split('\n')) o.write(`${stamp}${p.dim(`[${playName}]`)} ${l}\n`);
  };
  return {
    playStart: (e) => {
      play = e.play;
      line(`${p.bold(`PLAY ${e.index + 1}/${e.total}`)} ${e.hosts.length ? plural(e.hosts.length, 'host') : 'no hosts'}`);
    },
    change: ({ host, record }) => {
      if (record.action === 'noop') {
        if (o.verbose) line(`${host}  ${p.dim('ok')}      ${record.task}: ${record.summary}`, record.play);
        return;
      }
      const mark = record.error ? p.red('FAILED') : o.check ? p.yellow('would ' + record.action) : p.yellow(record.action);
      line(`${host}  ${mark}  ${record.task}: ${record.summary}`, record.play);
      if (o.verbose && record.output) line(record.output.replace(/^/gm, `${host}  | `));
      // Under --check the diffs come with the plan, grouped by host, at the end.
      if (o.diff && !o.check) {
        const d = renderDiff(host, record, p);
        if (d) o.write(`${d}\n`);
      }
    },
    hostEnd: ({ play: where, host, error }) => {
      if (error) line(`${host}  ${p.red('FAILED')}  ${withoutHost(host, error)}`, where);
    },
    playEnd: () => {
      const pr = o.progress?.plays[o.progress.plays.length - 1];
      if (!pr) return;
      const n = o.progress!.hostCount(pr);
      line(`done: ${o.progress!.doneCount(pr)}/${plural(n, 'host')}, ${o.check ? 'would change' : 'changed'} ${pr.changed}, failed ${pr.failed.size} in ${formatDuration(o.progress!.elapsed(pr))}`);
    },
  };
}
