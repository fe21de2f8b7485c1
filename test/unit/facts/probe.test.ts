import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { release } from 'node:os';
import { join } from 'node:path';
// The probe script: items deduped, hostile paths quoted, and the real script parses on this machine's sh.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { buildProbe, dedupeItems } from '../../../src/facts/probe.js';
import { parseProbe } from '../../../src/facts/parse-probe.js';
import { createFacts } from '../../../src/facts/facts.js';
import { newMarker } from '../../../src/facts/parse-sections.js';
import { tempDir } from '../../support/temp-dir.js';

describe('buildProbe', () => {
  it('dedupes items across tasks and rejects one command key with two scripts', () => {
    expect(dedupeItems([
      { kind: 'file', path: '/a' }, { kind: 'file', path: '/a' }, { kind: 'package', name: 'a' },
      { kind: 'command', key: 'k', script: 'x' }, { kind: 'command', key: 'k', script: 'x' },
    ])).toHaveLength(3);
    expect(() => dedupeItems([{ kind: 'command', key: 'k', script: 'x' }, { kind: 'command', key: 'k', script: 'y' }])).toThrow(/twice/);
  });

  const hostile = ["/tmp/a'b", '/tmp/$(touch /tmp/pwned)', '/tmp/`id`', '/tmp/a b;c', '/tmp/new\nline'];
  it.each(hostile)('runs with a hostile path %j without executing it', (path) => {
    const marker = newMarker();
    const probe = buildProbe({ items: [{ kind: 'file', path }, { kind: 'command', key: 'c', script: "echo 'q' \"$HOME\" | tr q Q; exit 4" }], marker, skipBase: true });
    expect(probe.script).toContain(marker);
    const out = execFileSync('sh', ['-c', probe.script], { encoding: 'utf8' });
    const facts = createFacts(parseProbe(out, probe).tables);
    expect(facts.file(path)).toEqual({ exists: false });
    expect(facts.command('c').code).toBe(4);
    expect(facts.command('c').stdout).toMatch(/^Q /);
  });

  it('runs each module script isolated: a syntax error or exit ends only that script, and none sees the probe\'s state', () => {
    const probe = buildProbe({
      marker: newMarker(),
      skipBase: true,
      items: [
        { kind: 'file', path: '/etc/hostname' },
        { kind: 'command', key: 'broken', script: 'echo before; if then fi (' },
        { kind: 'command', key: 'exits', script: 'echo x; exit 7; echo never' },
        { kind: 'command', key: 'state', script: 'echo "args=$# M=${M-} T=${T-} P=${P-} L=${L-}"; M=clobbered' },
        { kind: 'command', key: 'after', script: 'echo ok' },
      ],
    });
    const parsed = parseProbe(execFileSync('sh', ['-c', probe.script], { encoding: 'utf8' }), probe);
    const facts = createFacts(parsed.tables);
    expect(parsed.complete).toBe(true);
    expect(facts.command('broken').code).toBe(2);
    expect(facts.command('exits')).toEqual({ code: 7, stdout: 'x\n' });
    expect(facts.command('state').stdout).toBe('args=0 M= T= P= L=\n');
    expect(facts.command('after')).toEqual({ code: 0, stdout: 'ok\n' });
  });

  it('reads this machine: base sections parse and the probe completes', () => {
    const probe = buildProbe({ items: [{ kind: 'file', path: '/etc/os-release' }], marker: newMarker(), nodesProbeAddress: '127.0.0.1' });
    const parsed = parseProbe(execFileSync('sh', ['-c', probe.script], { encoding: 'utf8' }), probe);
    expect(parsed.complete).toBe(true);
    expect(parsed.tables.base.hostname).toBe(readFileSync('/proc/sys/kernel/hostname', 'utf8').trim());
    expect(parsed.tables.base.bootId).toBe(readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim());
    expect(parsed.tables.base.kernel).toBe(release());
    expect(parsed.tables.base.os.id).toBe(/^ID=(.*)$/m.exec(readFileSync('/etc/os-release', 'utf8'))![1]!.replace(/"/g, ''));
    expect(parsed.tables.files?.get('/etc/os-release')?.exists).toBe(true);
  });
});

describe('batched package and service reads', () => {
  // Wrappers that record each call, then run the real tool (awk) or answer like it (dpkg-query, systemctl).
  const bin = tempDir('probe-bin-');
  const calls = join(bin, 'calls');
  const awk = execFileSync('sh', ['-c', 'command -v awk'], { encoding: 'utf8' }).trim();
  writeFileSync(join(bin, 'awk'), `#!/bin/sh\necho awk >> ${calls}\nexec ${awk} "$@"\n`, { mode: 0o755 });
  writeFileSync(join(bin, 'dpkg-query'), `#!/bin/sh\necho dpkg-query >> ${calls}\nprintf 'kubelet\\thi \\t1.32.3-1.1\\ncontainerd\\tii \\t1.7.24-1\\n'\nexit 1\n`, { mode: 0o755 });
  // systemctl show -p PROPS UNIT...: one block per unit, as systemd answers for these (units it has no file for: not-found).
  writeFileSync(
    join(bin, 'systemctl'),
    `#!/bin/sh\necho systemctl >> ${calls}\nshift 3\necho "$*" > ${calls}.units\nsep=\nfor u; do printf "$sep"; sep='\\n'; case $u in containerd) printf 'LoadState=loaded\\nActiveState=active\\nUnitFileState=enabled\\n';; haproxy) printf 'LoadState=loaded\\nActiveState=inactive\\nUnitFileState=disabled\\n';; *) printf 'LoadState=not-found\\nActiveState=inactive\\nUnitFileState=\\n';; esac; done\n`,
    { mode: 0o755 },
  );
  // systemd's unit search path of this "host": containerd's unit file, haproxy's in a second directory, no nosuch.
  const unitDirs = [tempDir('probe-units-'), tempDir('probe-units-')];
  writeFileSync(join(unitDirs[0]!, 'containerd.service'), '[Service]\n');
  writeFileSync(join(unitDirs[1]!, 'haproxy.service'), '[Service]\n');
  const admin = tempDir('probe-dpkg-');
  mkdirSync(join(admin, 'updates'));
  writeFileSync(join(admin, 'status'), [
    'Package: kubelet\nStatus: hold ok installed\nVersion: 1.32.3-1.1\n',
    'Package: containerd\nStatus: install ok installed\nVersion: 1.7.24-1\n',
    'Package: other\nStatus: install ok installed\nVersion: 1\n',
  ].join('\n'));
  const items = [
    { kind: 'package' as const, name: 'containerd' },
    { kind: 'service' as const, name: 'containerd' },
    { kind: 'package' as const, name: 'kubelet' },
    { kind: 'service' as const, name: 'nosuch' },
    { kind: 'package' as const, name: 'absent-pkg' },
    { kind: 'service' as const, name: 'haproxy' },
  ];
  const cases = [
    { name: 'dpkg status file read by awk', journal: false, expectedCalls: ['awk', 'systemctl'] },
    { name: 'dpkg-query, because an interrupted dpkg left a journal entry', journal: true, expectedCalls: ['dpkg-query', 'systemctl'] },
  ];
  it.each(cases)('reads every package with one process ($name) and every service with one systemctl show', ({ journal, expectedCalls }) => {
    rmSync(calls, { force: true });
    rmSync(join(admin, 'updates', '0001'), { force: true });
    if (journal) writeFileSync(join(admin, 'updates', '0001'), '');
    const probe = buildProbe({ marker: 'M4RK', skipBase: true, items, dpkgAdminDir: admin, unitPath: unitDirs });
    const out = execFileSync('sh', ['-c', probe.script], { encoding: 'utf8', env: { ...process.env, PATH: `${bin}:${process.env.PATH}` } });
    const { tables, complete } = parseProbe(out, probe);
    expect(complete).toBe(true);
    expect(Object.fromEntries(tables.packages!)).toEqual({
      containerd: { installed: true, version: '1.7.24-1', held: false },
      kubelet: { installed: true, version: '1.32.3-1.1', held: true },
      'absent-pkg': { installed: false, held: false },
    });
    expect(Object.fromEntries(tables.services!)).toEqual({
      containerd: { exists: true, active: true, enabled: true },
      nosuch: { exists: false, active: false, enabled: false },
      haproxy: { exists: true, active: false, enabled: false },
    });
    expect(readFileSync(calls, 'utf8').trim().split('\n')).toEqual(expectedCalls);
    // systemd is not asked about a unit no file defines.
    expect(readFileSync(`${calls}.units`, 'utf8').trim()).toBe('containerd haproxy');
  });

  it('asks systemctl nothing when no unit has a file; a template instance, an alias link, a mask and a drop-in count as files', () => {
    rmSync(calls, { force: true });
    const dir = tempDir('probe-units-');
    writeFileSync(join(dir, 'getty@.service'), '[Service]\n');
    symlinkSync('/dev/null', join(dir, 'masked.service'));
    symlinkSync('getty@.service', join(dir, 'alias.service'));
    mkdirSync(join(dir, 'dropin.service.d'));
    const none = buildProbe({ marker: 'M5', skipBase: true, items: [{ kind: 'service', name: 'nosuch' }, { kind: 'service', name: 'other' }], unitPath: [dir] });
    const out = execFileSync('sh', ['-c', none.script], { encoding: 'utf8', env: { ...process.env, PATH: `${bin}:${process.env.PATH}` } });
    expect(Object.fromEntries(parseProbe(out, none).tables.services!)).toEqual({ nosuch: { exists: false, active: false, enabled: false }, other: { exists: false, active: false, enabled: false } });
    expect(existsSync(calls)).toBe(false);
    const names = ['getty@tty1', 'masked', 'alias', 'dropin', 'nosuch'];
    const some = buildProbe({ marker: 'M6', skipBase: true, items: names.map((name) => ({ kind: 'service' as const, name })), unitPath: [dir] });
    execFileSync('sh', ['-c', some.script], { encoding: 'utf8', env: { ...process.env, PATH: `${bin}:${process.env.PATH}` } });
    expect(readFileSync(`${calls}.units`, 'utf8').trim()).toBe('getty@tty1 masked alias dropin');
  });
});

describe('file facts from the real probe', () => {
  it('reads content, its sha256, mode; empty files, directories, absent files, and files over the cap (hash only)', () => {
    const dir = tempDir('probe-files-');
    const text = `line one\n'quoted' $(not run) \`nor this\`\nü\n`;
    writeFileSync(join(dir, 'a file'), text, { mode: 0o640 });
    writeFileSync(join(dir, 'empty'), '');
    const big = Buffer.alloc(1024 * 1024 + 1, 'b');
    writeFileSync(join(dir, 'big'), big);
    const items = ['a file', 'empty', 'big', 'absent', '.'].map((n) => ({ kind: 'file' as const, path: join(dir, n) }));
    const probe = buildProbe({ marker: 'F1LE', skipBase: true, items });
    const { tables } = parseProbe(execFileSync('sh', ['-c', probe.script], { encoding: 'utf8', maxBuffer: 64 << 20 }), probe);
    const f = (n: string) => tables.files!.get(join(dir, n));
    const sha = (b: string | Buffer) => createHash('sha256').update(b).digest('hex');
    expect(f('a file')).toMatchObject({ exists: true, content: text, sha256: sha(text), mode: 0o640 });
    expect(f('empty')).toMatchObject({ exists: true, content: '', sha256: sha('') });
    expect(f('big')).toMatchObject({ exists: true, sha256: sha(big) });
    expect(f('big')!.content).toBeUndefined();
    expect(f('absent')).toEqual({ exists: false });
    expect(f('.')).toMatchObject({ exists: true });
    expect(f('.')!.content).toBeUndefined();
  });
});

describe('units in one systemctl call', () => {
  it('services and unit-conditions share one `systemctl show`; each gets its own blocks back', async () => {
    const { buildProbe: build } = await import('../../../src/facts/probe.js');
    const { unitConditions } = await import('../../../src/facts/kinds/unit-conditions.js');
    const args = { units: ['chrony', 'systemd-timesyncd'] };
    const probe = build({ items: [{ kind: 'service', name: 'containerd' }, { kind: 'fact', fact: 'unit-conditions', args }, { kind: 'service', name: 'nftables' }], marker: 'U1', skipBase: true });
    expect(probe.script.match(/systemctl /g)).toHaveLength(1);
    expect(probe.script).toContain('for P_n in containerd nftables chrony systemd-timesyncd;');
    expect(probe.script).toContain('systemctl show -p LoadState,ActiveState,UnitFileState,Id,ConditionResult,ConditionTimestampMonotonic $P_u');
    // No unit without a file (the first line), then what systemctl prints for the four units, in argument order.
    const block = (id: string, load: string, active: string, cond: string, ts: string) => `LoadState=${load}\nActiveState=${active}\nUnitFileState=enabled\nId=${id}.service\nConditionResult=${cond}\nConditionTimestampMonotonic=${ts}`;
    const out = ['', 'U1 services', '@absent', [block('containerd', 'loaded', 'active', 'yes', '5'), block('nftables', 'loaded', 'inactive', 'yes', '6'), block('chrony', 'not-found', 'inactive', 'no', '0'), block('systemd-timesyncd', 'loaded', 'inactive', 'no', '7')].join('\n\n'), 'U1 end', ''].join('\n');
    const facts = createFacts(parseProbe(out, probe).tables);
    expect(facts.service('containerd')).toEqual({ exists: true, active: true, enabled: true });
    expect(facts.service('nftables')).toEqual({ exists: true, active: false, enabled: true });
    expect(facts.fact(unitConditions, args)).toEqual({ skipped: ['systemd-timesyncd'] });
  });

  it('a unit asked by a service and by unit-conditions is shown once; both read its block', async () => {
    const { buildProbe: build } = await import('../../../src/facts/probe.js');
    const { unitConditions } = await import('../../../src/facts/kinds/unit-conditions.js');
    const args = { units: ['chrony', 'systemd-timesyncd', 'containerd'] };
    const items = [{ kind: 'service' as const, name: 'systemd-timesyncd' }, { kind: 'fact' as const, fact: 'unit-conditions', args }, { kind: 'service' as const, name: 'containerd' }];
    const probe = build({ items, marker: 'U2', skipBase: true });
    expect(probe.script).toContain('for P_n in systemd-timesyncd containerd chrony;');
    const block = (id: string, load: string, active: string, cond: string, ts: string) => `LoadState=${load}\nActiveState=${active}\nUnitFileState=enabled\nId=${id}.service\nConditionResult=${cond}\nConditionTimestampMonotonic=${ts}`;
    // chrony has no unit file: listed absent, not shown.
    const out = ['', 'U2 services', '@absent chrony', [block('systemd-timesyncd', 'loaded', 'inactive', 'no', '7'), block('containerd', 'loaded', 'active', 'no', '9')].join('\n\n'), 'U2 end', ''].join('\n');
    const facts = createFacts(parseProbe(out, probe).tables);
    expect(facts.service('systemd-timesyncd')).toEqual({ exists: true, active: false, enabled: true });
    expect(facts.service('containerd')).toEqual({ exists: true, active: true, enabled: true });
    expect(facts.fact(unitConditions, args)).toEqual({ skipped: ['systemd-timesyncd', 'containerd'] });
  });
});
