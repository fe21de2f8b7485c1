// Where the Kubernetes apt packages come from: pkgs.k8s.io for cluster.kubernetes, or the inventory's mirror.
import type { Inventory } from '../../inventory/types.js';
import { parseKubeVersion } from '../kubernetes/version.js';

export const KEYRING = '/etc/apt/keyrings/kubernetes-apt-keyring.gpg';
export const SOURCES_LIST = '/etc/apt/sources.list.d/kubernetes.list';
export const KUBE_PACKAGES = ['kubeadm', 'kubelet', 'kubectl'];

export interface KubeRepo {
  /** The flat repository URL (ends with /). */
  url: string;
  /** The armored (or binary) Release key URL. */
  key: string;
}

/** pkgs.k8s.io has one repository per minor: v1.32 packages only ever upgrade within 1.32. */
export function kubeRepo(inv: Inventory): KubeRepo {
  const v = parseKubeVersion(inv.cluster.kubernetes);
  const base = `https://pkgs.k8s.io/core:/stable:/v${v.major}.${v.minor}/deb/`;
  const url = inv.cluster.packages?.url ?? base;
  const withSlash = url.endsWith('/') ? url : `${url}/`;
  return { url: withSlash, key: inv.cluster.packages?.key ?? `${base}Release.key` };
}

/** A flat repository: the suite is "/" and there is no component. */
export function renderSourcesList(repo: KubeRepo): string {
  return [
    '# Managed by provision (kube-packages): the Kubernetes packages for this cluster.',
    `deb [signed-by=${KEYRING}] ${repo.url} /`,
    '',
  ].join('\n');
}

/** Fetch the key (curl, else wget) and dearmor it into the keyring; works for armored and binary keys. */
export function fetchKeyScript(repo: KubeRepo): string {
  const q = `'${repo.key.replace(/'/g, `'\\''`)}'`;
  return [
    'set -e',
    'mkdir -p -m 0755 /etc/apt/keyrings',
    'tmp=$(mktemp)',
    'trap \'rm -f "$tmp"\' EXIT',
    `if command -v curl >/dev/null 2>&1; then curl -fsSL ${q} -o "$tmp"; else wget -qO "$tmp" ${q}; fi`,
    `if grep -q 'BEGIN PGP PUBLIC KEY BLOCK' "$tmp"; then gpg --batch --yes --dearmor -o ${KEYRING}.tmp "$tmp"; else cp "$tmp" ${KEYRING}.tmp; fi`,
    `chmod 0644 ${KEYRING}.tmp`,
    `mv -f ${KEYRING}.tmp ${KEYRING}`,
  ].join('\n');
}
