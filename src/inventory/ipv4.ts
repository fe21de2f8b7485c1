// The one home of IPv4 (and route-destination) math: parsing by ipaddr.js, ranges as 32-bit integers, CIDR covers.
import ipaddr from 'ipaddr.js';
import type { IpRange } from './types.js';

export interface Span {
  first: number;
  last: number;
}

export function isIpv4(text: string): boolean {
  return ipaddr.IPv4.isValidFourPartDecimal(text);
}

/** Any IP address, v4 or v6 (a route's gateway). */
export function isIpAddress(text: string): boolean {
  return ipaddr.isValid(text);
}

export function ipToInt(ip: string): number {
  return ipaddr.IPv4.parse(ip).toByteArray().reduce((n, b) => n * 256 + b, 0);
}

export function intToIp(n: number): string {
  return [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.');
}

/** "a.b.c.d/n" → canonical network CIDR, or undefined when it is not IPv4 CIDR notation. */
export function parseCidr(text: string): { network: string; prefix: number; canonical: string } | undefined {
  const m = /^(\d{1,3}(?:\.\d{1,3}){3})\/(\d{1,2})$/.exec(text.trim());
  if (!m || !isIpv4(m[1]!) || Number(m[2]) > 32) return undefined;
  const network = ipaddr.IPv4.networkAddressFromCIDR(text.trim()).toString();
  const prefix = Number(m[2]);
  return { network, prefix, canonical: `${network}/${prefix}` };
}

export function cidrSpan(cidr: string): Span {
  const p = parseCidr(cidr);
  if (!p) throw new Error(`not a CIDR: ${cidr}`);
  const first = ipToInt(p.network);
  return { first, last: first + 2 ** (32 - p.prefix) - 1 };
}

export function rangeSpan(r: IpRange): Span {
  return { first: ipToInt(r.first), last: ipToInt(r.last) };
}

export function cidrToRange(cidr: string): IpRange {
  const s = cidrSpan(cidr);
  return { first: intToIp(s.first), last: intToIp(s.last) };
}

export function spanSize(s: Span): number {
  return s.last - s.first + 1;
}

export function inSpan(ip: string | number, s: Span): boolean {
  const n = typeof ip === 'number' ? ip : ipToInt(ip);
  return n >= s.first && n <= s.last;
}

export function spansOverlap(a: Span, b: Span): boolean {
  return a.first <= b.last && b.first <= a.last;
}

export function spanCovers(outer: Span, inner: Span): boolean {
  return outer.first <= inner.first && inner.last <= outer.last;
}

export function showRange(r: IpRange): string {
  return r.first === r.last ? r.first : `${r.first}-${r.last}`;
}

/** 192.168.1.0/24 → 192.168.1.1 (the network address itself for /31 and /32); undefined when not an IPv4 CIDR. */
export function firstAddress(cidr: string): string | undefined {
  const p = parseCidr(cidr);
  if (!p) return undefined;
  return intToIp(ipToInt(p.network) + (p.prefix >= 31 ? 0 : 1));
}

/**
 * The fewest CIDRs whose union is exactly [first, last]. Each step takes the widest prefix that starts at
 * the current address (aligned to it) and ends inside the range.
 */
export function rangeToCidrs(range: IpRange): string[] {
  let cur = ipToInt(range.first);
  const last = ipToInt(range.last);
  if (cur > last) throw new Error(`pool range ${range.first}-${range.last} ends before it starts`);
  const out: string[] = [];
  while (cur <= last) {
    let prefix = 0;
    for (; prefix <= 32; prefix++) {
      const size = 2 ** (32 - prefix);
      if (cur % size === 0 && cur + size - 1 <= last) break;
    }
    out.push(`${intToIp(cur)}/${prefix}`);
    cur += 2 ** (32 - prefix);
  }
  return out;
}

/** True when `inner` lies entirely inside `outer` (both CIDRs or addresses; 'default' covers everything). */
export function cidrInside(inner: string, outer: string): boolean {
  if (outer === 'default' || outer === '0.0.0.0/0') return true;
  if (!ipaddr.IPv4.isValidCIDR(outer) && !ipaddr.IPv4.isValid(outer)) return false;
  const [oAddr, oLen] = outer.includes('/') ? ipaddr.IPv4.parseCIDR(outer) : [ipaddr.IPv4.parse(outer), 32];
  const [iAddr, iLen] = ipaddr.IPv4.parseCIDR(inner);
  return iLen >= oLen && iAddr.match(oAddr, oLen);
}

/** A route destination in one form: '10.4.11.0/24', 'default' → '0.0.0.0/0', '10.0.0.5' → '10.0.0.5/32'; undefined when not a network. */
export function normalizeDst(dst: string): string | undefined {
  const text = dst.trim() === 'default' ? '0.0.0.0/0' : dst.trim();
  try {
    if (!text.includes('/')) {
      const addr = ipaddr.parse(text);
      return `${addr.toString()}/${addr.kind() === 'ipv4' ? 32 : 128}`;
    }
    const [addr, len] = ipaddr.parseCIDR(text);
    return `${addr.toString()}/${len}`;
  } catch {
    return undefined;
  }
}

/** Why a CIDR is not usable as a route destination, or undefined when it is. */
export function dstProblem(dst: string): string | undefined {
  const norm = normalizeDst(dst);
  if (!norm) return `'${dst}' is not an IP network in CIDR form (like 10.4.11.0/24)`;
  const [addr, len] = ipaddr.parseCIDR(norm);
  const network = addr.kind() === 'ipv4' ? ipaddr.IPv4.networkAddressFromCIDR(norm) : ipaddr.IPv6.networkAddressFromCIDR(norm);
  if (network.toString() !== addr.toString()) return `'${dst}' has host bits set; the network is ${network.toString()}/${len}`;
  return undefined;
}
