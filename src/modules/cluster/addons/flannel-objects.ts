// flannel's net-conf from the inventory: provision applies its own value of the upstream ConfigMap's
// net-conf.json key (server-side, its own field manager) instead of editing the upstream manifest.
import type { Inventory } from '../../../inventory/types.js';
import { MANAGED_BY, type K8sObject } from './k8s-object.js';

export const FLANNEL_NAMESPACE = 'kube-flannel';
export const FLANNEL_CONFIGMAP = 'kube-flannel-cfg';

export function flannelNetConf(inv: Inventory): string {
  // EnableNFTables as upstream ships it: the key is replaced whole, so every field is restated.
  const conf = { Network: inv.network.pods, EnableNFTables: false, Backend: { Type: inv.network.flannel?.backend ?? 'vxlan' } };
  return JSON.stringify(conf, null, 2) + '\n';
}

export function flannelObjects(inv: Inventory): K8sObject[] {
  return [{
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: FLANNEL_CONFIGMAP, namespace: FLANNEL_NAMESPACE, labels: { ...MANAGED_BY } },
    data: { 'net-conf.json': flannelNetConf(inv) },
  }];
}
