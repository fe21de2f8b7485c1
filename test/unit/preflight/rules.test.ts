// Preflight rules from probe facts: a healthy cluster is clean; each fault gives its code, level and the host it names.
import { describe, expect, it } from 'vitest';
import type { PreflightFacts } from '../../../src/facts/parse-preflight.js';
import { PREFLIGHT_CODES, preflightFindings } from '../../../src/preflight/index.js';
import { clockOffset } from '../../../src/preflight/clock.js';
import { formatHostFinding, tally } from '../../../src/preflight/format.js';
import { fakeInventory } from '../../support/fake-inventory.js';
import { NOW, healthyFacts, macOf, probesOf } from '../../support/fake-preflight.js';

const inv = fakeInventory();
const CP = 'k8s-cp-01';
const W = 'k8s-worker-01';
const eth0 = (address: string, prefix: number, mac = macOf(1)) => [{ name: 'eth0', mac, addrs: [{ address, prefix }] }];
const run = (change: Record<string, Partial<PreflightFacts>>, i = inv) => preflightFindings(i, probesOf(i, change));
const codes = (change: Record<string, Partial<PreflightFacts>>, i = inv) => run(change, i).map((f) => `${f.host} ${f.level} ${f.code}`);

describe('preflight rules', () => {
  it('a healthy cluster has no finding at all', () => {
    expect(run({})).toEqual([]);
  });

  it.each<[string, Record<string, Partial<PreflightFacts>>, string]>([
    ['the node came up on another address', { [W]: { interfaces: eth0('192.168.1.77', 24) } }, `${W} error address-missing`],
    ['a /16 where the plan has a /24 (every host still on-link)', { [W]: { interfaces: eth0('192.168.1.52', 16) } }, `${W} warning subnet-mismatch`],
    ['a /30 that leaves the other node off-link', { [W]: { interfaces: eth0('192.168.1.52', 30) } }, `${W} error subnet-mismatch`],
    ['no default route', { [W]: { defaultRoutes: [] } }, `${W} warning default-route`],
    ['the default route leaves by Wi-Fi', { [W]: { defaultRoutes: [{ dev: 'wlan0', gateway: '10.0.0.1' }] } }, `${W} warning default-route`],
    ['another device answers DAD for the node address', { [W]: { dad: { replies: ['aa:bb:cc:dd:ee:ff'] } } }, `${W} error duplicate-address`],
    ['a printer answers for the VIP', { [W]: { vip: { method: 'arping', macs: ['aa:bb:cc:dd:ee:ff'] } } }, `${W} error vip-in-use`],
    ['cloned machine-id', { [W]: { machineId: '0'.repeat(32) } }, `${W} error duplicate-machine-id`],
    ['cloned product_uuid', { [W]: { productUuid: '00000000-0000-0000-0000-000000000000' } }, `${W} error duplicate-product-uuid`],
    ['same hostname', { [W]: { hostname: CP } }, `${W} error duplicate-hostname`],
    ['clock 5 s ahead', { [W]: { clock: NOW + 5.2 } }, `${W} warning clock-skew`],
    ['clock 10 min behind', { [W]: { clock: NOW - 600 } }, `${W} error clock-skew`],
    ['no time-sync daemon', { [W]: { timeSync: [] } }, `${W} warning time-sync`],
    ['no time-sync daemon in a container (its clock is the machine\'s)', { [W]: { timeSync: [], container: 'lxc' } }, `${W} info time-sync`],
    ['cgroup v1', { [W]: { cgroup: { version: 1, memory: true } } }, `${W} warning cgroup-v1`],
    ['memory controller off on a PC', { [W]: { cgroup: { version: 2, memory: false } } }, `${W} error cgroup-memory`],
    ['memory controller off on a Pi (up fixes it)', { [CP]: { cgroup: { version: 2, memory: false } } }, `${CP} warning cgroup-memory`],
    ['swap on', { [W]: { swaps: ['/swapfile'] } }, `${W} info swap`],
    ['1 GiB free on /var', { [W]: { varFreeKiB: 1024 * 1024 } }, `${W} error var-space`],
    ['5 GiB free on /var', { [W]: { varFreeKiB: 5 * 1024 * 1024 } }, `${W} warning var-space`],
    ['a Pi 5 on the 16K-page kernel', { [CP]: { pageSize: 16384, model: 'Raspberry Pi 5 Model B Rev 1.0' } }, `${CP} error page-size`],
    ['the inventory says Pi, the host is not', { [CP]: { model: undefined } }, `${CP} warning board-mismatch`],
    ['a Pi the inventory does not call one', { [W]: { model: 'Raspberry Pi 4 Model B Rev 1.4' } }, `${W} warning board-mismatch`],
    ['arch differs from the inventory', { [W]: { arch: 'arm64' } }, `${W} warning arch-mismatch`],
    ['kernel 4.9', { [W]: { kernel: '4.9.0-8-amd64' } }, `${W} error kernel-version`],
    ['containerd 1.4', { [W]: { containerd: 'containerd github.com/containerd/containerd 1.4.13~ds1 1.4.13~ds1-1~deb11u4' } }, `${W} error runtime-version`],
    ['something on the kubelet port', { [W]: { listening: [{ port: 10250, process: 'python3' }] } }, `${W} error port-in-use`],
    ['something on etcd\'s port of a control plane', { [CP]: { listening: [{ port: 2379, process: 'etcd' }] } }, `${CP} error port-in-use`],
  ])('%s', (_what, change, expected) => {
    expect(codes(change)).toContain(expected);
    // Every code reported is a documented one.
    for (const f of run(change)) expect(PREFLIGHT_CODES).toContain(f.code);
  });

  it('the inventory MAC differs from the interface holding the address', () => {
    const i = fakeInventory({ hosts: [{ ...inv.hosts[0]!, mac: '88:d7:f6:49:0d:46' }, inv.hosts[1]!] });
    const probes = probesOf(i);
    probes[0]!.facts!.interfaces[1]!.mac = '88:d7:f6:49:0d:99';
    const f = preflightFindings(i, probes).find((x) => x.code === 'mac-mismatch');
    expect(f).toMatchObject({ level: 'error', host: CP });
    expect(f!.message).toContain('88:d7:f6:49:0d:99');
    expect(f!.message).toContain('88:d7:f6:49:0d:46');
  });

  it('a duplicate identity names the other host on both sides', () => {
    const f = run({ [W]: { machineId: healthyFacts(inv.hosts[0]!, 0).machineId! } }).filter((x) => x.code === 'duplicate-machine-id');
    expect(f.map((x) => [x.host, x.message.includes(x.host === CP ? W : CP)])).toEqual([[CP, true], [W, true]]);
  });

  it('the VIP answered by one of our control planes (a running cluster) is fine; by a worker it is not', () => {
    expect(codes({ [W]: { vip: { method: 'arping', macs: [macOf(0)] } } })).toEqual([]);
    const f = run({ [CP]: { vip: { method: 'neighbour', macs: [macOf(1)] } } }).find((x) => x.code === 'vip-in-use');
    expect(f?.message).toMatch(/k8s-worker-01, role worker.*neighbour table/);
  });

  it('in haproxy mode nothing checks a VIP', () => {
    const i = fakeInventory({ network: { ...inv.network, api: { mode: 'haproxy', address: '192.168.1.52', port: 6443 } } });
    expect(codes({ [W]: { vip: { method: 'arping', macs: ['aa:bb:cc:dd:ee:ff'] } } }, i).filter((c) => c.includes('vip'))).toEqual([]);
  });

  it('another probed host holding the node address is a duplicate even when DAD saw nothing', () => {
    const f = run({ [W]: { interfaces: [{ name: 'eth0', mac: macOf(1), addrs: [{ address: '192.168.1.52', prefix: 24 }, { address: '192.168.1.51', prefix: 24 }] }] } });
    expect(f.find((x) => x.code === 'duplicate-address')).toMatchObject({ host: CP, message: expect.stringContaining('k8s-worker-01 has it configured') });
  });

  it('a joined node holds its own ports; an lb host may already run haproxy on the API port', () => {
    expect(codes({ [CP]: { joined: true, listening: [{ port: 6443, process: 'kube-apiserver' }] } })).toEqual([]);
    const i = fakeInventory({
      network: { ...inv.network, api: { mode: 'haproxy', address: '192.168.1.60', port: 6443 } },
      hosts: [...inv.hosts, { name: 'lb', address: '192.168.1.60', role: 'lb' }],
    });
    expect(codes({ lb: { listening: [{ port: 6443, process: 'haproxy' }] } }, i)).toEqual([]);
    expect(codes({ lb: { listening: [{ port: 6443, process: 'nginx' }] } }, i)).toEqual(['lb error port-in-use']);
  });

  it('without arping: an info, and no duplicate check of the node address', () => {
    expect(codes({ [W]: { arping: false, dad: undefined } })).toEqual([`${W} info arping-missing`]);
  });

  it('two node interfaces with one MAC (cloned VMs) and two boards with one serial: each side names the other', () => {
    const f = run({ [W]: { interfaces: eth0('192.168.1.52', 24, macOf(0)), serial: healthyFacts(inv.hosts[0]!, 0).serial } });
    for (const code of ['duplicate-mac', 'duplicate-serial']) {
      expect(f.filter((x) => x.code === code).map((x) => [x.host, x.level, x.message.includes(x.host === CP ? W : CP)])).toEqual([[CP, 'error', true], [W, 'error', true]]);
    }
  });

  it('a probe that failed (sudo refused, output cut) is a probe-failed warning naming the host, not unreachable', () => {
    const probes = probesOf(inv);
    probes[1] = { host: inv.hosts[1]!, error: 'probe failed: k8s-worker-01: sudo refused (pi is not in the sudoers file)' };
    expect(preflightFindings(inv, probes)).toEqual([expect.objectContaining({ level: 'warning', code: 'probe-failed', host: W, message: expect.stringContaining('sudoers') })]);
  });

  it('an unreachable host is a warning naming it (up goes on and reports it its own way); the others are still checked', () => {
    const probes = probesOf(inv, { [CP]: { timeSync: [] } });
    probes[1] = { host: inv.hosts[1]!, error: 'unreachable: connect ETIMEDOUT' };
    expect(preflightFindings(inv, probes).map((f) => `${f.host} ${f.level} ${f.code}`)).toEqual([`${CP} warning time-sync`, `${W} warning unreachable`]);
  });

  it('the clock offset is how far the reading lies outside the window the probe was in flight', () => {
    expect(clockOffset(100.5, 100, 101)).toBe(0);
    expect(clockOffset(98, 100, 101)).toBe(-2);
    expect(clockOffset(104, 100, 101)).toBe(3);
    // A reading up to 1 s behind the truth (boot time in whole seconds): only what lies outside counts.
    expect(clockOffset(99.5, 100, 101, 1)).toBe(0);
    expect(clockOffset(97, 100, 101, 1)).toBe(-2);
    expect(clockOffset(104, 100, 101, 1)).toBe(3);
    // A slow answer never counts as skew.
    expect(codes({ [W]: { clock: NOW + 20 } }).filter((c) => c.includes('clock'))).toEqual([`${W} warning clock-skew`]);
    const slow = probesOf(inv, { [W]: { clock: NOW + 20 } }).map((p) => ({ ...p, answeredAt: NOW + 30 }));
    expect(preflightFindings(inv, slow).filter((f) => f.code === 'clock-skew')).toEqual([]);
  });

  it('formats like lint, with the host in place of file:line:col, control characters escaped', () => {
    const [f] = run({ [W]: { timeSync: [] } });
    expect(formatHostFinding(f!)).toBe(`${W}: warning time-sync: ${f!.message}\n  hint: ${f!.hint}`);
    expect(formatHostFinding({ level: 'error', code: 'x', host: 'h', message: 'a\u001b[2Jb' })).toBe('h: error x: a\\x1b[2Jb');
    expect(tally([f!], 2)).toBe('preflight: 2 hosts, 0 errors, 1 warning');
  });
});
