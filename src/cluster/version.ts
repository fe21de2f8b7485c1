// Kubernetes version arithmetic for the choices that depend on it (kubeadm API version, kube-vip kubeconfig).
export interface KubeVersion {
  major: number;
  minor: number;
  patch?: number;
}

/** Parses "1.32", "v1.32" or "1.32.3"; throws a clear error on anything else. */
export function parseKubeVersion(text: string): KubeVersion {
  const m = /^v?(\d+)\.(\d+)(?:\.(\d+))?$/.exec(text.trim());
  if (!m) throw new Error(`not a Kubernetes version: ${JSON.stringify(text)} (expected e.g. "1.32" or "1.32.3")`);
  const v: KubeVersion = { major: Number(m[1]), minor: Number(m[2]) };
  if (m[3] !== undefined) v.patch = Number(m[3]);
  return v;
}

export function isAtLeast(v: KubeVersion, major: number, minor: number): boolean {
  return v.major > major || (v.major === major && v.minor >= minor);
}

/** kubeadm.k8s.io/v1beta4 exists from Kubernetes 1.31; v1beta3 before. */
export function kubeadmApiVersion(v: KubeVersion): 'kubeadm.k8s.io/v1beta4' | 'kubeadm.k8s.io/v1beta3' {
  return isAtLeast(v, 1, 31) ? 'kubeadm.k8s.io/v1beta4' : 'kubeadm.k8s.io/v1beta3';
}

/**
 * The exact version for ClusterConfiguration.kubernetesVersion: the inventory's when it has a patch, else the
 * installed kubeadm's (`kubeadm version -o short`) when it is the same minor, else vMAJOR.MINOR.0.
 */
export function exactKubeVersion(wanted: KubeVersion, installedKubeadm?: string): string {
  if (wanted.patch !== undefined) return `v${wanted.major}.${wanted.minor}.${wanted.patch}`;
  const inst = installedKubeadm?.trim();
  if (inst && /^v\d+\.\d+\.\d+$/.test(inst)) {
    const iv = parseKubeVersion(inst);
    if (iv.major === wanted.major && iv.minor === wanted.minor) return inst;
  }
  return `v${wanted.major}.${wanted.minor}.0`;
}
