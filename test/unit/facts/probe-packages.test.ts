// The awk reading of dpkg's status file prints what dpkg-query prints: crafted databases and this machine's own.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ARCH_LINE, DPKG_QUERY_FORMAT, STATUS_AWK, packageReadLines } from '../../../src/facts/probe-packages.js';
import { tempDir } from '../../support/temp-dir.js';

const hasDpkg = spawnSync('sh', ['-c', 'command -v dpkg-query']).status === 0;
const WANTS = ['unknown', 'install', 'hold', 'deinstall', 'purge'];
const STATES = ['not-installed', 'config-files', 'half-installed', 'unpacked', 'half-configured', 'installed'];

function stanza(name: string, status: string, extra = ''): string {
  return `Package: ${name}\nStatus: ${status}\nMaintainer: M <m@example.org>\nArchitecture: amd64\n${extra}Version: 1:2.3~rc1-4+b5\nDescription: d\n continued, with\n Version: 9 inside\n`;
}

function admin(stanzas: string[]): string {
  const dir = tempDir('dpkg-admin-');
  mkdirSync(join(dir, 'updates'));
  writeFileSync(join(dir, 'status'), stanzas.join('\n'));
  return dir;
}

const sorted = (s: string) => s.split('\n').filter((l) => l && !l.startsWith(`${ARCH_LINE}\t`)).sort();
const viaDpkg = (dir: string, names: string[]) =>
  sorted(spawnSync('dpkg-query', [`--admindir=${dir}`, '-W', '-f', DPKG_QUERY_FORMAT.replace(/\\t/g, '\t').replace(/\\n/g, '\n'), ...names], { encoding: 'utf8' }).stdout);
const viaAwk = (statusFile: string, names: string[]) => sorted(execFileSync('awk', ['-v', `w= ${names.join(' ')} `, STATUS_AWK, statusFile], { encoding: 'utf8' }));

describe.skipIf(!hasDpkg)('STATUS_AWK against dpkg-query', () => {
  const cases = [
    { name: 'every want x status combination', stanzas: WANTS.flatMap((w) => STATES.map((s) => stanza(`p-${w}-${s}`, `${w} ok ${s}`))) },
    { name: 'reinstreq error flag', stanzas: [stanza('broken', 'install reinstreq half-installed')] },
    { name: 'multi-arch instances of one name', stanzas: [stanza('lib', 'install ok installed', 'Multi-Arch: same\n'), stanza('lib', 'deinstall ok config-files', 'Multi-Arch: same\n').replace('amd64', 'i386')] },
  ];
  it.each(cases)('$name', ({ stanzas }) => {
    const dir = admin(stanzas);
    const names = [...new Set(stanzas.map((s) => /^Package: (.*)$/m.exec(s)![1]!)), 'not-in-the-database'];
    expect(viaAwk(join(dir, 'status'), names)).toEqual(viaDpkg(dir, names));
  });

  it("this machine's whole database", () => {
    const names = [...new Set(execFileSync('awk', ['/^Package:/ {print $2}', '/var/lib/dpkg/status'], { encoding: 'utf8' }).split('\n').filter(Boolean))];
    expect(names.length).toBeGreaterThan(10);
    expect(viaAwk('/var/lib/dpkg/status', names)).toEqual(viaDpkg('/var/lib/dpkg', names));
  });

  it(`prints ${ARCH_LINE} as dpkg --print-architecture says, whichever packages are asked for`, () => {
    const arch = execFileSync('dpkg', ['--print-architecture'], { encoding: 'utf8' }).trim();
    const out = execFileSync('awk', ['-v', 'w= curl ', STATUS_AWK, '/var/lib/dpkg/status'], { encoding: 'utf8' });
    expect(out.split('\n').filter((l) => l.startsWith(`${ARCH_LINE}\t`))).toEqual([`${ARCH_LINE}\t${arch}`]);
  });
});

describe('packageReadLines', () => {
  it('asks dpkg-query for an arch-qualified name (the status file names packages without the arch)', () => {
    expect(packageReadLines(['libc6:arm64', 'curl']).join('\n')).toMatch(/^dpkg-query /);
    expect(packageReadLines(['curl']).join('\n')).toMatch(/awk -v/);
  });
});
