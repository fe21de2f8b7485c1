// Processes a run starts on each lab host, counted by the host's own kernel: the pid counter of its pid namespace.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

/**
 * A lab host has its own pid namespace: `ns_last_pid`, read from inside it, is the last pid the kernel handed
 * out there. The read itself is one process (nsenter's child, which execs cat), so it reads its own pid. Returns a
 * reader: hosts → (host → pid); a host that is not running is left out.
 */
export async function readPidCounters(root, state) {
  const { leaderPid } = await import(join(root, 'dist/lab/nspawn-runtime.js'));
  return (hosts) => readAll(leaderPid, state, hosts);
}

function readAll(leaderPid, state, hosts) {
  const out = new Map();
  for (const h of hosts) {
    const leader = leaderPid(state.plan, h);
    if (!leader) continue;
    const r = spawnSync('nsenter', ['-t', String(leader), '-m', '-p', '--', 'cat', '/proc/sys/kernel/ns_last_pid'], { encoding: 'utf8' });
    const pid = Number(r.stdout.trim());
    if (r.status === 0 && pid > 0) out.set(h, pid);
  }
  return out;
}

/**
 * Pids handed out on each host between two reads (processes, and threads: they take ids from the same counter), the
 * second read's own process excluded (the first read's
 * is the "before" pid itself). Background work of the host (systemd timers, journald) would add to it: callers
 * take the minimum over repeats.
 */
export function processesBetween(before, after) {
  const out = new Map();
  for (const [h, b] of before) if (after.has(h)) out.set(h, after.get(h) - b - 1);
  return out;
}

/** The machine's cost of starting a process: wall seconds of N × /bin/true run one after another by sh. */
export function execCost(n = 500, env = process.env) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync('/bin/sh', ['-c', `i=0; while [ $i -lt ${n} ]; do /bin/true; i=$((i+1)); done`], { env });
  if (r.status !== 0) throw new Error('exec cost: sh loop failed');
  return { n, seconds: Number(process.hrtime.bigint() - t0) / 1e9 };
}
