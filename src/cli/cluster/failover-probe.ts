// What both failover modes do on hosts: read each control plane's status, run a script, poll until a judgement holds.
import type { Host, Inventory } from '../../inventory/types.js';
import type { Connector } from '../../core/connector.js';
import { parseCpStatus, type CpStatus } from './failover-decide.js';
import { runHostScript, unreachable } from './host-script.js';
import { failoverStatusScript } from './failover-script.js';

export interface FailoverOptions {
  /** How long the endpoint may take to move (and to settle after the restore). */
  boundMs?: number;
  pollMs?: number;
}

export const failoverDefaults = (o: FailoverOptions): Required<FailoverOptions> => ({ boundMs: o.boundMs ?? 60_000, pollMs: o.pollMs ?? 1000 });

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function statusOf(connector: Connector, inv: Inventory, host: Host): Promise<CpStatus> {
  const r = await runHostScript(connector, inv, host, failoverStatusScript(inv), { timeoutMs: 30_000, label: 'status script', thrown: unreachable });
  return r.stdout !== undefined ? parseCpStatus(host.name, r.stdout) : { host: host.name, error: r.error! };
}

/** Runs a script as root; the reason it failed, or undefined. */
export async function onHost(connector: Connector, inv: Inventory, host: Host, script: string): Promise<string | undefined> {
  return (await runHostScript(connector, inv, host, script, { timeoutMs: 30_000, label: 'script' })).error;
}

/** Polls until `done` says so or the bound passes; returns the last reading and the time taken. */
export async function pollUntil<T>(read: () => Promise<T>, done: (s: T) => boolean, o: Required<FailoverOptions>): Promise<{ statuses: T; ok: boolean; seconds: number }> {
  const start = Date.now();
  for (;;) {
    const statuses = await read();
    if (done(statuses)) return { statuses, ok: true, seconds: (Date.now() - start) / 1000 };
    if (Date.now() - start > o.boundMs) return { statuses, ok: false, seconds: (Date.now() - start) / 1000 };
    await sleep(o.pollMs);
  }
}
