// Data cases for firewall: role ports, guarded nftables apply, persistence, ufw path, half-configured hosts.
import mod from '../../../../src/modules/cluster/firewall.js';
import { describe, expect, it } from 'vitest';
import { firewallRules, type PortRule } from '../../../../src/cluster/firewall-rules.js';
import { renderNftRuleset, rulesFingerprint } from '../../../../src/cluster/nft-ruleset.js';
import type { FileFact } from '../../../../src/core/types.js';
import { fakeInventory, hostOf } from '../../../support/fake-inventory.js';
import { loadRealInventory } from '../../../support/real-inventories.js';
import { nftTable } from '../../../../src/facts/kinds/nft-table.js';
import { ufwStatus } from '../../../../src/facts/kinds/ufw-status.js';
import { factOf } from '../../../support/fake-facts.js';
import { runModuleCases } from '../harness.js';

const inv = fakeInventory();
const cp = hostOf(inv, 'k8s-cp-01');
const cpRules = firewallRules({ inventory: inv, host: cp });
const CP_NFT = renderNftRuleset(cpRules);
/** `nft list table inet provision` of a loaded ruleset (the rendered table block, close to nft's own listing), with fingerprint `fp`. */
const live = (fp: string, ruleset = CP_NFT) => ruleset.slice(ruleset.lastIndexOf('table inet provision {\n')).replace(/provision:[0-9a-f]{16}/, `provision:${fp}`);
const secret = (content: string): FileFact => ({ exists: true, content, mode: 0o600, owner: 'root', group: 'root' });
const DEBIAN_CONF = '#!/usr/sbin/nft -f\n\nflush ruleset\n\ntable inet filter {\n}\n';
const WITH_INCLUDE = DEBIAN_CONF + '# BEGIN provision firewall\ninclude "/etc/provision/firewall.nft"\n# END provision firewall\n';
const installed = { packages: { nftables: '1.0.6-2' } };

const haproxy = fakeInventory({ hosts: [{ name: 'lb-01', address: '192.168.1.10', role: 'lb' }, ...fakeInventory().hosts] });
haproxy.network.api = { mode: 'haproxy', address: '192.168.1.10', port: 7443 };
const ssh2222 = fakeInventory({ ssh: { user: 'pi', port: 2222 } });
const UFW_EMPTY = 'Status: active\n';
const UFW_SSH = 'Status: active\n\nTo                         Action      From\n--                         ------      ----\n22/tcp                     ALLOW       Anywhere\n';

