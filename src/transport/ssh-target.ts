// An inventory host as a connection target, and as the lookup `ssh -G` gets (no ssh2 here: `provision ssh-config` loads only this).
import type { Host, Inventory, SshSettings } from '../inventory/types.js';
import type { HostKeyPolicy } from './known-hosts-store.js';
import type { ResolveTarget } from './ssh-resolver.js';
import type { Secret } from '../core/secret.js';

export interface ConnectTarget {
  /** Inventory host name (used in errors and for ~/.ssh/config Host matching). */
  name: string;
  /** Address to dial unless ~/.ssh/config says otherwise. */
  address: string;
  user?: string;
  port?: number;
  identityFile?: string;
  proxyJump?: string;
  hostKeys?: 'strict' | 'accept-new' | 'off';
  becomePassword?: Secret;
}

/** The inventory's view of a host: host-level ssh settings over the inventory's ssh block. */
export function targetOf(host: Host, inventory: Inventory): ConnectTarget {
  const merged: SshSettings = { ...inventory.ssh, ...definedOnly(host.ssh ?? {}) };
  return { name: host.name, address: host.address, ...definedOnly(merged) };
}

/** What the resolver needs; --host-keys wins over the inventory's hostKeys. */
export function lookupOf(target: ConnectTarget, hostKeyPolicy?: HostKeyPolicy): ResolveTarget {
  return definedOnly({
    name: target.name,
    address: target.address,
    user: target.user,
    port: target.port,
    identityFile: target.identityFile,
    proxyJump: target.proxyJump,
    hostKeys: hostKeyPolicy ?? target.hostKeys,
  });
}

export function definedOnly<T extends object>(o: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as { [K in keyof T]: Exclude<T[K], undefined> };
}
