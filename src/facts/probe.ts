// Builds the ONE POSIX sh script that reads every fact a play needs from a host, in one exec.
import { quote } from '../core/command.js';
import { factKey } from '../core/fact-key.js';
import type { ProbeItem } from '../core/types.js';
import { FILE_CONTENT_CAP, batchable, fileBatchLines } from './probe-files.js';
import { BTIME_BY_AWK_VAR, PACKAGES_SECTION, packageReadLines, type AwkExtras } from './probe-packages.js';
import { sysctlAwkPairs } from './kinds/sysctl.js';
import { UNIT_CONDITIONS, unitsRead, type UnitSlices } from './probe-units.js';
import { factKind } from './kinds/index.js';
import { routeDevVar } from './route-dev-var.js';
import { BASE_PROCS_LINE } from './proc-scan.js';
import { AWK_READS_SHELL_VARS, awkReadFunctions, factAwkProgram } from './awk-reads.js';

export interface ProbeScript {
  script: string;
  marker: string;
  /** Section id → the probe item it answers (files, packages, services, commands). */
  items: Map<string, ProbeItem>;
  /** Every unit the services section answers, in its order (see probe-units.ts). */
  units?: string[];
  /** unit-conditions facts answered from the services' `systemctl show` (see probe-units.ts). */
  unitSlices?: UnitSlices;
  /** Keys of the sysctl facts answered by the packages' awk (see probe-packages.ts SYSCTL_LINE). */
  sysctlInPackages?: Set<string>;
}

export interface BuildProbeOptions {
  items: ProbeItem[];
  /** First address of the inventory's network.nodes: the route to it names the primary interface. */
  nodesProbeAddress?: string;
  /** A random per-run marker that delimits sections (see newMarker()). */
  marker: string;
  /** Shell lines run first (the engine's per-host lock); they may `exit` to stop the probe. */
  prelude?: string[];
  /**
   * Shell lines with sections of their own (a prefix of their own, e.g. `pf.`), run right after the base sections:
   * preflight's reads ride in the same exec as the play's probe. With lines and packages both read, the packages' awk
   * also prints /proc/stat's btime (section pf.btime) and the lines find BTIME_BY_AWK_VAR set: preflight's clock then
   * skips its own read of /proc/stat.
   */
  lines?: string[];
  /** Skip the base facts (a lock-only or items-only probe). */
  skipBase?: boolean;
  /** dpkg's database directory (tests); default /var/lib/dpkg. */
  dpkgAdminDir?: string;
  /** Tests: systemd's unit search path (default probe-units.ts UNIT_PATH). */
  unitPath?: string[];
  /**
   * Tests: false keeps every read in the shell even when the packages' awk runs (the default has the awk read the
   * files the sections queue and the facts with an awk reader: awk-reads.ts).
   */
  readsByAwk?: boolean;
}

/** One id per distinct item: the same fact kind with the same args (two tasks, one meaning) is one id. */
export function itemId(it: ProbeItem): string {
  switch (it.kind) {
    case 'file': return `f:${it.path}`;
    case 'package': return `p:${it.name}`;
    case 'service': return `s:${it.name}`;
    case 'command': return `c:${it.key}`;
    case 'fact': return `k:${factKey(it.fact, it.args)}`;
  }
}

/** Same item twice (two tasks reading /etc/hosts) is probed once. */
export function dedupeItems(items: ProbeItem[]): ProbeItem[] {
  const seen = new Map<string, ProbeItem>();
  for (const it of items) {
    const key = itemId(it);
    const prev = seen.get(key);
    if (prev && it.kind === 'command' && prev.kind === 'command' && prev.script !== it.script) {
      throw new Error(`probe command key '${it.key}' is declared twice with different scripts`);
    }
    if (!prev) seen.set(key, it);
  }
  return [...seen.values()];
}

/** Every variable the probe itself sets (lock, batches, loops), cleared before a module's script runs. */
const PROBE_VARS = `M T L a q o n f p c st l z r h b ${AWK_READS_SHELL_VARS}`;

