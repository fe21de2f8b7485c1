// Plain progress lines for pipes and logs (no TTY): one line per change, per failure, per play.
import type { RunObserver } from '../engine/events.js';
import type { Paint } from './color.js';
import { renderDiff } from './diff.js';

export interface PlainOptions {
  write(text: string): void;
  paint: Paint;
  verbose?: boolean;
  diff?: boolean;
  check?: boolean;
}

export function plainObserver(o: PlainOptions): RunObserver {
  const p = o.paint;
  return {
    playStart: (e) => o.write(`${p.bold(`PLAY ${e.index + 1}/${e.total} [${e.play}]`)} ${e.hosts.length} host${e.hosts.length === 1 ? '' : 's'}\n`),
    change: ({ host, record }) => {
      if (record.action === 'noop') {
        if (o.verbose) o.write(`${host}  ${p.dim('ok')}      ${record.task}: ${record.summary}\n`);
        return;
      }
      const mark = record.error ? p.red('FAILED') : o.check ? p.yellow('would ' + record.action) : p.yellow(record.action);
      o.write(`${host}  ${mark}  ${record.task}: ${record.summary}\n`);
      if (o.verbose && record.output) o.write(record.output.replace(/^/gm, `${host}  | `) + '\n');
      if (o.diff) {
        const d = renderDiff(host, record, p);
        if (d) o.write(`${d}\n`);
      }
    },
    hostEnd: ({ host, error }) => {
      if (error) o.write(`${host}  ${p.red('FAILED')}  ${error.split('\n')[0]}\n`);
    },
  };
}
