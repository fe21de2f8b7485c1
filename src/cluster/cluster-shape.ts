// Who does what in the cluster, from the inventory alone: first control plane, API endpoint, kubeconfig server.
import type { Host, Inventory } from '../inventory/types.js';

/** The control plane that runs `kubeadm init`: the first one in inventory order. */
export function firstControlPlane(inv: Inventory): Host {
  const cp = inv.hosts.find((h) => h.role === 'control-plane');
  if (!cp) throw new Error(`inventory ${inv.file} has no control-plane host`);
  return cp;
}

export function controlPlanes(inv: Inventory): Host[] {
  return inv.hosts.filter((h) => h.role === 'control-plane');
}

export interface ApiEndpoint {
  /** What nodes dial: network.api.name when set (resolved via the /etc/hosts block), else the address. */
  host: string;
  address: string;
  port: number;
  /** "host:port", the kubeadm controlPlaneEndpoint. */
  hostPort: string;
  /** The kubeconfig server for the laptop: by address, which needs no DNS (the address is in the cert SANs). */
  url: string;
}

export function apiEndpoint(inv: Inventory): ApiEndpoint {
  const { address, port, name } = inv.network.api;
  const host = name ?? address;
  return { host, address, port, hostPort: `${host}:${port}`, url: `https://${address}:${port}` };
}

/** The lb hosts that carry network.api.address (haproxy mode). */
export function loadBalancers(inv: Inventory): Host[] {
  return inv.hosts.filter((h) => h.role === 'lb');
}
