// Renders provision's own nftables table (inet provision) as one atomic, re-loadable file.
import { createHash } from 'node:crypto';
import type { PortRule } from './firewall-rules.js';

export const NFT_TABLE = 'inet provision';
export const NFT_FILE = '/etc/provision/firewall.nft';
/** Written and validated first; renamed over NFT_FILE only once the new rules proved SSH still works. */
export const NFT_CANDIDATE = '/etc/provision/firewall.candidate.nft';
export const NFTABLES_CONF = '/etc/nftables.conf';

/**
 * IP protocol numbers, not names: nft resolves names through /etc/protocols (package netbase), which a minimal
 * Debian node lacks ("Could not resolve protocol name"); `nft list` still prints the names where it exists.
 */
const IPPROTO = { icmp: 1, ipip: 4, 'ipv6-icmp': 58 } as const;

function ruleLine(r: PortRule): string {
  const from = !r.from ? '' : r.from.length === 1 ? `ip saddr ${r.from[0]} ` : `ip saddr { ${r.from.join(', ')} } `;
  const comment = ` comment "${r.why.replace(/"/g, "'")}"`;
  if (r.proto === 'ipip') return `${from}meta l4proto ${IPPROTO.ipip} accept${comment}`;
  const ports = r.ports.length === 1 ? r.ports[0]! : `{ ${r.ports.join(', ')} }`;
  return `${from}${r.proto} dport ${ports} accept${comment}`;
}

/** The rules without the fingerprint: what the fingerprint is computed over. */
function body(rules: PortRule[]): string[] {
  return [
    '\tchain input {',
    '\t\ttype filter hook input priority filter; policy drop;',
    '\t\tct state established,related accept',
    '\t\tiif "lo" accept',
    `\t\tmeta l4proto { ${IPPROTO.icmp}, ${IPPROTO['ipv6-icmp']} } accept comment "icmp, ipv6-icmp"`,
    ...rules.map((r) => `\t\t${ruleLine(r)}`),
    '\t}',
  ];
}

/** 16 hex of sha256 over the rules: stored as the table's comment so the probe can tell live == wanted. */
export function rulesFingerprint(rules: PortRule[]): string {
  return createHash('sha256').update(body(rules).join('\n')).digest('hex').slice(0, 16);
}

/**
 * The whole file. `table … {}` then `delete table …` makes the load work whether the table exists or not,
 * and nft -f applies the file as ONE transaction: the old table is never half-replaced. Other tables
 * (kube-proxy's, the CNI's, the user's) are never touched: no `flush ruleset`.
 */
export function renderNftRuleset(rules: PortRule[]): string {
  return [
    '#!/usr/sbin/nft -f',
    '# Managed by provision (firewall module). Re-run provision instead of editing.',
    `table ${NFT_TABLE} {}`,
    `delete table ${NFT_TABLE}`,
    `table ${NFT_TABLE} {`,
    `\tcomment "provision:${rulesFingerprint(rules)}"`,
    ...body(rules),
    '}',
    '',
  ].join('\n');
}

/** The fingerprint the live table carries (from `nft list table inet provision`), or undefined. */
export function liveFingerprint(listing: string): string | undefined {
  return /comment "provision:([0-9a-f]{16})"/.exec(listing)?.[1];
}

/**
 * Whether the live table still holds exactly the wanted rules. The fingerprint comment says which rules were loaded,
 * not that they are still there: a rule deleted or edited by hand (`nft delete rule ...`) leaves the comment in place.
 * So each accept rule of the listing is compared by what it lets in (source, protocol, ports; the comment names it),
 * as a multiset, in the form `nft list` prints (its sets `{ a, b }`, a /32 written as the bare address, protocol 4 by
 * its /etc/protocols name), along with the chain's drop policy.
 */
export function liveRulesIntact(listing: string, rules: PortRule[]): boolean {
  if (!/\bpolicy drop;/.test(listing)) return false;
  const live = listing.split('\n').filter((l) => / accept comment "/.test(l)).map(liveKey).sort();
  const want = [`icmp, ipv6-icmp||l4|`, ...rules.map(wantKey)].sort();
  return live.length === want.length && live.every((k, i) => k === want[i]);
}

const setItems = (text: string | undefined): string =>
  (text ?? '').replace(/^\{\s*|\s*\}$/g, '').split(/\s*,\s*/).filter(Boolean).map((a) => a.replace(/\/32$/, '')).sort().join(',');

function liveKey(line: string): string {
  const comment = /comment "([^"]*)"\s*$/.exec(line)?.[1] ?? '';
  const from = setItems(/\bip saddr (\{[^}]*\}|\S+)/.exec(line)?.[1]);
  const port = /\b(tcp|udp) dport (\{[^}]*\}|\S+)/.exec(line);
  if (port) return `${comment}|${from}|${port[1]}|${setItems(port[2])}`;
  return `${comment}|${from}|l4|`;
}

function wantKey(r: PortRule): string {
  const comment = r.why.replace(/"/g, "'");
  const from = setItems(r.from?.join(','));
  return r.proto === 'ipip' ? `${comment}|${from}|l4|` : `${comment}|${from}|${r.proto}|${setItems(r.ports.join(','))}`;
}

/** The block in /etc/nftables.conf that loads our file at boot (after the user's own rules). */
export function includeBlock(): string {
  return `include "${NFT_FILE}"\n`;
}
