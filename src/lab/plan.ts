// Turns an inventory into the lab's layout (namespaces, interface names, addresses, MACs) as pure data, so it can be tested without root.
import { createHash } from 'node:crypto';
import { cidrSpan, inSpan, intToIp, rangeSpan } from '../inventory/ipv4.js';
import type { Inventory, Role } from '../inventory/types.js';

export const LAB_BASE = '/var/lib/provision-lab';

export interface LabHostPlan {
  name: string;
  role: Role;
  /** Network namespace of the host. */
  ns: string;
  /** The uid owning the host's user namespace (hostOwnerUid). */
  ownerUid: number;
  /** The bridge port (in the switch namespace) wired to the host's eth0. */
  port: string;
  address: string;
  /** address/prefix, as put on eth0. */
  cidr: string;
  mac: string;
  user: string;
  board: 'raspberry-pi' | 'generic';
}

export interface LabPlan {
  name: string;
  dir: string;
  prefix: number;
  gateway: string;
  switchNs: string;
  routerNs: string;
  controllerNs: string;
  controllerAddress: string;
  /** The kube-vip VIP or the HAProxy address (never given to a lab namespace by the lab itself). */
  apiAddress: string;
  hosts: LabHostPlan[];
}

export interface LabPlanOptions {
  /** --name; defaults to cluster.name. */
  name?: string;
  base?: string;
}

const NAME_RE = /^[a-z0-9]([a-z0-9-]{0,30}[a-z0-9])?$/;

export function validateLabName(name: string): string | undefined {
  return NAME_RE.test(name) ? undefined : `lab name '${name}' must be 1-32 characters of a-z, 0-9 and '-' (not at either end)`;
}

/** A stable locally-administered MAC for hosts that have none in the inventory. */
export function generatedMac(lab: string, host: string): string {
  const h = createHash('sha256').update(`${lab}/${host}`).digest();
  const bytes = [0x02, h[0]!, h[1]!, h[2]!, h[3]!, h[4]!];
  return bytes.map((b) => b.toString(16).padStart(2, '0')).join(':');
}

/**
 * Where lab owner uids live: above SSSD's default ID-mapping range (200000..2000200000, where a domain's users get
 * their uids), above systemd's container range (524288..1879048191, nspawn's --private-users=pick), below systemd's
 * foreign range (2147352576..) and below 2^31 (tools that read a uid as signed).
 */
export const OWNER_UID_MIN = 2_000_300_000;
export const OWNER_UID_SPAN = 147_000_000;

/**
 * The uid that owns a host's user namespace (host-userns.ts): one per host, so each host's inotify instances count
 * against a pool of its own. Stable per lab and host, in a range no account source uses (OWNER_UID_MIN); two hosts
 * whose hashes collide (about 1 in 1.5e8 for a pair) share a pool of 128, which still holds 18 hosts.
 */
export function hostOwnerUid(ns: string): number {
  return OWNER_UID_MIN + (createHash('sha256').update(ns).digest().readUInt32BE(0) % OWNER_UID_SPAN);
}

/** The laptop's address: the highest address on the node LAN that nothing in the plan uses. */
export function pickControllerAddress(inv: Inventory): string {
  const lan = cidrSpan(inv.network.nodes);
  const used = new Set([inv.network.gateway, inv.network.api.address, ...inv.hosts.map((h) => h.address)]);
  const reserved = [...(inv.network.dhcp ? [inv.network.dhcp] : []), ...(inv.network.metallb?.pool ?? [])].map(rangeSpan);
  for (let n = lan.last - 1; n > lan.first; n--) {
    const ip = intToIp(n);
    if (used.has(ip) || reserved.some((r) => inSpan(n, r))) continue;
    return ip;
  }
  throw new Error(`no free address for the lab's controller on ${inv.network.nodes}`);
}

export function planLab(inv: Inventory, opts: LabPlanOptions = {}): LabPlan {
  const name = opts.name ?? inv.cluster.name;
  const bad = validateLabName(name);
  if (bad) throw new Error(bad);
  const prefix = Number(inv.network.nodes.split('/')[1]);
  const hosts = inv.hosts.map((h, i) => ({
    name: h.name,
    role: h.role,
    ns: `pl-${name}.${h.name}`,
    ownerUid: hostOwnerUid(`pl-${name}.${h.name}`),
    port: `p${i}`,
    address: h.address,
    cidr: `${h.address}/${prefix}`,
    mac: h.mac ?? generatedMac(name, h.name),
    user: h.ssh?.user ?? inv.ssh.user ?? 'pi',
    board: h.board ?? 'generic',
  }));
  return {
    name,
    dir: `${opts.base ?? LAB_BASE}/${name}`,
    prefix,
    gateway: inv.network.gateway,
    switchNs: `pl-${name}_switch`,
    routerNs: `pl-${name}_router`,
    controllerNs: `pl-${name}_laptop`,
    controllerAddress: pickControllerAddress(inv),
    apiAddress: inv.network.api.address,
    hosts,
  };
}

/** Every namespace a lab with this name may have created (for `lab down` of a half-built lab). */
export function isLabNamespace(lab: string, ns: string): boolean {
  return ns.startsWith(`pl-${lab}.`) || ns.startsWith(`pl-${lab}_`);
}
