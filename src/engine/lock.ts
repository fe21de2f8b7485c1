// The per-host run lock: a kernel flock, taken before a run first changes a host and held by a process tied to its SSH connection.
import { quote } from '../core/command.js';
import { BECOME_MARKER, BECOME_VAR, STDIN_SCRIPT_LABEL } from '../transport/become.js';
import { NOTE_DAEMON, P_SCAN_START, SKIP_KERNEL_THREAD } from '../facts/proc-scan.js';

export const LOCK_FILE = '/run/lock/provision.lock';
/** Exit code of a probe that found the lock taken. */
export const LOCK_BUSY_EXIT = 75;
/** How long a run waits for a lock before failing (covers the previous run's holder winding down). */
export const LOCK_WAIT_SECONDS = 2;

/**
 * The lock is taken by the first exec that changes a host, not by the probe: a converged run changes nothing, so
 * it starts no `flock` and leaves no holder (two processes fewer on every host, issue 21), and two converged runs
 * never wait for each other. Reads stay safe:
 * - the probe fails fast when another run holds the lock (its holder process is alive and holds a lock on fd 9,
 *   read from /proc with builtins), naming the holder;
 * - the probe reads the host's lock generation (`$L.gen`); the hold (holdLockLines) takes the flock, refuses when
 *   the generation moved since this run's last probe of the host (another run changed it in between: the plan is
 *   stale), starts the detached holder (`tail --pid`) that keeps fd 9 (the flock) until the sshd process of THIS
 *   connection exits, names it, and last writes this run's own generation. A finished, killed or disconnected run never leaves a
 *   stale lock (the kernel drops it with the holder).
 * A second run prints the holder line (`owner`, e.g. "alice@laptop pid 4242", and start time) in a `lock.busy`
 * section and exits 75; a stale plan prints `lock.moved`.
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

/** The section a probe's lock lines print the host's lock generation in (empty: none yet). */
export const LOCK_GENERATION_SECTION = 'lock.gen';

/** The marker in two halves: written apart in the script, they never make the script's own text match. */
function markerHalves(marker: string): [string, string] {
  const cut = Math.ceil(marker.length / 2);
  return [marker.slice(0, cut), marker.slice(cut)];
}

const lockPath = (file: string | undefined) => `L=${quote(file ?? LOCK_FILE)}; [ -d "\${L%/*}" ] || L=/tmp/provision.lock`;

/**
 * Lines run first in a probe on a connection that does not hold the lock (as root; builtins only, no process):
 * fail when another run holds it or left a command running, else print the lock generation.
 */
export function probeLockLines(opts: Pick<LockOptions, 'file' | 'orphanMarker'>): string[] {
  const [m1, m2] = markerHalves(opts.orphanMarker ?? BECOME_MARKER);
  return [
    lockPath(opts.file),
    // The generation first, then whether the lock is held: a hold starts its holder and names it before it writes its
    // generation, so a probe that read the new generation also sees the holder (and fails fast), and one that read the
    // old generation has its plan refused by its own hold should that run change the host meanwhile.
    `P_g=; read -r P_g 2>/dev/null < "$L.gen"`,
    // Held = the holder named in the holder file is alive, holds a lock on its fd 9 (the kernel lists it in fdinfo),
    // and the connection it watches (its --pid) is alive: a finished run's holder winds down within 0.2 s.
    `P_h=; read -r P_h 2>/dev/null < "$L.holder"; P_p=\${P_h##*(holder pid }; P_p=\${P_p%)}; P_w=`,
    `case $P_p in ''|*[!0-9]*) ;; *) while read -r P_l P_r; do [ "$P_l" = lock: ] && P_w=1; done 2>/dev/null < /proc/$P_p/fdinfo/9;; esac`,
    // dash's read drops the NULs between arguments: "tail--pid=N-s0.2-f/dev/null".
    `if [ -n "$P_w" ]; then P_c=; IFS= read -r P_c 2>/dev/null < /proc/$P_p/cmdline; P_c=\${P_c#*--pid=}; P_c=\${P_c%%-s*}; case $P_c in ''|*[!0-9]*) ;; *) [ -d /proc/$P_c ] || P_w=;; esac; fi`,
    `if [ -n "$P_w" ]; then s lock.busy; printf '%s\\n' "$P_h"; exit ${LOCK_BUSY_EXIT}; fi`,
    // A command of an earlier run still running? After a hard quit its connection (hence its lock) is gone
    // but the command goes on. Every become'd command runs under a sudo whose argv carries BECOME_MARKER:
    // any such process that is not an ancestor of this probe belongs to another run.
    // Under a become wrapper that names this exec's marker (transport/become.ts BECOME_VAR), a process whose command line
    // carries it is this exec's own (its sudo, its shell, a login shell that forked): only this shell and its parent
    // are skipped unread. Without it, the ancestors from /proc/N/stat (a few hundred bytes each, a read(2) a byte).
    `if [ -n "\${${BECOME_VAR}-}" ]; then a=" $$ $PPID "; else a=" $$ "; q=$$; while [ "$q" -gt 1 ]; do read -r st < /proc/$q/stat || break; st=\${st##*) }; set -- $st; q=$2; a="$a$q "; done; fi`,
    // Shell builtins only (no grep): a become'd command's marker sits in the argv of a sudo or a shell, so only those
    // processes' command lines are read (dash's `read` skips the NULs between arguments). The marker is split in two
    // so this script's own text never matches it.
    `m1=${quote(m1)}; m2=${quote(m2)}`,
    // The same pass notes the daemons base.procs reports (facts/proc-scan.ts): /proc is read once a probe.
    `o=; ${P_SCAN_START}; for f in /proc/[0-9]*/comm; do ${SKIP_KERNEL_THREAD}; read -r c 2>/dev/null < "$f" || continue; ${NOTE_DAEMON}; case $c in sudo|sh|dash|bash) ;; *) continue;; esac; n=\${f#/proc/}; n=\${n%/comm}; case "$a" in *" $n "*) continue;; esac; while IFS= read -r l || [ -n "$l" ]; do case $l in *"$m1$m2"*) [ -n "\${${BECOME_VAR}-}" ] && case $l in *"$${BECOME_VAR}"*) break;; esac; o="$o $n"; break;; esac; done 2>/dev/null < /proc/$n/cmdline; done; unset m1 m2`,
    `if [ -n "$o" ]; then s lock.orphan; for n in $o; do printf 'pid %s: %s\\n' "$n" "$(tr '\\0\\n' '  ' < /proc/$n/cmdline 2>/dev/null | cut -c1-600)"; done; exit ${LOCK_BUSY_EXIT}; fi`,
    `s ${LOCK_GENERATION_SECTION}; printf '%s\\n' "$P_g"; unset P_h P_p P_l P_r P_w P_c P_g`,
    `s lock.ok`,
  ];
}

