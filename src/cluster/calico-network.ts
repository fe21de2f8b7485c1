// How Calico's data plane runs for this inventory (encapsulation, BIRD on or off): what both the Installation
// provision applies and the firewall rules that let its traffic through are decided from.
import type { CalicoEncapsulation, Inventory } from '../inventory/types.js';

/** With BGP the pod routes go to the router unencapsulated (flat-bgp); otherwise Calico's own default. */
export function calicoEncapsulation(inv: Inventory): CalicoEncapsulation {
  return inv.network.calico?.encapsulation ?? (inv.network.bgp ? 'None' : 'VXLANCrossSubnet');
}

/** Calico runs BIRD when it peers (network.bgp) or when IP-in-IP needs BGP-learned routes. */
export function calicoBgpEnabled(inv: Inventory, enc: CalicoEncapsulation): boolean {
  return Boolean(inv.network.bgp) || enc === 'None' || enc.startsWith('IPIP');
}
