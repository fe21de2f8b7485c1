// MetalLB's configuration from network.metallb and network.bgp: the address pool, and how it is announced —
// L2 (no BGP), MetalLB's own BGP session to the router, or nothing when Calico announces the pool.
import type { Inventory } from '../../../inventory/types.js';
import { rangeToCidrs } from '../../../inventory/ipv4.js';
import { calicoAnnouncesServices } from './calico-objects.js';
import { MANAGED_BY, type K8sObject } from './k8s-object.js';

export const METALLB_NAMESPACE = 'metallb-system';
export const METALLB_POOL = 'default';

/** MetalLB's speaker is left out of its manifest when Calico announces the pool (flat-bgp). */
export function metallbSpeakerEnabled(inv: Inventory): boolean {
  return !calicoAnnouncesServices(inv);
}

export function metallbObjects(inv: Inventory): K8sObject[] {
  const m = inv.network.metallb;
  if (!m) return [];
  const meta = (name: string) => ({ name, namespace: METALLB_NAMESPACE, labels: MANAGED_BY });
  const pool: K8sObject = {
    apiVersion: 'metallb.io/v1beta1',
    kind: 'IPAddressPool',
    metadata: meta(METALLB_POOL),
    // A range that is exactly one CIDR is written as that CIDR (as the inventory most likely said it).
    spec: { addresses: m.pool.map((r) => (rangeToCidrs(r).length === 1 ? rangeToCidrs(r)[0]! : `${r.first}-${r.last}`)) },
  };
  if (!metallbSpeakerEnabled(inv)) return [pool];
  const bgp = inv.network.bgp;
  if (!bgp) return [pool, { apiVersion: 'metallb.io/v1beta1', kind: 'L2Advertisement', metadata: meta(METALLB_POOL), spec: { ipAddressPools: [METALLB_POOL] } }];
  return [
    pool,
    { apiVersion: 'metallb.io/v1beta2', kind: 'BGPPeer', metadata: meta('router'), spec: { myASN: bgp.clusterAsn, peerASN: bgp.routerAsn, peerAddress: bgp.peer } },
    { apiVersion: 'metallb.io/v1beta1', kind: 'BGPAdvertisement', metadata: meta(METALLB_POOL), spec: { ipAddressPools: [METALLB_POOL] } },
  ];
}
