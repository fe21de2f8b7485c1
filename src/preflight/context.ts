// What every preflight rule gets: the inventory, each host's probe, and a way to report a finding naming the host.
import type { Level } from '../core/finding.js';
import type { PreflightFacts } from '../facts/parse-preflight.js';
import type { Host, Inventory } from '../inventory/types.js';

/** A preflight finding: lint's shape, with the host in place of file:line:col. */
export interface HostFinding {
  level: Level;
  code: string;
  host: string;
  message: string;
  hint?: string;
}

/** One host's probe: its facts, or why there are none; the laptop's clock when the command left and when it answered. */
export interface HostProbe {
  host: Host;
  facts?: PreflightFacts;
  error?: string;
  sentAt?: number;
  answeredAt?: number;
}

export interface ProbedHost {
  host: Host;
  facts: PreflightFacts;
  sentAt?: number;
  answeredAt?: number;
}

export interface PreflightContext {
  inv: Inventory;
  /** Hosts whose probe completed, in inventory order. */
  probed: ProbedHost[];
  report(level: Level, code: string, host: string, message: string, hint?: string): void;
}

export type PreflightRule = (ctx: PreflightContext) => void;

/** The interface of a host that carries an address, and the address's prefix there. */
export function interfaceWith(facts: PreflightFacts, address: string): { name: string; mac?: string; prefix: number } | undefined {
  for (const i of facts.interfaces) {
    const a = i.addrs.find((x) => x.address === address);
    if (a) return { name: i.name, ...(i.mac ? { mac: i.mac } : {}), prefix: a.prefix };
  }
  return undefined;
}

/** Which probed host (if any) owns a MAC, on any of its interfaces. */
export function ownerOfMac(ctx: PreflightContext, mac: string): ProbedHost | undefined {
  return ctx.probed.find((p) => p.facts.interfaces.some((i) => i.mac === mac));
}
