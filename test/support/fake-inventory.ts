// A small valid Inventory for module tests, shaped like the homelab plan, with overrides.
import type { Host, Inventory } from '../../src/inventory/types.js';

export function fakeInventory(over: Partial<Omit<Inventory, 'hosts'>> & { hosts?: Host[] } = {}): Inventory {
  return {
    file: '/tmp/homelab.yaml',
    cluster: { name: 'homelab', kubernetes: '1.32', domain: 'home.arpa' },
    network: {
      nodes: '192.168.1.0/24',
      gateway: '192.168.1.1',
      dhcp: { first: '192.168.1.100', last: '192.168.1.200' },
      pods: '10.244.0.0/16',
      services: '10.96.0.0/12',
      metallb: { pool: [{ first: '192.168.1.240', last: '192.168.1.250' }] },
      api: { mode: 'kube-vip', address: '192.168.1.50', port: 6443 },
      cni: 'flannel',
    },
    ssh: { user: 'pi', hostKeys: 'accept-new' },
    hosts: [
      { name: 'k8s-cp-01', address: '192.168.1.51', role: 'control-plane', arch: 'arm64', board: 'raspberry-pi' },
      { name: 'k8s-worker-01', address: '192.168.1.52', role: 'worker', arch: 'amd64' },
    ],
    ...over,
  };
}

export function hostOf(inv: Inventory, name: string): Host {
  const h = inv.hosts.find((x) => x.name === name);
  if (!h) throw new Error(`no host ${name}`);
  return h;
}