export interface HoldOptions extends LockOptions {
  /** The generation this run's last probe of the host read ('' when none). */
  seen: string;
  /** This run's own generation (random per run): written by the hold, accepted when found (a hold after a reboot). */
  mine: string;
}

/** A lock generation: letters, digits, '-' and '.' only (it is written to and compared in a shell). */
export const isGeneration = (g: string) => /^[A-Za-z0-9.-]*$/.test(g);

/**
 * The lines of the hold, a small exec of its own before the first change on a host (as root): take the flock
 * (waiting at most LOCK_WAIT_SECONDS), check the generation, write this run's, start the holder.
 */
export function holdLockLines(opts: HoldOptions): string[] {
  if (!isGeneration(opts.seen) || !isGeneration(opts.mine) || !opts.mine) throw new Error('lock generation: letters, digits, "-" and "." only');
  return [
    lockPath(opts.file),
    `exec 9>>"$L"`,
    `if ! flock -w ${LOCK_WAIT_SECONDS} 9; then s lock.busy; cat "$L.holder" 2>/dev/null; exit ${LOCK_BUSY_EXIT}; fi`,
    `g=; read -r g 2>/dev/null < "$L.gen"`,
    `case $g in ${quote(opts.seen)}|${quote(opts.mine)}) ;; *) s lock.moved; printf '%s\\n' "$g"; exit ${LOCK_BUSY_EXIT};; esac`,
    // Walk up from this shell to the first sshd* ancestor: the per-connection process (sshd / sshd-session).
    opts.watchParent ? 'p=1' : `p=$$; while [ "$p" -gt 1 ]; do read -r c < /proc/$p/comm || break; case "$c" in sshd*) break;; esac; read -r st < /proc/$p/stat || break; st=\${st##*) }; set -- $st; p=$2; done`,
    `[ "$p" -gt 1 ] || p=$PPID`,
    `setsid tail --pid="$p" -s 0.2 -f /dev/null </dev/null >/dev/null 2>&1 &`,
    // The run's start time, from the controller: no `date` process on the host.
    `printf '%s since %s (holder pid %s)\\n' ${quote(opts.owner)} ${quote(opts.since ?? new Date().toISOString().replace(/\.\d+Z$/, 'Z'))} "$!" > "$L.holder"`,
    // Last: a probe that reads this generation finds the holder above already named and alive.
    `printf '%s\\n' ${quote(opts.mine)} > "$L.gen"`,
    `s lock.ok`,
  ];
}

/** What a hold found when the generation moved: another run changed the host after this run read it. */
export function movedMessage(): string {
  return 'another provision run changed this host after this run read it (its plan is stale): re-run';
}

/** The earlier run's commands still running on the host (after a hard quit), for the error message. */
export function orphanMessage(listing: string | undefined): string {
  // "pid N: sudo -S -p … -- sh -c 'printf marker; exec "$@"' sh ARGV…" (or, for a shell script run in the marker's
  // own shell, "… -- sh -c P_become=marker; printf '%s\n' "$P_become" >&2 { SCRIPT }; exit $?", or for a long one
  // sent on stdin "… >&2 # provision script on stdin: FIRST LINE if [ -p /dev/stdin ]…"): show the pid and the
  // command itself (of a script on stdin, its first line).
  const shown = (line: string) => {
    const m = /^pid (\d+): (.*)$/.exec(line.trim());
    if (!m) return line.trim();
    const label = m[2]!.indexOf(STDIN_SCRIPT_LABEL);
    const cmd = label >= 0
      ? `${m[2]!.slice(label + STDIN_SCRIPT_LABEL.length).replace(/\s*if \[ -p \/dev\/stdin \].*$/, '').replace(/\s+/g, ' ').trim()} …`
      : m[2]!.replace(/^.*?exec "\$@" sh /, '').replace(/^.*?" >&2 \{ /, '').replace(/\s+/g, ' ').trim();
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
