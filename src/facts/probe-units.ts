// Every systemd unit a probe asks about, in ONE `systemctl show`: the services' states and unit-conditions' results.
import { quote } from '../core/command.js';
import { factKey } from '../core/fact-key.js';
import type { ProbeItem } from '../core/types.js';

/** The fact kind whose `systemctl show` joins the services' call (src/facts/kinds/unit-conditions.ts). */
export const UNIT_CONDITIONS = 'unit-conditions';

const PROPERTIES = 'LoadState,ActiveState,UnitFileState';
const CONDITION_PROPERTIES = 'Id,ConditionResult,ConditionTimestampMonotonic';

/** Where each unit-conditions fact's blocks sit in the joined output: fact key → the block of each of its units. */
export type UnitSlices = Map<string, number[]>;

/**
 * systemd's unit search path for the system manager (systemd-analyze unit-paths, systemd 252; /lib/systemd/system for a
 * root whose /usr is not merged), generator and transient directories included.
 */
export const UNIT_PATH = [
  '/etc/systemd/system.control', '/run/systemd/system.control', '/run/systemd/transient', '/run/systemd/generator.early',
  '/etc/systemd/system', '/etc/systemd/system.attached', '/run/systemd/system', '/run/systemd/system.attached',
  '/run/systemd/generator', '/usr/local/lib/systemd/system', '/usr/lib/systemd/system', '/lib/systemd/system',
  '/run/systemd/generator.late',
];

/** The services section's first line: the units no file defines (not asked: systemd would say not-found). */
export const ABSENT_LINE = '@absent';

/** Names the shell can list unquoted (no space, quote or glob character): the others are always asked. */
const plainUnit = (n: string) => /^[A-Za-z0-9:_.@-]+$/.test(n);

/**
 * Shell lines that show every unit (services first, in item order, then each unit-conditions fact's units not named
 * before) in ONE `systemctl show`, or undefined when no item asks about a unit. systemctl is the probe's dearest
 * program (it starts in ~4 ms and loads each unit in ~1 ms), and most units a node is asked about have no unit file
 * at all (chrony, ntpsec, ntp, openntpd, dphys-swapfile, zramswap on a node with timesyncd): a unit whose name (or
 * its template, or a drop-in directory) is in no directory of systemd's search path is listed on the ABSENT_LINE
 * instead, and no systemctl runs when every unit is absent. systemctl prints one block per argument, in order,
 * blank-line separated.
 */
export function unitsRead(items: ProbeItem[], unitPath: readonly string[] = UNIT_PATH): { lines: string[]; units: string[]; slices: UnitSlices } | undefined {
  const services = items.flatMap((i) => (i.kind === 'service' ? [i.name] : []));
  const conditions = items.flatMap((i) => (i.kind === 'fact' && i.fact === UNIT_CONDITIONS ? [i] : []));
  if (services.length === 0 && conditions.length === 0) return undefined;
  const units = [...services];
  const slices: UnitSlices = new Map();
  for (const c of conditions) {
    const names = (c.args as { units: string[] }).units;
    slices.set(factKey(c.fact, c.args), names.map((n) => {
      const at = units.indexOf(n);
      return at >= 0 ? at : units.push(n) - 1;
    }));
  }
  const props = conditions.length ? `${PROPERTIES},${CONDITION_PROPERTIES}` : PROPERTIES;
  // A name the shell cannot list unquoted (none of provision's) turns the file check off: every unit is asked.
  if (!units.every(plainUnit)) return { lines: [`echo ${ABSENT_LINE}; systemctl show -p ${props} ${units.map(quote).join(' ')} 2>/dev/null`], units, slices };
  // The directories that exist, found once (a unit looked up in a missing one costs three stat(2)s): when every path is
  // plain (the default), the lookups go through P_D's words.
  const plainDirs = unitPath.every((d) => /^[A-Za-z0-9_./-]+$/.test(d));
  const dirs = plainDirs ? '$P_D' : unitPath.map(quote).join(' ');
  const lines = [
    ...(plainDirs ? [`P_D=; for P_d in ${unitPath.join(' ')}; do [ -d "$P_d" ] && P_D="$P_D $P_d"; done`] : []),
    `P_u=; P_x=; for P_n in ${units.join(' ')}; do P_f=$P_n; case $P_f in *.*) ;; *) P_f=$P_f.service;; esac; P_t=; case $P_f in ?*@?*.*) P_t=\${P_f%%@*}@.\${P_f##*.};; esac; P_y=; for P_d in ${dirs}; do if [ -e "$P_d/$P_f" ] || [ -L "$P_d/$P_f" ] || { [ -n "$P_t" ] && [ -e "$P_d/$P_t" ]; } || [ -d "$P_d/$P_f.d" ]; then P_y=1; break; fi; done; if [ -n "$P_y" ]; then P_u="$P_u $P_n"; else P_x="$P_x $P_n"; fi; done`,
    `echo "${ABSENT_LINE}$P_x"`,
    // Unquoted on purpose: one argument per name (plain names only, see plainUnit), in the order asked.
    `[ -z "$P_u" ] || systemctl show -p ${props} $P_u 2>/dev/null; unset P_u P_x P_n P_f P_t P_y P_d P_D`,
  ];
  return { lines, units, slices };
}

/**
 * The services section → one block per unit of `units` (unitsRead's order): '' for a unit the probe found no file for
 * (what parseService and unit-conditions read as not-found), systemctl's block for each other, in order.
 */
export function unitBlocks(section: string | undefined, units: string[]): string[] {
  const text = section ?? '';
  const nl = text.indexOf('\n');
  const first = nl < 0 ? text : text.slice(0, nl);
  if (!first.startsWith(ABSENT_LINE)) {
    const all = text.split(/\n\s*\n/);
    return units.map((_, i) => all[i] ?? '');
  }
  const absent = new Set(first.slice(ABSENT_LINE.length).split(' ').filter(Boolean));
  const shown = (nl < 0 ? '' : text.slice(nl + 1)).split(/\n\s*\n/);
  let next = 0;
  return units.map((u) => (absent.has(u) ? '' : (shown[next++] ?? '')));
}

/** One unit-conditions fact's part of the joined output, as its own `systemctl show` would have printed it. */
export function unitConditionsOutput(blocks: string[], slice: number[]): string {
  return slice.map((i) => blocks[i] ?? '').join('\n\n');
}
