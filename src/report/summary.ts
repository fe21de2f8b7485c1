// The end-of-run recap: one line per host, then every failed host and why.
import type { RunReport } from '../engine/report-model.js';
import type { Paint } from './color.js';

export function renderSummary(report: RunReport, p: Paint): string {
  const names = Object.keys(report.hosts);
  const width = Math.max(4, ...names.map((n) => n.length));
  const lines = names.map((name) => {
    const h = report.hosts[name]!;
    const state = h.skipped ? p.yellow('skipped') : h.unreachable ? p.red('UNREACHABLE') : h.failed ? p.red('FAILED') : h.changed ? p.yellow(report.check ? 'would change' : 'changed') : p.green('ok');
    return `${name.padEnd(width)}  ok=${h.ok} changed=${h.changed} failed=${h.failed}  ${state}`;
  });
  const failed = names.filter((n) => report.hosts[n]!.error);
  const why = failed.map((n) => `  ${p.red(n)}: ${report.hosts[n]!.error!.split('\n').join('\n    ')}`);
  const verb = report.check ? 'would change' : 'changed';
  const tail = `${p.bold('total')}: ${verb} ${report.changed}, failed hosts ${report.failed}${report.aborted ? ` (aborted: ${report.aborted})` : ''}`;
  return [p.bold('RECAP'), ...lines, ...(why.length ? ['', p.bold('failed hosts:'), ...why] : []), tail, ''].join('\n');
}
