// The end-of-run recap: one line per host, the time each play took, the three slowest hosts, then every failed host and why.
import type { RunReport } from '../engine/report-model.js';
import type { Paint } from './color.js';
import type { RunProgress } from './progress.js';
import { formatDuration, plural, truncate, withoutHost, wrap } from './text.js';

/** `columns`: the terminal's width; play names are shortened and errors wrapped to fit. */
export function renderSummary(report: RunReport, p: Paint, progress?: RunProgress, columns = Infinity): string {
  const names = Object.keys(report.hosts);
  const width = Math.max(4, ...names.map((n) => n.length));
  const lines = names.map((name) => {
    const h = report.hosts[name]!;
    const state = h.skipped ? p.yellow('skipped') : h.unreachable ? p.red('UNREACHABLE') : h.failed ? p.red('FAILED') : h.changed ? p.yellow(report.check ? 'would change' : 'changed') : p.green('ok');
    return `${name.padEnd(width)}  ok=${h.ok} changed=${h.changed} failed=${h.failed}  ${state}`;
  });
  const timing: string[] = [];
  if (progress?.plays.length) {
    const rows: Array<[string, string]> = progress.plays.map((pl) => [formatDuration(progress.elapsed(pl)), `${pl.name} ${p.dim(`(${pl.hosts.length ? plural(pl.hosts.length, 'host') : 'no hosts'})`)}`]);
    const upfront = progress.firstPlayAt !== undefined && progress.startedAt !== undefined ? progress.firstPlayAt - progress.startedAt : 0;
    if (upfront >= 100) rows.unshift([formatDuration(upfront), p.dim('connect and read every host, once, before the first play')]);
    const tw = Math.max(...rows.map(([t]) => t.length));
    timing.push('', p.bold('time per play:'), ...rows.map(([t, what]) => truncate(`  ${t.padStart(tw)}  ${what}`, columns)));
    const slow = progress.slowest(3).filter((s) => s.ms > 0);
    if (slow.length) timing.push(`${p.bold('slowest hosts:')} ${slow.map((s) => `${s.host} ${formatDuration(s.ms)}`).join(', ')}`);
  }
  const failed = names.filter((n) => report.hosts[n]!.error);
  const why = failed.flatMap((n) => {
    const [first, ...rest] = wrap(`${n}: ${withoutHost(n, report.hosts[n]!.error!)}`, columns - 4);
    return [`  ${p.red(first!)}`, ...rest.map((l) => `    ${l}`)];
  });
  const verb = report.check ? 'would change' : 'changed';
  const total = progress?.startedAt !== undefined ? ` in ${formatDuration(progress.now() - progress.startedAt)}` : '';
  const tail = `${p.bold('total')}: ${verb} ${report.changed}, failed hosts ${report.failed}${report.aborted ? ` (aborted: ${report.aborted})` : ''}${total}`;
  return [p.bold('RECAP'), ...lines, ...timing, ...(why.length ? ['', p.bold('failed hosts:'), ...why] : []), tail, ''].join('\n');
}
