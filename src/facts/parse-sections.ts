// Splits a probe's stdout into its sections (id → body), using the run's random marker.
import { randomBytes } from 'node:crypto';

/** A marker no host file or command output will contain by accident. */
export function newMarker(): string {
  return `@@provision-${randomBytes(8).toString('hex')}@@`;
}

/**
 * Each section is `\n<marker> <id>\n<body>`; the body keeps its own trailing newline (if any) because
 * the next header always begins with the newline the probe added. Text before the first header
 * (a noisy login shell) is ignored.
 */
export function splitSections(stdout: string, marker: string): Map<string, string> {
  const sections = new Map<string, string>();
  const parts = stdout.split(`\n${marker} `);
  for (const part of parts.slice(1)) {
    const nl = part.indexOf('\n');
    const id = nl < 0 ? part : part.slice(0, nl);
    const body = nl < 0 ? '' : part.slice(nl + 1);
    sections.set(id.trim(), body);
  }
  return sections;
}
