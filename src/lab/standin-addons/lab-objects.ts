// The building blocks of the lab's stand-in releases: a CustomResourceDefinition as the lab API server needs it (group,
// kind, plural, served versions; the schema left open, since the lab does not validate custom objects' fields), a
// namespace, and a workload the lab's kubelets "run".
import type { K8sObject } from '../../modules/cluster/addons/k8s-object.js';

/** provision's object shape, plus the annotations through which a stand-in tells the lab kubelet what to play. */
export type LabObject = Omit<K8sObject, 'metadata'> & { metadata: K8sObject['metadata'] & { annotations?: Record<string, string> } };

export function crd(group: string, kind: string, plural: string, scope: 'Cluster' | 'Namespaced', versions: string[]): LabObject {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${plural}.${group}` },
    spec: {
      group,
      names: { kind, plural },
      scope,
      versions: versions.map((name, i) => ({
        name,
        served: true,
        storage: i === versions.length - 1,
        schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
      })),
    },
  };
}

export function namespace(name: string): LabObject {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name } };
}

/** A workload the lab's kubelets "run": hostNetwork pods of a `:lab` image, never pulled. */
export function workload(kind: 'Deployment' | 'DaemonSet', ns: string, name: string, labels: Record<string, string>, image: string, opts: { hostNetwork?: boolean; annotations?: Record<string, string> } = {}): LabObject {
  return {
    apiVersion: 'apps/v1',
    kind,
    metadata: { name, namespace: ns, ...(opts.annotations ? { annotations: opts.annotations } : {}) },
    spec: {
      ...(kind === 'Deployment' ? { replicas: 1 } : {}),
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: { ...(opts.hostNetwork ? { hostNetwork: true } : {}), containers: [{ name, image }] },
      },
    },
  };
}