/**
 * Prints text files with shell builtins (no `cat` process), each in one write (one SSH packet, not one a line);
 * `|| [ -n "$l" ]` keeps a last line without a newline.
 * dash reads one byte per read(2): fine for files and string-valued /proc/sys entries (hostname, boot_id,
 * osrelease answer at any offset), wrong for an integer sysctl, which answers EOF past offset 0 (dash would
 * see "3" of "32768"). Never use it for those.
 */
export const READ_FN = `rd() { for f; do [ -r "$f" ] || continue; b=; while IFS= read -r l || [ -n "$l" ]; do b="$b$l\n"; done < "$f"; printf '%s' "$b"; done; }`;

/** A dotted IPv4 address: the only thing written unquoted into `ip`'s batch input. */
const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;

/**
 * `archFromPackages`: the packages batch prints dpkg's architecture (ARCH_LINE), so base starts no `dpkg` for it.
 * `readsByAwk`: the packages' awk reads the files `ar` and `ag` queue (awk-reads.ts); they are defined here, with `rd`.
 */
function baseSection(nodesProbeAddress: string | undefined, gatewayAddresses: string[], archFromPackages: boolean, readsByAwk: boolean): string[] {
  const nodes = nodesProbeAddress && IPV4.test(nodesProbeAddress) ? nodesProbeAddress : undefined;
  const gateways = [...new Set(gatewayAddresses.filter((a) => routeDevVar(a) !== undefined))];
  const gets = [...new Set([...(nodes ? [nodes] : []), ...gateways])];
  const lines = [
    READ_FN,
    ...awkReadFunctions(readsByAwk),
    'ar base.hostname /proc/sys/kernel/hostname',
    'ar base.bootid /proc/sys/kernel/random/boot_id',
    'if [ -r /etc/os-release ]; then ar base.osrelease /etc/os-release; else ar base.osrelease /usr/lib/os-release; fi',
    ...(archFromPackages ? [] : ['s base.arch; dpkg --print-architecture 2>/dev/null || uname -m']),
    'ar base.kernel /proc/sys/kernel/osrelease',
    's base.init; if [ -d /run/systemd/system ]; then echo systemd; else echo other; fi',
    // Running network and time-sync daemons, from /proc with shell builtins only (no systemctl: it can cost 50 ms a
    // call). comm is cut at 15 characters: systemd-networkd shows as systemd-network, systemd-timesyncd as systemd-timesyn.
    // P_nm: NetworkManager runs (set, empty or 1, only where base ran): primary-link asks nmcli only then.
    // The lock's scan of /proc (engine/lock.ts) noted them when it ran first in this probe (proc-scan.ts).
    `s base.procs; ${BASE_PROCS_LINE}`,
    's base.netplan; for f in /etc/netplan/*.yaml /etc/netplan/*.yml; do [ -e "$f" ] && echo "$f"; done',
    'set -- /etc/network/interfaces; for f in /etc/network/interfaces.d/*; do [ -f "$f" ] && set -- "$@" "$f"; done; ar base.ifupdown "$@"; set --',
    // The device-tree model is NUL-terminated: dash's `read` stops there (no `tr` process); printed without a newline.
    's base.model; for f in /proc/device-tree/model /sys/firmware/devicetree/base/model; do [ -r "$f" ] && { c=; IFS= read -r c < "$f"; printf %s "$c"; break; }; done',
    // Routes, addresses and the routes to network.nodes and to each gateway a fact asks about, from ONE `ip` (batch
    // mode prints one JSON line per command; -force goes on past a failed `route get`). The `route get` lines come
    // last and are told apart by their "dst", so one that fails moves no other line.
    'ipo=$(ip -j -force -batch - 2>/dev/null <<PROVISION_IP_END',
    'route show',
    'addr show',
    ...gets.map((a) => `route get ${a}`),
    'PROVISION_IP_END',
    ')',
    // Its lines split by the shell's field splitting (one pass; `read` from a here-document would cost a read(2) a
    // byte in dash); globbing off: the JSON has `[`.
    "IFS='\n'; set -f; set -- $ipo; set +f; unset IFS",
    `ipr=\${1-}; ipa=\${2-}; ipg=;${gateways.map((g) => ` ${routeDevVar(g)!}=;`).join('')} [ $# -ge 2 ] && shift 2 || set --`,
    'for l; do :',
    ...(nodes ? [`  case $l in *'"dst":"${nodes}"'*) ipg=$l;; esac`] : []),
    ...gateways.flatMap((g) => [
      `  case $l in *'"dst":"${g}"'*) d=\${l#*\\"dev\\":\\"}; [ "$d" = "$l" ] && d= || d=\${d%%\\"*}; ${routeDevVar(g)!}=$d;; esac`,
    ]),
    'done; set --',
    's base.routes; printf "%s\\n" "$ipr"',
    's base.addr; printf "%s\\n" "$ipa"',
    ...(nodesProbeAddress ? ['s base.routeget; printf "%s\\n" "$ipg"'] : []),
    'unset ipo ipr ipa ipg',
  ];
  return lines;
}

