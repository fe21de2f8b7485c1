// Everything `provision lint` checks for one file: YAML, schema and names, then (if those pass) the network plan.
import type { Finding } from '../core/finding.js';
import { loadInventory } from './load.js';
import { lintInventory } from './lint/index.js';

export async function lintInventoryFile(path: string): Promise<Finding[]> {
  const { inventory, findings, source } = await loadInventory(path);
  return inventory ? [...findings, ...lintInventory(inventory, source)] : findings;
}
