// Address plan collisions: node LAN, pods, services and MetalLB pool must not overlap; DHCP must stay clear.
import type { YamlPath } from '../../yaml/index.js';
import { cidrSpan, inSpan, rangeSpan, showRange, spansOverlap, type Span } from '../ipv4.js';
import type { LintCheck, LintContext } from './context.js';

interface Block {
  label: string;
  span: Span;
  path: YamlPath;
  kind: 'nodes' | 'pods' | 'services' | 'pool';
}

function blocksOf(ctx: LintContext): Block[] {
  const n = ctx.inv.network;
  const blocks: Block[] = [
    { label: `network.nodes ${n.nodes}`, span: cidrSpan(n.nodes), path: ['network', 'nodes'], kind: 'nodes' },
    { label: `network.pods ${n.pods}`, span: cidrSpan(n.pods), path: ['network', 'pods'], kind: 'pods' },
    { label: `network.services ${n.services}`, span: cidrSpan(n.services), path: ['network', 'services'], kind: 'services' },
  ];
  (n.metallb?.pool ?? []).forEach((r, i) => blocks.push({ label: `MetalLB pool ${showRange(r)}`, span: rangeSpan(r), path: ctx.poolPath(i), kind: 'pool' }));
  return blocks;
}

/** Any two of nodes, pods, services and the pool overlap (a pool inside the node LAN is fine). */
export const checkOverlap: LintCheck = (ctx) => {
  const blocks = blocksOf(ctx);
  for (let i = 0; i < blocks.length; i++) {
    for (let j = i + 1; j < blocks.length; j++) {
      const a = blocks[i]!;
      const b = blocks[j]!;
      if (a.kind === 'nodes' && b.kind === 'pool') continue;
      if (!spansOverlap(a.span, b.span)) continue;
      ctx.report('error', 'overlap', `${b.label} overlaps ${a.label}`, b.path, 'pods, services, the node LAN and the MetalLB pool need separate address blocks');
    }
  }
  checkPoolAddresses(ctx);
};

/** Inside the node LAN, the pool must avoid every address already in use. */
function checkPoolAddresses(ctx: LintContext): void {
  const n = ctx.inv.network;
  const taken: { ip: string; what: string }[] = [
    ...ctx.inv.hosts.map((h) => ({ ip: h.address, what: `host ${h.name}` })),
    { ip: n.gateway, what: 'the gateway' },
    { ip: n.api.address, what: n.api.mode === 'kube-vip' ? 'the kube-vip VIP' : 'the API load balancer' },
    ...(n.bgp ? [{ ip: n.bgp.peer, what: 'the BGP peer' }] : []),
  ];
  (n.metallb?.pool ?? []).forEach((r, i) => {
    const span = rangeSpan(r);
    for (const t of taken.filter((x) => inSpan(x.ip, span))) {
      ctx.report('error', 'overlap', `MetalLB pool ${showRange(r)} contains ${t.what} (${t.ip})`, ctx.poolPath(i), 'MetalLB would hand that address to a Service: shrink or move the pool');
    }
  });
}

/** Hosts, the VIP and the MetalLB pool must sit outside the router's dynamic range. */
export const checkDhcp: LintCheck = (ctx) => {
  const n = ctx.inv.network;
  if (!n.dhcp) return;
  const dhcp = rangeSpan(n.dhcp);
  const range = showRange(n.dhcp);
  const hint = 'the router may lease that address to another device: move it out of the DHCP range or shrink the range';
  for (const h of ctx.inv.hosts) {
    if (inSpan(h.address, dhcp)) ctx.report('error', 'dhcp-conflict', `${h.name} address ${h.address} is inside the DHCP range ${range}`, ctx.hostPath(h, 'address'), 'a DHCP reservation for its MAC is not enough: keep static and reserved addresses outside the dynamic range');
  }
  if (n.api.mode === 'kube-vip' && inSpan(n.api.address, dhcp)) {
    ctx.report('error', 'dhcp-conflict', `kube-vip VIP ${n.api.address} is inside the DHCP range ${range}`, ['network', 'api', 'address'], hint);
  }
  (n.metallb?.pool ?? []).forEach((r, i) => {
    if (spansOverlap(rangeSpan(r), dhcp)) ctx.report('error', 'dhcp-conflict', `MetalLB pool ${showRange(r)} overlaps the DHCP range ${range}`, ctx.poolPath(i), hint);
  });
};
