// What `provision upgrade --to X.Y` may do, decided before anything changes: one minor at a time, kubeadm's skew rules, a healthy cluster.
import { parseKubeVersion, type KubeVersion } from './version.js';

/** kubeadm upgrades the control plane one minor at a time (MaximumAllowedMinorVersionUpgradeSkew). */
export const MAX_MINOR_STEP = 1;
/** Kubelets may be up to 3 minors older than kube-apiserver (version skew policy since 1.28; kubeadm's detectTooOldKubelets). */
export const MAX_KUBELET_SKEW = 3;

/** "1.32.3-1.1" (dpkg) or "v1.32.3" (API) → minor number for major 1; undefined when absent or unreadable. */
export function minorOf(version: string | undefined): number | undefined {
  const m = /^v?(\d+)\.(\d+)/.exec(version ?? '');
  return m && m[1] === '1' ? Number(m[2]) : undefined;
}

export interface SkewInput {
  target: KubeVersion;
  /** Each control plane's kube-apiserver image tag ("v1.32.3"); missing ones are refused by the health check. */
  controlPlanes: Array<{ name: string; apiserver?: string }>;
  /** Each node's kubelet version as the API reports it. */
  kubelets: Array<{ name: string; version?: string }>;
  /** Installed kubeadm package per node. */
  kubeadms: Array<{ name: string; version?: string }>;
}

/** The refusals of the version rules, each a sentence that names the versions and the way forward; [] when allowed. */
export function skewRefusals(s: SkewInput): string[] {
  const t = s.target.minor;
  const out: string[] = [];
  if (s.target.major !== 1) out.push(`only Kubernetes 1.x is supported, not ${s.target.major}.${s.target.minor}`);
  const cps = s.controlPlanes.map((c) => ({ ...c, minor: minorOf(c.apiserver) })).filter((c) => c.minor !== undefined) as Array<{ name: string; minor: number }>;
  if (cps.length === 0) return [...out, 'no control plane version could be read (kube-apiserver manifests), so the upgrade cannot be checked'];
  const lowest = Math.min(...cps.map((c) => c.minor));
  const highest = Math.max(...cps.map((c) => c.minor));
  if (t > lowest + MAX_MINOR_STEP) {
    const path = Array.from({ length: t - lowest }, (_, i) => `1.${lowest + i + 1}`).join(', then ');
    out.push(`cannot upgrade from 1.${lowest} to 1.${t}: kubeadm upgrades one minor at a time and skipping a minor is not supported; upgrade to ${path}`);
  }
  if (t < highest) out.push(`cannot go from 1.${highest} down to 1.${t}: provision upgrades, it does not downgrade (${cps.filter((c) => c.minor === highest).map((c) => c.name).join(', ')} run 1.${highest})`);
  const oldKubelets = s.kubelets.filter((k) => minorOf(k.version) !== undefined && minorOf(k.version)! < t - MAX_KUBELET_SKEW);
  if (oldKubelets.length) out.push(`kubelets too old for 1.${t} (at most ${MAX_KUBELET_SKEW} minors older than the control plane): ${oldKubelets.map((k) => `${k.name} ${k.version}`).join(', ')}; upgrade them first`);
  const newer = s.kubelets.filter((k) => (minorOf(k.version) ?? 0) > t);
  if (newer.length) out.push(`kubelets newer than 1.${t} (a kubelet may never be newer than kube-apiserver): ${newer.map((k) => `${k.name} ${k.version}`).join(', ')}`);
  const newerAdm = s.kubeadms.filter((k) => (minorOf(k.version) ?? 0) > t);
  if (newerAdm.length) out.push(`kubeadm newer than 1.${t} is installed on ${newerAdm.map((k) => `${k.name} (${k.version})`).join(', ')}: apt would have to downgrade it`);
  return out;
}

/** Parses --to: "1.33", "v1.33" or "1.33.4" (a patch pins the packages). */
export function parseTarget(text: string): KubeVersion {
  return parseKubeVersion(text);
}

/**
 * The package repository for the new minor: pkgs.k8s.io (and mirrors laid out like it) name the minor in the
 * path, so "v1.32" becomes "v1.33". A URL with no minor in it cannot be moved safely: undefined (refused).
 */
export function repoUrlForMinor(url: string, fromMinor: number, toMinor: number): string | undefined {
  const re = new RegExp(`(^|[/:])v1\\.${fromMinor}(?=/|$)`);
  if (re.test(url)) return url.replace(re, `$1v1.${toMinor}`);
  if (new RegExp(`(^|[/:])v1\\.${toMinor}(?=/|$)`).test(url)) return url;
  return undefined;
}
