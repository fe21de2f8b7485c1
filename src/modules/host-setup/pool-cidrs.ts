// Which CIDRs route the MetalLB pool: the inventory's `route`, else the exact CIDR cover of each pool range.
import ipaddr from 'ipaddr.js';
import type { Inventory, IpRange } from '../../inventory/types.js';

const toInt = (ip: string): number => ipaddr.IPv4.parse(ip).toByteArray().reduce((n, b) => n * 256 + b, 0);
const fromInt = (n: number): string => ipaddr.fromByteArray([24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256)).toString();

/**
 * The fewest CIDRs whose union is exactly [first, last]. Each step takes the widest prefix that starts at
 * the current address (ipaddr's networkAddressFromCIDR says whether it is aligned) and ends inside the range.
 */
export function rangeToCidrs(range: IpRange): string[] {
  let cur = toInt(range.first);
  const last = toInt(range.last);
  if (cur > last) throw new Error(`pool range ${range.first}-${range.last} ends before it starts`);
  const out: string[] = [];
  while (cur <= last) {
    const start = fromInt(cur);
    let prefix = 0;
    for (; prefix <= 32; prefix++) {
      const cidr = `${start}/${prefix}`;
      const aligned = ipaddr.IPv4.networkAddressFromCIDR(cidr).toString() === start;
      if (aligned && toInt(ipaddr.IPv4.broadcastAddressFromCIDR(cidr).toString()) <= last) break;
    }
    out.push(`${start}/${prefix}`);
    cur = toInt(ipaddr.IPv4.broadcastAddressFromCIDR(`${start}/${prefix}`).toString()) + 1;
  }
  return out;
}

/** The normalised network form: 10.4.11.7/24 → 10.4.11.0/24. */
export function normaliseCidr(cidr: string): string {
  const [, prefix] = ipaddr.IPv4.parseCIDR(cidr);
  return `${ipaddr.IPv4.networkAddressFromCIDR(cidr).toString()}/${prefix}`;
}

/** The routes the pool needs, in order, without duplicates. Empty when the inventory has no MetalLB. */
export function poolRouteCidrs(inv: Inventory): string[] {
  const m = inv.network.metallb;
  if (!m) return [];
  const cidrs = m.route && m.route.length > 0 ? m.route : m.pool.flatMap(rangeToCidrs);
  return [...new Set(cidrs.map(normaliseCidr))];
}

/** True when `inner` lies entirely inside `outer` (both CIDRs; 'default' covers everything). */
export function cidrInside(inner: string, outer: string): boolean {
  if (outer === 'default' || outer === '0.0.0.0/0') return true;
  if (!ipaddr.IPv4.isValidCIDR(outer) && !ipaddr.IPv4.isValid(outer)) return false;
  const [oAddr, oLen] = outer.includes('/') ? ipaddr.IPv4.parseCIDR(outer) : [ipaddr.IPv4.parse(outer), 32];
  const [iAddr, iLen] = ipaddr.IPv4.parseCIDR(inner);
  return iLen >= oLen && iAddr.match(oAddr, oLen);
}
