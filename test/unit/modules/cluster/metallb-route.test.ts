// Data cases for metallb-route (one persist-then-live change, planPersistLive): each network stack, live route present/absent, routes inside the node LAN skipped.
import { expect } from 'vitest';
import mod, { linkArgs } from '../../../../src/modules/cluster/metallb-route.js';
import { ID0_NETPLAN } from './host-setup/netplan-cases.js';
import { primaryLink } from '../../../../src/facts/kinds/primary-link.js';
import { factOf } from '../../../support/fake-facts.js';
import type { BaseFacts, FileFact } from '../../../../src/core/types.js';
import { fakeInventory } from '../../../support/fake-inventory.js';
import { runModuleCases } from '../harness.js';

// flat-bgp style: the pool lives outside the node LAN, so it needs a route.
const inv = fakeInventory();
inv.network.metallb = { pool: [{ first: '192.168.6.0', last: '192.168.6.255' }] };
const LINK = factOf(primaryLink, linkArgs(inv.network.gateway));
const lan = { dst: '192.168.1.0/24', dev: 'eth0', protocol: 'kernel' };
const ours = { dst: '192.168.6.0/24', dev: 'eth0' };
const facts = (stack: BaseFacts['networkStack'], routes: BaseFacts['routes'], link = 'dev=eth0\n', files: Record<string, FileFact> = {}) => ({
  base: { networkStack: stack, routes },
  facts: { [LINK]: link },
  files,
});
const HOOK = '#!/bin/sh\n# Managed by provision (metallb-route): routes the MetalLB pool on the node LAN. Re-run provision instead of editing.\n[ "$IFACE" = "eth0" ] || exit 0\nip route replace 192.168.6.0/24 dev eth0 scope link\n';
const HOOK_FACT: FileFact = { exists: true, content: HOOK, mode: 0o755, owner: 'root', group: 'root' };
const liveStep = { kind: 'exec', command: { argv: ['ip', 'route', 'replace', '192.168.6.0/24', 'dev', 'eth0', 'scope', 'link'], sudo: true } };

// goldentooth: route 10.4.11.0/24 inside 10.4.0.0/20.
const golden = fakeInventory();
golden.network.nodes = '10.4.0.0/20';
golden.network.gateway = '10.4.0.1';
golden.network.metallb = { pool: [{ first: '10.4.11.0', last: '10.4.15.254' }], route: ['10.4.11.0/24'] };
const GLINK = factOf(primaryLink, linkArgs('10.4.0.1'));

