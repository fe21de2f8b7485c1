// The minimal shape of a Kubernetes object provision writes, and its identity (kind/namespace/name).
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  spec?: Record<string, unknown>;
  data?: Record<string, string>;
}

export const objectId = (o: K8sObject) => `${o.kind}/${o.metadata.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata.name}`;

/** Marks what provision owns (a label the upstream manifests never carry). */
export const MANAGED_BY = { 'app.kubernetes.io/managed-by': 'provision' };
