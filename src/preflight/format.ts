// Preflight findings as text, in lint's format with the host in place of file:line:col, and the closing tally.
import { escapeControl } from '../core/escape.js';
import type { HostFinding } from './context.js';

export function formatHostFinding(f: HostFinding): string {
  const head = escapeControl(`${f.host}: ${f.level} ${f.code}: ${f.message}`);
  return f.hint ? `${head}\n  hint: ${escapeControl(f.hint)}` : head;
}

export function tally(findings: HostFinding[], hosts: number): string {
  const count = (level: string) => findings.filter((f) => f.level === level).length;
  const [e, w] = [count('error'), count('warning')];
  return `preflight: ${hosts} host${hosts === 1 ? '' : 's'}, ${e} error${e === 1 ? '' : 's'}, ${w} warning${w === 1 ? '' : 's'}`;
}