runModuleCases(mod, [
  {
    name: 'bare control plane: candidate validated with nft -c, guarded apply, then the include',
    inventory: inv,
    params: {},
    facts: { ...installed, files: { '/etc/nftables.conf': DEBIAN_CONF } },
    expect: {
      changes: [
        {
          action: 'create',
          summary: /policy drop, accept 22\/tcp, 5353\/udp, 546\/udp, 6443\/tcp, 2379-2380\/tcp from 192\.168\.1\.51, 10250\/tcp, 10256\/tcp, 8472\/udp from 192\.168\.1\.0\/24, 7946\/tcp from 192\.168\.1\.0\/24, 7946\/udp from 192\.168\.1\.0\/24 \(guarded: the host rolls back after 60s/,
          steps: [
            { kind: 'write', path: '/etc/provision/firewall.candidate.nft', content: CP_NFT, mode: 0o600, validate: ['nft', '-c', '-f', '%s'] },
            { kind: 'guarded', apply: { argv: ['nft', '-f', '/etc/provision/firewall.candidate.nft'], sudo: true }, confirmTimeoutMs: 20000 },
          ],
          diff: { path: '/etc/provision/firewall.nft', before: '', after: CP_NFT },
        },
        { action: 'update', steps: [{ kind: 'write', path: '/etc/nftables.conf', content: WITH_INCLUDE }] },
      ],
    },
  },
  {
    name: 'converged: live table carries the fingerprint, file and include in place, service enabled',
    inventory: inv,
    params: {},
    facts: { ...installed, services: { nftables: 'inactive+enabled' }, facts: { [factOf(nftTable, { family: 'inet', table: 'provision' })]: live(rulesFingerprint(cpRules)) }, files: { '/etc/provision/firewall.nft': secret(CP_NFT), '/etc/nftables.conf': WITH_INCLUDE } },
    expect: { action: 'noop', summary: /^nftables inet provision: policy drop, accept 22\/tcp.*; \/etc\/nftables\.conf includes .* up to date; nftables\.service enabled/ },
  },
  {
    name: 'live rules right but the boot file was edited: only the file is rewritten (validated)',
    inventory: inv,
    params: {},
    facts: { ...installed, services: { nftables: 'inactive+enabled' }, facts: { [factOf(nftTable, { family: 'inet', table: 'provision' })]: live(rulesFingerprint(cpRules)) }, files: { '/etc/provision/firewall.nft': secret(CP_NFT + '# local edit\n'), '/etc/nftables.conf': WITH_INCLUDE } },
    expect: { action: 'update', steps: [{ kind: 'write', path: '/etc/provision/firewall.nft', content: CP_NFT, validate: ['nft', '-c', '-f', '%s'] }] },
  },
  {
    name: 'after a reboot that did not restore the table (table gone): guarded apply again',
    inventory: inv,
    params: {},
    facts: { ...installed, services: { nftables: 'inactive+enabled' }, files: { '/etc/provision/firewall.nft': secret(CP_NFT), '/etc/nftables.conf': WITH_INCLUDE } },
    expect: { action: 'create', steps: [{ kind: 'write' }, { kind: 'guarded' }], converges: false },
  },
  {
    name: 'stale table from an older inventory: update through the guard',
    inventory: inv,
    params: {},
    facts: { ...installed, facts: { [factOf(nftTable, { family: 'inet', table: 'provision' })]: live('0123456789abcdef') }, files: { '/etc/nftables.conf': WITH_INCLUDE } },
    expect: { action: 'update', steps: [{ kind: 'write' }, { kind: 'guarded' }], converges: false },
  },
  {
    name: 'a rule deleted by hand (the fingerprint comment still right): update through the guard',
    inventory: inv,
    params: {},
    facts: { ...installed, services: { nftables: 'inactive+enabled' }, facts: { [factOf(nftTable, { family: 'inet', table: 'provision' })]: live(rulesFingerprint(cpRules)).replace(/^.*dport 6443 accept.*\n/m, '') }, files: { '/etc/provision/firewall.nft': secret(CP_NFT), '/etc/nftables.conf': WITH_INCLUDE } },
    expect: { action: 'update', steps: [{ kind: 'write' }, { kind: 'guarded' }], converges: false },
  },
  {
    name: 'nftables not installed and no nftables.conf: install first, create the conf with a shebang',
    inventory: inv,
    params: { rollbackAfterSeconds: 90, confirmTimeoutSeconds: 30 },
    expect: {
      changes: [
        { action: 'create', summary: /rolls back after 90s/, steps: [{ kind: 'exec', command: { argv: ['apt-get', 'install', '-y', '--no-install-recommends', 'nftables'], env: { DEBIAN_FRONTEND: 'noninteractive' } } }, { kind: 'write' }, { kind: 'guarded', confirmTimeoutMs: 30000 }] },
        { action: 'create', steps: [{ kind: 'write', path: '/etc/nftables.conf', content: '#!/usr/sbin/nft -f\n# BEGIN provision firewall\ninclude "/etc/provision/firewall.nft"\n# END provision firewall\n' }] },
      ],
    },
  },
  {
    name: 'converged but nftables.service disabled: enable only (never restart)',
    inventory: inv,
    params: {},
    facts: { ...installed, services: { nftables: 'inactive' }, facts: { [factOf(nftTable, { family: 'inet', table: 'provision' })]: live(rulesFingerprint(cpRules)) }, files: { '/etc/provision/firewall.nft': secret(CP_NFT), '/etc/nftables.conf': WITH_INCLUDE } },
    expect: { action: 'update', summary: 'enable nftables.service (loads the ruleset at boot)', steps: [{ kind: 'exec', command: { argv: ['systemctl', 'enable', 'nftables'] } }] },
  },
  {
    name: 'worker: kubelet and NodePorts',
    inventory: inv,
    host: 'k8s-worker-01',
    params: {},
    facts: { ...installed, files: { '/etc/nftables.conf': WITH_INCLUDE } },
    expect: { action: 'create', summary: /accept 22\/tcp, 5353\/udp, 546\/udp, 10250\/tcp, 10256\/tcp, 30000-32767\/tcp, 8472\/udp from/, converges: false },
  },
  {
    name: 'haproxy lb: the API port; stats stay on loopback; no CNI ports',
    inventory: haproxy,
    host: 'lb-01',
    params: {},
    facts: { ...installed, files: { '/etc/nftables.conf': WITH_INCLUDE } },
    expect: { action: 'create', summary: /accept 22\/tcp, 5353\/udp, 546\/udp, 7443\/tcp \(guarded/, converges: false },
  },
  {
    name: 'the inventory SSH port is the one kept open, first',
    inventory: ssh2222,
    params: {},
    facts: { ...installed, files: { '/etc/nftables.conf': WITH_INCLUDE } },
    expect: { action: 'create', summary: /accept 2222\/tcp, 5353\/udp, 546\/udp, 6443\/tcp/, converges: false },
  },
  {
    name: 'ufw active: missing rules through ufw, SSH first',
    inventory: inv,
    params: {},
    facts: { facts: { [factOf(ufwStatus)]: UFW_EMPTY } },
    expect: {
      action: 'update',
      steps: [
        { command: { argv: ['ufw', 'allow', '22/tcp', 'comment', 'provision: ssh'] } },
        { command: { argv: ['ufw', 'allow', '5353/udp', 'comment', 'provision: mdns'] } },
        { command: { argv: ['ufw', 'allow', '546/udp', 'comment', 'provision: dhcpv6 client'] } },
        { command: { argv: ['ufw', 'allow', '6443/tcp', 'comment', 'provision: kube-apiserver'] } },
        { command: { argv: ['ufw', 'allow', 'proto', 'tcp', 'from', '192.168.1.51', 'to', 'any', 'port', '2379:2380', 'comment', 'provision: etcd client and peer'] } },
        { command: { argv: ['ufw', 'allow', '10250/tcp', 'comment', 'provision: kubelet API'] } },
        { command: { argv: ['ufw', 'allow', '10256/tcp', 'comment', 'provision: kube-proxy health'] } },
        { command: { argv: ['ufw', 'allow', 'proto', 'udp', 'from', '192.168.1.0/24', 'to', 'any', 'port', '8472', 'comment', 'provision: flannel vxlan'] } },
        { command: { argv: ['ufw', 'allow', 'proto', 'tcp', 'from', '192.168.1.0/24', 'to', 'any', 'port', '7946', 'comment', 'provision: metallb speaker memberlist'] } },
        { command: { argv: ['ufw', 'allow', 'proto', 'udp', 'from', '192.168.1.0/24', 'to', 'any', 'port', '7946', 'comment', 'provision: metallb speaker memberlist'] } },
      ],
    },
  },
  {
    name: 'ufw active with an old provision table and include: table deleted, include removed',
    inventory: inv,
    host: 'k8s-worker-01',
    params: {},
    facts: { facts: { [factOf(ufwStatus)]: UFW_SSH, [factOf(nftTable, { family: 'inet', table: 'provision' })]: live('0123456789abcdef') }, files: { '/etc/nftables.conf': WITH_INCLUDE } },
    expect: {
      changes: [
        { action: 'update', steps: [{}, {}, { command: { argv: ['ufw', 'allow', '10250/tcp', 'comment', 'provision: kubelet API'] } }, {}, {}, {}, {}, {}] },
        { action: 'delete', steps: [{ command: { argv: ['nft', 'delete', 'table', 'inet', 'provision'] } }] },
        { action: 'update', steps: [{ kind: 'write', path: '/etc/nftables.conf', content: DEBIAN_CONF }] },
      ],
    },
  },
  {
    name: 'backend ufw forced while ufw is inactive: a clear error',
    params: { backend: 'ufw' },
    facts: { facts: { [factOf(ufwStatus)]: 'Status: inactive\n' } },
    expect: { error: /ufw is not active/ },
  },
  { name: 'confirm window must be shorter than the rollback', params: { rollbackAfterSeconds: 10, confirmTimeoutSeconds: 10 }, expect: { error: /shorter than rollbackAfterSeconds/ } },
  { name: 'extra ports must be ports', params: { extraTcp: ['80; reboot'] }, expect: { error: /port or a range/ } },
]);

// The defects of issue 15, each as a rule the old list got wrong.
const goldentoothInv = await loadRealInventory('goldentooth');
describe('firewall rules: who may reach what', () => {
  const goldentooth = goldentoothInv;
  const rulesOf = (name: string, i = goldentooth) => firewallRules({ inventory: i, host: hostOf(i, name) });
  const find = (rules: PortRule[], port: string, proto = 'tcp') => rules.find((r) => r.proto === proto && r.ports.includes(port));

  it('kube-proxy health 10256 is open on every node', () => {
    for (const n of ['bettley', 'erenford']) expect(find(rulesOf(n), '10256')).toBeDefined();
  });
  it('etcd only from the control planes; 10257/10259 not at all (kubeadm binds them to 127.0.0.1, lo is accepted)', () => {
    const cp = rulesOf('bettley');
    expect(find(cp, '2379-2380')?.from).toEqual(['10.4.0.11', '10.4.0.12', '10.4.0.13']);
    expect(find(cp, '10257')).toBeUndefined();
    expect(find(cp, '10259')).toBeUndefined();
    expect(renderNftRuleset(cp)).toContain('ip saddr { 10.4.0.11, 10.4.0.12, 10.4.0.13 } tcp dport 2379-2380 accept');
  });
  it('HAProxy stats (8404) are not opened; the inventory\'s metrics port and extra ports are', () => {
    const lb = rulesOf('allyrion');
    expect(find(lb, '8404')).toBeUndefined();
    expect(find(lb, '8405')).toMatchObject({ why: 'haproxy prometheus metrics' });
    expect(find(lb, '2049')).toMatchObject({ from: ['10.4.0.0/20'], why: 'extra (inventory)' });
  });
  it('inbound mDNS and DHCPv6 replies are accepted on every host', () => {
    for (const n of ['allyrion', 'bettley', 'velaryon']) {
      expect(find(rulesOf(n), '5353', 'udp')).toBeDefined();
      expect(find(rulesOf(n), '546', 'udp')).toBeDefined();
    }
  });
  it('CNI traffic follows the CNI: calico BGP/IPIP/VXLAN, flannel VXLAN, nothing for none', () => {
    // goldentooth peers over BGP, so its pool is unencapsulated: BGP between nodes, no IP-in-IP, no VXLAN.
    const calico = rulesOf('erenford');
    expect(find(calico, '179')?.from).toEqual(['10.4.0.0/20']);
    expect(calico.some((r) => r.proto === 'ipip')).toBe(false);
    expect(find(calico, '4789', 'udp')).toBeUndefined();
    expect(find(calico, '5473')).toBeDefined();
    expect(find(calico, '8472', 'udp')).toBeUndefined();
    const node = goldentooth.hosts.find((h) => h.name === 'erenford')!;
    const withEnc = (encapsulation: 'IPIP' | 'VXLANCrossSubnet', bgp: boolean) => firewallRules({
      inventory: { ...goldentooth, network: { ...goldentooth.network, calico: { encapsulation }, ...(bgp ? {} : { bgp: undefined }) } }, host: node,
    });
    const ipip = withEnc('IPIP', false); // IP-in-IP needs BIRD's routes even without a router
    expect(ipip.some((r) => r.proto === 'ipip')).toBe(true);
    expect(find(ipip, '179')).toBeDefined();
    expect(find(ipip, '4789', 'udp')).toBeUndefined();
    const vxlan = withEnc('VXLANCrossSubnet', false); // Calico's default without BGP: no BIRD at all
    expect(find(vxlan, '4789', 'udp')).toBeDefined();
    expect(find(vxlan, '179')).toBeUndefined();
    expect(vxlan.some((r) => r.proto === 'ipip')).toBe(false);
    const flannel = firewallRules({ inventory: inv, host: cp });
    expect(find(flannel, '8472', 'udp')).toBeDefined();
    expect(find(flannel, '179')).toBeUndefined();
    const none = { ...inv, network: { ...inv.network, cni: 'none' as const } };
    expect(firewallRules({ inventory: none, host: cp }).some((r) => ['8472', '179', '4789'].some((p) => r.ports.includes(p)))).toBe(false);
  });
  it('SSH stays the first rule whatever the inventory adds', () => {
    const withExtra = { ...goldentooth, ssh: { ...goldentooth.ssh, port: 2222 } };
    for (const n of ['allyrion', 'bettley', 'erenford']) expect(rulesOf(n, withExtra)[0]).toMatchObject({ proto: 'tcp', ports: ['2222'], why: 'ssh' });
  });
});
