// The per-host run lock: a kernel flock held for the whole run by a holder process tied to our SSH connection.
import { quote } from '../core/command.js';
import { BECOME_MARKER } from '../transport/become.js';

export const LOCK_FILE = '/run/lock/provision.lock';
/** Exit code of a probe that found the lock taken. */
export const LOCK_BUSY_EXIT = 75;
/** How long a run waits for a lock before failing (covers the previous run's holder winding down). */
export const LOCK_WAIT_SECONDS = 2;

/**
 * Shell lines (run first in the host's first probe, as root): open the lock file on fd 9, `flock -w`
 * it, then start a detached holder (`tail --pid`) that keeps fd 9 — hence the lock — until the sshd
 * process of THIS connection exits. A finished, killed or disconnected run therefore never leaves a
 * stale lock (the kernel drops it with the holder), and no extra exec is needed to release it.
 * A second run prints the holder line (`owner`, e.g. "alice@laptop pid 4242", and start time) in a
 * `lock.busy` section and exits 75.
 */
export interface LockOptions {
  /** Shown to a second run: "alice@laptop pid 4242". */
  owner: string;
  /** When this run started (ISO 8601, UTC), shown to a second run; default now. */
  since?: string;
  file?: string;
  /** Tests: tie the lock to the probe's parent process instead of the sshd connection process. */
  watchParent?: boolean;
  /** Tests: the command-line marker of become'd commands (default BECOME_MARKER). */
  orphanMarker?: string;
}

/** The marker in two halves: written apart in the script, they never make the script's own text match. */
function markerHalves(marker: string): [string, string] {
  const cut = Math.ceil(marker.length / 2);
  return [marker.slice(0, cut), marker.slice(cut)];
}

export function lockPrelude(opts: LockOptions): string[] {
  const file = opts.file ?? LOCK_FILE;
  const [m1, m2] = markerHalves(opts.orphanMarker ?? BECOME_MARKER);
  return [
    `L=${quote(file)}; [ -d "\${L%/*}" ] || L=/tmp/provision.lock`,
    `exec 9>>"$L"`,
    `if ! flock -w ${LOCK_WAIT_SECONDS} 9; then s lock.busy; cat "$L.holder" 2>/dev/null; exit ${LOCK_BUSY_EXIT}; fi`,
    // A command of an earlier run still running? After a hard quit its connection (hence its lock) is gone
    // but the command goes on. Every become'd command runs under a sudo whose argv carries BECOME_MARKER:
    // any such process that is not an ancestor of this probe belongs to another run. (Exiting drops the flock.)
    `a=" $$ "; q=$$; while [ "$q" -gt 1 ]; do read -r st < /proc/$q/stat || break; st=\${st##*) }; set -- $st; q=$2; a="$a$q "; done`,
    // Shell builtins only (no grep): a become'd command's marker sits in the argv of a sudo or a shell, so only those
    // processes' command lines are read (dash's `read` skips the NULs between arguments). The marker is split in two
    // so this script's own text never matches it.
    `m1=${quote(m1)}; m2=${quote(m2)}`,
    `o=; for f in /proc/[0-9]*/comm; do read -r c 2>/dev/null < "$f" || continue; case $c in sudo|sh|dash|bash) ;; *) continue;; esac; n=\${f#/proc/}; n=\${n%/comm}; case "$a" in *" $n "*) continue;; esac; while IFS= read -r l || [ -n "$l" ]; do case $l in *"$m1$m2"*) o="$o $n"; break;; esac; done 2>/dev/null < /proc/$n/cmdline; done; unset m1 m2`,
    `if [ -n "$o" ]; then s lock.orphan; for n in $o; do printf 'pid %s: %s\\n' "$n" "$(tr '\\0\\n' '  ' < /proc/$n/cmdline 2>/dev/null | cut -c1-600)"; done; exit ${LOCK_BUSY_EXIT}; fi`,
    // Walk up from this shell to the first sshd* ancestor: the per-connection process (sshd / sshd-session).
    opts.watchParent ? 'p=1' : `p=$$; while [ "$p" -gt 1 ]; do read -r c < /proc/$p/comm || break; case "$c" in sshd*) break;; esac; read -r st < /proc/$p/stat || break; st=\${st##*) }; set -- $st; p=$2; done`,
    `[ "$p" -gt 1 ] || p=$PPID`,
    `setsid tail --pid="$p" -s 0.2 -f /dev/null </dev/null >/dev/null 2>&1 &`,
    // The run's start time, from the controller: no `date` process on the host.
    `printf '%s since %s (holder pid %s)\\n' ${quote(opts.owner)} ${quote(opts.since ?? new Date().toISOString().replace(/\.\d+Z$/, 'Z'))} "$!" > "$L.holder"`,
    `s lock.ok`,
  ];
}

/** The earlier run's commands still running on the host (after a hard quit), for the error message. */
export function orphanMessage(listing: string | undefined): string {
  // "pid N: sudo -S -p … -- sh -c 'printf marker; exec "$@"' sh ARGV…": show the pid and the command itself.
  const shown = (line: string) => {
    const m = /^pid (\d+): (.*)$/.exec(line.trim());
    if (!m) return line.trim();
    const cmd = m[2]!.replace(/^.*?exec "\$@" sh /, '').replace(/\s+/g, ' ').trim();
    return `pid ${m[1]}: ${cmd.length > 100 ? `${cmd.slice(0, 100)}…` : cmd}`;
  };
  const what = listing?.trim().split('\n').filter(Boolean).slice(0, 3).map(shown).join('; ') || 'unknown';
  return `a command of an earlier provision run is still running on this host (${what}): wait for it to finish (or stop it), then re-run`;
}

/** The text a busy lock reported, for the error message. */
export function lockHolderMessage(holder: string | undefined): string {
  const who = holder?.trim() || 'another provision run (holder unknown)';
  return `host is locked by another provision run: ${who}`;
}
