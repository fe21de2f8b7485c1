// A bash script that explains why the API endpoint failed a join: which HAProxy backends are down, or no VIP.
import type { Inventory } from '../inventory/types.js';
import { quote } from '../core/command.js';
import { apiEndpoint, controlPlanes, loadBalancers } from './cluster-shape.js';
import { HAPROXY_STATS_PORT } from './haproxy-config.js';
import { APISERVER_PORT } from './paths.js';

const TCP_OK = `tcp_ok() { timeout 3 bash -c 'exec 3<>/dev/tcp/$0/$1' "$1" "$2" 2>/dev/null; }`;

export interface DiagnosisOptions {
  inventory: Inventory;
  /** Who runs the script, for the message. */
  from: string;
}

/** Always exits 0; prints its findings prefixed with "provision:" for the run's error report. */
export function renderEndpointDiagnosis(o: DiagnosisOptions): string {
  const ep = apiEndpoint(o.inventory);
  const lines = [TCP_OK, `ep=${quote(ep.address)}; port=${ep.port}`];
  if (o.inventory.network.api.mode === 'haproxy') {
    const lb = loadBalancers(o.inventory).find((h) => h.address === ep.address);
    const lbName = quote(lb?.name ?? ep.address);
    lines.push(
      `if ! tcp_ok "$ep" "$port"; then echo "provision: the API load balancer ${'$ep:$port'} (haproxy on "${lbName}") refuses connections from ${o.from}: is haproxy running, and does the firewall allow $port?"; exit 0; fi`,
      'down=""; up=""',
      ...controlPlanes(o.inventory).map((h) => `if tcp_ok ${quote(h.address)} ${APISERVER_PORT}; then up="$up ${h.name}"; else down="$down\\n  ${h.name} ${h.address}:${APISERVER_PORT} refuses connections from ${o.from}"; fi`),
      // HAProxy's own view (its stats) listens on the lb host's loopback only: name the command that shows it.
      `stats="ssh "${lbName}" curl -s 'http://127.0.0.1:${HAPROXY_STATS_PORT}/stats;csv'"`,
      `if [ -z "$up" ]; then printf 'provision: the API load balancer %s (haproxy on %s) has NO healthy kube-apiserver backend: no control plane answers on :${APISERVER_PORT}:%b\\n' "$ep:$port" ${lbName} "$down";`,
      `else printf 'provision: the API load balancer %s (haproxy on %s) accepts connections, and from %s these control planes answer on :${APISERVER_PORT}:%s%b\\n  HAProxy may still mark them DOWN (backend port, health check): see %s\\n' "$ep:$port" ${lbName} ${quote(o.from)} "$up" "$down" "$stats"; fi`,
      `printf '  hint: the backends must point at each control plane :${APISERVER_PORT} (kube-apiserver), reachable through the control planes'"'"' firewall\\n'`,
    );
  } else {
    lines.push(
      `if ! tcp_ok "$ep" "$port"; then echo "provision: the API VIP $ep:$port does not answer from ${o.from}: kube-vip has not raised it — check vip_interface and address in /etc/kubernetes/manifests/kube-vip.yaml on the control planes"; fi`,
    );
  }
  lines.push('exit 0');
  return lines.join('\n');
}
