// Unit tests for the lab's pure parts: layout from an inventory, preflight decisions, apt index text, ssh config, dpkg scrub.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fakeInventory } from '../../support/fake-inventory.js';
import { generatedMac, hostOwnerUid, isLabNamespace, pickControllerAddress, planLab, validateLabName } from '../../../src/lab/plan.js';
import { assertDependencies, installCommand, missingPackages, platformProblem, REQUIRED_PACKAGES } from '../../../src/lab/preflight.js';
import { controlFile, debSpecs, kubePackageVersion, packagesStanza, releaseFile } from '../../../src/lab/apt-repo.js';
import { knownHostsLine, renderSshConfig } from '../../../src/lab/ssh-material.js';
import { freeUid, parseSshdOption, sshdConfig, withUser } from '../../../src/lab/host-root.js';
import type { Inventory } from '../../../src/inventory/types.js';

const inv: Inventory = fakeInventory();

describe('planLab', () => {
  const plan = planLab(inv);
  it('gives every host a namespace, a bridge port and its inventory address', () => {
    expect(plan.hosts.map((h) => h.name)).toEqual(inv.hosts.map((h) => h.name));
    for (const [i, h] of plan.hosts.entries()) {
      expect(h.ns).toBe(`pl-${plan.name}.${h.name}`);
      expect(h.port).toBe(`p${i}`);
      expect(h.port.length).toBeLessThanOrEqual(15);
      expect(h.cidr).toBe(`${inv.hosts[i]!.address}/${inv.network.nodes.split('/')[1]}`);
      expect(h.mac).toMatch(/^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/);
      if (inv.hosts[i]!.mac) expect(h.mac).toBe(inv.hosts[i]!.mac);
    }
  });
  it('keeps the infrastructure namespaces apart from any host name', () => {
    for (const ns of [plan.switchNs, plan.routerNs, plan.controllerNs]) {
      expect(isLabNamespace(plan.name, ns)).toBe(true);
      expect(plan.hosts.some((h) => h.ns === ns)).toBe(false);
    }
    expect(isLabNamespace(plan.name, `pl-${plan.name}x.a`)).toBe(false);
  });
});

describe.each([
  { nodes: '192.168.1.0/24', gateway: '192.168.1.1', hosts: ['192.168.1.51'], dhcp: { first: '192.168.1.100', last: '192.168.1.200' }, pool: [{ first: '192.168.1.240', last: '192.168.1.254' }], want: '192.168.1.239' },
  { nodes: '10.4.0.0/20', gateway: '10.4.0.1', hosts: ['10.4.0.11'], dhcp: undefined, pool: [{ first: '10.4.11.0', last: '10.4.15.254' }], want: '10.4.10.255' },
  { nodes: '192.168.2.0/24', gateway: '192.168.2.1', hosts: ['192.168.2.254'], dhcp: undefined, pool: [], want: '192.168.2.253' },
])('pickControllerAddress $nodes', ({ nodes, gateway, hosts, dhcp, pool, want }) => {
  it(`picks ${want}`, () => {
    const i = { ...inv, network: { ...inv.network, nodes, gateway, dhcp, metallb: { pool }, api: { ...inv.network.api, address: gateway } }, hosts: hosts.map((address, n) => ({ name: `h${n}`, address, role: 'worker' as const })) };
    expect(pickControllerAddress(i)).toBe(want);
  });
});

describe.each([
  ['homelab', true],
  ['a', true],
  ['Home', false],
  ['-x', false],
  ['a/b', false],
  ['x'.repeat(33), false],
])('validateLabName(%s)', (name, ok) => {
  it(ok ? 'accepts' : 'rejects', () => expect(validateLabName(name) === undefined).toBe(ok));
});

