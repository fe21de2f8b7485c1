// The lines that stand for one play on a terminal: a summary line (name, n/m hosts, changed, failed, elapsed);
// while it runs, one line per host still working with the task it is on; failed hosts' errors in full.
import type { Paint } from './color.js';
import type { PlayProgress, RunProgress } from './progress.js';
import { formatDuration, truncate, visible, withoutHost, wrap } from './text.js';

export interface PlayViewOptions {
  paint: Paint;
  /** Columns available for each line (the renderer's icon and indentation already taken off). */
  width: number;
  check?: boolean;
  /** At most this many working hosts are listed; the rest are counted on one line. */
  maxHosts?: number;
}

/** The play's summary line, its name shortened so that the counts always fit. */
export function playLine(progress: RunProgress, play: PlayProgress, o: PlayViewOptions): string {
  const p = o.paint;
  const m = progress.hostCount(play);
  const verb = o.check ? 'would change' : 'changed';
  // Fixed-width fields (up to 99 hosts, 999 changes), so that every play's counts line up in columns.
  const elapsed = formatDuration(progress.elapsed(play));
  const stats = [
    (m === 0 ? 'no hosts' : `${progress.doneCount(play)}/${m} host${m === 1 ? '' : 's'}`).padEnd(11),
    (play.changed ? p.yellow : (s: string) => s)(`${verb} ${play.changed}`.padEnd(verb.length + 4)),
    (play.failed.size ? p.red : (s: string) => s)(`failed ${play.failed.size}`.padEnd(9)),
    p.dim(elapsed),
  ].join('  ');
  // Room for the name: what the counts leave with the longest time ("59m59s").
  const room = Math.max(8, o.width - (visible(stats).length - elapsed.length + 6) - 2);
  const names = [...progress.playNames, ...(progress.connect ? [progress.connect.name] : [])];
  const column = Math.min(room, Math.max(play.name.length, ...names.map((n) => n.length)));
  return `${p.bold(truncate(play.name, column).padEnd(column))}  ${stats}`;
}

/** Lines for the hosts still working on the play (none once it has ended). */
export function workingLines(play: PlayProgress, o: PlayViewOptions): string[] {
  if (play.endedAt !== undefined) return [];
  const working = play.hosts.filter((h) => !play.host.get(h)!.done);
  const max = o.maxHosts ?? 10;
  const shown = working.length > max ? working.slice(0, max - 1) : working;
  const nameWidth = Math.min(24, Math.max(0, ...shown.map((h) => h.length)));
  const lines = shown.map((name) => {
    const h = play.host.get(name)!;
    const what = (h.phase === 'applying' || h.phase === 'handlers') && h.task ? h.task : h.phase;
    return truncate(`${truncate(name, nameWidth).padEnd(nameWidth)}  ${o.paint.dim(what)}`, o.width);
  });
  if (shown.length < working.length) lines.push(o.paint.dim(`… ${working.length - shown.length} more hosts working`));
  return lines;
}

/** Every failed host's error and hint, in full (wrapped, never cut). */
export function failureLines(play: PlayProgress, o: PlayViewOptions): string[] {
  return [...play.failed].flatMap(([host, error]) => {
    const [first, ...rest] = wrap(`${host}: ${withoutHost(host, error)}`, o.width - 2);
    return [o.paint.red(`✖ ${first}`), ...rest.map((l) => `  ${l}`)];
  });
}

/** The whole block: while running, summary + working hosts + failures; once ended, summary + failures only. */
export function playBlock(progress: RunProgress, play: PlayProgress, o: PlayViewOptions): string[] {
  return [playLine(progress, play, o), ...workingLines(play, o), ...failureLines(play, o)];
}
