// The `time-sync` module: every node keeps its clock in sync (etcd leases and TLS need it): chrony/ntp respected, else systemd-timesyncd.
import { z } from 'zod';
import type { Module, Step } from '../../core/types.js';
import { change, noop } from '../support/change.js';
import { execStep } from '../support/command.js';

const schema = z.strictObject({});
export type TimeSyncParams = z.output<typeof schema>;

/** Other NTP daemons a careful operator may have chosen: each conflicts with timesyncd, so they are respected. */
const OTHERS: Array<{ pkg: string; service: string }> = [
  { pkg: 'chrony', service: 'chrony' },
  { pkg: 'ntpsec', service: 'ntpsec' },
  { pkg: 'ntp', service: 'ntp' },
  { pkg: 'openntpd', service: 'openntpd' },
];
const TIMESYNCD = 'systemd-timesyncd';
const SYNC_KEY = 'time-sync:synchronized';
// timedatectl answers yes/no; absent or failing (no timedated): nothing to report.
const SYNC_SCRIPT = 'timedatectl show -p NTPSynchronized --value 2>/dev/null';
// Whether systemd checked the daemon's conditions and skipped it: timesyncd and chrony want CAP_SYS_TIME and no
// container (ConditionVirtualization=!container), since a container's clock is its machine's. Enabled and skipped
// is converged: starting it again changes nothing.
const SKIP_KEY = 'time-sync:conditions';
const SKIP_SCRIPT = `systemctl show -p Id,ConditionResult,ConditionTimestampMonotonic ${[...OTHERS.map((o) => o.service), TIMESYNCD].join(' ')} 2>/dev/null`;
const INSTALL = `apt-get install -y --no-install-recommends ${TIMESYNCD} || { apt-get update && apt-get install -y --no-install-recommends ${TIMESYNCD}; }`;

const timeSync: Module<TimeSyncParams> = {
  name: 'time-sync',
  schema,
  probe: () => [
    ...[...OTHERS.map((o) => o.pkg), TIMESYNCD].map((name) => ({ kind: 'package' as const, name })),
    ...[...OTHERS.map((o) => o.service), TIMESYNCD].map((name) => ({ kind: 'service' as const, name })),
    { kind: 'command', key: SYNC_KEY, script: SYNC_SCRIPT },
    { kind: 'command', key: SKIP_KEY, script: SKIP_SCRIPT },
  ],
  plan: (_p, ctx) => {
    if (ctx.facts.base.initSystem !== 'systemd') return noop(ctx, 'warning: no systemd on this host: make sure an NTP client keeps the clock (etcd and TLS need it)');
    const synced = ctx.facts.command(SYNC_KEY).stdout.trim();
    const note = synced === 'no' ? ' (warning: the clock is not synchronised yet: can the host reach its NTP servers?)' : synced === 'yes' ? ', clock synchronised' : '';
    const other = OTHERS.find((o) => ctx.facts.package(o.pkg).installed);
    const daemon = other ?? { pkg: TIMESYNCD, service: TIMESYNCD };
    const svc = ctx.facts.service(daemon.service);
    const steps: Step[] = [];
    const parts: string[] = [];
    if (!other && !ctx.facts.package(TIMESYNCD).installed) {
      steps.push(execStep(['sh', '-c', INSTALL], { env: { DEBIAN_FRONTEND: 'noninteractive' } }));
      parts.push(`install ${TIMESYNCD}`);
    }
    if (steps.length === 0 && svc.active && svc.enabled) return noop(ctx, `${daemon.service} keeps the clock${other ? ` (${TIMESYNCD} not needed)` : ''}${note}`);
    if (steps.length === 0 && svc.enabled && skippedUnits(ctx.facts.command(SKIP_KEY).stdout).has(daemon.service)) {
      return noop(ctx, `${daemon.service} is enabled; systemd skips it here (its conditions failed: a container or no CAP_SYS_TIME, the clock is the machine's)`);
    }
    steps.push(execStep(['systemctl', 'enable', '--now', daemon.service]));
    parts.push(`enable and start ${daemon.service}`);
    return change(ctx, { action: steps.length > 1 ? 'create' : 'update', summary: `${parts.join('; ')} (etcd and TLS need synchronised clocks)${note}`, steps });
  },
};

/** Units whose conditions systemd checked and found false (`systemctl show` blocks: Id, ConditionResult, timestamp). */
export function skippedUnits(show: string): Set<string> {
  const out = new Set<string>();
  for (const block of show.split(/\n\s*\n/)) {
    const kv = new Map(block.split('\n').map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1).trim()] as const));
    const id = kv.get('Id')?.replace(/\.service$/, '');
    if (id && kv.get('ConditionResult') === 'no' && Number(kv.get('ConditionTimestampMonotonic') ?? 0) > 0) out.add(id);
  }
  return out;
}

export default timeSync;