runModuleCases(mod, [
  {
    name: 'ifupdown, bare host: live route + if-up.d hook (0755)',
    inventory: inv,
    params: {},
    facts: facts('ifupdown', [lan]),
    expect: {
      // One change (planPersistLive): the hook first, then the live route.
      action: 'create',
      summary: /^MetalLB route 192\.168\.6\.0\/24 dev eth0: create ifupdown hook .*; live: add route 192\.168\.6\.0\/24 dev eth0$/,
      steps: [{ kind: 'write', path: '/etc/network/if-up.d/provision-metallb-routes', content: HOOK, mode: 0o755 }, liveStep],
    },
  },
  {
    name: 'ifupdown, converged: noop',
    inventory: inv,
    params: {},
    facts: facts('ifupdown', [lan, ours], 'dev=eth0\n', { '/etc/network/if-up.d/provision-metallb-routes': HOOK_FACT }),
    expect: { action: 'noop', summary: /^MetalLB route 192\.168\.6\.0\/24 dev eth0 \(live: present; ifupdown hook .* up to date.*\)$/ },
  },
  {
    name: 'half-configured: persisted but not live (after a reboot without replay) → only the live route',
    inventory: inv,
    params: {},
    facts: facts('ifupdown', [lan], 'dev=eth0\n', { '/etc/network/if-up.d/provision-metallb-routes': HOOK_FACT }),
    expect: { action: 'create', summary: 'MetalLB route 192.168.6.0/24 dev eth0: live: add route 192.168.6.0/24 dev eth0', steps: [liveStep] },
  },
  {
    name: 'route on the wrong device is replaced',
    inventory: inv,
    params: {},
    facts: facts('ifupdown', [lan, { dst: '192.168.6.0/24', dev: 'wlan0' }], 'dev=eth0\n', { '/etc/network/if-up.d/provision-metallb-routes': HOOK_FACT }),
    expect: { action: 'create', steps: [liveStep] },
  },
  {
    name: 'netplan: 0600 drop-in, netplan generate, never netplan apply',
    inventory: inv,
    params: {},
    facts: facts('netplan', [lan, ours]),
    expect: {
      action: 'create',
      summary: /netplan drop-in \/etc\/netplan\/90-provision-metallb\.yaml/,
      steps: [
        { kind: 'write', path: '/etc/netplan/90-provision-metallb.yaml', mode: 0o600, content: '# Managed by provision (metallb-route): routes the MetalLB pool on the node LAN. Re-run provision instead of editing.\nnetwork:\n  version: 2\n  ethernets:\n    eth0:\n      routes:\n        - to: 192.168.6.0/24\n          scope: link\n' },
        { kind: 'exec', command: { argv: ['netplan', 'generate'] } },
      ],
    },
  },
  {
    name: 'netplan whose existing ID differs from the interface (id0 + match + set-name: eth0): the drop-in merges into id0',
    inventory: inv,
    params: {},
    facts: facts('netplan', [lan, ours], `dev=eth0\nmac=dc:a6:32:01:02:03\nnetplan-file<<EOF\n${ID0_NETPLAN}\nEOF\n`),
    expect: {
      action: 'create',
      summary: /into netplan ID id0, which defines eth0/,
      steps: [{ kind: 'write', path: '/etc/netplan/90-provision-metallb.yaml', content: expect.stringContaining('  ethernets:\n    id0:\n      routes:\n') }, { kind: 'exec' }],
    },
  },
  {
        name: 'systemd-networkd: drop-in next to the .network that manages eth0, no networkctl reload (it fails the link on networkd 252)',
    inventory: inv,
    params: {},
    facts: facts('systemd-networkd', [lan, ours], 'dev=eth0\nnetworkd-file=/etc/systemd/network/10-eth0.network\n'),
    expect: {
      action: 'create',
      steps: [
        { kind: 'write', path: '/etc/systemd/network/10-eth0.network.d/90-provision-metallb.conf', content: '# Managed by provision (metallb-route): routes the MetalLB pool on the node LAN. Re-run provision instead of editing.\n\n[Route]\nDestination=192.168.6.0/24\nScope=link\n' },
      ],
      // The drop-in is read back through the link probe (networkd's own answer), not as a file fact: the next case
      // is the converged plan.
      converges: false,
    },
  },
  {
    name: 'systemd-networkd converged (drop-in read through the link probe)',
    inventory: inv,
    params: {},
    facts: facts('systemd-networkd', [lan, ours], 'dev=eth0\nnetworkd-file=/etc/systemd/network/10-eth0.network\nnetworkd-dropin<<EOF\n# Managed by provision (metallb-route): routes the MetalLB pool on the node LAN. Re-run provision instead of editing.\n\n[Route]\nDestination=192.168.6.0/24\nScope=link\nEOF\n'),
    expect: { action: 'noop' },
  },
  {
    name: 'NetworkManager: +ipv4.routes on the active connection',
    inventory: inv,
    params: {},
    facts: facts('networkmanager', [lan], 'dev=eth0\nnm-connection=Wired connection 1\nnm-routes=\n'),
    expect: {
      action: 'update',
      summary: "MetalLB route 192.168.6.0/24 dev eth0: NetworkManager connection 'Wired connection 1': add ipv4.routes 192.168.6.0/24; live: add route 192.168.6.0/24 dev eth0",
      steps: [{ kind: 'exec', command: { argv: ['nmcli', 'connection', 'modify', 'Wired connection 1', '+ipv4.routes', '192.168.6.0/24'] } }, liveStep],
    },
  },
  {
    name: 'NetworkManager converged: the route is already in ipv4.routes',
    inventory: inv,
    params: {},
    facts: facts('networkmanager', [lan, ours], 'dev=eth0\nnm-connection=Wired connection 1\nnm-routes=192.168.6.0/24\n'),
    expect: { action: 'noop', summary: /connection 'Wired connection 1' has ipv4\.routes 192\.168\.6\.0\/24/ },
  },
  {
    name: 'NetworkManager without an active connection is an error with the fix',
    inventory: inv,
    params: {},
    facts: facts('networkmanager', [lan], 'dev=eth0\n'),
    expect: { error: /no connection is active on eth0/ },
  },
  {
    name: 'unknown stack: live route, and the summary says it is not persisted',
    inventory: inv,
    params: {},
    facts: facts('unknown', [lan]),
    expect: { action: 'create', summary: /^MetalLB route 192\.168\.6\.0\/24 dev eth0: live: add route 192\.168\.6\.0\/24 dev eth0 \(warning: network stack unknown, .*not persisted/, steps: [liveStep] },
  },
  {
    name: 'goldentooth: 10.4.11.0/24 is inside the node LAN and on-link: skipped with the reason',
    inventory: golden,
    params: {},
    facts: { base: { networkStack: 'ifupdown', primaryInterface: 'eth0', routes: [{ dst: '10.4.0.0/20', dev: 'eth0', protocol: 'kernel' }, { dst: 'default', dev: 'eth0', gateway: '10.4.0.1' }] }, facts: { [GLINK]: 'dev=eth0\n' } },
    expect: { action: 'noop', summary: 'no MetalLB route needed: skipped 10.4.11.0/24 is inside the node LAN 10.4.0.0/20, on-link via route 10.4.0.0/20 dev eth0' },
  },
  {
    name: 'goldentooth host with a narrower /24 netmask: the route is needed after all',
    inventory: golden,
    params: {},
    facts: { base: { networkStack: 'ifupdown', primaryInterface: 'eth0', routes: [{ dst: '10.4.0.0/24', dev: 'eth0', protocol: 'kernel' }] }, facts: { [GLINK]: 'dev=eth0\n' } },
    expect: { action: 'create', steps: [{ kind: 'write' }, { kind: 'exec', command: { argv: ['ip', 'route', 'replace', '10.4.11.0/24', 'dev', 'eth0', 'scope', 'link'] } }] },
  },
  {
    name: 'no MetalLB in the inventory: noop',
    inventory: fakeInventory({ network: { ...inv.network, metallb: undefined } }),
    params: {},
    expect: { action: 'noop', summary: 'no MetalLB pool in the inventory: no route needed' },
  },
  {
    name: 'explicit routes and interface override the inventory and facts',
    inventory: inv,
    params: { routes: ['10.77.0.0/16'], interface: 'enp1s0' },
    facts: facts('ifupdown', []),
    expect: { action: 'create', steps: [{ kind: 'write' }, { command: { argv: ['ip', 'route', 'replace', '10.77.0.0/16', 'dev', 'enp1s0', 'scope', 'link'] } }] },
  },
  { name: 'a CIDR with host bits is rejected', params: { routes: ['10.77.0.1/16'] }, expect: { error: /IPv4 network/ } },
  { name: 'an interface name with shell characters is rejected', params: { interface: 'eth0;reboot' }, expect: { error: /interface name/ } },
]);
