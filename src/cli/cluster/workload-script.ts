// `verify --workloads`: what the first control plane runs to prove the cluster carries traffic — a probe pod on
// every node (busybox httpd), pod-to-pod across nodes, cluster DNS, and a LoadBalancer Service from the MetalLB pool.
import type { Inventory } from '../../inventory/types.js';
import { stringify } from 'yaml';
import { ADMIN_CONF } from '../../cluster/paths.js';
import { MANAGED_BY, type K8sObject } from '../../modules/cluster/addons/k8s-object.js';

export const PROBE_NAMESPACE = 'provision-verify';
export const PROBE_IMAGE = 'docker.io/library/busybox:1.36';
const K = `kubectl --kubeconfig ${ADMIN_CONF}`;

/** The probe objects: a DaemonSet on every node (control planes too) serving its node name, and an LB Service. */
export function probeObjects(): K8sObject[] {
  const labels = { app: 'probe' };
  return [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: PROBE_NAMESPACE, labels: { ...MANAGED_BY } } },
    {
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: { name: 'probe', namespace: PROBE_NAMESPACE, labels: { ...MANAGED_BY } },
      spec: {
        selector: { matchLabels: labels },
        template: {
          metadata: { labels },
          spec: {
            tolerations: [{ operator: 'Exists' }],
            containers: [{
              name: 'probe',
              image: PROBE_IMAGE,
              command: ['sh', '-c', 'mkdir -p /www && echo "$NODE" > /www/index.html && exec httpd -f -p 8080 -h /www'],
              env: [{ name: 'NODE', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } }],
              ports: [{ containerPort: 8080 }],
            }],
          },
        },
      },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'probe-lb', namespace: PROBE_NAMESPACE, labels: { ...MANAGED_BY } },
      spec: { type: 'LoadBalancer', selector: labels, ports: [{ port: 80, targetPort: 8080 }] },
    },
  ];
}

export function probeManifest(): string {
  return probeObjects().map((o) => stringify(o)).join('---\n');
}

/**
 * Prints tab-separated lines: `W<TAB>check<TAB>node<TAB>ok|fail<TAB>detail` for podnet and dns per node, and
 * `LB<TAB>ip` when the Service got an address. Leaves the namespace in place: the laptop still has to reach
 * the address; cleanupScript() removes it.
 */
export function workloadScript(inv: Inventory): string {
  const nodes = inv.hosts.filter((h) => h.role !== 'lb').map((h) => h.name);
  return [
    'set -u',
    `w() { printf 'W\\t%s\\t%s\\t%s\\t%s\\n' "$1" "$2" "$3" "$4"; }`,
    `${K} apply -f - >/dev/null <<'PROVISION_PROBE' || { printf 'W\\tsetup\\t-\\tfail\\tcould not create the probe DaemonSet and Service\\n'; exit 0; }`,
    probeManifest().trimEnd(),
    'PROVISION_PROBE',
    `${K} -n ${PROBE_NAMESPACE} rollout status ds/probe --timeout=180s >/dev/null 2>&1 || true`,
    `pods=$(${K} -n ${PROBE_NAMESPACE} get pods -l app=probe -o jsonpath='{range .items[*]}{.spec.nodeName}{" "}{.metadata.name}{" "}{.status.podIP}{" "}{.status.phase}{"\\n"}{end}')`,
    `nodes="${nodes.join(' ')}"`,
    // each node's probe pod fetches from the next node's pod IP (wrapping), and resolves kubernetes.default
    'set -- $nodes; first=$1',
    'for n in $nodes; do',
    '  shift 2>/dev/null; next=${1:-$first}',
    `  line=$(printf '%s\\n' "$pods" | awk -v n="$n" '$1==n'); pod=$(echo "$line" | awk '{print $2}'); phase=$(echo "$line" | awk '{print $4}')`,
    `  if [ -z "$pod" ] || [ "$phase" != Running ]; then w podnet "$n" fail "no Running probe pod on $n (\${phase:-none})"; w dns "$n" fail "no Running probe pod on $n"; continue; fi`,
    `  tip=$(printf '%s\\n' "$pods" | awk -v n="$next" '$1==n {print $3}')`,
    `  if [ -z "$tip" ]; then w podnet "$n" fail "no probe pod IP on $next"`,
    `  else got=$(${K} -n ${PROBE_NAMESPACE} exec "$pod" -- wget -qO- -T 3 "http://$tip:8080/" 2>/dev/null); if [ "$got" = "$next" ]; then w podnet "$n" ok "reached $next's pod $tip"; else w podnet "$n" fail "cannot reach $next's pod $tip from $n"; fi; fi`,
    `  if ${K} -n ${PROBE_NAMESPACE} exec "$pod" -- nslookup kubernetes.default.svc.cluster.local >/dev/null 2>&1; then w dns "$n" ok "kubernetes.default resolves"; else w dns "$n" fail "kubernetes.default does not resolve from a pod on $n"; fi`,
    'done',
    `for i in $(seq 1 30); do ip=$(${K} -n ${PROBE_NAMESPACE} get service probe-lb -o jsonpath='{.status.loadBalancer.ingress[0].ip}' 2>/dev/null); [ -n "$ip" ] && break; sleep 2; done`,
    `printf 'LB\\t%s\\n' "\${ip:-}"`,
    'exit 0',
  ].join('\n');
}

export function cleanupScript(): string {
  return `${K} delete namespace ${PROBE_NAMESPACE} --wait=false >/dev/null 2>&1; exit 0`;
}
