// Where provision's own playbooks live (up, join-*): next to dist/ when built, next to src/ under vitest.
import { fileURLToPath } from 'node:url';

/** playbooks/NAME next to dist/ (or src/ under vitest). */
export function bundledPlaybook(name: string): string {
  return fileURLToPath(new URL(`../../../playbooks/${name}`, import.meta.url));
}

