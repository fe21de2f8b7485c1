// Builds the one script `provision status` (and `upgrade`, `certs`) runs on a host: packages, kubelet, repository, manifests, certificates.
import type { Host, Inventory } from '../../inventory/types.js';
import { SOURCES_LIST } from '../../modules/cluster/host-setup/kube-apt.js';
import { apiEndpoint, firstControlPlane } from '../../cluster/cluster-shape.js';
import { ADMIN_CONF, APISERVER_PORT, KUBELET_CONF, MANIFESTS_DIR } from '../../cluster/paths.js';
import { quote } from '../../core/command.js';
import { statsCsvCommand } from '../../cluster/haproxy-stats.js';

/** The static pods kubeadm runs on a control plane (what `certs renew` restarts and `status` reads versions from). */
export const STATIC_PODS = ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'etcd'] as const;
export const KUBE_PACKAGE_NAMES = ['kubeadm', 'kubelet', 'kubectl'] as const;

/** kubectl as root with admin.conf, asking this control plane's own API server (as verify does). */
export function localKubectl(host: Host): string {
  const addr = host.address.includes(':') ? `[${host.address}]` : host.address;
  return `kubectl --kubeconfig ${ADMIN_CONF} --server ${quote(`https://${addr}:${APISERVER_PORT}`)}`;
}

/**
 * Lines: `K\tKEY\tVALUE` (one fact), `M\tPOD\tTAG` (a static pod's image tag), `B\tNAME\tBASE64` (a command's
 * whole output). Never fails: a missing program or file is an empty value the parser judges.
 */
export function renderStatusScript(inv: Inventory, host: Host): string {
  const ep = apiEndpoint(inv);
  const out = [
    `k() { printf 'K\\t%s\\t%s\\n' "$1" "$2"; }`,
    `b() { printf 'B\\t%s\\t%s\\n' "$1" "$(printf '%s' "$2" | base64 -w0)"; }`,
    `tcp_ok() { timeout 2 bash -c 'exec 3<>/dev/tcp/$0/$1' "$1" "$2" 2>/dev/null; }`,
    `if tcp_ok ${quote(ep.host)} ${ep.port}; then k endpoint ok; else k endpoint fail; fi`,
  ];
  if (host.role === 'lb') {
    out.push(`k haproxy "$(systemctl is-active haproxy 2>/dev/null)"`);
    out.push(`b haproxy-stats "$(${statsCsvCommand()})"`);
    out.push('exit 0');
    return out.join('\n');
  }
  for (const p of KUBE_PACKAGE_NAMES) out.push(`k ${p} "$(dpkg-query -W -f='\${Version}' ${p} 2>/dev/null)"`);
  out.push(`k held "$(apt-mark showhold 2>/dev/null | tr '\\n' ' ')"`);
  out.push(`k kubelet-active "$(systemctl is-active kubelet 2>/dev/null)"`);
  out.push(`k repo "$(grep -h '^deb ' ${SOURCES_LIST} 2>/dev/null | head -n 1)"`);
  out.push(`if [ -f ${KUBELET_CONF} ]; then k joined yes; else k joined no; fi`);
  if (host.role === 'control-plane') {
    for (const p of STATIC_PODS) out.push(`k manifest-${p} "$(sed -n 's/^ *image: *[^ ]*:\\(v[0-9][^ ]*\\) *$/\\1/p' ${MANIFESTS_DIR}/${p}.yaml 2>/dev/null | head -n 1)"`);
    if (inv.network.api.mode === 'kube-vip') out.push(`if ip -o addr show 2>/dev/null | grep -qw ${quote(`${inv.network.api.address}/32`)}; then k vip yes; else k vip no; fi`);
    out.push(`b certs "$(kubeadm certs check-expiration 2>&1)"`);
  }
  if (host.name === firstControlPlane(inv).name) {
    const k = localKubectl(host);
    out.push(`b nodes "$(${k} get nodes -o json 2>&1)"`);
    out.push(`b pods "$(${k} get pods -n kube-system -o json 2>&1)"`);
    out.push(`b version "$(${k} version 2>&1)"`);
  }
  out.push('exit 0');
  return out.join('\n');
}
