// BGP: private AS numbers only, a peer on the node LAN, and a note when router and cluster share an AS (iBGP).
import { inSpan } from '../ipv4.js';
import type { LintCheck } from './context.js';

/** RFC 6996 private ranges. */
const PRIVATE: [number, number][] = [[64512, 65534], [4200000000, 4294967294]];
/**
 * Reserved numbers. 0 (RFC 7607), AS_TRANS (RFC 6793) and the last ones (RFC 7300) cannot work on a session:
 * errors. Documentation (RFC 5398) and IANA-reserved numbers do peer between two routers that agree (goldentooth
 * runs on 64500/64501): a warning, so `up` is not blocked by a plan that works.
 */
const RESERVED: [number, number, string, 'error' | 'warning'][] = [
  [0, 0, 'reserved (RFC 7607)', 'error'],
  [23456, 23456, 'AS_TRANS (RFC 6793)', 'error'],
  [64496, 64511, 'in the documentation range 64496-64511 (RFC 5398)', 'warning'],
  [65535, 65535, 'reserved (RFC 7300)', 'error'],
  [65536, 65551, 'in the documentation range 65536-65551 (RFC 5398)', 'warning'],
  [65552, 131071, 'reserved (IANA)', 'warning'],
  [4294967295, 4294967295, 'reserved (RFC 7300)', 'error'],
];

const within = (n: number, [a, b]: readonly [number, number, ...unknown[]]) => n >= a && n <= b;

export const checkBgp: LintCheck = (ctx) => {
  const bgp = ctx.inv.network.bgp;
  if (!bgp) return;
  const hint = 'use a private AS number: 64512-65534 or 4200000000-4294967294 (RFC 6996)';
  for (const key of ['routerAsn', 'clusterAsn'] as const) {
    const n = bgp[key];
    if (PRIVATE.some((r) => within(n, r))) continue;
    const why = RESERVED.find((r) => within(n, r));
    if (why) ctx.report(why[3], 'asn-reserved', `AS ${n} is ${why[2]}`, ['network', 'bgp', key], hint);
    else ctx.report('warning', 'asn-reserved', `AS ${n} is a public AS number; use it only if it is assigned to you`, ['network', 'bgp', key], hint);
  }
  if (!inSpan(bgp.peer, ctx.lan)) {
    ctx.report('error', 'bgp-peer', `BGP peer ${bgp.peer} is not on the node LAN ${ctx.inv.network.nodes}`, ['network', 'bgp', 'peer'], 'peer with the router on the nodes\' LAN (usually the gateway)');
  } else if (ctx.inv.hosts.some((h) => h.address === bgp.peer)) {
    ctx.report('error', 'bgp-peer', `BGP peer ${bgp.peer} is a cluster host, not a router`, ['network', 'bgp', 'peer']);
  }
  if (bgp.routerAsn === bgp.clusterAsn) {
    ctx.report('warning', 'bgp-ibgp', `router and cluster share AS ${bgp.routerAsn} (iBGP)`, ['network', 'bgp', 'clusterAsn'],
      'legal, but iBGP routes are not re-advertised between peers: make the router a route reflector for the nodes (or use different AS numbers for eBGP)');
  }
  const { cni, metallb } = ctx.inv.network;
  if (bgp.announcer === 'calico' && cni !== 'calico') {
    ctx.report('error', 'bgp-announcer', `bgp.announcer is calico but network.cni is ${cni}: nothing would announce the MetalLB pool`, ['network', 'bgp', 'announcer'],
      'use announcer: metallb (MetalLB\'s speaker peers with the router), or cni: calico');
  }
  if (cni === 'calico' && metallb && bgp.announcer === 'metallb') {
    // The seeds' trap: calico-node (BIRD) and MetalLB's speaker both open a session from every node's address to
    // the same router; the router sees two peers with one address and keeps one (BGP collision), so either pod
    // routes or LoadBalancer routes flap. MetalLB's docs ("Issues with Calico") say the same.
    ctx.report('warning', 'bgp-double-peering', `Calico and MetalLB's speaker would both peer with ${bgp.peer} from every node`, ['network', 'bgp', 'announcer'],
      'set bgp.announcer: calico (Calico announces the pool as serviceLoadBalancerIPs; MetalLB\'s speaker is left out), or drop Calico\'s peering');
  }
  if (cni !== 'calico' && !metallb) {
    ctx.report('warning', 'bgp-peer', 'bgp is set but neither Calico nor MetalLB is configured to use it', ['network', 'bgp']);
  }
};
