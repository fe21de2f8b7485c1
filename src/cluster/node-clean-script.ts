// What `kubeadm reset` leaves behind and a later `kubeadm join` (or `up`) trips on, probed and cleaned on one node (pure text).
import { KUBE_DIR } from './paths.js';
import { ETCD_DATA_DIR } from './etcd-members.js';

/** Files and directories of the cluster on a node. kubeadm reset keeps /etc/cni/net.d and the rest of /etc/kubernetes. */
export const CLUSTER_PATHS = [KUBE_DIR, '/var/lib/kubelet', ETCD_DATA_DIR, '/etc/cni/net.d', '/var/lib/cni', '/run/flannel', '/var/lib/calico', '/run/calico'];
/** Links the CNIs and kube-proxy create (flannel, Calico IP-in-IP/VXLAN/WireGuard, kube-proxy IPVS, the bridge plugin). */
export const CNI_LINKS = ['cni0', 'flannel.1', 'flannel-v6.1', 'flannel-wg', 'tunl0', 'vxlan.calico', 'vxlan-v6.calico', 'wireguard.cali', 'kube-ipvs0', 'kube-bridge'];
/** Calico's per-pod veths are named cali + 11 hex digits. */
const CALI_VETH = '^cali[0-9a-f]{11}$';
/** nftables tables of kube-proxy's nftables mode and Calico's nftables data plane; provision's own `inet provision` stays. */
const NFT_TABLES = /^(ip|ip6|inet) (kube-proxy|calico)$/;
/** iptables chains and rules kube-proxy and the CNIs add (as k3s-killall.sh filters them). */
const IPTABLES_PATTERN = 'KUBE-|CNI-|FLANNEL|flannel|cali-|cali:';

/** Lines `D\tWHAT` for each thing on the node that belongs to a cluster; none: the host is clean. Never fails. */
export function renderDirtyProbe(): string {
  return [
    `d() { printf 'D\\t%s\\n' "$1"; }`,
    `[ -n "$(find ${KUBE_DIR} -mindepth 1 ! -path ${KUBE_DIR}/manifests 2>/dev/null | head -n 1)" ] && d ${KUBE_DIR}`,
    ...CLUSTER_PATHS.filter((p) => p !== KUBE_DIR).map((p) => `[ -n "$(ls -A ${p} 2>/dev/null)" ] && d ${p}`),
    `ls -d ${ETCD_DATA_DIR}.before-restore-* >/dev/null 2>&1 && d '${ETCD_DATA_DIR}.before-restore-*'`,
    `for l in ${CNI_LINKS.join(' ')}; do ip link show "$l" >/dev/null 2>&1 && d "link $l"; done`,
    `ip -o link show 2>/dev/null | awk -F': ' '{print $2}' | sed 's/@.*//' | grep -E '${CALI_VETH}' | head -n 1 | while read -r l; do d "links cali*"; done`,
    `command -v nft >/dev/null 2>&1 && nft list tables 2>/dev/null | sed 's/^table //' | grep -E '${NFT_TABLES.source}' | while read -r t; do d "nft table $t"; done`,
    `for t in iptables ip6tables; do command -v $t-save >/dev/null 2>&1 && $t-save 2>/dev/null | grep -q -E '${IPTABLES_PATTERN}' && d "$t rules"; done`,
    'exit 0',
  ].join('\n');
}

export function parseDirty(stdout: string): string[] {
  return stdout.split('\n').filter((l) => l.startsWith('D\t')).map((l) => l.slice(2));
}

/**
 * kubeadm reset -f (stops the kubelet, removes the static pods, /var/lib/kubelet, the PKI and, on a control plane, its etcd
 * member), then what it leaves: CNI config and links, kube-proxy's and the CNI's nft tables and iptables rules, the rest of
 * /etc/kubernetes, /var/lib/etcd. Each part is its own command so one missing tool does not stop the rest; exits 1 listing
 * what it could not remove.
 */
export function renderCleanScript(): string {
  return [
    'failed=""',
    'fail() { failed="$failed $1"; }',
    `if command -v kubeadm >/dev/null 2>&1 && [ -e ${KUBE_DIR}/kubelet.conf -o -e ${KUBE_DIR}/admin.conf -o -d ${ETCD_DATA_DIR} -o -d /var/lib/kubelet ]; then`,
    '  kubeadm reset -f >/tmp/provision-reset.log 2>&1 || { cat /tmp/provision-reset.log >&2; fail "kubeadm-reset"; }',
    '  rm -f /tmp/provision-reset.log',
    'fi',
    'systemctl stop kubelet >/dev/null 2>&1 || true',
    `for l in ${CNI_LINKS.join(' ')}; do if ip link show "$l" >/dev/null 2>&1; then ip link delete "$l" || fail "link-$l"; fi; done`,
    `for l in $(ip -o link show 2>/dev/null | awk -F': ' '{print $2}' | sed 's/@.*//' | grep -E '${CALI_VETH}'); do ip link delete "$l" || fail "link-$l"; done`,
    `if command -v nft >/dev/null 2>&1; then for t in $(nft list tables 2>/dev/null | sed 's/^table //' | grep -E '${NFT_TABLES.source}' | tr ' ' ':'); do nft delete table $(echo "$t" | tr ':' ' ') || fail "nft-$t"; done; fi`,
    `for t in iptables ip6tables; do if command -v $t-save >/dev/null 2>&1 && $t-save 2>/dev/null | grep -q -E '${IPTABLES_PATTERN}'; then $t-save | grep -v -E '${IPTABLES_PATTERN}' | $t-restore || fail "$t"; fi; done`,
    ...CLUSTER_PATHS.map((p) => (p === KUBE_DIR ? `if [ -d ${p} ]; then find ${p} -mindepth 1 -delete || fail "${p}"; fi` : `rm -rf ${p} || fail "${p}"`)),
    `mkdir -p ${KUBE_DIR}/manifests`,
    // What a provision restore kept or staged: the first cluster's etcd data must not survive the node leaving it.
    `rm -rf ${ETCD_DATA_DIR}.before-restore-* ${ETCD_DATA_DIR}.provision-restore /var/lib/provision-restore || fail restore-leftovers`,
    'rm -rf /root/.kube',
    'if [ -n "$failed" ]; then echo "provision: could not clean:$failed" >&2; exit 1; fi',
    'exit 0',
  ].join('\n');
}
