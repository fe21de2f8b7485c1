// Package facts in one cheap process: dpkg's status file read by awk (4x cheaper than dpkg-query), same output.
import { quote } from '../core/command.js';
import { AWK_READS_END, AWK_READS_VAR } from './awk-reads.js';

export const DPKG_ADMIN_DIR = '/var/lib/dpkg';

/**
 * `set -- GLOB` that leaves dpkg's journal entries in "$1" (an interrupted dpkg leaves them in updates/ until
 * `dpkg --configure -a` merges them): `[ -e "$1" ]` is then true.
 */
export const journalEntries = (adminDir: string) => `set -- ${quote(adminDir)}/updates/[0-9]*`;

/** The probe's section that holds the package lines. */
export const PACKAGES_SECTION = 'packages';

/** What the controller parses: one "name<TAB>db:Status-Abbrev<TAB>version" line per package dpkg knows. */
export const DPKG_QUERY_FORMAT = '${Package}\\t${db:Status-Abbrev}\\t${Version}\\n';

/** The packages section's line naming dpkg's own architecture (the host's native one): no `dpkg` process for it. */
export const ARCH_LINE = '@arch';

/**
 * The packages section's lines of sysctl keys (`@sysctl<TAB>key = value`, as `sysctl` prints them): the same awk
 * reads them (the probe's shell cannot: dash reads a byte per read(2), and an integer sysctl answers EOF past offset
 * 0), so a node's probe starts no `sysctl` process.
 */
export const SYSCTL_LINE = '@sysctl';

/**
 * The section the packages' awk prints /proc/stat's btime line in, when the probe asks (preflight's clock): the shell
 * would read the file a byte per read(2) up to it, past the long `intr` line (~1,100 read(2)s on a 2-core host).
 */
export const BTIME_SECTION = 'pf.btime';

/** The probe's shell variable set when the packages' awk prints BTIME_SECTION (preflight's clock then skips it). */
export const BTIME_BY_AWK_VAR = 'P_ab';

/**
 * Prints exactly what `dpkg-query -W -f DPKG_QUERY_FORMAT NAMES` prints (order aside), from the status file, plus
 * ARCH_LINE with the dpkg package's Architecture (its native architecture, what `dpkg --print-architecture` says):
 * want/status/error flags abbreviated as dpkg does, and a not-installed package that is not wanted shows as
 * "un" without a version. A unit test compares it with dpkg-query on crafted and real status files.
 */
export const STATUS_AWK = [
  'function ab(word, list, chars,   n, i, L) { n = split(list, L, " "); for (i = 1; i <= n; i++) if (L[i] == word) return substr(chars, i, 1); return "?" }',
  'BEGIN { RS = ""; FS = "\\n" }',
  '{',
  '  p = ""; s = ""; v = ""; r = ""',
  '  for (i = 1; i <= NF; i++) {',
  '    if ($i ~ /^Package:/) { p = $i; sub(/^Package:[ \\t]*/, "", p) }',
  '    else if ($i ~ /^Status:/) { s = $i; sub(/^Status:[ \\t]*/, "", s) }',
  '    else if ($i ~ /^Version:/) { v = $i; sub(/^Version:[ \\t]*/, "", v) }',
  '    else if ($i ~ /^Architecture:/) { r = $i; sub(/^Architecture:[ \\t]*/, "", r) }',
  '  }',
  `  if (p == "dpkg" && r != "") print "${ARCH_LINE}\\t" r`,
  '  if (p == "" || index(w, " " p " ") == 0) next',
  '  split(s, a, " ")',
  '  if (a[3] == "not-installed" && a[1] != "install" && a[1] != "hold") { a[1] = "unknown"; v = "" }',
  '  print p "\\t" ab(a[1], "unknown install hold deinstall purge", "uihrp") ab(a[3], "not-installed config-files half-installed unpacked half-configured triggers-awaited triggers-pending installed", "ncHUFWti") (a[2] == "reinstreq" ? "R" : " ") "\\t" v',
  '}',
  // sk: "name<NL>file<NL>..." of sysctl keys. getline reads a whole buffer at offset 0 (what an integer sysctl needs)
  // and returns -1 on a file it cannot read (absent key, write-only key): that key prints nothing, as sysctl skips it.
  // A value's lines are joined by spaces (the fact collapses whitespace anyway).
  'END {',
  '  RS = "\\n"',
  '  n = split(sk, K, "\\n")',
  '  for (i = 1; i < n; i += 2) {',
  '    c = 0; v = ""',
  '    while ((getline l < K[i + 1]) > 0) { gsub(/[\\r\\n]/, " ", l); v = (c++ ? v " " : "") l }',
  '    close(K[i + 1])',
  `    if (c) print "${SYSCTL_LINE}\\t" K[i] " = " v`,
  '  }',
  // bt: the section to print /proc/stat's btime line in (M: the probe's marker), after every package and sysctl line.
  '  if (bt != "") {',
  '    while ((getline l < "/proc/stat") > 0) if (l ~ /^btime /) { printf "\\n%s %s\\n%s\\n", M, bt, l; break }',
  '    close("/proc/stat")',
  '  }',
  // The files the probe's shell queued (awk-reads.ts): nothing when it queued none.
  AWK_READS_END,
  '}',
].join('\n');

