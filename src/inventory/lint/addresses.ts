// Host, gateway and VIP addresses: unique, on the node LAN, not the network/broadcast/gateway address.
import { cidrSpan, inSpan, intToIp, ipToInt } from '../ipv4.js';
import type { LintCheck } from './context.js';

export const checkDuplicates: LintCheck = (ctx) => {
  const seenAddr = new Map<string, string>();
  const seenMac = new Map<string, string>();
  for (const h of ctx.inv.hosts) {
    const other = seenAddr.get(h.address);
    if (other) ctx.report('error', 'duplicate-address', `${h.name} has address ${h.address}, already used by ${other}`, ctx.hostPath(h, 'address'), 'give every host its own address');
    else seenAddr.set(h.address, h.name);
    if (!h.mac) continue;
    const macOwner = seenMac.get(h.mac);
    if (macOwner) ctx.report('error', 'duplicate-mac', `${h.name} has MAC ${h.mac}, already used by ${macOwner}`, ctx.hostPath(h, 'mac'), 'a copy-paste slip? every NIC has its own MAC');
    else seenMac.set(h.mac, h.name);
  }
};

export const checkSubnet: LintCheck = (ctx) => {
  const { network } = ctx.inv;
  const lan = network.nodes;
  const hint = `network.nodes is ${lan}; nodes must share one LAN (or fix network.nodes)`;
  for (const h of ctx.inv.hosts) {
    if (!inSpan(h.address, ctx.lan)) ctx.report('error', 'outside-subnet', `${h.name} address ${h.address} is not in ${lan}`, ctx.hostPath(h, 'address'), hint);
  }
  if (!inSpan(network.gateway, ctx.lan)) ctx.report('error', 'outside-subnet', `gateway ${network.gateway} is not in ${lan}`, ['network', 'gateway'], hint);
  if (network.api.mode === 'kube-vip' && !inSpan(network.api.address, ctx.lan)) {
    ctx.report('error', 'outside-subnet', `kube-vip VIP ${network.api.address} is not in ${lan}`, ['network', 'api', 'address'], 'kube-vip announces the VIP with ARP on the node LAN: pick a free address in it');
  }
  if (network.dhcp && !(inSpan(network.dhcp.first, ctx.lan) && inSpan(network.dhcp.last, ctx.lan))) {
    ctx.report('warning', 'outside-subnet', `DHCP range ${network.dhcp.first}-${network.dhcp.last} is not inside ${lan}`, ['network', 'dhcp'], "copy the router's DHCP range exactly");
  }
};

export const checkReserved: LintCheck = (ctx) => {
  const { network } = ctx.inv;
  const span = cidrSpan(network.nodes);
  const reserved = new Map<number, string>();
  if (span.last - span.first >= 3) {
    reserved.set(span.first, `the network address of ${network.nodes}`);
    reserved.set(span.last, `the broadcast address of ${network.nodes}`);
  }
  const gateway = ipToInt(network.gateway);
  const what = (ip: string) => reserved.get(ipToInt(ip));
  const gw = what(network.gateway);
  if (gw) ctx.report('error', 'reserved-address', `gateway ${network.gateway} is ${gw}`, ['network', 'gateway']);
  reserved.set(gateway, `the gateway (${intToIp(gateway)})`);
  for (const h of ctx.inv.hosts) {
    const r = what(h.address);
    if (r) ctx.report('error', 'reserved-address', `${h.name} address ${h.address} is ${r}`, ctx.hostPath(h, 'address'), 'pick a free host address on the LAN');
  }
  const vip = what(network.api.address);
  if (vip && network.api.mode === 'kube-vip') ctx.report('error', 'reserved-address', `kube-vip VIP ${network.api.address} is ${vip}`, ['network', 'api', 'address'], 'pick a free host address on the LAN');
};
