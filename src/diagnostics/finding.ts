// A finding is one thing wrong (or worth knowing) about an input file, pointing at file:line:col.
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

export function formatFinding(f: Finding): string {
  const head = `${f.file}:${f.line}:${f.col}: ${f.level} ${f.code}: ${f.message}`;
  return f.hint ? `${head}\n  hint: ${f.hint}` : head;
}

export function hasErrors(findings: Finding[]): boolean {
  return findings.some((f) => f.level === 'error');
}
