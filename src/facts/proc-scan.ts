// The probe reads every process's name (/proc/N/comm, a read(2) a byte in dash) in one pass: the run lock's search
// for an earlier run's commands (engine/lock.ts) notes the daemons base.procs reports as it goes, and base.procs
// scans only when no such pass ran before it.

/** Daemons base.procs reports (comm is cut at 15 characters: systemd-networkd is systemd-network). */
export const DAEMON_COMMS = ['NetworkManager', 'systemd-network', 'chronyd', 'systemd-timesyn', 'ntpd', 'openntpd'];

/**
 * Shell text for a scan's loop body, with the process's name in $c: notes a daemon in P_sd (P_nm: NetworkManager
 * runs). Run P_SCAN_START before the loop.
 */
export const NOTE_DAEMON = `case $c in ${DAEMON_COMMS.join('|')}) P_sd="$P_sd $c"; [ "$c" = NetworkManager ] && P_nm=1;; esac`;

/**
 * First in a scan's loop over /proc/N/comm files ($f): kernel threads (a node has a hundred or more; their exe link
 * leads nowhere) are skipped with one stat instead of a read(2) per byte of their name.
 */
export const SKIP_KERNEL_THREAD = '[ -e "${f%/comm}/exe" ] || continue';

/** Before a scan that notes daemons: P_sc says one ran (base.procs then prints its notes). */
export const P_SCAN_START = 'P_sc=1; P_sd=; P_nm=';

/**
 * base.procs: the daemons noted by an earlier pass, or by a pass of its own (the same notes), one a line. P_nm stays
 * set (primary-link reads it).
 */
export const BASE_PROCS_LINE = [
  `[ -n "\${P_sc-}" ] || { ${P_SCAN_START}; for f in /proc/[0-9]*/comm; do ${SKIP_KERNEL_THREAD}; read -r c 2>/dev/null < "$f" || continue; ${NOTE_DAEMON}; done; }`,
  'for c in $P_sd; do echo "$c"; done; unset P_sc P_sd',
].join('; ');
