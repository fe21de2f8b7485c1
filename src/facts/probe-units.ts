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
 * The shell command that shows every unit (services first, in item order, then each unit-conditions fact's units not
 * named before: systemctl loads and prints each argument, at about a millisecond a unit on a Pi-class host), or
 * undefined when no item asks about a unit. systemctl prints one block per argument, in order, blank-line separated.
 */
export function unitsRead(items: ProbeItem[]): { command: string; slices: UnitSlices } | undefined {
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
  return { command: `systemctl show -p ${props} ${units.map(quote).join(' ')} 2>/dev/null`, slices };
}

/** One unit-conditions fact's part of the joined output, as its own `systemctl show` would have printed it. */
export function unitConditionsOutput(blocks: string[], slice: number[]): string {
  return slice.map((i) => blocks[i] ?? '').join('\n\n');
}