/**
 * Shell lines printing the package lines of `names`. dpkg-query itself answers when the status file alone is
 * not the truth: an interrupted dpkg left journal entries in updates/ (dpkg-query applies them), or a name is
 * arch-qualified (pkg:arm64).
 */
export interface AwkExtras {
  /** (sysctl's name, file) of keys to print as SYSCTL_LINE lines. */
  sysctls?: ReadonlyArray<[string, string]>;
  /** Print /proc/stat's btime line in BTIME_SECTION (the probe's shell has its marker in $M). */
  btime?: boolean;
  /** Print the reads the probe's shell queued (awk-reads.ts AWK_READS_VAR) in their sections. */
  reads?: boolean;
  /** More awk program text after STATUS_AWK: fact readers (awk-reads.ts factAwkProgram), M the marker. */
  program?: string;
}

export function packageReadLines(names: string[], adminDir = DPKG_ADMIN_DIR, extras: AwkExtras = {}): string[] {
  const vars = [
    ...(extras.sysctls?.length ? [` -v sk=${quote(extras.sysctls.flat().join('\\n'))}`] : []),
    ...(extras.btime ? [` -v bt=${BTIME_SECTION}`] : []),
    ...(extras.btime || extras.reads || extras.program ? [' -v M="$M"'] : []),
  ].join('');
  // The queue goes in awk's environment for this one command (ENVIRON: no escape processing, unlike -v).
  const awk = `${extras.reads ? `${AWK_READS_VAR}="$${AWK_READS_VAR}" ` : ''}awk`;
  const program = quote(extras.program ? `${STATUS_AWK}\n${extras.program}` : STATUS_AWK);
  // When dpkg-query answers, the extras are still read by the same awk program, over no status file.
  const query = `dpkg-query --admindir=${quote(adminDir)} -W -f '${DPKG_QUERY_FORMAT}' ${names.map(quote).join(' ')} 2>/dev/null; printf '${ARCH_LINE}\\t%s\\n' "$(dpkg --print-architecture 2>/dev/null)"${vars ? `; ${awk}${vars} ${program} /dev/null` : ''}`;
  if (names.some((n) => n.includes(':'))) return [query];
  return [
    journalEntries(adminDir),
    `if [ -e "$1" ] || [ ! -r ${quote(`${adminDir}/status`)} ]; then ${query}; else ${awk} -v w=${quote(` ${names.join(' ')} `)}${vars} ${program} ${quote(`${adminDir}/status`)}; fi; set --`,
  ];
}

/** The sysctl lines of a packages section, as `sysctl` prints them (one "key = value" a line). */
export function sysctlLines(section: string | undefined): string {
  return (section ?? '').split('\n').flatMap((l) => (l.startsWith(`${SYSCTL_LINE}\t`) ? [`${l.slice(SYSCTL_LINE.length + 1)}\n`] : [])).join('');
}
