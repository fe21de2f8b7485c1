// The lab's stand-in for MetalLB's release manifest: its namespace, the CRDs of the kinds provision applies, the
// controller (whose readiness the lab API server ties to MetalLB's validating webhook) and the speaker.
import { crd, namespace, workload, type LabObject } from './lab-objects.js';

export function metallbRelease(): LabObject[] {
  const ns = 'metallb-system';
  return [
    namespace(ns),
    crd('metallb.io', 'IPAddressPool', 'ipaddresspools', 'Namespaced', ['v1beta1']),
    crd('metallb.io', 'L2Advertisement', 'l2advertisements', 'Namespaced', ['v1beta1']),
    crd('metallb.io', 'BGPAdvertisement', 'bgpadvertisements', 'Namespaced', ['v1beta1']),
    crd('metallb.io', 'BGPPeer', 'bgppeers', 'Namespaced', ['v1beta1', 'v1beta2']),
    workload('Deployment', ns, 'controller', { component: 'controller' }, 'quay.io/metallb/controller:lab'),
    workload('DaemonSet', ns, 'speaker', { component: 'speaker' }, 'quay.io/metallb/speaker:lab', { hostNetwork: true }),
  ];
}
