// The script that renews kubeadm's certificates on one control plane and restarts its static pods the way kubeadm's docs say.
import { MANIFESTS_DIR, PROVISION_DIR } from './paths.js';

/** Where the manifests wait while the kubelet stops their pods; a re-run after a kill puts them back first. */
export const RESTART_DIR = `${PROVISION_DIR}/manifests-restart`;
export const RESTARTED_PODS = ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'etcd'];

/**
 * `kubeadm certs renew all`, then each static pod restarted: its manifest moved out of the manifests directory,
 * `waitSeconds` (the kubelet's fileCheckFrequency, 20 s by default) for the kubelet to stop it, moved back,
 * then the local API server must answer again within `healthSeconds`.
 */
export function renewScript(o: { waitSeconds: number; healthSeconds: number; kubectl: string }): string {
  return [
    'set -e',
    `mkdir -p -m 0700 ${RESTART_DIR}`,
    // A run killed while the manifests were out: put them back before anything else.
    `for f in ${RESTART_DIR}/*.yaml; do [ -e "$f" ] && mv -f "$f" ${MANIFESTS_DIR}/; done`,
    'kubeadm certs renew all',
    `for p in ${RESTARTED_PODS.join(' ')}; do [ -f ${MANIFESTS_DIR}/$p.yaml ] && mv -f ${MANIFESTS_DIR}/$p.yaml ${RESTART_DIR}/; done`,
    `sleep ${o.waitSeconds}`,
    `for f in ${RESTART_DIR}/*.yaml; do [ -e "$f" ] && mv -f "$f" ${MANIFESTS_DIR}/; done`,
    `i=0; until ${o.kubectl} version >/dev/null 2>&1; do i=$((i+1)); [ $i -ge ${o.healthSeconds} ] && { echo "provision: the API server on this node did not come back within ${o.healthSeconds}s after the restart" >&2; exit 1; }; sleep 1; done`,
    'echo restarted',
  ].join('\n');
}
