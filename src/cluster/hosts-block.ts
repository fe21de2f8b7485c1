// Renders the /etc/hosts lines provision owns: every inventory host plus the API endpoint name.
import { DEFAULT_API_NAME } from '../inventory/schema.js';
import type { Inventory } from '../inventory/types.js';

export const HOSTS_MARKER = 'provision hosts';

export interface HostsEntry {
  address: string;
  names: string[];
}

/** Canonical name first (name.domain when a domain is set), then the short name. */
function namesFor(name: string, domain: string | undefined): string[] {
  return domain ? [`${name}.${domain}`, name] : [name];
}

/** The API endpoint's address and names: the VIP (kube-vip) or the lb host's address (haproxy). */
export function apiEntry(inv: Inventory): HostsEntry {
  const { api } = inv.network;
  const name = api.name ?? DEFAULT_API_NAME;
  // api.name may already be fully qualified (contains a dot): keep it as the user wrote it.
  const names = name.includes('.') ? [name] : namesFor(name, inv.cluster.domain);
  return { address: api.address, names };
}

/** Every entry, in inventory order, API last. Deterministic: same inventory, same bytes. */
export function hostsEntries(inv: Inventory): HostsEntry[] {
  const hosts = inv.hosts.map((h) => ({ address: h.address, names: namesFor(h.name, inv.cluster.domain) }));
  return [...hosts, apiEntry(inv)];
}

/** The block body (without markers), address column padded for reading. */
export function renderHostsBlock(inv: Inventory): string {
  const entries = hostsEntries(inv);
  const width = Math.max(...entries.map((e) => e.address.length)) + 1;
  return entries.map((e) => `${e.address.padEnd(width)}${e.names.join(' ')}`).join('\n') + '\n';
}

export interface HostsConflict {
  name: string;
  line: string;
  wanted: string;
}

/**
 * Lines OUTSIDE the block that map an inventory name to another address. glibc takes the first match,
 * so such a line (e.g. Debian's `127.0.1.1 NAME`) before the block wins; the module reports it, never edits it.
 */
export function findConflicts(outside: string, entries: HostsEntry[]): HostsConflict[] {
  const wanted = new Map(entries.flatMap((e) => e.names.map((n) => [n.toLowerCase(), e.address] as const)));
  const out: HostsConflict[] = [];
  for (const raw of outside.split('\n')) {
    const line = raw.replace(/#.*/, '').trim();
    if (!line) continue;
    const [address, ...names] = line.split(/\s+/);
    for (const n of names) {
      const want = wanted.get(n.toLowerCase());
      if (want !== undefined && want !== address) out.push({ name: n, line: raw.trim(), wanted: want });
    }
  }
  return out;
}
