// The bench's emulation of a syscall-heavy sandbox (issue 21's slow machine: gVisor-like, where every system call
// costs more, process starts most): strace follows every process on both sides, attached to each lab host's sshd
// (so every connection's processes are traced) and wrapping the controller's commands. It reproduced that machine's
// floor (13 hosts: ssh true in 1.8 s there, 1.8 s here). Nothing on the machine changes; strace detaches at the end.
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';

const TRACE = ['strace', '-f', '-qq', '-o', '/dev/null'];

/** Whether strace runs here. */
export function haveStrace() {
  return spawnSync('strace', ['-V'], { stdio: 'ignore' }).status === 0;
}

/** The sshd listener of each host (machine pids): the sshd in the host's pid namespace whose parent is no sshd. */
async function sshdListeners(root, state, hosts) {
  const { leaderPid } = await import(join(root, 'dist/lab/nspawn-runtime.js'));
  const nsOf = (pid) => {
    try {
      return readlinkSync(`/proc/${pid}/ns/pid`);
    } catch {
      return undefined;
    }
  };
  const byNs = new Map(hosts.flatMap((h) => {
    const leader = leaderPid(state.plan, h);
    const ns = leader ? nsOf(leader) : undefined;
    return ns ? [[ns, h]] : [];
  }));
  const comm = (pid) => {
    try {
      return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
    } catch {
      return '';
    }
  };
  const out = new Map();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d) || comm(d) !== 'sshd') continue;
    const host = byNs.get(nsOf(d));
    if (!host) continue;
    const ppid = /^PPid:\s+(\d+)/m.exec(readFileSync(`/proc/${d}/status`, 'utf8'))?.[1];
    if (ppid && comm(ppid) === 'sshd') continue;
    out.set(host, Number(d));
  }
  return out;
}

/**
 * Attaches a tracer to every host's sshd listener; returns the argv wrapper for the controller's commands and a stop
 * function. Throws when a host's sshd is not found (the figures would be wrong).
 */
export async function traceLab(root, state, hosts) {
  const listeners = await sshdListeners(root, state, hosts);
  const missing = hosts.filter((h) => !listeners.has(h));
  if (missing.length) throw new Error(`trace-syscalls: no sshd found on ${missing.join(', ')}`);
  const tracers = [...listeners.values()].map((pid) => spawn(TRACE[0], [...TRACE.slice(1), '-p', String(pid)], { stdio: 'ignore' }));
  await new Promise((r) => setTimeout(r, 1000)); // attached
  return {
    wrap: (argv) => [...TRACE, ...argv],
    stop: async () => {
      for (const t of tracers) t.kill('SIGINT');
      await Promise.all(tracers.map((t) => new Promise((r) => (t.exitCode !== null ? r() : t.once('exit', r)))));
    },
  };
}

/** Exec cost under the tracer: 500 × /bin/true, traced as the controller's commands are. */
export function tracedExecCost(n = 500) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(TRACE[0], [...TRACE.slice(1), '/bin/sh', '-c', `i=0; while [ $i -lt ${n} ]; do /bin/true; i=$((i+1)); done`]);
  if (r.status !== 0) throw new Error('exec cost: traced sh loop failed');
  return { n, seconds: Number(process.hrtime.bigint() - t0) / 1e9 };
}