describe('hostOwnerUid', () => {
  it('gives each host of a lab a uid of its own, stable, above SSSD\'s ID mapping and systemd\'s container range, below its foreign range and 2^31', () => {
    const plan = planLab(inv);
    const uids = plan.hosts.map((h) => h.ownerUid);
    expect(new Set(uids).size).toBe(uids.length);
    for (const h of plan.hosts) expect(h.ownerUid).toBe(hostOwnerUid(h.ns));
    for (const u of uids) {
      expect(u).toBeGreaterThan(2_000_200_000); // SSSD's ldap_idmap_range_max
      expect(u).toBeGreaterThan(1_879_048_191); // systemd's container range
      expect(u).toBeLessThan(2_147_352_576); // systemd's foreign range
      expect(u).toBeLessThan(2 ** 31);
    }
    // Another lab's host of the same name gets another uid (labs up at once share no pool).
    expect(planLab(inv, { name: 'other' }).hosts[0]!.ownerUid).not.toBe(uids[0]);
  });
});

describe('generatedMac', () => {
  it('is stable, unicast and locally administered', () => {
    expect(generatedMac('a', 'b')).toBe(generatedMac('a', 'b'));
    expect(generatedMac('a', 'b')).not.toBe(generatedMac('a', 'c'));
    expect(generatedMac('a', 'b').startsWith('02:')).toBe(true);
  });
});

describe.each([
  { platform: 'darwin', uid: 0, want: /needs Linux/ },
  { platform: 'linux', uid: 1000, want: /needs root/ },
  { platform: 'linux', uid: 0, want: undefined },
])('platformProblem $platform uid=$uid', ({ platform, uid, want }) => {
  it('decides', () => {
    const p = platformProblem({ platform, uid });
    if (want) expect(p).toMatch(want);
    else expect(p).toBeUndefined();
  });
});