/** Section ids of the batched package and service reads. */
export { PACKAGES_SECTION };
export const SERVICES_SECTION = 'services';

/**
 * Packages and units are each read with ONE process (awk or dpkg-query, systemctl show) whose whole output is one
 * section; the controller splits it (no shell loop, no fork per item): a probe's cost is its process count.
 */
function batchedReads(items: ProbeItem[], dpkgAdminDir: string | undefined, units: ReturnType<typeof unitsRead>, awk: AwkExtras): string[] {
  const pkgs = items.flatMap((i) => (i.kind === 'package' ? [i.name] : []));
  const lines: string[] = [];
  if (pkgs.length) lines.push(`s ${PACKAGES_SECTION}`, ...packageReadLines(pkgs, dpkgAdminDir, awk), ...(awk.reads ? [`unset ${AWK_READS_SHELL_VARS}`] : []));
  if (units) lines.push(`s ${SERVICES_SECTION}`, ...units.lines);
  return lines;
}

function itemSection(id: string, item: ProbeItem): string | undefined {
  switch (item.kind) {
    case 'file': {
      // Only for a path the batch cannot carry (see probe-files.ts).
      const p = quote(item.path);
      // Line 1: stat fields (type last: it has spaces); line 2: the base64 content (the controller hashes it), or
      // for a file over the cap only `sha256sum`'s "HEX  -". Two processes per file: stat (size in $4), base64.
      return [
        `s ${id}; if [ -e ${p} ] && set -- $(stat -L -c '%a %U %G %s %F' ${p} 2>/dev/null) && [ $# -ge 5 ]; then echo "$*"`,
        `if [ -f ${p} ]; then if [ "$4" -le ${FILE_CONTENT_CAP} ]; then base64 -w0 < ${p}; echo; else sha256sum < ${p}; fi; fi; fi`,
      ].join('; ');
    }
    case 'package':
    case 'service':
      return undefined; // answered by the batched reads
    case 'fact':
      if (item.fact === UNIT_CONDITIONS) return undefined; // answered by the batched systemctl show
      return inShell(id, factKind(item.fact).script(item.args));
    case 'command':
      // A subshell that parses the script itself (eval): a syntax error or `exit` in a module's script ends only
      // that subshell, and it starts clean (no arguments, none of the probe's variables); a fork, not an exec.
      // stderr is dropped, stdin empty (itemGroup).
      return subshell(id, item.script);
  }
}

/**
 * A fact kind's script (provision's own, tested: no `exit`, none of the probe's variables) runs in the probe's shell:
 * a brace group costs no fork, a subshell one per fact.
 */
function inShell(id: string, script: string): string {
  return `s ${id}; { eval ${quote(script)}; }; r=$?; s ${id}.rc; echo $r`;
}

function subshell(id: string, script: string): string {
  return `s ${id}; ( set --; unset ${PROBE_VARS}; eval ${quote(script)} ); r=$?; s ${id}.rc; echo $r`;
}

/**
 * The item sections in one group with stdin empty and stderr dropped: two redirections for them all, where each had
 * its own (a redirection costs the shell ~6 system calls: open, save, dup2, close, restore, close).
 */
function itemGroup(sections: string[]): string[] {
  return sections.length ? ['{', ...sections, '} </dev/null 2>/dev/null'] : [];
}

interface SysctlRide {
  /** (sysctl's name, file) of every key read by the packages' awk, each once. */
  pairs: Array<[string, string]>;
  /** Keys (factKey) of the sysctl facts those answer. */
  facts: Set<string>;
}

