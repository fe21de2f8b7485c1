// Probe parsing from recorded outputs (test/fixtures/facts/*.txt): each case names the items and the facts expected.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { ProbeItem } from '../../../src/core/types.js';
import { createFacts } from '../../../src/facts/facts.js';
import { parseProbe } from '../../../src/facts/parse-probe.js';
import { buildProbe } from '../../../src/facts/probe.js';

const MARKER = '@@provision-0123456789abcdef@@';

interface Case {
  fixture: string;
  items: ProbeItem[];
  expect: (f: ReturnType<typeof createFacts>, complete: boolean) => void;
}

const cases: Case[] = [
  {
    fixture: 'debian-vm',
    items: [
      { kind: 'file', path: '/etc/hostname' },
      { kind: 'file', path: '/etc/nope' },
      { kind: 'file', path: '/etc/ssh' },
      { kind: 'file', path: '/etc/hosts' },
      { kind: 'package', name: 'bash' },
      { kind: 'package', name: 'no-such-pkg' },
      { kind: 'service', name: 'ssh' },
      { kind: 'command', key: 'k', script: `echo hi; echo "it's"; exit 3` },
      { kind: 'command', key: 'n', script: 'printf abc' },
    ],
    expect: (f, complete) => {
      expect(complete).toBe(true);
      expect(f.base).toMatchObject({
        hostname: 'vm', bootId: 'c2ee37cf-3b81-466f-bd44-2ee3a7c66ca1', arch: 'amd64', kernel: '6.18.44-fc-v769',
        os: { id: 'debian', versionId: '12', prettyName: 'Debian GNU/Linux 12 (bookworm)' },
        initSystem: 'other', networkStack: 'unknown', board: 'generic', primaryInterface: 'eth0',
      });
      // route get answered via lo (the address is local): fall back to the default route's device.
      expect(f.base.primaryAddress).toBeUndefined();
      expect(f.base.routes).toEqual([
        { dst: 'default', gateway: '192.0.2.1', dev: 'eth0' },
        { dst: '192.0.2.0/24', dev: 'eth0', protocol: 'kernel' },
      ]);
      expect(f.file('/etc/hostname')).toEqual({ exists: true, content: 'vm\n', sha256: '427f93cafd9cc19be6eec03e590c9c6cdf9f688a5eaf21fa8d72351e2b15fd05', mode: 0o755, owner: 'root', group: 'root' });
      expect(f.file('/etc/nope')).toEqual({ exists: false });
      expect(f.file('/etc/ssh')).toEqual({ exists: true, mode: 0o755, owner: 'root', group: 'root' });
      expect(f.file('/etc/hosts').content).toBe('127.0.0.1 localhost\n127.0.0.1 runsc\n127.0.0.1 vm\n');
      expect(f.package('bash')).toEqual({ installed: true, version: '5.2.15-2+b8', held: false });
      expect(f.package('no-such-pkg')).toEqual({ installed: false, held: false });
      expect(f.service('ssh')).toEqual({ exists: false, active: false, enabled: false });
      expect(f.command('k')).toEqual({ code: 3, stdout: "hi\nit's\n" });
      expect(f.command('n')).toEqual({ code: 0, stdout: 'abc' });
    },
  },
  {
    fixture: 'rpi-networkmanager',
    items: [
      { kind: 'file', path: '/etc/empty' },
      { kind: 'file', path: '/var/big' },
      { kind: 'package', name: 'kubelet' },
      { kind: 'package', name: 'gone' },
      { kind: 'service', name: 'containerd' },
      { kind: 'service', name: 'missing' },
      { kind: 'service', name: 'static-one' },
      { kind: 'command', key: 'empty', script: 'false' },
    ],
    expect: (f) => {
      expect(f.base).toMatchObject({
        hostname: 'k8s-cp-01', arch: 'arm64', board: 'raspberry-pi', initSystem: 'systemd',
        networkStack: 'networkmanager', primaryInterface: 'eth0', primaryAddress: '192.168.1.51',
      });
      expect(f.file('/etc/empty')).toMatchObject({ exists: true, content: '', mode: 0o644 });
      expect(f.file('/var/big')).toEqual({ exists: true, mode: 0o600, owner: 'root', group: 'root', sha256: '5d5b09f6dcb2d53a5fffc60c4ac0d55fabdc2a2e0ab3ad7e1b0e8b0b2c5d1e2f' });
      expect(f.package('kubelet')).toEqual({ installed: true, version: '1.32.1-1.1', held: true });
      expect(f.package('gone')).toEqual({ installed: false, held: false });
      expect(f.service('containerd')).toEqual({ exists: true, active: true, enabled: true });
      expect(f.service('missing')).toEqual({ exists: false, active: false, enabled: false });
      expect(f.service('static-one')).toEqual({ exists: true, active: false, enabled: true });
      expect(f.command('empty')).toEqual({ code: 1, stdout: '' });
    },
  },
  {
    fixture: 'ubuntu-netplan',
    items: [],
    expect: (f) => {
      expect(f.base).toMatchObject({ os: { id: 'ubuntu', versionId: '24.04' }, networkStack: 'netplan', primaryInterface: 'enp1s0', primaryAddress: '10.4.0.11' });
      expect(f.base.routes.map((r) => r.dst)).toEqual(['default', '10.4.0.0/20', '10.4.11.0/24']);
    },
  },
  {
    fixture: 'networkd-truncated',
    items: [{ kind: 'file', path: '/etc/x' }],
    expect: (f, complete) => {
      expect(complete).toBe(false);
      expect(f.base).toMatchObject({ networkStack: 'systemd-networkd', routes: [], arch: 'arm64', os: { id: 'unknown' } });
      expect(f.base.primaryInterface).toBeUndefined();
      expect(f.file('/etc/x')).toEqual({ exists: false });
    },
  },
];

describe('parseProbe on recorded outputs', () => {
  it.each(cases)('$fixture', ({ fixture, items, expect: check }) => {
    const stdout = readFileSync(new URL(`../../fixtures/facts/${fixture}.txt`, import.meta.url), 'utf8');
    const probe = buildProbe({ items, marker: MARKER });
    const parsed = parseProbe(stdout, probe);
    check(createFacts(parsed.tables), parsed.complete);
  });
});

describe('the architecture', () => {
  it("is dpkg's from the packages batch when the probe read packages, else base's own line", () => {
    const probe = buildProbe({ items: [{ kind: 'package', name: 'curl' }], marker: MARKER });
    expect(probe.script).not.toContain('s base.arch');
    const out = (pkgs: string) => `\n${MARKER} base.arch\naarch64\n\n${MARKER} packages\n${pkgs}\n${MARKER} end\n`;
    // Raspberry Pi OS: a 32-bit userland on a 64-bit kernel: dpkg's armhf, not the kernel's aarch64.
    expect(createFacts(parseProbe(out('curl\tii \t8.0\n@arch\tarmhf\n'), probe).tables).base.arch).toBe('armhf');
    expect(createFacts(parseProbe(out('curl\tii \t8.0\n'), probe).tables).base.arch).toBe('arm64'); // no line: base's
    expect(buildProbe({ items: [{ kind: 'file', path: '/x' }], marker: MARKER }).script).toContain('s base.arch; dpkg --print-architecture');
  });
});
