// Which CIDRs route the MetalLB pool: the inventory's `route`, else the exact CIDR cover of each pool range.
import { parseCidr, rangeToCidrs } from '../inventory/ipv4.js';
import type { Inventory } from '../inventory/types.js';

/** The routes the pool needs, in order, without duplicates. Empty when the inventory has no MetalLB. */
export function poolRouteCidrs(inv: Inventory): string[] {
  const m = inv.network.metallb;
  if (!m) return [];
  const cidrs = m.route && m.route.length > 0 ? m.route : m.pool.flatMap(rangeToCidrs);
  return [...new Set(cidrs.map(canonicalCidr))];
}

function canonicalCidr(cidr: string): string {
  const p = parseCidr(cidr);
  if (!p) throw new Error(`not an IPv4 CIDR: ${cidr}`);
  return p.canonical;
}
