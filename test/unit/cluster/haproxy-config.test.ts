// haproxy.cfg content: every control plane as a checked backend, the API frontend, the stats/Prometheus endpoint.
import { describe, expect, it } from 'vitest';
import { renderHaproxyConfig } from '../../../src/cluster/haproxy-config.js';
import { goldentooth } from './fixtures.js';

const inv = goldentooth();
const cases: Array<{ name: string; opts: Parameters<typeof renderHaproxyConfig>[0]; lines: string[]; absent?: string[] }> = [
  {
    name: 'every control plane, round robin, health checked',
    opts: { inventory: inv },
    lines: ['    balance roundrobin', '    server bettley 10.4.0.11:6443 check check-ssl verify none fall 3 rise 2', '    server cargyll 10.4.0.12:6443 check check-ssl verify none fall 3 rise 2', '    server dalt 10.4.0.13:6443 check check-ssl verify none fall 3 rise 2'],
    absent: ['allyrion 10.4.0.10', 'erenford', 'velaryon'],
  },
  { name: 'TCP frontend on the API port', opts: { inventory: { ...inv, network: { ...inv.network, api: { ...inv.network.api, port: 8443 } } } }, lines: ['frontend kube-apiserver', '    bind *:8443', '    mode tcp'] },
  {
    name: 'health checks are GET /healthz over TLS, as in kubeadm\'s HA guide (not plain TCP connects)',
    opts: { inventory: inv },
    lines: ['    option httpchk GET /healthz', '    http-check expect status 200'],
    absent: ['option tcp-check'],
  },
  {
    name: 'stats (no auth) only on the lb host\'s loopback',
    opts: { inventory: inv },
    lines: ['    bind 127.0.0.1:8404', '    stats uri /stats'],
    absent: ['bind *:8404', 'frontend prometheus'],
  },
  {
    name: 'Prometheus on its own frontend when the inventory asks (network.api.metricsPort)',
    opts: { inventory: { ...inv, network: { ...inv.network, api: { ...inv.network.api, metricsPort: 8405 } } } },
    lines: ['frontend prometheus', '    bind *:8405', '    http-request use-service prometheus-exporter if { path /metrics }', '    http-request deny'],
  },
  { name: 'backend and stats ports overridable', opts: { inventory: inv, backendPort: 6444, statsPort: 9000 }, lines: ['    server dalt 10.4.0.13:6444 check check-ssl verify none fall 3 rise 2', '    bind 127.0.0.1:9000'] },
];

describe('renderHaproxyConfig', () => {
  it.each(cases)('$name', ({ opts, lines, absent }) => {
    const cfg = renderHaproxyConfig(opts);
    const have = cfg.split('\n');
    for (const l of lines) expect(have).toContain(l);
    for (const a of absent ?? []) expect(cfg).not.toContain(a);
    expect(renderHaproxyConfig(opts), 'deterministic').toBe(cfg);
  });
});
