// PreflightFacts for rule tests: a healthy host of the homelab plan (its address on eth0, /24, default route), with overrides.
import type { PreflightFacts } from '../../src/facts/parse-preflight.js';
import type { Host, Inventory } from '../../src/inventory/types.js';
import type { HostProbe } from '../../src/preflight/index.js';

/** A distinct MAC per host index (02:00:00:00:00:NN, locally administered). */
export const macOf = (i: number) => `02:00:00:00:00:${(i + 16).toString(16)}`;

export const NOW = 1_796_169_400;

export function healthyFacts(host: Host, i: number, over: Partial<PreflightFacts> = {}): PreflightFacts {
  return {
    clock: NOW + 0.05,
    hostname: host.name,
    machineId: `${String(i).repeat(32)}`.slice(0, 32),
    productUuid: `0000000${i}-0000-0000-0000-000000000000`,
    arch: host.arch ?? 'amd64',
    kernel: '6.1.0-28-arm64',
    pageSize: 4096,
    ...(host.board === 'raspberry-pi' ? { model: 'Raspberry Pi 4 Model B Rev 1.5', serial: `10000000abcd00${i}` } : {}),
    interfaces: [
      { name: 'lo', addrs: [{ address: '127.0.0.1', prefix: 8 }] },
      { name: 'eth0', mac: host.mac ?? macOf(i), addrs: [{ address: host.address, prefix: 24 }] },
    ],
    defaultRoutes: [{ dev: 'eth0', gateway: '192.168.1.1' }],
    nodesRouteDev: 'eth0',
    timeSync: ['systemd-timesyn'],
    cgroup: { version: 2, memory: true },
    swaps: [],
    varFreeKiB: 50 * 1024 * 1024,
    joined: false,
    listening: [{ port: 22, process: 'sshd' }],
    arping: true,
    dad: { replies: [] },
    vip: { method: 'arping', macs: [] },
    ...over,
  };
}

/** Every host of the inventory probed and healthy, then `change` edits the probe of any host by name. */
export function probesOf(inv: Inventory, change: Record<string, Partial<PreflightFacts>> = {}): HostProbe[] {
  return inv.hosts.map((host, i) => ({ host, facts: healthyFacts(host, i, change[host.name]), sentAt: NOW, answeredAt: NOW + 0.2 }));
}
