// How many booted lab hosts fit: every inotify instance a root process makes, in any namespace, counts against one
// machine-wide limit (fs.inotify.max_user_instances), and each host's systemd, dbus and logind make some.
import { readFileSync, readdirSync, readlinkSync } from 'node:fs';

/**
 * Inotify instances one booted lab host holds: systemd 5, dbus-daemon 1, systemd-logind 1 (measured on the
 * bookworm base, console-getty masked). A new user namespace does not help: the kernel charges each instance to
 * the namespace's creator (root) in every ancestor namespace too.
 */
export const INOTIFY_PER_HOST = 7;

const LIMIT_FILE = '/proc/sys/fs/inotify/max_user_instances';

export function inotifyLimit(file = LIMIT_FILE): number | undefined {
  try {
    const n = Number(readFileSync(file, 'utf8').trim());
    return Number.isFinite(n) && n > 0 ? n : undefined;
  } catch {
    return undefined;
  }
}

/** Inotify file descriptors held by root's processes now (a forked child sharing one counts twice: an upper bound). */
export function inotifyInUse(): number {
  let n = 0;
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      if (!/^Uid:\s+\d+\s+0\s/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'))) continue;
      for (const fd of readdirSync(`/proc/${pid}/fd`)) {
        try {
          if (readlinkSync(`/proc/${pid}/fd/${fd}`) === 'anon_inode:inotify') n++;
        } catch { /* closed meanwhile */ }
      }
    } catch { /* exited meanwhile */ }
  }
  return n;
}

/** Why `hosts` booted hosts can never fit under `limit`, or undefined when they can. */
export function oversizedLab(hosts: number, limit: number | undefined): string | undefined {
  if (limit === undefined || hosts * INOTIFY_PER_HOST <= limit) return undefined;
  return `a lab of ${hosts} booted hosts needs about ${hosts * INOTIFY_PER_HOST} inotify instances (${INOTIFY_PER_HOST} each: systemd, dbus, logind), and this machine allows root ${limit} in all (fs.inotify.max_user_instances): at most ${Math.floor(limit / INOTIFY_PER_HOST)} hosts fit`;
}

/** The hint for a host whose systemd could not make its inotify instances (its console says "Too many open files"). */
export function inotifyHint(limit: number | undefined): string {
  return `the machine's inotify instances ran out (${inotifyInUse()} held by root now, limit ${limit ?? '?'}, fs.inotify.max_user_instances; about ${INOTIFY_PER_HOST} per lab host): take other labs down (provision lab status --name NAME / lab down), or raise the limit yourself; the lab never changes the machine's sysctls`;
}
