// Rule: the ports the host's role will listen on are free before the cluster exists (or held by the expected program).
import type { Host, Inventory } from '../inventory/types.js';
import { APISERVER_PORT } from '../cluster/paths.js';
import type { PreflightRule } from './context.js';

interface WantedPort {
  port: number;
  what: string;
  /** The process that may already hold it (a converged lb host's haproxy). */
  owner?: string;
}

/** Ports kubeadm's own preflight wants free on a node that has not joined, and the lb host's API port. */
export function portsFor(inv: Inventory, host: Host): WantedPort[] {
  const kubelet = { port: 10250, what: 'kubelet' };
  if (host.role === 'worker') return [kubelet];
  if (host.role === 'control-plane') {
    return [{ port: APISERVER_PORT, what: 'kube-apiserver' }, { port: 2379, what: 'etcd' }, { port: 2380, what: 'etcd peers' }, kubelet,
      { port: 10257, what: 'kube-controller-manager' }, { port: 10259, what: 'kube-scheduler' }];
  }
  const api = inv.network.api;
  if (api.mode !== 'haproxy') return [];
  return [{ port: api.port, what: 'the API load balancer', owner: 'haproxy' }, ...(api.metricsPort ? [{ port: api.metricsPort, what: 'HAProxy metrics', owner: 'haproxy' }] : [])];
}

export const checkPorts: PreflightRule = (ctx) => {
  for (const { host, facts } of ctx.probed) {
    // A node that joined holds its Kubernetes ports itself.
    if (facts.joined && host.role !== 'lb') continue;
    for (const want of portsFor(ctx.inv, host)) {
      const held = facts.listening.filter((l) => l.port === want.port && (!want.owner || l.process !== want.owner));
      if (held.length === 0) continue;
      const by = [...new Set(held.map((l) => l.process ?? 'an unknown process'))].join(', ');
      ctx.report('error', 'port-in-use', host.name, `port ${want.port} (${want.what}) is already held by ${by}`,
        `stop what listens on ${want.port} on ${host.name}, or move it to another port`);
    }
  }
};
