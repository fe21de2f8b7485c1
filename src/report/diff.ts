// Unified diffs of planned file changes (--diff), with secrets never revealed.
import { createRequire } from 'node:module';
import type { ChangeRecord } from '../engine/report-model.js';
import type { Paint } from './color.js';

// Loaded on the first diff (synchronously, its CommonJS build): a converged run never pays for it.
const lazyRequire = createRequire(import.meta.url);

export function renderDiff(host: string, record: ChangeRecord, p: Paint): string | undefined {
  const d = record.diff;
  if (!d) return undefined;
  if (d.before === '<secret>' || d.after === '<secret>') return `--- ${host}:${d.path}\n+++ ${host}:${d.path}\n(secret content: not shown)\n`;
  const { createTwoFilesPatch } = lazyRequire('diff') as typeof import('diff');
  const patch = createTwoFilesPatch(`${host}:${d.path}`, `${host}:${d.path}`, d.before, d.after, '', '', { context: 3 });
  const all = patch.split('\n');
  const body = all.slice(Math.max(0, all.findIndex((l) => l.startsWith('--- ')))); // drop the "Index:" and "====" lines
  return body
    .map((line) => (line.startsWith('+') && !line.startsWith('+++') ? p.green(line) : line.startsWith('-') && !line.startsWith('---') ? p.red(line) : line.startsWith('@@') ? p.dim(line) : line))
    .join('\n');
}
