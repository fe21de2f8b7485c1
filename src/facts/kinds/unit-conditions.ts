// Fact kind `unit-conditions`: of the named systemd units, those whose start systemd skipped because a condition failed.
import { quote } from '../../core/command.js';
import type { FactKind } from '../../core/types.js';

/** Units whose conditions systemd checked and found false (`systemctl show` blocks: Id, ConditionResult, timestamp). */
export function skippedUnits(show: string): string[] {
  const out: string[] = [];
  for (const block of show.split(/\n\s*\n/)) {
    const kv = new Map(block.split('\n').map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1).trim()] as const));
    const id = kv.get('Id')?.replace(/\.service$/, '');
    if (id && kv.get('ConditionResult') === 'no' && Number(kv.get('ConditionTimestampMonotonic') ?? 0) > 0) out.push(id);
  }
  return out;
}

/**
 * E.g. timesyncd and chrony want CAP_SYS_TIME and no container (ConditionVirtualization=!container), since a
 * container's clock is its machine's: enabled and skipped is converged, starting it again changes nothing.
 */
export const unitConditions: FactKind<{ units: string[] }, { skipped: string[] }> = {
  name: 'unit-conditions',
  about: 'of the named systemd units, those skipped because a start condition failed (systemctl show)',
  script: (a) => `systemctl show -p Id,ConditionResult,ConditionTimestampMonotonic ${a.units.map(quote).join(' ')} 2>/dev/null`,
  parse: (out) => ({ skipped: skippedUnits(out.stdout) }),
  shown: () => ({ units: ['chrony', 'ntpsec', 'ntp', 'openntpd', 'systemd-timesyncd'] }),
};
