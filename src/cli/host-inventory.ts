// What every verb that reaches hosts does first: load the inventory, lint its network plan (--accept-lint), apply --limit.
import { loadInventoryOrThrow } from '../inventory/load.js';
import type { Host, Inventory } from '../inventory/types.js';
import { SelectorError, selectHosts } from '../playbook/selector.js';
import { UsageError } from '../core/errors.js';
import type { Connector } from '../core/connector.js';
import { checkConnectionFlags, connectorFromFlags, type ConnectionFlagValues } from './connection-flags.js';

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

/** The flags a read-only verb that reaches hosts takes (facts, preflight, ping). */
export type HostVerbValues = ConnectionFlagValues & { inventory?: string; limit?: string; 'accept-lint'?: string };

/**
 * A read-only verb's reach: the inventory checked and linted, --limit's hosts, one connector for them (the become
 * password asked first when --ask-become-pass says so), closed whatever `use` does.
 */
export async function withHosts<T>(verb: string, values: HostVerbValues, use: (inventory: Inventory, hosts: Host[], connector: Connector) => Promise<T>): Promise<T> {
  if (!values.inventory) throw new UsageError(`${verb} needs an inventory: provision ${verb} -i INVENTORY`);
  checkConnectionFlags(values);
  const inventory = await loadLintedInventory(values.inventory, values['accept-lint']);
  const hosts = limitedHosts(values.limit, inventory);
  const connector = await connectorFromFlags(values);
  try {
    return await use(inventory, hosts, connector);
  } finally {
    await connector.closeAll();
  }
}
