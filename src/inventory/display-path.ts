// Shows file paths in findings relative to the working directory when that is shorter (as the user typed them).
import { isAbsolute, relative } from 'node:path';
import type { Finding } from '../core/finding.js';

export function displayPath(file: string, cwd = process.cwd()): string {
  const rel = relative(cwd, file);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : file;
}

export function withDisplayPaths(findings: Finding[], cwd = process.cwd()): Finding[] {
  return findings.map((f) => ({ ...f, file: displayPath(f.file, cwd) }));
}
