// A finding is one thing wrong (or worth knowing) about an input file, pointing at file:line:col.
import { escapeControl } from './escape.js';

export type Level = 'error' | 'warning' | 'info';

export interface Finding {
  level: Level;
  code: string;
  message: string;
  file: string;
  line: number;
  col: number;
  hint?: string;
}

/** The text form (lint, and every error listing findings): each field escaped, so one finding is one or two lines. */
export function formatFinding(f: Finding): string {
  const head = escapeControl(`${f.file}:${f.line}:${f.col}: ${f.level} ${f.code}: ${f.message}`);
  return f.hint ? `${head}\n  hint: ${escapeControl(f.hint)}` : head;
}

export function hasErrors(findings: Finding[]): boolean {
  return findings.some((f) => f.level === 'error');
}
