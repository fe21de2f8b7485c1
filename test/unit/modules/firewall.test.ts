// Data cases for firewall: role ports, guarded nftables apply, persistence, ufw path, half-configured hosts.
import mod from '../../../src/modules/firewall.js';
import { firewallRules } from '../../../src/modules/host-setup/firewall-rules.js';
import { renderNftRuleset, rulesFingerprint } from '../../../src/modules/host-setup/nft-ruleset.js';
import type { FileFact } from '../../../src/engine/types.js';
import { fakeInventory, hostOf } from '../../support/fake-inventory.js';
import { runModuleCases } from './harness.js';

const inv = fakeInventory();
const cp = hostOf(inv, 'k8s-cp-01');
const cpRules = firewallRules({ inventory: inv, host: cp });
const CP_NFT = renderNftRuleset(cpRules);
const live = (fp: string) => `table inet provision {\n\tcomment "provision:${fp}"\n\tchain input {\n\t}\n}\n`;
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
          summary: /policy drop, accept 22\/tcp, 6443\/tcp, 2379-2380\/tcp, 10250\/tcp, 10257\/tcp, 10259\/tcp, 8472\/udp from 192\.168\.1\.0\/24, 7946\/tcp from 192\.168\.1\.0\/24, 7946\/udp from 192\.168\.1\.0\/24 \(guarded: the host rolls back after 60s/,
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
    facts: { ...installed, services: { nftables: 'inactive+enabled' }, commands: { 'firewall:nft-list': live(rulesFingerprint(cpRules)) }, files: { '/etc/provision/firewall.nft': secret(CP_NFT), '/etc/nftables.conf': WITH_INCLUDE } },
    expect: { action: 'noop', summary: /^nftables inet provision: policy drop, accept 22\/tcp.*; \/etc\/nftables\.conf includes .* up to date; nftables\.service enabled/ },
  },
  {
    name: 'live rules right but the boot file was edited: only the file is rewritten (validated)',
    inventory: inv,
    params: {},
    facts: { ...installed, services: { nftables: 'inactive+enabled' }, commands: { 'firewall:nft-list': live(rulesFingerprint(cpRules)) }, files: { '/etc/provision/firewall.nft': secret(CP_NFT + '# local edit\n'), '/etc/nftables.conf': WITH_INCLUDE } },
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
    facts: { ...installed, commands: { 'firewall:nft-list': live('0123456789abcdef') }, files: { '/etc/nftables.conf': WITH_INCLUDE } },
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
    facts: { ...installed, services: { nftables: 'inactive' }, commands: { 'firewall:nft-list': live(rulesFingerprint(cpRules)) }, files: { '/etc/provision/firewall.nft': secret(CP_NFT), '/etc/nftables.conf': WITH_INCLUDE } },
    expect: { action: 'update', summary: 'enable nftables.service (loads the ruleset at boot)', steps: [{ kind: 'exec', command: { argv: ['systemctl', 'enable', 'nftables'] } }] },
  },
  {
    name: 'worker: kubelet and NodePorts',
    inventory: inv,
    host: 'k8s-worker-01',
    params: {},
    facts: { ...installed, files: { '/etc/nftables.conf': WITH_INCLUDE } },
    expect: { action: 'create', summary: /accept 22\/tcp, 10250\/tcp, 30000-32767\/tcp, 8472\/udp from/, converges: false },
  },
  {
    name: 'haproxy lb: the API port and the stats port, no CNI ports',
    inventory: haproxy,
    host: 'lb-01',
    params: {},
    facts: { ...installed, files: { '/etc/nftables.conf': WITH_INCLUDE } },
    expect: { action: 'create', summary: /accept 22\/tcp, 7443\/tcp, 8404\/tcp \(guarded/, converges: false },
  },
  {
    name: 'the inventory SSH port is the one kept open, first',
    inventory: ssh2222,
    params: {},
    facts: { ...installed, files: { '/etc/nftables.conf': WITH_INCLUDE } },
    expect: { action: 'create', summary: /accept 2222\/tcp, 6443\/tcp/, converges: false },
  },
  {
    name: 'ufw active: missing rules through ufw, SSH first',
    inventory: inv,
    params: {},
    facts: { commands: { 'firewall:ufw-status': UFW_EMPTY } },
    expect: {
      action: 'update',
      steps: [
        { command: { argv: ['ufw', 'allow', '22/tcp', 'comment', 'provision: ssh'] } },
        { command: { argv: ['ufw', 'allow', '6443/tcp', 'comment', 'provision: kube-apiserver'] } },
        { command: { argv: ['ufw', 'allow', '2379:2380/tcp', 'comment', 'provision: etcd client and peer'] } },
        { command: { argv: ['ufw', 'allow', '10250/tcp', 'comment', 'provision: kubelet API'] } },
        { command: { argv: ['ufw', 'allow', '10257/tcp', 'comment', 'provision: kube-controller-manager'] } },
        { command: { argv: ['ufw', 'allow', '10259/tcp', 'comment', 'provision: kube-scheduler'] } },
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
    facts: { commands: { 'firewall:ufw-status': UFW_SSH, 'firewall:nft-list': live('0123456789abcdef') }, files: { '/etc/nftables.conf': WITH_INCLUDE } },
    expect: {
      changes: [
        { action: 'update', steps: [{ command: { argv: ['ufw', 'allow', '10250/tcp', 'comment', 'provision: kubelet API'] } }, {}, {}, {}, {}] },
        { action: 'delete', steps: [{ command: { argv: ['nft', 'delete', 'table', 'inet', 'provision'] } }] },
        { action: 'update', steps: [{ kind: 'write', path: '/etc/nftables.conf', content: DEBIAN_CONF }] },
      ],
    },
  },
  {
    name: 'backend ufw forced while ufw is inactive: a clear error',
    params: { backend: 'ufw' },
    facts: { commands: { 'firewall:ufw-status': 'Status: inactive\n' } },
    expect: { error: /ufw is not active/ },
  },
  { name: 'confirm window must be shorter than the rollback', params: { rollbackAfterSeconds: 10, confirmTimeoutSeconds: 10 }, expect: { error: /shorter than rollbackAfterSeconds/ } },
  { name: 'extra ports must be ports', params: { extraTcp: ['80; reboot'] }, expect: { error: /port or a range/ } },
]);
