// Preflight's probe lines and their parser: the lines are valid sh (dash -n) inside a whole probe, and a recorded lab
// output parses to the facts it shows.
import { execa } from 'execa';
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseArpingReplies, parseListening, parseClock, parsePreflight } from '../../../src/facts/parse-preflight.js';
import { splitSections } from '../../../src/facts/parse-sections.js';
import { preflightItems, preflightLines } from '../../../src/facts/preflight-script.js';
import { buildProbe } from '../../../src/facts/probe.js';
import { quote } from '../../../src/core/command.js';
import { fakeInventory } from '../../support/fake-inventory.js';

/**
 * Recorded in the lab (homelab, k8s-cp-01) with staged faults: a /16 on eth0, another device on .51 (arping -D
 * answered), cgroup v1. Recorded with the earlier stand-alone preflight script and re-sectioned for the merged probe
 * (base.* and pf.* names; /proc/swaps and df keep their header lines; pf.cgroup and pf.cgroup.v1 in their current form).
 */
const FIXTURE = readFileSync(resolve(import.meta.dirname, '../../fixtures/preflight/homelab-cp-01-faults.out'), 'utf8');
const M = '@@M@@';
const parse = (text: string, containerd?: string) => parsePreflight(splitSections(text, M), containerd);

describe('preflight lines', () => {
  const inv = fakeInventory();
  const lines = (i = inv, host = inv.hosts[0]!) => preflightLines(i, host).join('\n');

  it.each(['kube-vip', 'haproxy'] as const)('are valid POSIX sh inside a whole probe in %s mode (dash -n)', async (mode) => {
    const i = { ...inv, network: { ...inv.network, api: { ...inv.network.api, mode } } };
    const probe = buildProbe({ items: preflightItems(i.hosts[0]!), marker: M, lines: preflightLines(i, i.hosts[0]!) });
    const r = await execa('sh', ['-n'], { input: probe.script, reject: false });
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
  });

  it('read the clock first, probe the VIP only in kube-vip mode, and single-quote every inventory value', () => {
    expect(preflightLines(inv, inv.hosts[0]!)[0]).toMatch(/^ar pf\.clock \/proc\/uptime; /);
    const s = lines();
    expect(s).toContain(`arping -D -c 2 -w 3 -I "$P_dev" ${quote('192.168.1.51')}`);
    expect(s).toContain(`arping -c 2 -w 3 -I "$P_dev" ${quote('192.168.1.50')}`);
    expect(lines(inv, { ...inv.hosts[0]!, address: "1.2.3.4'; reboot; '" })).toContain(`${quote("1.2.3.4'; reboot; '")}`);
    const h = lines({ ...inv, network: { ...inv.network, api: { mode: 'haproxy', address: '192.168.1.52', port: 6443 } } });
    expect(h).not.toContain('192.168.1.52');
    expect(h).not.toMatch(/\bvip\b/);
  });

  it('wait only for their own ARP probes (a bare wait would wait for the run lock holder) and unset their variables', () => {
    const s = lines();
    expect(s).toMatch(/wait \$P_a \$P_b/);
    expect(s).not.toMatch(/\bwait\s*$/m);
    const set = new Set([...s.matchAll(/\b(P_[a-z]+)=/g)].map((m) => m[1]));
    const unset = new Set(/unset ([^\n]+)/.exec(s)![1]!.split(' '));
    for (const v of set) expect(unset.has(v!), v).toBe(true);
  });

  it('list ports only on an lb host or a node that has not joined', () => {
    expect(lines()).toContain('[ -n "$P_s" ] || { s pf.listen; ss -Hltnp');
    expect(lines()).toContain('P_s=$P_j');
  });

  // The lines run by dash with recording stand-ins first on PATH: which programs an lb host starts, by its haproxy.cfg.
  it.each([
    ['in service (provision\'s haproxy.cfg)', '# Managed by provision for cluster lab: the Kubernetes API load balancer.\n', []],
    ['not in service (a haproxy.cfg of its own)', 'global\n    log /dev/log local0\n', ['ss', 'ip', 'awk']],
    ['not in service (no haproxy.cfg)', undefined, ['ss', 'ip', 'awk']],
  ] as const)('an lb host %s: no df, getconf or containerd; ports and ARP only before it serves', async (_what, cfg, want) => {
    const dir = await mkdtemp(join(tmpdir(), 'pf-lb-'));
    try {
      const bin = join(dir, 'bin');
      await execa('mkdir', ['-p', bin]);
      for (const p of ['ss', 'df', 'getconf', 'ip', 'arping', 'awk', 'apt-cache', 'mktemp']) {
        await writeFile(join(bin, p), `#!/bin/sh\necho ${p} >> ${quote(join(dir, 'ran'))}\n`, { mode: 0o755 });
      }
      const path = join(dir, 'haproxy.cfg');
      if (cfg !== undefined) await writeFile(path, cfg);
      const lb = { ...inv.hosts[0]!, role: 'lb' as const };
      const i = { ...inv, network: { ...inv.network, api: { mode: 'haproxy' as const, address: '192.168.1.52', port: 6443 } } };
      expect(preflightItems(lb)).toEqual([]);
      const script = [`s() { printf '\\n%s %s\\n' ${quote(M)} "$1"; }`, `rd() { cat "$@" 2>/dev/null; }`,
        ...preflightLines(i, lb, { kubernetesDir: join(dir, 'k8s'), lbConfig: { path, headerPrefix: '# Managed by provision for cluster ' } })].join('\n');
      const r = await execa('dash', ['-c', script], { env: { PATH: `${bin}:/usr/bin:/bin` }, reject: false });
      expect(r.exitCode, r.stderr).toBe(0);
      const ran = await readFile(join(dir, 'ran'), 'utf8').catch(() => '');
      expect([...new Set(ran.split('\n').filter(Boolean))].sort()).toEqual([...want].sort());
      expect(splitSections(r.stdout, M).has('pf.var')).toBe(false);
      expect(splitSections(r.stdout, M).has('pf.pagesize')).toBe(false);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('change nothing: no write outside their own mktemp directory, no service or link command', () => {
    const s = lines();
    expect(s).not.toMatch(/\b(systemctl|ip (link|addr|route) (add|del|set|replace)|sysctl -w|hostnamectl|apt|dpkg -i)\b/);
    expect([...s.matchAll(/> ("?\$P_tmp\/[a-z.]+"?)/g)].length).toBeGreaterThan(0);
    expect(s.replace(/> "\$P_tmp\/[a-z.]+"/g, '').replace(/>\/dev\/null|2>&1|> \/dev\/null/g, '')).not.toMatch(/[^2&]>[^&]/);
  });
});

describe('parsePreflight (recorded lab output)', () => {
  const { facts, complete } = parse(FIXTURE);

  it('the clock as boot time plus uptime (up to a second behind), or an older probe\'s exact date', () => {
    expect(parseClock('5.25 9.00\nbtime 1796160000')).toEqual({ clock: 1796160005.25, clockError: 1 });
    expect(parseClock('1796169398.73')).toEqual({ clock: 1796169398.73, clockError: 0 });
    expect(parseClock('5.25 9.00')).toBeUndefined();
    expect(parseClock('')).toBeUndefined();
  });

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
    expect(facts.container).toBeUndefined();
  });

  it('the container manager systemd runs under, first line of /run/systemd/container; none on a machine', () => {
    expect(parse(`\n${M} pf.container\nsystemd-nspawn\n${M} pf.end\n`).facts.container).toBe('systemd-nspawn');
    expect(parse(`\n${M} pf.container\nlxc\n\n${M} pf.end\n`).facts.container).toBe('lxc');
    expect(parse(`\n${M} pf.container\n${M} pf.end\n`).facts.container).toBeUndefined();
  });

  it('a cut output is incomplete', () => {
    expect(parse(FIXTURE.slice(0, FIXTURE.indexOf(`${M} pf.dad`))).complete).toBe(false);
  });

  it('cgroup v2, the neighbour fallback for the VIP, swap lines', () => {
    const out = [
      'pf.cgroup', 'cgroup2\ncontrollers cpuset cpu io pids', 'pf.swap', 'Filename\tType\tSize\tUsed\tPriority\n/var/swap                               file\t\t102396\t\t0\t\t-2',
      'pf.vipneigh', '[{"dst":"192.168.1.50","dev":"eth0","lladdr":"AA:BB:CC:00:11:22","state":["REACHABLE"]}]', 'pf.end', '',
    ];
    const text = out.reduce((acc, v, i) => (i % 2 === 0 ? `${acc}\n${M} ${v}\n` : `${acc}${v}`), '');
    const f = parse(text).facts;
    expect(f.cgroup).toEqual({ version: 2, memory: false });
    expect(f.swaps).toEqual(['/var/swap']);
    expect(f.vip).toEqual({ method: 'neighbour', macs: ['aa:bb:cc:00:11:22'] });
    const failed = parse(`\n${M} pf.vipneigh\n[{"dst":"192.168.1.50","dev":"eth0","state":["FAILED"]}]\n${M} pf.end\n`).facts;
    expect(failed.vip).toEqual({ method: 'neighbour', macs: [] });
  });

  it('time-sync daemons come from the base process list, containerd from its fact, cgroup v1 with its memory controller off', () => {
    const text = `\n${M} base.procs\nNetworkManager\nsystemd-timesyn\n${M} pf.cgroup\nv1\n\n${M} pf.cgroup.v1\nmemory\t7\t1\t0\n${M} pf.end\n`;
    const f = parse(text, 'containerd github.com/containerd/containerd 1.6.20~ds1 1.6.20~ds1-1+b1').facts;
    expect(f.timeSync).toEqual(['systemd-timesyn']);
    expect(f.containerd).toBe('containerd github.com/containerd/containerd 1.6.20~ds1 1.6.20~ds1-1+b1');
    expect(f.cgroup).toEqual({ version: 1, memory: false });
  });

  it('arping replies and ss listeners', () => {
    expect(parseArpingReplies('Unicast reply from 192.168.1.50 [AA:BB:CC:DD:EE:FF]  0.6ms\nUnicast reply from 192.168.1.50 [aa:bb:cc:dd:ee:ff]  0.7ms\n')).toEqual(['aa:bb:cc:dd:ee:ff']);
    expect(parseListening('LISTEN 0 4096 [::]:10250 [::]:* users:(("kubelet",pid=9,fd=3))\nLISTEN 0 128 127.0.0.1:2379 0.0.0.0:*\n')).toEqual([{ port: 10250, process: 'kubelet' }, { port: 2379 }]);
  });
});

describe('preflight lines run (in a network namespace of their own: no ARP leaves it)', () => {
  const inv = fakeInventory();
  const run = async (kubernetesDir: string) => {
    const probe = buildProbe({ items: [], marker: '@@M@@', lines: preflightLines(inv, inv.hosts[0]!, { kubernetesDir }) });
    const r = await execa('unshare', ['-rn', 'sh', '-c', probe.script], { reject: false });
    return { sent: Date.now() / 1000, ...parsePreflight(splitSections(r.stdout, '@@M@@')) };
  };

  it("read this machine's cgroup version and memory controller as its mount table and /proc/cgroups tell them", async () => {
    const mounted = (await readFile('/proc/self/mounts', 'utf8')).split('\n').map((l) => l.split(' ')).filter((f) => f[1] === '/sys/fs/cgroup');
    const fstype = mounted.at(-1)?.[2];
    const facts = (await run('/nonexistent-kubernetes')).facts;
    if (fstype === undefined) return expect(facts.cgroup).toEqual({ version: undefined, memory: undefined });
    if (fstype === 'cgroup2') {
      const controllers = (await readFile('/sys/fs/cgroup/cgroup.controllers', 'utf8')).trim().split(/\s+/);
      return expect(facts.cgroup).toEqual({ version: 2, memory: controllers.includes('memory') });
    }
    const memory = (await readFile('/proc/cgroups', 'utf8')).split('\n').map((l) => l.split('\t')).find((f) => f[0] === 'memory');
    expect(facts.cgroup).toEqual({ version: 1, memory: memory ? memory[3] === '1' : undefined });
  });

  it("read the clock within a second of this machine's, and the page size by getconf or, joined, by smaps", async () => {
    const before = Date.now() / 1000;
    const fresh = await run('/nonexistent-kubernetes');
    expect(fresh.complete).toBe(true);
    expect(fresh.facts.clock! + fresh.facts.clockError!).toBeGreaterThanOrEqual(before - 0.05);
    expect(fresh.facts.clock!).toBeLessThanOrEqual(fresh.sent);
    const page = Number((await execa('getconf', ['PAGESIZE'])).stdout);
    expect(fresh.facts.pageSize).toBe(page);
    const dir = await mkdtemp(join(tmpdir(), 'provision-pf-'));
    try {
      await writeFile(join(dir, 'kubelet.conf'), '');
      const joined = await run(dir);
      expect(joined.facts.joined).toBe(true);
      expect(joined.facts.pageSize).toBe(page);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
