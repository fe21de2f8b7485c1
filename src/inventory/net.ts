// IPv4 address math for the inventory (parsing by ipaddr.js; ranges as 32-bit integers for comparisons).
import ipaddr from 'ipaddr.js';
import type { IpRange } from './types.js';

export interface Span {
  first: number;
  last: number;
}

export function isIpv4(text: string): boolean {
  return ipaddr.IPv4.isValidFourPartDecimal(text);
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
