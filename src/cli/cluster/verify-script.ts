// Builds the one bash script `provision verify` runs on a node: every check, as tab-separated result lines.
import type { Host, Inventory } from '../../inventory/types.js';
import { firewallRules } from '../../cluster/firewall-rules.js';
import { NFT_TABLE } from '../../cluster/nft-ruleset.js';
import { firstAddress } from '../../inventory/ipv4.js';
import { poolRouteCidrs } from '../../cluster/pool-cidrs.js';
import { apiEndpoint, firstControlPlane } from '../../cluster/cluster-shape.js';
import { ADMIN_CONF, APISERVER_PORT, KUBELET_CONF } from '../../cluster/paths.js';
import { quote } from '../../core/command.js';

/** podnet, dns and lb come from `verify --workloads` (src/cli/cluster/workload-script.ts). */
export type CheckName = 'resolve' | 'api' | 'route' | 'ports' | 'firewall' | 'joined' | 'cni' | 'ready' | 'pods' | 'podnet' | 'dns' | 'lb';
export const CHECKS: CheckName[] = ['resolve', 'api', 'route', 'ports', 'firewall', 'joined', 'cni', 'ready', 'pods'];
/** Checks only Kubernetes nodes have (lb hosts are not nodes). */
export const NODE_CHECKS: CheckName[] = ['joined', 'cni', 'ready', 'pods'];
export const CNI_DIR = '/etc/cni/net.d';

/** Ports something listens on once the cluster is up: checked by a TCP connect from a peer. */
export function listeningPorts(inv: Inventory, host: Host): number[] {
  if (host.role === 'control-plane') return [APISERVER_PORT];
  if (host.role === 'lb' && inv.network.api.mode === 'haproxy') return [inv.network.api.port, ...(inv.network.api.metricsPort ? [inv.network.api.metricsPort] : [])];
  return [];
}

/** The peer that tests `host`'s ports: the next host in inventory order (wrapping), so every host is tested once. */
export function peerOf(inv: Inventory, host: Host): Host | undefined {
  if (inv.hosts.length < 2) return undefined;
  const i = inv.hosts.findIndex((h) => h.name === host.name);
  return inv.hosts[(i + inv.hosts.length - 1) % inv.hosts.length];
}

/** Hosts whose ports `runner` tests (those whose peer it is). */
export function peerTargets(inv: Inventory, runner: Host): Host[] {
  return inv.hosts.filter((h) => h.name !== runner.name && peerOf(inv, h)?.name === runner.name);
}

/** Ports and ranges the host's firewall must accept (tcp), as the firewall module renders them. */
export function firewallPorts(inv: Inventory, host: Host): string[] {
  return firewallRules({ inventory: inv, host }).flatMap((r) => (r.proto === 'tcp' ? r.ports : []));
}

const HELPERS = [
  `r() { printf 'R\\t%s\\t%s\\t%s\\t%s\\n' "$1" "$2" "$3" "$4"; }`,
  `tcp_ok() { timeout 2 bash -c 'exec 3<>/dev/tcp/$0/$1' "$1" "$2" 2>/dev/null; }`,
];

