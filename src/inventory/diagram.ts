// Renders the network plan as a Mermaid flowchart (GitHub renders it in Markdown).
import { showRange } from './ipv4.js';
import type { Host, Inventory, Role } from './types.js';

/** Mermaid ids: letters, digits, underscore (host names are validated labels, so this is lossless enough). */
const id = (name: string) => `h_${name.replace(/-/g, '_')}`;
const GROUPS: { role: Role; title: string }[] = [
  { role: 'lb', title: 'load balancers' },
  { role: 'control-plane', title: 'control planes' },
  { role: 'worker', title: 'workers' },
];

function hostNode(h: Host): string {
  const details = [h.address, [h.arch, h.board].filter(Boolean).join(' ')].filter(Boolean).join('<br/>');
  return `      ${id(h.name)}["${h.name}<br/>${details}"]`;
}

export function renderMermaid(inv: Inventory): string {
  const n = inv.network;
  const lines = ['flowchart TB'];
  const dhcp = n.dhcp ? `<br/>DHCP ${showRange(n.dhcp)}` : '';
  lines.push(`  router(["router ${n.gateway}${n.bgp ? `<br/>AS ${n.bgp.routerAsn}` : ''}"])`);
  lines.push(`  subgraph lan["LAN ${n.nodes}${dhcp}"]`);
  const apiLabel = n.api.mode === 'kube-vip' ? `kube-vip VIP ${n.api.address}:${n.api.port}` : `API ${n.api.address}:${n.api.port} (HAProxy)`;
  lines.push(`    api{{"${apiLabel}<br/>${n.api.name ?? ''}"}}`);
  for (const g of GROUPS) {
    const members = inv.hosts.filter((h) => h.role === g.role);
    if (members.length === 0) continue;
    lines.push(`    subgraph ${g.role.replace('-', '_')}["${g.title}"]`, ...members.map(hostNode), '    end');
  }
  lines.push('  end');
  lines.push(`  pods[/"pods ${n.pods}<br/>${n.cni}"/]`, `  services[/"services ${n.services}"/]`);
  if (n.metallb) {
    const routed = n.metallb.route ? `<br/>routed ${n.metallb.route.join(', ')}` : '';
    lines.push(`  metallb[/"MetalLB ${n.metallb.pool.map(showRange).join(', ')}${routed}"/]`);
  }
  lines.push('  router --- lan');
  const cps = inv.hosts.filter((h) => h.role === 'control-plane');
  const lbs = inv.hosts.filter((h) => h.role === 'lb');
  if (n.api.mode === 'haproxy') for (const lb of lbs.filter((h) => h.address === n.api.address)) lines.push(`  api --- ${id(lb.name)}`);
  for (const cp of cps) lines.push(`  api -->|${n.api.port}| ${id(cp.name)}`);
  lines.push('  lan -.- pods', '  lan -.- services');
  if (n.metallb) lines.push(`  metallb -.-${n.bgp ? '|BGP AS ' + n.bgp.clusterAsn + '|' : ''} router`);
  return `${lines.join('\n')}\n`;
}
