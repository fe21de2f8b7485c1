// Calico's configuration from the inventory: the operator's Installation (pod pool, encapsulation), and with
// network.bgp the BGPConfiguration (AS, mesh, LoadBalancer IPs when Calico announces them) and the router BGPPeer.
import type { Inventory } from '../../../inventory/types.js';
import { rangeToCidrs } from '../../../inventory/ipv4.js';
import { MANAGED_BY, type K8sObject } from './k8s-object.js';
import { calicoBgpEnabled, calicoEncapsulation } from '../../../cluster/calico-network.js';

export { calicoBgpEnabled, calicoEncapsulation };

/** Calico announces the MetalLB pool itself (serviceLoadBalancerIPs), MetalLB's speaker is off. */
export function calicoAnnouncesServices(inv: Inventory): boolean {
  return inv.network.cni === 'calico' && inv.network.bgp?.announcer === 'calico' && Boolean(inv.network.metallb);
}

/** Objects applied once the operator's CRDs are established (operator.tigera.io/v1). */
export function calicoOperatorObjects(inv: Inventory): K8sObject[] {
  const enc = calicoEncapsulation(inv);
  const installation: K8sObject = {
    apiVersion: 'operator.tigera.io/v1',
    kind: 'Installation',
    metadata: { name: 'default', labels: MANAGED_BY },
    spec: {
      calicoNetwork: {
        bgp: calicoBgpEnabled(inv, enc) ? 'Enabled' : 'Disabled',
        ipPools: [{ name: 'default-ipv4-ippool', cidr: inv.network.pods, blockSize: 26, encapsulation: enc, natOutgoing: 'Enabled', nodeSelector: 'all()' }],
      },
    },
  };
  const objs = [installation];
  // The Calico API server serves projectcalico.org/v3, which the BGP objects below use.
  if (inv.network.bgp) objs.push({ apiVersion: 'operator.tigera.io/v1', kind: 'APIServer', metadata: { name: 'default', labels: MANAGED_BY }, spec: {} });
  return objs;
}

/** projectcalico.org/v3 objects, applied once the Calico API server answers. */
export function calicoBgpObjects(inv: Inventory): K8sObject[] {
  const bgp = inv.network.bgp;
  if (!bgp) return [];
  const spec: Record<string, unknown> = { asNumber: bgp.clusterAsn, nodeToNodeMeshEnabled: true, logSeverityScreen: 'Info' };
  if (calicoAnnouncesServices(inv)) spec.serviceLoadBalancerIPs = inv.network.metallb!.pool.flatMap(rangeToCidrs).map((cidr) => ({ cidr }));
  return [
    { apiVersion: 'projectcalico.org/v3', kind: 'BGPConfiguration', metadata: { name: 'default', labels: MANAGED_BY }, spec },
    { apiVersion: 'projectcalico.org/v3', kind: 'BGPPeer', metadata: { name: 'router', labels: MANAGED_BY }, spec: { peerIP: bgp.peer, asNumber: bgp.routerAsn } },
  ];
}
