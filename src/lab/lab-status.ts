// `provision lab status`: one row per host (address, up/down, sshd, boot id), read from the machine side.
import { existsSync, readFileSync } from 'node:fs';
import type { LabState } from './state.js';
import { leaderPid, nspawnBootId } from './nspawn-runtime.js';

export interface HostStatus {
  host: string;
  address: string;
  role: string;
  up: boolean;
  sshd: boolean;
  bootId: string;
}

/** The host's sshd (a real systemd unit): its pid file names a process. */
function sshdPidAlive(root: string): boolean {
  try {
    const pid = Number(readFileSync(`${root}/run/sshd.pid`, 'utf8').trim());
    return pid > 0;
  } catch {
    return false;
  }
}

export function hostStatuses(state: LabState): HostStatus[] {
  return state.plan.hosts.map((h) => {
    const pid = leaderPid(state.plan, h.name);
    const root = pid ? `/proc/${pid}/root` : '';
    return {
      host: h.name,
      address: h.address,
      role: h.role,
      up: pid !== undefined,
      sshd: Boolean(pid && existsSync(root) && sshdPidAlive(root)),
      bootId: nspawnBootId(state.plan, h.name) ?? '-',
    };
  });
}

export function formatStatus(state: LabState, rows: HostStatus[]): string {
  const head = `lab '${state.plan.name}' (${state.inventoryFile}), laptop ${state.plan.controllerAddress}, apt ${state.packagesUrl}`;
  const table = [['HOST', 'ADDRESS', 'ROLE', 'STATE', 'SSHD', 'BOOT ID'], ...rows.map((r) => [r.host, r.address, r.role, r.up ? 'up' : 'down', r.sshd ? 'up' : 'down', r.bootId])];
  const widths = table[0]!.map((_, i) => Math.max(...table.map((r) => r[i]!.length)));
  return [head, ...table.map((r) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd())].join('\n');
}
