// The scripts `verify --failover` runs on control planes: read the VIP's state, stop kube-vip (its static pod), restore it.
import type { Inventory } from '../../inventory/types.js';
import { ADMIN_CONF, APISERVER_PORT, KUBE_DIR, KUBE_VIP_MANIFEST, MANIFESTS_DIR } from '../../cluster/paths.js';
import { quote } from '../../core/command.js';
import { apiEndpoint } from '../../cluster/cluster-shape.js';

/** Where the stopped kube-vip manifest waits (outside manifests/, so the kubelet stops the static pod). */
export const PARKED_MANIFEST = `${KUBE_DIR}/kube-vip.yaml.provision-failover`;

/** The API server's static pod manifest, and where haproxy mode parks it while that backend is down. */
export const APISERVER_MANIFEST = `${MANIFESTS_DIR}/kube-apiserver.yaml`;
export const PARKED_APISERVER = `${KUBE_DIR}/kube-apiserver.yaml.provision-failover`;

/**
 * One line per fact, `F<TAB>key<TAB>value`: does this node hold the VIP, is its kube-vip manifest in place, does its
 * own API server answer on 6443, where is its API server's manifest, and does the API answer through the endpoint
 * (the VIP, or HAProxy) from here.
 */
export function failoverStatusScript(inv: Inventory): string {
  const vip = quote(inv.network.api.address);
  // The endpoint as kubeconfigs name it (network.api.name, resolved by /etc/hosts, or the VIP): the API server's
  // certificate carries that name, not necessarily the VIP's address.
  const url = quote(`https://${apiEndpoint(inv).hostPort}`);
  return [
    `f() { printf 'F\\t%s\\t%s\\n' "$1" "$2"; }`,
    `tcp_ok() { timeout 2 bash -c 'exec 3<>/dev/tcp/$0/$1' "$1" "$2" 2>/dev/null; }`,
    `if [ -n "$(ip -o -4 addr show to ${vip}/32 2>/dev/null)" ]; then f vip yes; else f vip no; fi`,
    `if [ -f ${KUBE_VIP_MANIFEST} ]; then f manifest yes; elif [ -f ${PARKED_MANIFEST} ]; then f manifest parked; else f manifest no; fi`,
    `if [ -f ${APISERVER_MANIFEST} ]; then f apimanifest yes; elif [ -f ${PARKED_APISERVER} ]; then f apimanifest parked; else f apimanifest no; fi`,
    `if tcp_ok 127.0.0.1 ${APISERVER_PORT}; then f api ok; else f api fail; fi`,
    `if timeout 10 kubectl --kubeconfig ${ADMIN_CONF} --server ${url} --request-timeout=5s get nodes -o name >/dev/null 2>&1; then f vipapi ok; else f vipapi fail; fi`,
  ].join('\n');
}

/** Stops kube-vip on the VIP holder the way a static pod is stopped: its manifest leaves the manifests directory. */
export const stopKubeVipScript = (): string => `mv ${KUBE_VIP_MANIFEST} ${PARKED_MANIFEST}`;

/** Puts the manifest back (idempotent: nothing to do when it is already there). */
export const restoreKubeVipScript = (): string => `if [ -f ${PARKED_MANIFEST} ]; then mv ${PARKED_MANIFEST} ${KUBE_VIP_MANIFEST}; fi`;

/** Stops one HAProxy backend's API server the way a static pod is stopped: its manifest leaves the manifests directory. */
export const stopApiServerScript = (): string => `mv ${APISERVER_MANIFEST} ${PARKED_APISERVER}`;

/** Puts the API server's manifest back (idempotent). */
export const restoreApiServerScript = (): string => `if [ -f ${PARKED_APISERVER} ]; then mv ${PARKED_APISERVER} ${APISERVER_MANIFEST}; fi`;
