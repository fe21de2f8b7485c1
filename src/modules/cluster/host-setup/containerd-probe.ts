// The containerd install script that checks the version it gets (what is installed: the containerd fact kind).
import type { KubeVersion } from '../../../cluster/version.js';
import { describeFloor } from './containerd-source.js';

/** The lowest version of each containerd line that fits, as shell `case` arms (1.6 → 1.6.36). */
function floorArms(kube: KubeVersion): string[] {
  return describeFloor(kube).split(', ').map((f) => {
    const v = f.replace(/\+$/, '');
    return `  ${v.split('.').slice(0, 2).join('.')}) min=${v} ;;`;
  });
}

/**
 * Installs the distribution's containerd only when its candidate fits the Kubernetes minor: the candidate is read
 * after an `apt-get update` when apt knows none, and compared by dpkg itself. Lines not in the matrix fit when newer
 * than 1.6 (2.2 and later), never when older.
 */
export function installScript(kube: KubeVersion): string {
  return [
    'set -e',
    'cand() { apt-cache policy containerd 2>/dev/null | sed -n \'s/^ *Candidate: //p\'; }',
    'c=$(cand)',
    'case "$c" in ""|"(none)") apt-get update; c=$(cand) ;; esac',
    'case "$c" in ""|"(none)") echo "provision: apt has no containerd package (check /etc/apt/sources.list)" >&2; exit 1 ;; esac',
    'line=$(printf %s "$c" | sed -n \'s/^\\([0-9]*\\.[0-9]*\\)\\..*/\\1/p\')',
    'min=""',
    'case "$line" in',
    ...floorArms(kube),
    'esac',
    'old=0',
    // "MIN~" sorts below every "MIN~ds1-1" Debian build of that upstream version (dpkg's ~ is lower than the end).
    'if [ -n "$min" ]; then dpkg --compare-versions "$c" lt "$min~" && old=1; else dpkg --compare-versions "$c" lt 2.2~ && old=1; fi',
    'if [ "$old" = 1 ]; then',
    `  echo "provision: the distribution's containerd $c is older than containerd's support matrix allows for Kubernetes ${kube.major}.${kube.minor} (${describeFloor(kube)}); set source: docker on the containerd task to install containerd.io from Docker's apt repository" >&2`,
    '  exit 1',
    'fi',
    'apt-get install -y --no-install-recommends containerd',
  ].join('\n');
}
