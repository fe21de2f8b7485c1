// Renders the HAProxy configuration that load-balances the Kubernetes API over every control plane.
import type { Inventory } from '../inventory/types.js';
import { APISERVER_PORT } from './paths.js';
import { controlPlanes } from './cluster-shape.js';

export interface HaproxyConfigOptions {
  inventory: Inventory;
  /** The port the control planes' kube-apiserver listens on (default 6443). */
  backendPort?: number;
  /** The stats / Prometheus frontend port (default 8404). */
  statsPort?: number;
}

export const HAPROXY_STATS_PORT = 8404;

/** How provision's haproxy.cfg begins: preflight tells an lb host in service by it. */
export const HAPROXY_HEADER_PREFIX = '# Managed by provision for cluster ';

/** A complete haproxy.cfg: deterministic (same inventory, same bytes), so re-runs compare equal. */
export function renderHaproxyConfig(opts: HaproxyConfigOptions): string {
  const inv = opts.inventory;
  const backendPort = opts.backendPort ?? APISERVER_PORT;
  const statsPort = opts.statsPort ?? HAPROXY_STATS_PORT;
  // kubeadm's HA guide: the health check is GET /healthz over TLS (the API's certificate is not verified here).
  const servers = controlPlanes(inv).map((h) => `    server ${h.name} ${h.address}:${backendPort} check check-ssl verify none fall 3 rise 2`);
  const metricsPort = inv.network.api.metricsPort;
  return [
    `${HAPROXY_HEADER_PREFIX}${inv.cluster.name}: the Kubernetes API load balancer.`,
    '# Local edits are overwritten on the next run; change the inventory instead.',
    'global',
    '    log /dev/log local0',
    '    log /dev/log local1 notice',
    '    chroot /var/lib/haproxy',
    '    user haproxy',
    '    group haproxy',
    '    daemon',
    '',
    'defaults',
    '    log global',
    '    mode tcp',
    '    option dontlognull',
    '    timeout connect 5s',
    '    timeout client 1h',
    '    timeout server 1h',
    '    timeout check 5s',
    '',
    'frontend kube-apiserver',
    `    bind *:${inv.network.api.port}`,
    '    mode tcp',
    '    option tcplog',
    '    default_backend kube-apiserver',
    '',
    'backend kube-apiserver',
    '    mode tcp',
    '    balance roundrobin',
    '    option httpchk GET /healthz',
    '    http-check expect status 200',
    '    default-server inter 5s',
    ...servers,
    '',
    // No auth on the page, so it listens on the lb host itself only: `ssh LB curl -s http://127.0.0.1:8404/stats`.
    'frontend stats',
    '    mode http',
    `    bind 127.0.0.1:${statsPort}`,
    '    http-request use-service prometheus-exporter if { path /metrics }',
    '    stats enable',
    '    stats uri /stats',
    '    stats refresh 10s',
    '',
    ...(metricsPort ? [
      'frontend prometheus',
      '    mode http',
      `    bind *:${metricsPort}`,
      '    http-request use-service prometheus-exporter if { path /metrics }',
      '    http-request deny',
      '',
    ] : []),
  ].join('\n');
}
