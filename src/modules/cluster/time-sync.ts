// The `time-sync` module: every node keeps its clock in sync (etcd leases and TLS need it): chrony/ntp respected, else systemd-timesyncd.
import { z } from 'zod';
import type { Module, Step } from '../../core/types.js';
import { change, noop } from '../support/change.js';
import { execStep } from '../support/command.js';
import { declareFact } from '../../facts/declare.js';
import { clockSync } from '../../facts/kinds/clock-sync.js';
import { unitConditions } from '../../facts/kinds/unit-conditions.js';

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
// Whether systemd checked a daemon's conditions and skipped it (a container, no CAP_SYS_TIME): enabled and skipped is converged.
const UNITS = { units: [...OTHERS.map((o) => o.service), TIMESYNCD] };
const INSTALL = `apt-get install -y --no-install-recommends ${TIMESYNCD} || { apt-get update && apt-get install -y --no-install-recommends ${TIMESYNCD}; }`;

const timeSync: Module<TimeSyncParams> = {
  name: 'time-sync',
  schema,
  probe: () => [
    ...[...OTHERS.map((o) => o.pkg), TIMESYNCD].map((name) => ({ kind: 'package' as const, name })),
    ...[...OTHERS.map((o) => o.service), TIMESYNCD].map((name) => ({ kind: 'service' as const, name })),
    declareFact(clockSync),
    declareFact(unitConditions, UNITS),
  ],
  plan: (_p, ctx) => {
    if (ctx.facts.base.initSystem !== 'systemd') return noop(ctx, 'warning: no systemd on this host: make sure an NTP client keeps the clock (etcd and TLS need it)');
    const { synchronized } = ctx.facts.fact(clockSync, undefined);
    const note = synchronized === false ? ' (warning: the clock is not synchronised yet: can the host reach its NTP servers?)' : synchronized ? ', clock synchronised' : '';
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
    if (steps.length === 0 && svc.enabled && ctx.facts.fact(unitConditions, UNITS).skipped.includes(daemon.service)) {
      return noop(ctx, `${daemon.service} is enabled; systemd skips it here (its conditions failed: a container or no CAP_SYS_TIME, the clock is the machine's)`);
    }
    steps.push(execStep(['systemctl', 'enable', '--now', daemon.service]));
    parts.push(`enable and start ${daemon.service}`);
    return change(ctx, { action: steps.length > 1 ? 'create' : 'update', summary: `${parts.join('; ')} (etcd and TLS need synchronised clocks)${note}`, steps });
  },
};

export default timeSync;
