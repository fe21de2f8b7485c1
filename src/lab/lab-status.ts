// `provision lab status`: one row per host (address, up/down, sshd, boot id), read from the machine side.
import { existsSync, readFileSync } from 'node:fs';
import type { LabState } from './state.js';
import { bootId, initPid, isBooted } from './host-runtime.js';
import { hostDirs } from './host-paths.js';
import { isNspawnHost } from './nspawn-runtime.js';

export interface HostStatus {
  host: string;
  address: string;
  role: string;
  up: boolean;
  sshd: boolean;
  bootId: string;
}

function sshdRunning(root: string): boolean {
  try {
    const st = JSON.parse(readFileSync(`${root}/run/lab/services/ssh.service.json`, 'utf8')) as { state: string; pid?: number };
    return st.state === 'active' && !!st.pid;
  } catch {
    return false;
  }
}

/** An nspawn host's sshd (real systemd unit): its pid file names a live process. */
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
    const pid = initPid(state.plan, h.name);
    const nspawn = isNspawnHost(state.plan, h.name);
    const root = pid ? `/proc/${pid}/root${nspawn ? '' : hostDirs(state.plan, h.name).root}` : '';
    return {
      host: h.name,
      address: h.address,
      role: h.role,
      up: isBooted(state.plan, h.name),
      sshd: Boolean(pid && existsSync(root) && (nspawn ? sshdPidAlive(root) : sshdRunning(root))),
      bootId: bootId(state.plan, h.name) ?? '-',
    };
  });
}

export function formatStatus(state: LabState, rows: HostStatus[]): string {
  const head = `lab '${state.plan.name}' (${state.inventoryFile}), laptop ${state.plan.controllerAddress}, apt ${state.packagesUrl}`;
  const table = [['HOST', 'ADDRESS', 'ROLE', 'STATE', 'SSHD', 'BOOT ID'], ...rows.map((r) => [r.host, r.address, r.role, r.up ? 'up' : 'down', r.sshd ? 'up' : 'down', r.bootId])];
  const widths = table[0]!.map((_, i) => Math.max(...table.map((r) => r[i]!.length)));
  return [head, ...table.map((r) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd())].join('\n');
}
