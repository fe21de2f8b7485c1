// Where the Kubernetes apt packages come from: pkgs.k8s.io for cluster.kubernetes, or the inventory's mirror.
import type { Inventory } from '../../../inventory/types.js';
import { parseKubeVersion } from '../../../cluster/version.js';

/** ASCII-armoured, as pkgs.k8s.io serves it: apt (≥ 1.4) reads a `.asc` signed-by key itself, so no gpg. */
export const KEYRING = '/etc/apt/keyrings/kubernetes-apt-keyring.asc';
/** Where earlier provision versions put the dearmoured key (gpg); removed once the .asc is in place. */
const OLD_KEYRING = '/etc/apt/keyrings/kubernetes-apt-keyring.gpg';
/** Part of the apt package itself: fetches with apt's own http/https transports and proxy settings. */
export const APT_HELPER = '/usr/lib/apt/apt-helper';
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

/**
 * Fetches the key with apt-helper (always there with apt; minimal Debian has neither curl, wget nor gpg) and
 * keeps it armoured for apt to read. https needs ca-certificates, which the module installs first. A key that
 * is not armoured is refused with the fix, never converted (that would need gpg). `keyring` is a parameter so
 * tests can run the real script into a scratch directory.
 */
export function fetchKeyScript(repo: Pick<KubeRepo, 'key'>, keyring = KEYRING, label = 'Kubernetes'): string {
  const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  const dir = keyring.slice(0, keyring.lastIndexOf('/')) || '/';
  return [
    'set -e',
    `mkdir -p -m 0755 ${q(dir)}`,
    'tmp=$(mktemp -d)',
    'trap \'rm -rf "$tmp"\' EXIT',
    // apt's fetchers run as _apt: let them write into the scratch directory (else apt warns and runs unsandboxed).
    'if id _apt >/dev/null 2>&1; then chown _apt "$tmp" 2>/dev/null || true; fi',
    `${APT_HELPER} download-file ${q(repo.key)} "$tmp/key" >"$tmp/log" 2>&1 || { cat "$tmp/log" >&2; echo "provision: could not fetch the ${label} apt key ${repo.key.replace(/["$`\\]/g, '')}" >&2; exit 1; }`,
    `if ! grep -q 'BEGIN PGP PUBLIC KEY BLOCK' "$tmp/key"; then echo "provision: the key at ${repo.key.replace(/["$`\\]/g, '')} is not ASCII-armoured; point cluster.packages.key at an armoured key (gpg --armor --export)" >&2; exit 1; fi`,
    `cp "$tmp/key" ${q(`${keyring}.tmp`)}`,
    `chmod 0644 ${q(`${keyring}.tmp`)}`,
    `mv -f ${q(`${keyring}.tmp`)} ${q(keyring)}`,
    ...(keyring === KEYRING ? [`rm -f ${OLD_KEYRING}`] : []),
  ].join('\n');
}

/** apt needs the CA bundle for https (the key and the repository); minimal Debian images lack it. */
export function needsCaCertificates(repo: KubeRepo): boolean {
  return repo.key.startsWith('https:') || repo.url.startsWith('https:');
}

export const CA_PACKAGE = 'ca-certificates';
// From the node's own Debian sources; one update only when the plain install fails (stale or empty lists).
export const INSTALL_CA = `apt-get install -y --no-install-recommends ${CA_PACKAGE} || { apt-get update && apt-get install -y --no-install-recommends ${CA_PACKAGE}; }`;

/** apt-get update of one sources file only: fast, and no other source is contacted. */
export function updateOnly(sourcesList: string): string[] {
  return ['apt-get', 'update', '-o', `Dir::Etc::sourcelist=${sourcesList}`, '-o', 'Dir::Etc::sourceparts=-', '-o', 'APT::Get::List-Cleanup=0'];
}
