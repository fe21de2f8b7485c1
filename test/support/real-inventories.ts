// The three plans in inventory/ loaded through the real loader (schema only, no lint), for tests that render them.
import { join } from 'node:path';
import type { Inventory } from '../../src/inventory/types.js';
import { loadInventory } from '../../src/inventory/load.js';

export const REAL_INVENTORIES = ['homelab', 'goldentooth', 'flat-bgp'] as const;
export type RealInventoryName = (typeof REAL_INVENTORIES)[number];

export async function loadRealInventory(name: RealInventoryName): Promise<Inventory> {
  const loaded = await loadInventory(join(import.meta.dirname, '../../inventory', `${name}.yaml`));
  if (!loaded.inventory) throw new Error(`inventory/${name}.yaml does not load: ${loaded.findings.map((f) => f.message).join('; ')}`);
  return loaded.inventory;
}

/** All three, loaded once per test file. */
export function loadRealInventories(): Promise<Array<{ name: RealInventoryName; inv: Inventory }>> {
  return Promise.all(REAL_INVENTORIES.map(async (name) => ({ name, inv: await loadRealInventory(name) })));
}
