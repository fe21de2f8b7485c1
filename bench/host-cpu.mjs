// CPU a run costs each lab host, from the kernel's own accounting: every host is a cgroup (its systemd's units are
// cgroups under it), and a cgroup v2 `cpu.stat` counts the CPU time of everything that ran in it, processes long gone
// included. Read before and after a run, outside the timed region, it costs no process.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The groups a host's CPU is shown in: cgroups under its systemd's root, as a Debian host names them. */
export const GROUPS = {
  // sshd, and everything a login starts (shell, sudo, the probe and its programs): logind sessions when there are any.
  login: ['system.slice/ssh.service', 'user.slice'],
  // PID 1: what systemctl asks of it is done there.
  init: ['init.scope'],
  journald: ['system.slice/systemd-journald.service'],
};

/** Where the cgroup v2 hierarchy is mounted (/sys/fs/cgroup, or /sys/fs/cgroup/unified on a hybrid machine). */
export function cgroup2Mount(mountinfo) {
  for (const line of mountinfo.split('\n')) {
    const [pre, post] = line.split(' - ');
    if (!post) continue;
    if (post.split(' ')[0] === 'cgroup2') return pre.split(' ')[4];
  }
  return undefined;
}

/** A process's cgroup v2 path (`0::/…` in /proc/PID/cgroup), or undefined. */
export function cgroup2Path(procCgroup) {
  const line = procCgroup.split('\n').find((l) => l.startsWith('0::'));
  return line ? line.slice(3) : undefined;
}

/** usage_usec of a `cpu.stat`, or undefined. */
export function usageUsec(cpuStat) {
  const m = /^usage_usec (\d+)$/m.exec(cpuStat);
  return m ? Number(m[1]) : undefined;
}

/**
 * A reader of the hosts' CPU: hosts → (host → { total, login, init, journald } in µs). A host's root is its PID 1's
 * cgroup's parent (PID 1 sits in init.scope); a group whose cgroups are missing reads 0, a host whose root is gone is
 * left out.
 */
export async function hostCpuReader(root, state) {
  const { leaderPid } = await import(join(root, 'dist/lab/nspawn-runtime.js'));
  const mount = cgroup2Mount(readFileSync('/proc/self/mountinfo', 'utf8'));
  const roots = new Map();
  const rootOf = (h) => {
    if (!roots.has(h)) {
      const leader = leaderPid(state.plan, h);
      let dir;
      try {
        const path = leader && cgroup2Path(readFileSync(`/proc/${leader}/cgroup`, 'utf8'));
        if (mount && path) dir = join(mount, dirname(path));
      } catch {
        dir = undefined;
      }
      roots.set(h, dir);
    }
    return roots.get(h);
  };
  const read = (file) => {
    try {
      return usageUsec(readFileSync(file, 'utf8')) ?? 0;
    } catch {
      return 0;
    }
  };
  return (hosts) => {
    const out = new Map();
    for (const h of hosts) {
      const dir = rootOf(h);
      if (!dir) continue;
      let total;
      try {
        total = usageUsec(readFileSync(join(dir, 'cpu.stat'), 'utf8'));
      } catch {
        total = undefined;
      }
      if (total === undefined) continue;
      const groups = Object.fromEntries(Object.entries(GROUPS).map(([g, cgs]) => [g, cgs.reduce((s, c) => s + read(join(dir, c, 'cpu.stat')), 0)]));
      out.set(h, { total, ...groups });
    }
    return out;
  };
}

/**
 * Mean CPU per host between two reads, in ms: { hosts, total, login, init, journald, other } (other: the rest of the
 * host, its background included), or undefined when no host was read both times.
 */
export function cpuBetween(before, after) {
  const keys = ['total', ...Object.keys(GROUPS)];
  const sums = Object.fromEntries(keys.map((k) => [k, 0]));
  let n = 0;
  for (const [h, a] of after) {
    const b = before.get(h);
    if (!b) continue;
    n++;
    for (const k of keys) sums[k] += Math.max(0, a[k] - b[k]);
  }
  if (n === 0) return undefined;
  const mean = Object.fromEntries(keys.map((k) => [k, sums[k] / n / 1000]));
  const named = Object.keys(GROUPS).reduce((s, k) => s + mean[k], 0);
  return { hosts: n, ...mean, other: Math.max(0, mean.total - named) };
}

/**
 * The CPU lines of one size: per host (median of the pairs of each group's mean over the hosts) and for the whole run
 * (controller plus every host), for A, C and B. On a machine whose cores are all busy during a run, wall time follows
 * CPU: A/B in CPU is the ratio's floor there, and the per-host budget is what the hosts' share could be for the target.
 */
export function cpuLines(runs, n, target, cores) {
  const med = (xs, k) => median(xs.map((x) => x[k]));
  const fmt = (x) => x.toFixed(3);
  const ms = (x) => x.toFixed(1);
  const of = (key) => {
    const xs = runs[key] ?? [];
    if (!xs.length) return undefined;
    const m = Object.fromEntries(['total', 'login', 'init', 'journald', 'other', 'controller'].map((k) => [k, med(xs, k)]));
    return { ...m, whole: m.controller + (m.total * n) / 1000 };
  };
  const A = of('A'), B = of('B'), C = of('C'), P = of('P');
  if (!A || !B) return { lines: ['CPU per host                   n/a (no host cgroup read)'], ratio: undefined, keptRatio: undefined };
  const host = (x) => `${ms(x.total)} ms (login ${ms(x.login)}, PID 1 ${ms(x.init)}, journald ${ms(x.journald)}, rest ${ms(x.other)})`;
  const whole = (x, side) => `${fmt(x.whole)} s (${side} ${fmt(x.controller)} + hosts ${fmt(x.whole - x.controller)})`;
  const ratio = A.whole / B.whole;
  const lines = [
    `CPU per host (its cgroups)     A ${host(A)}; C ${C ? host(C) : 'n/a'}; B ${host(B)}  (login: sshd and all it starts; rest: the host's background too)`,
    `CPU of the whole run           A ${whole(A, 'controller')}; C ${C ? whole(C, 'controller') : 'n/a'}; B ${whole(B, 'ssh clients')}: A/B ${ratio.toFixed(2)}x in CPU on ${cores} cores`,
  ];
  const keptRatio = P ? P.whole / B.whole : undefined;
  if (P) lines.push(`with --persist (P)             per host ${host(P)}; whole run ${whole(P, 'controller and keeper')}: P/B ${keptRatio.toFixed(2)}x in CPU`);
  if (target !== undefined) {
    const budget = ((target * B.whole - A.controller) / n) * 1000;
    lines.push(`CPU budget per host            ${ms(budget)} ms for A/B <= ${target.toFixed(1)}x in CPU (the floor's ${fmt(B.whole)} s × ${target.toFixed(1)}, less A's controller, over ${n} hosts); A uses ${ms(A.total)} ms, ping alone ${C ? ms(C.total) : 'n/a'} ms`);
  }
  return { lines, ratio, keptRatio };
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}
