// What every verb that reaches hosts does first: load the inventory, lint its network plan (--accept-lint), apply --limit.
import { loadInventoryOrThrow } from '../inventory/load.js';
import type { Host, Inventory } from '../inventory/types.js';
import { SelectorError, selectHosts } from '../playbook/selector.js';
import { UsageError } from '../core/errors.js';

export const ACCEPT_LINT_FLAG = { 'accept-lint': { type: 'string' } } as const;
export const ACCEPT_LINT_USAGE = '  --accept-lint CODES    proceed although the network plan has these lint errors (comma-separated)';

/** Schema and network plan are checked before any connection; known lint errors can be accepted knowingly. */
export function loadLintedInventory(path: string, acceptLint: string | undefined): Promise<Inventory> {
  return loadInventoryOrThrow(path, {
    lint: true,
    acceptLint: acceptLint?.split(',').map((s) => s.trim()).filter(Boolean),
    warn: (line) => process.stderr.write(`${line}\n`),
  });
}

/** The hosts --limit selects (all without it); a bad selector, or one matching no host, is a usage error. */
export function limitedHosts(limit: string | undefined, inventory: Inventory): Host[] {
  if (limit === undefined) return inventory.hosts;
  let hosts: Host[];
  try {
    hosts = selectHosts(limit, inventory);
  } catch (e) {
    if (e instanceof SelectorError) throw new UsageError(`--limit: ${e.message}`);
    throw e;
  }
  if (hosts.length === 0) throw new UsageError(`--limit '${limit}' matches no host`, `hosts: ${inventory.hosts.map((h) => h.name).join(', ')}`);
  return hosts;
}
