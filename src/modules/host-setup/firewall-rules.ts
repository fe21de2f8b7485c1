// Which ports a host accepts, by role and CNI: the single list both the nftables and the ufw paths render.
import type { Host, Inventory } from '../../inventory/types.js';
import { APISERVER_PORT } from '../kubernetes/paths.js';
import { HAPROXY_STATS_PORT } from '../kubernetes/haproxy-config.js';

export interface PortRule {
  /** 'ipip' is IP protocol 4 (Calico IP-in-IP): no ports. */
  proto: 'tcp' | 'udp' | 'ipip';
  /** "22", "2379-2380"; empty for ipip. */
  ports: string[];
  /** Only from this CIDR (cluster-internal traffic); absent: from anywhere. */
  from?: string;
  why: string;
}

export interface FirewallOptions {
  inventory: Inventory;
  host: Host;
  /** The SSH port to keep open; default: host ssh.port, inventory ssh.port, 22. */
  sshPort?: number;
  /** HAProxy stats / Prometheus port on lb hosts (default 8404, as the haproxy config renders it). */
  statsPort?: number;
  /** Extra ports the user wants open on this host (tcp). */
  extraTcp?: string[];
}

export function sshPortOf(opts: FirewallOptions): number {
  return opts.sshPort ?? opts.host.ssh?.port ?? opts.inventory.ssh.port ?? 22;
}

/** SSH first, always: every later rule can be wrong and the operator still gets in. */
export function firewallRules(opts: FirewallOptions): PortRule[] {
  const { inventory: inv, host } = opts;
  const nodes = inv.network.nodes;
  const rules: PortRule[] = [{ proto: 'tcp', ports: [String(sshPortOf(opts))], why: 'ssh' }];
  const isNode = host.role === 'control-plane' || host.role === 'worker';
  if (host.role === 'control-plane') {
    const api = new Set([String(APISERVER_PORT)]);
    // kube-vip forwards nothing: clients dial VIP:api.port straight to kube-apiserver, so that port must be open too.
    if (inv.network.api.mode === 'kube-vip') api.add(String(inv.network.api.port));
    rules.push({ proto: 'tcp', ports: [...api], why: 'kube-apiserver' });
    rules.push({ proto: 'tcp', ports: ['2379-2380'], why: 'etcd client and peer' });
    rules.push({ proto: 'tcp', ports: ['10250'], why: 'kubelet API' });
    rules.push({ proto: 'tcp', ports: ['10257'], why: 'kube-controller-manager' });
    rules.push({ proto: 'tcp', ports: ['10259'], why: 'kube-scheduler' });
  }
  if (host.role === 'worker') {
    rules.push({ proto: 'tcp', ports: ['10250'], why: 'kubelet API' });
    rules.push({ proto: 'tcp', ports: ['30000-32767'], why: 'NodePort services' });
  }
  if (host.role === 'lb') {
    rules.push({ proto: 'tcp', ports: [String(inv.network.api.port)], why: 'kubernetes API load balancer' });
    rules.push({ proto: 'tcp', ports: [String(opts.statsPort ?? HAPROXY_STATS_PORT)], why: 'haproxy stats and metrics' });
  }
  if (isNode) rules.push(...cniRules(inv, nodes));
  if (isNode && inv.network.metallb) {
    rules.push({ proto: 'tcp', ports: ['7946'], from: nodes, why: 'metallb speaker memberlist' });
    rules.push({ proto: 'udp', ports: ['7946'], from: nodes, why: 'metallb speaker memberlist' });
  }
  if (opts.extraTcp && opts.extraTcp.length > 0) rules.push({ proto: 'tcp', ports: opts.extraTcp, why: 'extra (task params)' });
  return rules;
}

/** Node-to-node traffic the CNI needs, only from the node LAN. */
function cniRules(inv: Inventory, nodes: string): PortRule[] {
  switch (inv.network.cni) {
    case 'flannel':
      return [{ proto: 'udp', ports: ['8472'], from: nodes, why: 'flannel vxlan' }];
    case 'calico':
      return [
        { proto: 'tcp', ports: ['179'], from: nodes, why: 'calico bgp' },
        { proto: 'ipip', ports: [], from: nodes, why: 'calico ip-in-ip' },
        { proto: 'udp', ports: ['4789'], from: nodes, why: 'calico vxlan' },
        { proto: 'tcp', ports: ['5473'], from: nodes, why: 'calico typha' },
      ];
    case 'none':
      return [];
  }
}

/** "6443, 2379-2380/tcp" style, for summaries. */
export function describeRules(rules: PortRule[]): string {
  return rules
    .map((r) => (r.proto === 'ipip' ? 'ipip' : `${r.ports.join(',')}/${r.proto}`) + (r.from ? ` from ${r.from}` : ''))
    .join(', ');
}
