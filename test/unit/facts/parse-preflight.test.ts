// The preflight script and its parser: the script is valid sh (dash -n), and a recorded lab output parses to the facts it shows.
import { execa } from 'execa';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseArpingReplies, parseListening, parsePreflight } from '../../../src/facts/parse-preflight.js';
import { renderPreflightScript } from '../../../src/facts/preflight-script.js';
import { quote } from '../../../src/core/command.js';
import { fakeInventory } from '../../support/fake-inventory.js';

/** Recorded in the lab (homelab, k8s-cp-01) with staged faults: a /16 on eth0, another device on .51 (arping -D answered). */
const FIXTURE = readFileSync(resolve(import.meta.dirname, '../../fixtures/preflight/homelab-cp-01-faults.out'), 'utf8');
const M = '@@M@@';

describe('preflight script', () => {
  const inv = fakeInventory();

  it.each(['kube-vip', 'haproxy'] as const)('is valid POSIX sh in %s mode (dash -n)', async (mode) => {
    const i = { ...inv, network: { ...inv.network, api: { ...inv.network.api, mode } } };
    const r = await execa('sh', ['-n'], { input: renderPreflightScript(i, i.hosts[0]!, M), reject: false });
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
  });

  it('reads the clock first, probes the VIP only in kube-vip mode, and single-quotes every inventory value', () => {
    const s = renderPreflightScript(inv, inv.hosts[0]!, M);
    expect(s.split('\n')[2]).toBe('s clock; date +%s.%N');
    expect(s).toContain(`arping -D -c 2 -w 3 -I "$dev" ${quote('192.168.1.51')}`);
    expect(s).toContain(`arping -c 2 -w 3 -I "$dev" ${quote('192.168.1.50')}`);
    const odd = renderPreflightScript(inv, { ...inv.hosts[0]!, address: "1.2.3.4'; reboot; '" }, M);
    expect(odd).toContain(`${quote("1.2.3.4'; reboot; '")}`);
    const h = renderPreflightScript({ ...inv, network: { ...inv.network, api: { mode: 'haproxy', address: '192.168.1.52', port: 6443 } } }, inv.hosts[0]!, M);
    expect(h).not.toContain('192.168.1.52');
    expect(h).not.toMatch(/\bvip\b/);
  });

  it('changes nothing: no write outside its own mktemp directory, no service or link command', () => {
    const s = renderPreflightScript(inv, inv.hosts[0]!, M);
    expect(s).not.toMatch(/\b(systemctl|ip (link|addr|route) (add|del|set|replace)|sysctl -w|hostnamectl|apt|dpkg -i)\b/);
    expect([...s.matchAll(/> ("?\$t\/[a-z.]+"?)/g)].length).toBeGreaterThan(0);
    expect(s.replace(/> "\$t\/[a-z.]+"/g, '').replace(/>\/dev\/null|2>&1|> \/dev\/null/g, '')).not.toMatch(/[^2&]>[^&]/);
  });
});

describe('parsePreflight (recorded lab output)', () => {
  const { facts, complete } = parsePreflight(FIXTURE, M);

  it('reads identity, board, kernel and clock', () => {
    expect(complete).toBe(true);
    expect(facts).toMatchObject({ hostname: 'k8s-cp-01', machineId: '2d813d450b495b13fce1dbafe6fd81ae', arch: 'amd64', kernel: '6.18.44-fc-v1045', pageSize: 4096, model: 'Raspberry Pi 4 Model B Rev 1.5' });
    expect(facts.productUuid).toBeUndefined();
    expect(facts.clock).toBeCloseTo(1796169398.73, 1);
  });

  it('reads interfaces, routes and the ARP probes', () => {
    expect(facts.interfaces.find((i) => i.name === 'eth0')).toEqual({ name: 'eth0', mac: '88:d7:f6:49:0d:46', addrs: [{ address: '192.168.1.51', prefix: 16 }] });
    expect(facts.defaultRoutes).toEqual([{ dev: 'eth0', gateway: '192.168.1.1' }]);
    expect(facts.nodesRouteDev).toBe('eth0');
    expect(facts.arping).toBe(true);
    expect(facts.dad).toEqual({ replies: ['ee:29:d6:a2:3b:2c'] });
    expect(facts.vip).toEqual({ method: 'arping', macs: [] });
  });

  it('reads cgroups, swap, /var, ports and the runtime', () => {
    expect(facts.cgroup).toEqual({ version: 1, memory: true });
    expect(facts.swaps).toEqual([]);
    expect(facts.varFreeKiB).toBe(81973384);
    expect(facts.listening).toEqual([{ port: 22, process: 'sshd' }]);
    expect(facts.containerd).toBeUndefined();
    expect(facts.joined).toBe(false);
    expect(facts.timeSync).toEqual([]);
  });

  it('a cut output is incomplete', () => {
    expect(parsePreflight(FIXTURE.slice(0, FIXTURE.indexOf(`${M} dad`)), M).complete).toBe(false);
  });

  it('cgroup v2, the neighbour fallback for the VIP, swap lines', () => {
    const out = [
      'cgroup', 'type cgroup2fs\ncontrollers cpuset cpu io pids', 'swap', '/var/swap                               file\t\t102396\t\t0\t\t-2',
      'vipneigh', '[{"dst":"192.168.1.50","dev":"eth0","lladdr":"AA:BB:CC:00:11:22","state":["REACHABLE"]}]', 'end', '',
    ];
    const text = out.reduce((acc, v, i) => (i % 2 === 0 ? `${acc}\n${M} ${v}\n` : `${acc}${v}`), '');
    const f = parsePreflight(text, M).facts;
    expect(f.cgroup).toEqual({ version: 2, memory: false });
    expect(f.swaps).toEqual(['/var/swap']);
    expect(f.vip).toEqual({ method: 'neighbour', macs: ['aa:bb:cc:00:11:22'] });
    const failed = parsePreflight(`\n${M} vipneigh\n[{"dst":"192.168.1.50","dev":"eth0","state":["FAILED"]}]\n${M} end\n`, M).facts;
    expect(failed.vip).toEqual({ method: 'neighbour', macs: [] });
  });

  it('arping replies and ss listeners', () => {
    expect(parseArpingReplies('Unicast reply from 192.168.1.50 [AA:BB:CC:DD:EE:FF]  0.6ms\nUnicast reply from 192.168.1.50 [aa:bb:cc:dd:ee:ff]  0.7ms\n')).toEqual(['aa:bb:cc:dd:ee:ff']);
    expect(parseListening('LISTEN 0 4096 [::]:10250 [::]:* users:(("kubelet",pid=9,fd=3))\nLISTEN 0 128 127.0.0.1:2379 0.0.0.0:*\n')).toEqual([{ port: 10250, process: 'kubelet' }, { port: 2379 }]);
  });
});
