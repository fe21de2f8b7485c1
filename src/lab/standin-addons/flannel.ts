// The lab's stand-in for flannel's release manifest: its namespace, its ConfigMap and the DaemonSet whose
// install-cni step the lab kubelet plays (writing the ConfigMap's cni-conf.json as a conflist). The ConfigMap's
// values are the lab's own, chosen to differ from every inventory, so a test sees provision's net-conf.json win
// and the key provision does not manage (cni-conf.json) survive its server-side apply.
import { namespace, workload, type LabObject } from './lab-objects.js';
import { FLANNEL_CONFIGMAP, FLANNEL_NAMESPACE } from '../../modules/cluster/addons/flannel-objects.js';

export const LAB_FLANNEL_NETWORK = '192.0.2.0/24';
export const LAB_FLANNEL_CNI_NAME = 'lab-flannel';

export function flannelRelease(): LabObject[] {
  return [
    namespace(FLANNEL_NAMESPACE),
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: FLANNEL_CONFIGMAP, namespace: FLANNEL_NAMESPACE },
      data: {
        'cni-conf.json': `${JSON.stringify({ name: LAB_FLANNEL_CNI_NAME, cniVersion: '1.0.0', plugins: [{ type: 'flannel' }] })}\n`,
        'net-conf.json': `${JSON.stringify({ Network: LAB_FLANNEL_NETWORK, Backend: { Type: 'vxlan' } })}\n`,
      },
    },
    workload('DaemonSet', FLANNEL_NAMESPACE, 'kube-flannel', { app: 'flannel' }, 'ghcr.io/flannel-io/flannel:lab', {
      hostNetwork: true,
      annotations: { 'lab.provision/cni-file': '10-flannel.conflist', 'lab.provision/cni-from': `${FLANNEL_NAMESPACE}/${FLANNEL_CONFIGMAP}/cni-conf.json` },
    }),
  ];
}
