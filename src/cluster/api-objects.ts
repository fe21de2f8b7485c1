// The Kubernetes API objects that status and verify read from `kubectl get -o json` (only the fields they use).
export interface ApiNode {
  metadata: { name: string };
  spec?: { unschedulable?: boolean };
  status?: { conditions?: Array<{ type: string; status: string; message?: string }>; nodeInfo?: { kubeletVersion?: string } };
}

export interface ApiPod {
  metadata: { name: string };
  spec?: { nodeName?: string };
  status?: { phase?: string; reason?: string };
}