export function renderVerifyScript(inv: Inventory, host: Host): string {
  const me = quote(host.name);
  const ep = apiEndpoint(inv);
  const out = [...HELPERS];
  // 1. every inventory name resolves to its inventory address
  out.push('bad=""');
  for (const h of inv.hosts) {
    out.push(`got=$(getent hosts ${quote(h.name)} | awk '{print $1; exit}'); [ "$got" = ${quote(h.address)} ] || bad="$bad ${h.name}→\${got:-none}"`);
  }
  out.push(`if [ -z "$bad" ]; then r ${me} resolve ok "${inv.hosts.length} names"; else r ${me} resolve fail "wrong or missing:$bad"; fi`);
  // 2. the API endpoint answers
  out.push(`if tcp_ok ${quote(ep.host)} ${ep.port}; then r ${me} api ok ${quote(ep.hostPort)}; else r ${me} api fail ${quote(`${ep.hostPort} does not answer`)}; fi`);
  // 3. the MetalLB pool is routed on-link (an explicit route, or inside the LAN's own route): no gateway hop
  const routes = inv.network.metallb ? poolRouteCidrs(inv) : [];
  if (routes.length === 0) out.push(`r ${me} route ok ${quote('no MetalLB pool')}`);
  else {
    out.push('bad=""');
    for (const c of routes) {
      const probe = firstAddress(c) ?? c.split('/')[0]!;
      out.push(`got=$(ip -o route get ${quote(probe)} 2>/dev/null); case "$got" in *" via "*|"") bad="$bad ${c}(\${got:-no route})";; esac`);
    }
    out.push(`if [ -z "$bad" ]; then r ${me} route ok ${quote(`${routes.join(' ')} on-link`)}; else r ${me} route fail "not on-link:$bad"; fi`);
  }
  // 4. peers' listening ports, attributed to the peer (the target)
  for (const t of peerTargets(inv, host)) {
    for (const p of listeningPorts(inv, t)) {
      const where = `${t.address}:${p}`;
      out.push(`if tcp_ok ${quote(t.address)} ${p}; then r ${quote(t.name)} ports ok ${quote(`${where} from ${host.name}`)}; else r ${quote(t.name)} ports fail ${quote(`${where} not reachable from ${host.name}`)}; fi`);
    }
  }
  // 5. our own nft table accepts the role's ports
  const ports = firewallPorts(inv, host);
  out.push(`tbl=$(nft list table ${NFT_TABLE} 2>/dev/null)`);
  out.push(`if [ -z "$tbl" ]; then r ${me} firewall fail ${quote(`nft table ${NFT_TABLE} missing`)}; else bad=""`);
  for (const p of ports) out.push(`  printf '%s\\n' "$tbl" | grep -Eq '(^|[^0-9-])${p}([^0-9-]|$)' || bad="$bad ${p}"`);
  out.push(`  if [ -z "$bad" ]; then r ${me} firewall ok ${quote(`accepts ${ports.join(',')}`)}; else r ${me} firewall fail "does not accept:$bad"; fi; fi`);
  // 6. joined: kubelet.conf here; the init node also asks the API for the node list
  if (host.role !== 'lb') {
    out.push(`if [ -f ${KUBELET_CONF} ]; then r ${me} joined ok kubelet.conf; else r ${me} joined fail ${quote(`${KUBELET_CONF} missing`)}; fi`);
    // 7. cni: a CNI configuration is installed on this node (what the kubelet needs to call the network ready)
    out.push(`cni=$(ls ${CNI_DIR} 2>/dev/null | grep -E '[.](conflist|conf|json)$' | tr '\\n' ' ')`);
    out.push(`if [ -n "$cni" ]; then r ${me} cni ok "$cni"; else r ${me} cni fail ${quote(`no CNI configuration in ${CNI_DIR}`)}; fi`);
  }
  if (host.name === firstControlPlane(inv).name) {
    // ready, pods: the API's word on every node and on kube-system's pods, as JSON (parsed on the laptop).
    // Asked of this node's own API server, so one control plane the load balancer has not yet marked down cannot stall them.
    const k = `kubectl --kubeconfig ${ADMIN_CONF} --server ${quote(`https://${host.address.includes(':') ? `[${host.address}]` : host.address}:${APISERVER_PORT}`)}`;
    out.push(`nodes=$(${k} get nodes -o json 2>/dev/null) && printf 'J\\tnodes\\t%s\\n' "$(printf '%s' "$nodes" | base64 -w0)"`);
    out.push(`pods=$(${k} get pods -n kube-system -o json 2>/dev/null) && printf 'J\\tpods\\t%s\\n' "$(printf '%s' "$pods" | base64 -w0)"`);
  }
  out.push('exit 0');
  return out.join('\n');
}
