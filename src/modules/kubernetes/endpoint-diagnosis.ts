// A bash script that explains why the API endpoint failed a join: which HAProxy backends are down, or no VIP.
import type { Inventory } from '../../inventory/types.js';
import { quote } from '../../transport/command.js';
import { apiEndpoint, loadBalancers } from './cluster-shape.js';
import { HAPROXY_STATS_PORT } from './haproxy-config.js';
import { APISERVER_PORT } from './paths.js';

/** GET a path over bash's /dev/tcp (curl may be missing on a fresh node): prints the raw HTTP response. */
const HTTP_GET = `http_get() { timeout 5 bash -c 'exec 3<>/dev/tcp/$0/$1 && printf "GET $2 HTTP/1.0\\r\\nHost: $0\\r\\n\\r\\n" >&3 && cat <&3' "$1" "$2" "$3" 2>/dev/null; }`;
const TCP_OK = `tcp_ok() { timeout 3 bash -c 'exec 3<>/dev/tcp/$0/$1' "$1" "$2" 2>/dev/null; }`;

/** Reads HAProxy's CSV (columns by header name) and prints one line per kube-apiserver server that is not UP. */
const AWK_DOWN = String.raw`awk -F, '
/^# pxname/ { sub(/^# /, ""); for (i = 1; i <= NF; i++) col[$i] = i; next }
col["pxname"] && $col["pxname"] == "kube-apiserver" && $col["svname"] != "FRONTEND" && $col["svname"] != "BACKEND" {
  total++; if ($col["status"] ~ /^UP/) up++; else printf "  %s%s %s (check %s)\n", $col["svname"], ($col["addr"] != "" ? " " $col["addr"] : ""), $col["status"], $col["check_status"]
}
END { if (!total) print "  (no kube-apiserver backend servers in the stats)"; exit up > 0 ? 3 : 0 }'`;

export interface DiagnosisOptions {
  inventory: Inventory;
  /** Who runs the script, for the message. */
  from: string;
}

/** Always exits 0; prints its findings prefixed with "provision:" for the run's error report. */
export function renderEndpointDiagnosis(o: DiagnosisOptions): string {
  const ep = apiEndpoint(o.inventory);
  const lines = [HTTP_GET, TCP_OK, `ep=${quote(ep.address)}; port=${ep.port}`];
  if (o.inventory.network.api.mode === 'haproxy') {
    const lb = loadBalancers(o.inventory).find((h) => h.address === ep.address);
    const lbName = quote(lb?.name ?? ep.address);
    lines.push(
      `if ! tcp_ok "$ep" "$port"; then echo "provision: the API load balancer ${'$ep:$port'} (haproxy on "${lbName}") refuses connections from ${o.from}: is haproxy running, and does the firewall allow $port?"; exit 0; fi`,
      `csv=$(http_get "$ep" ${HAPROXY_STATS_PORT} '/stats;csv' | tr -d '\\r' | grep -v '^[0-9a-f]*$')`,
      `if [ -z "$csv" ]; then echo "provision: the HAProxy stats endpoint $ep:${HAPROXY_STATS_PORT} does not answer from ${o.from}, so the backends cannot be checked"; exit 0; fi`,
      `down=$(printf '%s\\n' "$csv" | ${AWK_DOWN}); rc=$?`,
      `if [ $rc -ne 3 ]; then printf 'provision: the API load balancer %s (haproxy on %s) has NO healthy kube-apiserver backend:\\n%s\\n  hint: the backends must point at each control plane :${APISERVER_PORT} (kube-apiserver), reachable through the control planes'"'"' firewall\\n' "$ep:$port" ${lbName} "$down"; fi`,
    );
  } else {
    lines.push(
      `if ! tcp_ok "$ep" "$port"; then echo "provision: the API VIP $ep:$port does not answer from ${o.from}: kube-vip has not raised it — check vip_interface and address in /etc/kubernetes/manifests/kube-vip.yaml on the control planes"; fi`,
    );
  }
  lines.push('exit 0');
  return lines.join('\n');
}