/**
 * sysctl facts ride in the packages' awk when the probe reads packages (a node always does): no `sysctl` process. A
 * fact with a key awk cannot carry (see plainSysctlName) keeps its own `sysctl`.
 */
function sysctlRide(items: ProbeItem[]): SysctlRide {
  const ride: SysctlRide = { pairs: [], facts: new Set() };
  if (!items.some((i) => i.kind === 'package')) return ride;
  const seen = new Set<string>();
  for (const it of items) {
    if (it.kind !== 'fact' || it.fact !== 'sysctl') continue;
    const pairs = sysctlAwkPairs((it.args as { names: string[] }).names);
    if (!pairs) continue;
    ride.facts.add(factKey(it.fact, it.args));
    for (const [name, file] of pairs) if (!seen.has(name)) ride.pairs.push([name, file]), seen.add(name);
  }
  return ride;
}

/** Gateways whose route a fact reads (primary-link): base's one `ip` reads them too. */
function routeGetAddresses(items: ProbeItem[]): string[] {
  return items.flatMap((i) => (i.kind === 'fact' && i.fact === 'primary-link' && typeof (i.args as { gateway?: unknown })?.gateway === 'string' ? [(i.args as { gateway: string }).gateway] : []));
}

export function buildProbe(opts: BuildProbeOptions): ProbeScript {
  const items = new Map<string, ProbeItem>();
  const unique = dedupeItems(opts.items);
  for (const it of unique) if (it.kind === 'fact') factKind(it.fact); // an unknown kind fails before any host is touched
  const batchedFiles = unique.flatMap((i) => (i.kind === 'file' && batchable(i.path) ? [i.path] : []));
  const units = unitsRead(unique, opts.unitPath);
  const sysctls = sysctlRide(unique);
  // With packages read, their awk runs: it reads what the shell would read a byte per read(2) (awk-reads.ts).
  const awkRuns = unique.some((i) => i.kind === 'package');
  const readsByAwk = awkRuns && opts.readsByAwk !== false;
  // The lines (preflight's) read the boot time; when packages are read, their awk reads it (see BTIME_SECTION).
  const btimeByAwk = Boolean(opts.lines?.length) && awkRuns;
  const factPrograms: string[] = [];
  const sections: string[] = [];
  unique.forEach((item, i) => {
    const id = `${item.kind}.${i}`;
    items.set(id, item);
    if (item.kind === 'file' && batchable(item.path)) return;
    if (item.kind === 'fact' && sysctls.facts.has(factKey(item.fact, item.args))) return; // in the packages' awk
    const reader = item.kind === 'fact' && readsByAwk ? factKind(item.fact).awk : undefined;
    if (reader && item.kind === 'fact') return void factPrograms.push(factAwkProgram(id, factPrograms.length, reader(item.args)));
    const section = itemSection(id, item);
    if (section) sections.push(section);
  });
  const awk: AwkExtras = {
    sysctls: sysctls.pairs, btime: btimeByAwk,
    ...(readsByAwk && !opts.skipBase ? { reads: true } : {}),
    ...(factPrograms.length ? { program: factPrograms.join('\n') } : {}),
  };
  const body: string[] = [...batchedReads(unique, opts.dpkgAdminDir, units, awk), ...fileBatchLines(batchedFiles), ...itemGroup(sections)];
  const script = [
    `M=${quote(opts.marker)}`,
    // Every section starts on a fresh line; the parser strips exactly the one newline added here.
    `s() { printf '\\n%s %s\\n' "$M" "$1"; }`,
    ...(opts.prelude ?? []),
    ...(opts.skipBase ? [] : baseSection(opts.nodesProbeAddress, routeGetAddresses(unique), awkRuns, readsByAwk)),
    ...(btimeByAwk ? [`${BTIME_BY_AWK_VAR}=1`] : []),
    ...(opts.lines ?? []),
    ...body,
    's end',
  ].join('\n');
  return {
    script, marker: opts.marker, items,
    ...(units ? { units: units.units } : {}),
    ...(units?.slices.size ? { unitSlices: units.slices } : {}),
    ...(sysctls.facts.size ? { sysctlInPackages: sysctls.facts } : {}),
  };
}
