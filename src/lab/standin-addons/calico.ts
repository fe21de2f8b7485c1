// The lab's stand-ins for Calico's two release files. The CRDs are the kinds provision's Calico objects use
// (operator.tigera.io for the operator, crd.projectcalico.org for what the operator's API server serves as
// projectcalico.org/v3); the "operator" is a Deployment whose presence lets the lab API server play the operator.
import { crd, namespace, workload, type LabObject } from './lab-objects.js';

export function calicoCrds(): LabObject[] {
  return [
    crd('operator.tigera.io', 'Installation', 'installations', 'Cluster', ['v1']),
    crd('operator.tigera.io', 'APIServer', 'apiservers', 'Cluster', ['v1']),
    crd('crd.projectcalico.org', 'BGPConfiguration', 'bgpconfigurations', 'Cluster', ['v1']),
    crd('crd.projectcalico.org', 'BGPPeer', 'bgppeers', 'Cluster', ['v1']),
    crd('crd.projectcalico.org', 'IPPool', 'ippools', 'Cluster', ['v1']),
  ];
}

export function calicoOperator(): LabObject[] {
  return [
    namespace('tigera-operator'),
    workload('Deployment', 'tigera-operator', 'tigera-operator', { name: 'tigera-operator' }, 'quay.io/tigera/operator:lab', { hostNetwork: true }),
  ];
}
