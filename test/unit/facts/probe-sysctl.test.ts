// sysctl keys read by the probe's packages awk answer what the `sysctl` program answers, on this machine's kernel.
import { execa } from 'execa';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { factKey } from '../../../src/core/fact-key.js';
import type { ProbeItem } from '../../../src/core/types.js';
import { sysctl, sysctlAwkPairs, sysctlPath } from '../../../src/facts/kinds/sysctl.js';
import { parseProbe } from '../../../src/facts/parse-probe.js';
import { buildProbe } from '../../../src/facts/probe.js';
import { requireProgram } from '../modules/real/programs.js';
import { tempDir } from '../../support/temp-dir.js';

const hasSysctl = await requireProgram('sysctl', 'procps');

/**
 * Integers of one digit and of many (an integer sysctl answers EOF past offset 0, which is why the shell cannot read
 * them), a tab-separated pair, a string, keys given with '/', an interface name with a dot, and absent keys.
 */
const NAMES = [
  'net.ipv4.ip_forward', 'kernel.pid_max', 'fs.file-max', 'net.ipv4.ip_local_port_range', 'kernel.ostype', 'vm.swappiness',
  'net/core/somaxconn', 'kernel.random.boot_id', 'net.ipv4.conf.lo.forwarding', 'net/ipv4/conf/lo/rp_filter',
  'kernel.no_such_key_for_provision', 'net.bridge.bridge-nf-call-iptables-no-such',
];

function probeOf(names: string[], admin?: string, withPackages = true) {
  const items: ProbeItem[] = [
    ...(withPackages ? [{ kind: 'package' as const, name: 'dpkg' }] : []),
    { kind: 'fact', fact: 'sysctl', args: { names } },
  ];
  return buildProbe({ items, marker: '@@m@@', skipBase: true, ...(admin ? { dpkgAdminDir: admin } : {}) });
}

async function answer(names: string[], admin?: string, withPackages = true) {
  const probe = probeOf(names, admin, withPackages);
  const r = await execa('sh', ['-c', probe.script], { reject: false });
  const out = parseProbe(r.stdout, probe).tables.facts!.get(factKey('sysctl', { names }))!;
  return { probe, out, parsed: sysctl.parse(out, { names }) };
}

describe('sysctl keys and their files (procps slashdot)', () => {
  it.each([
    ['net.ipv4.ip_forward', '/proc/sys/net/ipv4/ip_forward'],
    ['net/ipv4/ip_forward', '/proc/sys/net/ipv4/ip_forward'],
    ['net.ipv4.conf.eth0/100.rp_filter', '/proc/sys/net/ipv4/conf/eth0.100/rp_filter'],
    ['net/ipv4/conf/eth0.100/rp_filter', '/proc/sys/net/ipv4/conf/eth0.100/rp_filter'],
  ])('%s is read from %s', (name, path) => expect(sysctlPath(name)).toBe(path));

  it('names sysctl would print, and refuses what awk cannot carry', () => {
    expect(sysctlAwkPairs(['net/ipv4/conf/eth0.100/rp_filter'])).toEqual([['net.ipv4.conf.eth0/100.rp_filter', '/proc/sys/net/ipv4/conf/eth0.100/rp_filter']]);
    expect(sysctlAwkPairs(['net.ipv4.ip_forward', 'a b'])).toBeUndefined();
    expect(sysctlAwkPairs(['net..ipv4'])).toBeUndefined();
  });
});

describe.runIf(hasSysctl)('sysctl keys in the packages awk, against sysctl', () => {
  it('every key answers as sysctl answers it, with no sysctl process in the probe', async () => {
    const mine = await answer(NAMES);
    expect(mine.probe.sysctlInPackages?.has(factKey('sysctl', { names: NAMES }))).toBe(true);
    expect(mine.probe.script).not.toMatch(/(^|[;\s'])sysctl /m);
    const theirs = await answer(NAMES, undefined, false); // no packages: the fact's own `sysctl` process
    expect(theirs.probe.script).toMatch(/(^|[;\s'])sysctl /m);
    expect(mine.parsed).toEqual(theirs.parsed);
    // It did read them: multi-digit integers whole, the pair with its tab collapsed, absent keys null.
    expect(Number(mine.parsed['kernel.pid_max'])).toBeGreaterThan(9);
    expect(mine.parsed['net.ipv4.ip_local_port_range']).toMatch(/^\d+ \d+$/);
    expect(mine.parsed['kernel.ostype']).toBe('Linux');
    expect(mine.parsed['kernel.no_such_key_for_provision']).toBeNull();
  });

  it('still answers when dpkg-query reads the packages (an interrupted dpkg left journal entries)', async () => {
    const admin = tempDir('dpkg-admin-');
    mkdirSync(join(admin, 'updates'));
    writeFileSync(join(admin, 'updates', '0001'), '');
    writeFileSync(join(admin, 'status'), 'Package: dpkg\nStatus: install ok installed\nArchitecture: amd64\nVersion: 1.21.22\n');
    const viaQuery = await answer(['kernel.pid_max', 'kernel.ostype'], admin);
    expect(viaQuery.probe.script).toContain('dpkg-query');
    expect(viaQuery.out.code).toBe(0);
    expect(viaQuery.parsed).toEqual((await answer(['kernel.pid_max', 'kernel.ostype'], undefined, false)).parsed);
  });

  it('a probe that died before the packages section leaves the fact unread, not empty', () => {
    const probe = probeOf(['kernel.pid_max']);
    const out = parseProbe('', probe).tables.facts!.get(factKey('sysctl', { names: ['kernel.pid_max'] }))!;
    expect(out.code).not.toBe(0);
  });
});