describe('missingPackages', () => {
  it('names the packages whose files are absent, and the apt-get line', () => {
    const missing = missingPackages((p) => !['/usr/sbin/haproxy', '/usr/sbin/nft'].includes(p));
    expect(missing).toEqual(['nftables', 'haproxy']);
    expect(installCommand(missing)).toBe('apt-get update && apt-get install -y nftables haproxy');
  });

  it('--install-deps runs apt-get update before apt-get install (a fresh machine has no package lists)', async () => {
    const installed = new Set<string>();
    const ran: string[][] = [];
    const exists = (p: string) => p !== '/usr/bin/openssl' || installed.has('openssl');
    await assertDependencies(true, {
      exists,
      exec: async (argv) => {
        ran.push(argv);
        if (argv[1] === 'install') argv.slice(2).forEach((a) => installed.add(a));
      },
    });
    expect(ran.map((a) => a.slice(0, 2).join(' '))).toEqual(['apt-get update', 'apt-get install']);
    expect(ran[1]).toContain('openssl');
  });

  it('is the README\'s requirement line, in the same order', () => {
    const readme = readFileSync(resolve(import.meta.dirname, '../../../README.md'), 'utf8').replace(/\n/g, ' ');
    const line = /the lab needs Linux, root and `([^`]+)`/.exec(readme)?.[1];
    expect(line).toBe(Object.keys(REQUIRED_PACKAGES).join(' '));
  });
});

describe('apt repository text', () => {
  it('builds kubeadm/kubelet/kubectl/containerd at the cluster version', () => {
    const specs = debSpecs({ kubernetes: '1.32', containerd: '2.0.4' });
    expect(specs.map((s) => `${s.name}=${s.version}`)).toEqual(['kubeadm=1.32.3-1.1', 'kubectl=1.32.3-1.1', 'kubelet=1.32.3-1.1', 'containerd=2.0.4-1']);
    expect(kubePackageVersion('1.31')).toBe('1.31.3-1.1');
    expect(specs.find((s) => s.name === 'kubelet')!.files['/lib/systemd/system/kubelet.service']!.content).toContain('ExecStart=/usr/bin/kubelet');
  });
  it('writes Packages stanzas and a Release with sizes and hashes', () => {
    const control = controlFile(debSpecs({ kubernetes: '1.32', containerd: '1.7.24' })[0]!, 'arm64');
    const deb = Buffer.from('not really a deb');
    const stanza = packagesStanza(control, './kubeadm_1.32.3-1.1_arm64.deb', deb);
    expect(stanza).toMatch(/^Package: kubeadm\nVersion: 1\.32\.3-1\.1\nArchitecture: arm64\n/);
    expect(stanza).toContain(`Size: ${deb.length}\n`);
    expect(stanza).toMatch(/SHA256: [0-9a-f]{64}\n$/);
    const rel = releaseFile({ Packages: Buffer.from(stanza) }, new Date('2025-01-02T03:04:05Z'));
    expect(rel).toContain('Date: Thu, 02 Jan 2025 03:04:05 UTC');
    expect(rel).toMatch(new RegExp(`SHA256:\\n [0-9a-f]{64} ${Buffer.byteLength(stanza)} Packages`));
  });
});

describe('ssh material', () => {
  it('pins each host by name and address, and points the config at the lab key and known_hosts', () => {
    expect(knownHostsLine('bettley', '10.4.0.11', 'ssh-ed25519 AAAAC3Nz root@bettley\n')).toBe('bettley,10.4.0.11 ssh-ed25519 AAAAC3Nz');
    const plan = planLab(inv);
    const cfg = renderSshConfig(plan, { dir: '/l/ssh', key: '/l/ssh/id_ed25519', knownHosts: '/l/ssh/known_hosts', config: '/l/ssh/ssh_config', home: '/l/home' });
    const h = plan.hosts[0]!;
    expect(cfg).toContain(`Host ${h.name} ${h.address}\n  HostName ${h.address}\n  User ${h.user}\n`);
    expect(cfg).toContain('UserKnownHostsFile /l/ssh/known_hosts');
    expect(cfg).toContain('StrictHostKeyChecking yes');
  });
});

describe('host files', () => {
  it('adds the login user once, with a free uid', () => {
    const passwd = 'root:x:0:0::/root:/bin/bash\nme:x:1000:1000::/home/me:/bin/bash\npi:x:1001:1001::/home/pi:/bin/sh\n';
    expect(freeUid(passwd, 'pi')).toBe(1001);
    expect(freeUid(passwd, 'ubuntu')).toBe(1002);
    const out = withUser({ passwd, group: 'root:x:0:\n', shadow: 'root:*:1::::::\npi:!:1::::::\n' }, { name: 'pi', uid: 1001, gid: 1001, hash: '*' });
    expect(out.passwd.match(/^pi:/gm)).toHaveLength(1);
    expect(out.passwd).toContain('pi:x:1001:1001:provision lab:/home/pi:/bin/bash');
    expect(out.shadow).toContain('pi:*:');
    expect(out.shadow).not.toContain('pi:!:');
  });
});

describe('lab up --sshd-option', () => {
  it.each([
    ['MaxSessions 1', 'MaxSessions 1'],
    ['maxstartups 2:100:2', 'MaxStartups 2:100:2'],
    ['  LoginGraceTime 5  ', 'LoginGraceTime 5'],
    ['PerSourcePenalties no', 'PerSourcePenalties no'],
  ])('%j → %j, before the defaults (sshd keeps the first value)', (text, line) => {
    expect(parseSshdOption(text)).toBe(line);
    const cfg = sshdConfig([line]);
    expect(cfg.indexOf(line)).toBeLessThan(cfg.indexOf('Port 22'));
  });
  it.each(['MaxSessions', 'Port 2222', 'MaxSessions 1\nPermitRootLogin yes', 'ForceCommand /bin/sh', 'MaxSessions 1; rm', 'Match all'])('%j is refused', (text) => {
    expect(() => parseSshdOption(text)).toThrow(/expected 'Keyword value'/);
  });
  it('adds nothing by default', () => expect(sshdConfig()).not.toContain('--sshd-option'));
});
