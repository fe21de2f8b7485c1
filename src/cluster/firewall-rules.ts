// Which traffic a host accepts, by role, CNI and inventory: the single list both the nftables and the ufw paths render.
import type { Host, Inventory } from '../inventory/types.js';
import { APISERVER_PORT } from './paths.js';
import { controlPlanes } from './cluster-shape.js';
import { calicoBgpEnabled, calicoEncapsulation } from './calico-network.js';

export interface PortRule {
  /** 'ipip' is IP protocol 4 (Calico IP-in-IP): no ports. */
  proto: 'tcp' | 'udp' | 'ipip';
  /** "22", "2379-2380"; empty for ipip. */
  ports: string[];
  /** Only from these sources (CIDRs or addresses); absent: from anywhere. */
  from?: string[];
  why: string;
}

export interface FirewallOptions {
  inventory: Inventory;
  host: Host;
  /** The SSH port to keep open; default: host ssh.port, inventory ssh.port, 22. */
  sshPort?: number;
  /** Extra ports the user wants open on this host (tcp), from task params. */
  extraTcp?: string[];
}

export function sshPortOf(opts: FirewallOptions): number {
  return opts.sshPort ?? opts.host.ssh?.port ?? opts.inventory.ssh.port ?? 22;
}

/**
 * Traffic every host expects whatever its role: mDNS answers (avahi, Raspberry Pi OS's `NAME.local`) and DHCPv6
 * replies from the router (a DHCPv6 client's lease would lapse without them). Both are udp, in from the LAN.
 */
function hostServices(): PortRule[] {
  return [
    { proto: 'udp', ports: ['5353'], why: 'mdns' },
    { proto: 'udp', ports: ['546'], why: 'dhcpv6 client' },
  ];
}

/**
 * SSH first, always: every later rule can be wrong and the operator still gets in. kube-controller-manager
 * (10257) and kube-scheduler (10259) are not listed: kubeadm binds them to 127.0.0.1, and `lo` is accepted.
 */
export function firewallRules(opts: FirewallOptions): PortRule[] {
  const { inventory: inv, host } = opts;
  const nodes = inv.network.nodes;
  const rules: PortRule[] = [{ proto: 'tcp', ports: [String(sshPortOf(opts))], why: 'ssh' }, ...hostServices()];
  const isNode = host.role === 'control-plane' || host.role === 'worker';
  if (host.role === 'control-plane') {
    rules.push({ proto: 'tcp', ports: [String(APISERVER_PORT)], why: 'kube-apiserver' });
    // etcd's client and peer ports serve only the API servers and the other members.
    rules.push({ proto: 'tcp', ports: ['2379-2380'], from: controlPlanes(inv).map((h) => h.address), why: 'etcd client and peer' });
  }
  if (isNode) {
    rules.push({ proto: 'tcp', ports: ['10250'], why: 'kubelet API' });
    rules.push({ proto: 'tcp', ports: ['10256'], why: 'kube-proxy health' });
  }
  if (host.role === 'worker') rules.push({ proto: 'tcp', ports: ['30000-32767'], why: 'NodePort services' });
  if (host.role === 'lb' && inv.network.api.mode === 'haproxy') {
    rules.push({ proto: 'tcp', ports: [String(inv.network.api.port)], why: 'kubernetes API load balancer' });
    // The stats page listens on 127.0.0.1 only (haproxy-config.ts); metrics get their own port when asked for.
    if (inv.network.api.metricsPort) rules.push({ proto: 'tcp', ports: [String(inv.network.api.metricsPort)], why: 'haproxy prometheus metrics' });
  }
  if (isNode) rules.push(...cniRules(inv, [nodes]));
  if (isNode && inv.network.metallb) {
    rules.push({ proto: 'tcp', ports: ['7946'], from: [nodes], why: 'metallb speaker memberlist' });
    rules.push({ proto: 'udp', ports: ['7946'], from: [nodes], why: 'metallb speaker memberlist' });
  }
  for (const e of host.firewall?.extraPorts ?? []) {
    rules.push({ proto: e.proto, ports: [e.ports], ...(e.from ? { from: [e.from] } : {}), why: 'extra (inventory)' });
  }
  if (opts.extraTcp && opts.extraTcp.length > 0) rules.push({ proto: 'tcp', ports: opts.extraTcp, why: 'extra (task params)' });
  return rules;
}

/**
 * Node-to-node traffic the CNI needs, only from the node LAN, as the Installation provision renders it
 * configures Calico: BGP between nodes (179) only when BIRD runs, IP-in-IP (protocol 4) or VXLAN (4789)
 * only for the pool's encapsulation, Typha (5473) always (the operator runs it). Flannel's vxlan backend
 * uses the Linux default port 8472.
 */
function cniRules(inv: Inventory, from: string[]): PortRule[] {
  switch (inv.network.cni) {
    case 'flannel':
      return [{ proto: 'udp', ports: ['8472'], from, why: 'flannel vxlan' }];
    case 'calico': {
      const enc = calicoEncapsulation(inv);
      return [
        ...(calicoBgpEnabled(inv, enc) ? [{ proto: 'tcp' as const, ports: ['179'], from, why: 'calico bgp' }] : []),
        ...(enc.startsWith('IPIP') ? [{ proto: 'ipip' as const, ports: [], from, why: 'calico ip-in-ip' }] : []),
        ...(enc.startsWith('VXLAN') ? [{ proto: 'udp' as const, ports: ['4789'], from, why: 'calico vxlan' }] : []),
        { proto: 'tcp', ports: ['5473'], from, why: 'calico typha' },
      ];
    }
    case 'none':
      return [];
  }
}

/** "6443, 2379-2380/tcp" style, for summaries. */
export function describeRules(rules: PortRule[]): string {
  return rules
    .map((r) => (r.proto === 'ipip' ? 'ipip' : `${r.ports.join(',')}/${r.proto}`) + (r.from ? ` from ${r.from.join(',')}` : ''))
    .join(', ');
}
