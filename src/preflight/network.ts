// Rules on each host's network against the plan: the node address, its subnet, default route, MAC, and who answers ARP.
import { cidrSpan, inSpan, intToIp, ipToInt, parseCidr } from '../inventory/ipv4.js';
import { interfaceWith, ownerOfMac, type PreflightContext, type PreflightRule } from './context.js';

/** The node address is on an interface of the host, on the plan's node subnet, with the plan's MAC. */
export const checkAddress: PreflightRule = (ctx) => {
  const plan = parseCidr(ctx.inv.network.nodes)!;
  for (const { host, facts } of ctx.probed) {
    const itf = interfaceWith(facts, host.address);
    if (!itf) {
      const seen = facts.interfaces.flatMap((i) => (i.name === 'lo' ? [] : i.addrs.map((a) => `${a.address}/${a.prefix} on ${i.name}`)));
      ctx.report('error', 'address-missing', host.name, `inventory address ${host.address} is on no interface of the host (it has ${seen.join(', ') || 'no IPv4 address'})`,
        'the node came up on another address (a DHCP reservation for another MAC?): fix the reservation or the inventory address');
      continue;
    }
    const mask = itf.prefix === 0 ? 0 : (0xffffffff << (32 - itf.prefix)) >>> 0;
    const onLink = `${intToIp((ipToInt(host.address) & mask) >>> 0)}/${itf.prefix}`;
    if (onLink !== plan.canonical) {
      const linkSpan = cidrSpan(onLink);
      const outside = ctx.inv.hosts.filter((h) => !inSpan(h.address, linkSpan)).map((h) => h.name);
      const level = outside.length > 0 ? 'error' : 'warning';
      const why = outside.length > 0 ? `: ${outside.join(', ')} would not be on-link from here` : '';
      ctx.report(level, 'subnet-mismatch', host.name, `${host.address} is configured as ${host.address}/${itf.prefix} on ${itf.name} (on-link ${onLink}), the plan's node subnet is ${plan.canonical}${why}`,
        `give ${itf.name} the prefix /${plan.prefix} (the host's network configuration), or fix network.nodes`);
    }
    if (host.mac && itf.mac && host.mac !== itf.mac) {
      ctx.report('error', 'mac-mismatch', host.name, `${itf.name} (${host.address}) has MAC ${itf.mac}, the inventory says ${host.mac}`,
        'the DHCP reservation or the inventory names another device: correct the inventory mac (or the reservation)');
    }
    const defs = facts.defaultRoutes;
    if (defs.length === 0) {
      ctx.report('warning', 'default-route', host.name, 'no IPv4 default route: kubeadm and the kubelet pick the node IP from the default route',
        `add a default route via ${ctx.inv.network.gateway} on ${itf.name}`);
    } else if (!defs.some((d) => d.dev === itf.name)) {
      ctx.report('warning', 'default-route', host.name, `the default route leaves by ${defs.map((d) => d.dev ?? '?').join(', ')}, not by ${itf.name} which holds ${host.address}: components that pick the default interface will use the wrong network`,
        `make ${itf.name} carry the default route (lower its metric), or take the other interface (Wi-Fi, VPN) off the default route`);
    }
  }
};

/** arping -D from the host itself: any reply means another device holds the node address. */
export const checkDuplicateAddress: PreflightRule = (ctx) => {
  for (const { host, facts } of ctx.probed) {
    const others = (facts.dad?.replies ?? []).map((mac) => ({ mac, owner: ownerOfMac(ctx, mac) }));
    // Another probed host that has the address configured, answering or not.
    const holders = ctx.probed.filter((p) => p.host.name !== host.name && interfaceWith(p.facts, host.address));
    const names = new Set<string>();
    const parts: string[] = [];
    for (const o of others) {
      parts.push(o.owner ? `${o.mac} (${o.owner.host.name})` : o.mac);
      if (o.owner) names.add(o.owner.host.name);
    }
    for (const h of holders) if (!names.has(h.host.name)) parts.push(`${h.host.name} has it configured`);
    if (parts.length > 0) {
      ctx.report('error', 'duplicate-address', host.name, `another device answers for ${host.address}: ${parts.join(', ')}`,
        'two devices share the address: find the device by its MAC (router DHCP leases) and move it, or pick another address');
    }
    if (!facts.arping && facts.dad === undefined) {
      ctx.report('info', 'arping-missing', host.name, `arping is not installed: duplicate address detection for ${host.address} was skipped`,
        'install iputils-arping on the node to let preflight ask the LAN who else holds its address');
    }
  }
};

/** The kube-vip VIP: nothing but a control plane of this cluster may answer ARP for it. */
export const checkVip: PreflightRule = (ctx) => {
  const api = ctx.inv.network.api;
  if (api.mode !== 'kube-vip') return;
  for (const { host, facts } of ctx.probed) {
    const foreign = (facts.vip?.macs ?? []).filter((mac) => ownerOfMac(ctx, mac)?.host.role !== 'control-plane');
    if (foreign.length === 0) continue;
    const who = foreign.map((mac) => {
      const o = ownerOfMac(ctx, mac);
      return o ? `${mac} (${o.host.name}, role ${o.host.role})` : mac;
    });
    ctx.report('error', 'vip-in-use', host.name, `the VIP ${api.address} is already answered by ${who.join(', ')} (seen by ${facts.vip!.method === 'arping' ? 'arping' : 'the neighbour table'} from ${host.name})`,
      'kube-vip would fight that device for the address: free it (a printer, a static lease?) or pick an unused VIP');
    return; // one finding per VIP: every node sees the same device
  }
};
