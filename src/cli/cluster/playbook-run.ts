// Where provision's own playbooks live (up, join-*): next to dist/ when built, next to src/ under vitest.
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../../package-root.js';

/** playbooks/NAME next to dist/ (or src/ under vitest). */
export function bundledPlaybook(name: string): string {
  return join(PACKAGE_ROOT, 'playbooks', name);
}

