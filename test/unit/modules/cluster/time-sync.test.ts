// Data cases for time-sync: timesyncd installed/enabled, chrony respected, not-synced warning.
import { expect } from 'vitest';
import mod from '../../../../src/modules/cluster/time-sync.js';
import { clockSync } from '../../../../src/facts/kinds/clock-sync.js';
import { unitConditions } from '../../../../src/facts/kinds/unit-conditions.js';
import { factOf } from '../../../support/fake-facts.js';
import { runModuleCases } from '../harness.js';

const enableNow = (svc: string) => ({ kind: 'exec', command: { argv: ['systemctl', 'enable', '--now', svc] } });

runModuleCases(mod, [
  {
    name: 'minimal host without any NTP client: install systemd-timesyncd, enable and start it',
    params: {},
    expect: { action: 'create', summary: /^install systemd-timesyncd; enable and start systemd-timesyncd \(etcd and TLS need synchronised clocks\)$/, steps: [{ command: { argv: ['sh', '-c', expect.stringContaining('apt-get install -y --no-install-recommends systemd-timesyncd')] } }, enableNow('systemd-timesyncd')] },
  },
  {
    name: 'timesyncd installed but disabled: enable --now only',
    params: {},
    facts: { packages: { 'systemd-timesyncd': '252.39-1~deb12u1' }, services: { 'systemd-timesyncd': 'inactive' } },
    expect: { action: 'update', steps: [enableNow('systemd-timesyncd')] },
  },
  {
    name: 'converged and synchronised: noop that says so',
    params: {},
    facts: { packages: { 'systemd-timesyncd': '252.39-1~deb12u1' }, services: { 'systemd-timesyncd': 'active+enabled' }, facts: { [factOf(clockSync)]: 'yes\n' } },
    expect: { action: 'noop', summary: 'systemd-timesyncd keeps the clock, clock synchronised' },
  },
  {
    name: 'chrony installed and running: respected, timesyncd never installed',
    params: {},
    facts: { packages: { chrony: '4.3-2+deb12u1' }, services: { chrony: 'active+enabled' }, facts: { [factOf(clockSync)]: 'no\n' } },
    expect: { action: 'noop', summary: /chrony keeps the clock \(systemd-timesyncd not needed\) \(warning: the clock is not synchronised yet/ },
  },
  {
    name: 'chrony installed but stopped: start chrony, not timesyncd',
    params: {},
    facts: { packages: { chrony: '4.3-2+deb12u1' }, services: { chrony: 'inactive+enabled' } },
    expect: { action: 'update', steps: [enableNow('chrony')] },
  },
  {
    name: 'timesyncd enabled but skipped by systemd (a container: ConditionVirtualization=!container): converged',
    params: {},
    facts: {
      packages: { 'systemd-timesyncd': '252.39-1~deb12u2' },
      services: { 'systemd-timesyncd': 'inactive+enabled' },
      facts: { [factOf(unitConditions, { units: ['chrony', 'ntpsec', 'ntp', 'openntpd', 'systemd-timesyncd'] })]: 'Id=chrony.service\nConditionResult=no\nConditionTimestampMonotonic=0\n\nId=systemd-timesyncd.service\nConditionResult=no\nConditionTimestampMonotonic=5338117\n' },
    },
    expect: { action: 'noop', summary: /systemd-timesyncd is enabled; systemd skips it here/ },
  },
  {
    name: 'timesyncd enabled, never started (no condition checked yet): start it',
    params: {},
    facts: {
      packages: { 'systemd-timesyncd': '252.39-1~deb12u2' },
      services: { 'systemd-timesyncd': 'inactive+enabled' },
      facts: { [factOf(unitConditions, { units: ['chrony', 'ntpsec', 'ntp', 'openntpd', 'systemd-timesyncd'] })]: 'Id=systemd-timesyncd.service\nConditionResult=no\nConditionTimestampMonotonic=0\n' },
    },
    expect: { action: 'update', steps: [enableNow('systemd-timesyncd')] },
  },
  {
    name: 'no systemd: a warning, nothing changed',
    params: {},
    facts: { base: { initSystem: 'other' } },
    expect: { action: 'noop', summary: /warning: no systemd/ },
  },
  { name: 'no params', params: { servers: ['x'] }, expect: { error: /servers/ } },
]);
