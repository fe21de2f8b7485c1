// Inventories for the Kubernetes module tests: homelab (kube-vip) and a goldentooth-shaped one (haproxy, 3 CPs).
import type { Inventory } from '../../../src/inventory/types.js';
import { fakeInventory } from '../../support/fake-inventory.js';

export function homelab(kubernetes = '1.32'): Inventory {
  const inv = fakeInventory();
  return { ...inv, cluster: { ...inv.cluster, kubernetes } };
}

/** Two kube-vip control planes, so joins of a control plane can be planned too. */
export function homelabHa(kubernetes = '1.32'): Inventory {
  const inv = homelab(kubernetes);
  return { ...inv, hosts: [...inv.hosts, { name: 'k8s-cp-02', address: '192.168.1.53', role: 'control-plane' }] };
}

export function goldentooth(kubernetes = '1.32'): Inventory {
  return fakeInventory({
    file: '/tmp/goldentooth.yaml',
    cluster: { name: 'goldentooth', kubernetes },
    network: {
      nodes: '10.4.0.0/20',
      gateway: '10.4.0.1',
      pods: '192.168.0.0/16',
      services: '172.16.0.0/20',
      metallb: { pool: [{ first: '10.4.11.0', last: '10.4.15.254' }], route: ['10.4.11.0/24'] },
      api: { mode: 'haproxy', address: '10.4.0.10', port: 6443 },
      cni: 'calico',
    },
    hosts: [
      { name: 'allyrion', address: '10.4.0.10', role: 'lb' },
      { name: 'bettley', address: '10.4.0.11', role: 'control-plane' },
      { name: 'cargyll', address: '10.4.0.12', role: 'control-plane' },
      { name: 'dalt', address: '10.4.0.13', role: 'control-plane' },
      { name: 'erenford', address: '10.4.0.14', role: 'worker' },
      { name: 'velaryon', address: '10.4.0.30', role: 'worker', arch: 'amd64' },
    ],
  });
}
