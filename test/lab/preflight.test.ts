// Issue 20: `provision preflight` against real lab hosts, one case per rule and level (test/lab/preflight-faults.ts
// stages each: another device on the VIP and on a node address, cloned identities, a skewed clock, a busy port, cgroup
// v1, ...). Each gives its finding naming the host; an error stops `up` before any change; and nothing else is wrong,
// so the same lab without that fault is clean. Uses the real arping, ip, mount and sudo.
import { execa } from 'execa';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canRunLab, cli, labClient, labRequired, ROOT, skipLab, until } from './lab-support.js';
import { CP, preflightFaults, W, type Expected, type FaultLab } from './preflight-faults.js';
import { LAB_BASE } from '../../src/lab/plan.js';
import { tempDir } from '../support/temp-dir.js';

const LAB = `i20p${process.pid % 1000}`;
const INV = resolve(ROOT, 'inventory/homelab.yaml');
const lab = labClient(LAB);

if (labRequired && !canRunLab) describe('i20: preflight', () => it('needs root on Linux (PROVISION_LAB_REQUIRED=1)', () => expect.fail('not root on Linux')));

interface Finding { level: string; code: string; host: string; message: string; hint?: string }

const run = (args: string[]) => cli(['lab', 'run', '--name', LAB, '--', ...args]);
async function preflight(inv: string): Promise<{ code: number; findings: Finding[]; stderr: string }> {
  const r = await run(['preflight', '-i', inv, '--json']);
  return { code: r.code, stderr: r.stderr, findings: (JSON.parse(r.stdout) as { findings: Finding[] }).findings };
}
const errors = (f: Finding[]) => f.filter((x) => x.level === 'error');
const key = (f: { code: string; host: string }) => `${f.code}@${f.host}`;
/** Asserts one finding: its level, code and host, and a text its message contains. */
const findingIn = (findings: Finding[]) => (level: string, code: string, host: string, text?: string) =>
  expect(findings, `${code} on ${host}: ${JSON.stringify(findings)}`).toContainEqual(expect.objectContaining({ level, code, host, ...(text ? { message: expect.stringContaining(text) } : {}) }));
async function sh(host: string, cmd: string): Promise<string> {
  const r = await lab.exec(host, cmd);
  if (r.code !== 0) throw new Error(`${host}: ${cmd}: exit ${r.code}: ${r.stderr}`);
  return r.stdout;
}
const faultLab: FaultLab = {
  sh,
  shq: async (host, cmd) => void (await lab.exec(host, cmd)),
  ip: async (ns, args) => String((await execa('ip', ['-n', `pl-${LAB}_${ns}`, ...args])).stdout),
  // The host's /sys/firmware is its firmware dir in the lab, bound read-only: staged from the machine side.
  deviceTree: async (host, name, content) => {
    const dt = join(LAB_BASE, LAB, 'hosts', host, 'firmware', 'devicetree');
    if (content !== undefined) {
      mkdirSync(join(dt, 'base'), { recursive: true });
      writeFileSync(join(dt, 'base', name), `${content}\0`);
      return;
    }
    rmSync(join(dt, 'base', name), { force: true });
    // A device tree left with no file was only staged (a Pi's keeps its model): the host has none again.
    if (readdirSync(join(dt, 'base')).length === 0) rmSync(dt, { recursive: true });
  },
};
const FAULTS = preflightFaults(faultLab);
/** What `up` would change first on every host: /etc/hosts, the swap line of /etc/fstab, /etc/kubernetes. */
const snapshot = async () => Promise.all([CP, W].map((h) => sh(h, 'md5sum /etc/hosts /etc/fstab; ls /etc/kubernetes 2>&1; swapon --show=NAME --noheadings')));

describe.skipIf(skipLab)('i20: preflight checks the plan against the live hosts (homelab lab)', () => {
  let dir = '';
  /** The lab as built: what every case must come back to. */
  let built: string[] = [];
  beforeAll(async () => {
    await lab.down();
    const up = await lab.up(INV);
    if (up.code !== 0) throw new Error(`lab up failed:\n${up.stdout}\n${up.stderr}`);
    await until('every sshd up', async () => ((await cli(['lab', 'status', '--name', LAB])).code === 0 ? true : undefined), 60_000);
    // arping (Debian's iputils-arping) from the lab's apt mirror: duplicate detection runs where a node has it.
    for (const h of [CP, W]) await sh(h, 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends iputils-arping >/dev/null && test -x /usr/bin/arping');
    dir = tempDir('provision-i20-');
  });
  afterAll(async () => {
    await lab.down();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('the lab as built has no error (arping is there, so duplicate detection ran)', async () => {
    const r = await preflight(INV);
    expect(errors(r.findings), JSON.stringify(r.findings)).toEqual([]);
    expect(r.code).toBe(0);
    built = r.findings.map(key).sort();
    expect(built).not.toContain(`arping-missing@${W}`);
  });

  for (const f of FAULTS) {
    const wanted: Expected[] = [f.finding, ...(f.also ?? [])];
    const stops = wanted.some((w) => w.level === 'error');
    it(`${f.finding.code} (${f.finding.level}): ${f.what}${stops ? '; up stops before any change' : ''}`, async () => {
      let inv = INV;
      if (f.inventory) {
        inv = join(dir, `${f.finding.code}-${f.finding.level}.yaml`);
        writeFileSync(inv, f.inventory(readFileSync(INV, 'utf8')));
        expect(readFileSync(inv, 'utf8'), 'the inventory edit applies').not.toBe(readFileSync(INV, 'utf8'));
      }
      try {
        const staged = await f.stage?.();
        let findings: Finding[];
        if (stops) {
          // up runs preflight first: it stops with the findings and no host changed.
          const before = await snapshot();
          const up = await run(['up', '-i', inv, '--json']);
          expect(up.code, `${up.stdout}\n${up.stderr}`).toBe(1);
          const doc = (JSON.parse(up.stdout) as { error?: { message: string; findings: Finding[] } }).error!;
          expect(doc?.message, `${up.stdout}\n${up.stderr}`).toBe('preflight found errors; no host was changed');
          findings = doc.findings;
          expect(await snapshot()).toEqual(before);
        } else {
          const r = await preflight(inv);
          // A host not checked makes preflight exit 1; warnings and infos alone do not.
          expect(r.code, JSON.stringify(r.findings)).toBe(['unreachable', 'probe-failed'].includes(f.finding.code) ? 1 : 0);
          findings = r.findings;
        }
        const has = findingIn(findings);
        for (const w of wanted) has(w.level, w.code, w.host, w.text);
        if (staged) has(f.finding.level, f.finding.code, f.finding.host, staged);
        // Nothing else is an error: the lab without this fault is clean (and the case before undid its own).
        expect(errors(findings).map(key).sort(), JSON.stringify(findings)).toEqual(wanted.filter((w) => w.level === 'error').map(key).sort());
        for (const n of f.not ?? []) expect(findings.map(key), JSON.stringify(findings)).not.toContain(n);
      } finally {
        await f.undo?.();
      }
    });
  }

  it('time-sync: the lab hosts are containers (systemd-nspawn), an info; outside one, a warning; with a daemon running, nothing', async () => {
    findingIn((await preflight(INV)).findings)('info', 'time-sync', W, 'systemd-nspawn');
    // systemd wrote /run/systemd/container at boot: without it the control plane reads as a machine.
    await sh(CP, 'mv /run/systemd/container /run/systemd/container.staged');
    await sh(W, 'cp /bin/sleep /root/chronyd && (setsid /root/chronyd 600 >/dev/null 2>&1 </dev/null & echo $! > /root/chronyd.pid)');
    try {
      const r = await preflight(INV);
      expect(r.findings.map(key)).not.toContain(`time-sync@${W}`);
      findingIn(r.findings)('warning', 'time-sync', CP, 'no time-sync daemon is running');
    } finally {
      await sh(W, 'kill "$(cat /root/chronyd.pid)"; rm -f /root/chronyd /root/chronyd.pid');
      await sh(CP, 'mv /run/systemd/container.staged /run/systemd/container');
    }
  });

  it('preflight prints the findings in lint\'s format and exits 1; up stops naming them; --skip-preflight goes past', async () => {
    const clone = FAULTS.find((f) => f.finding.code === 'duplicate-machine-id')!;
    await clone.stage!();
    try {
      const p = await run(['preflight', '-i', INV]);
      expect(p.code, p.stderr).toBe(1);
      expect(p.stdout).toMatch(/^k8s-worker-01: error duplicate-machine-id: machine-id [0-9a-f]{32} is also k8s-cp-01's\n {2}hint: a cloned disk/m);
      expect(p.stdout).toMatch(/^preflight: 2 hosts, 2 errors, \d+ warnings?$/m);
      const before = await snapshot();
      const up = await run(['up', '-i', INV]);
      expect(up.code, up.stdout).toBe(1);
      expect(up.stderr).toContain('provision: preflight found errors; no host was changed');
      expect(up.stderr).toMatch(/^k8s-worker-01: error duplicate-machine-id: /m);
      expect(up.stderr).toContain('--skip-preflight');
      expect(await snapshot()).toEqual(before);
      // --skip-preflight goes past it (--check: plan only, so still nothing changes; 2 = changes pending).
      const skip = await run(['up', '-i', INV, '--skip-preflight', '--check']);
      expect(skip.code, skip.stderr).toBe(2);
      expect(skip.stderr).not.toContain('preflight');
      expect(await snapshot()).toEqual(before);
    } finally {
      await clone.undo!();
    }
  });

  it('the same lab with every fault undone gives what it gave as built', async () => {
    const r = await preflight(INV);
    expect(errors(r.findings), JSON.stringify(r.findings)).toEqual([]);
    expect(r.findings.map(key).sort()).toEqual(built);
  });
});

/** homelab with a second control plane: kube-vip's VIP can move. */
const HA = readFileSync(INV, 'utf8').replace('  k8s-worker-01:\n', '  k8s-cp-02:\n    address: 192.168.1.53\n    role: control-plane\n    arch: amd64\n  k8s-worker-01:\n');
const HA_LAB = `i20f${process.pid % 1000}`;
const ha = labClient(HA_LAB);
const CPS = [CP, 'k8s-cp-02'];

interface FailoverJson { ok: boolean; failover: { ok: boolean; steps: Array<{ step: string; ok: boolean; detail: string }> } }

describe.skipIf(skipLab)('i20: verify --failover moves the kube-vip VIP (homelab with two control planes)', () => {
  let dir = '';
  let inv = '';
  const runHa = (args: string[]) => execa(process.execPath, [resolve(ROOT, 'dist/cli/main.js'), 'lab', 'run', '--name', HA_LAB, '--', ...args], { cwd: dir, reject: false });
  const holder = async () => {
    const held = await Promise.all(CPS.map(async (h) => ((await ha.exec(h, 'ip -o -4 addr show to 192.168.1.50/32')).stdout.trim() ? h : undefined)));
    return held.filter(Boolean) as string[];
  };
  beforeAll(async () => {
    await ha.down();
    dir = tempDir('provision-i20f-');
    inv = join(dir, 'homelab-ha.yaml');
    writeFileSync(inv, HA);
    const up = await ha.up(inv);
    if (up.code !== 0) throw new Error(`lab up failed:\n${up.stdout}\n${up.stderr}`);
    await until('every sshd up', async () => ((await cli(['lab', 'status', '--name', HA_LAB])).code === 0 ? true : undefined), 60_000);
    const r = await runHa(['up', '-i', inv]);
    if (r.exitCode !== 0) throw new Error(`up failed:\n${String(r.stdout).slice(-3000)}\n${String(r.stderr).slice(-3000)}`);
  });
  afterAll(async () => {
    await ha.down();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('the VIP sits on exactly one control plane (one lease, as etcd keeps it)', async () => {
    expect(await until('one VIP holder', async () => ((await holder()).length === 1 ? true : undefined), 30_000)).toBe(true);
  });

  it('stops kube-vip on the holder, the VIP moves and the API answers through it, then kube-vip is restored', async () => {
    const [before] = await holder();
    const r = await runHa(['verify', '-i', inv, '--failover', '--json']);
    const doc = JSON.parse(String(r.stdout)) as FailoverJson;
    expect(doc.failover.ok, JSON.stringify(doc.failover)).toBe(true);
    expect(r.exitCode).toBe(0);
    const other = CPS.find((h) => h !== before)!;
    expect(doc.failover.steps.map((s) => s.step)).toEqual(['holder', 'stop', 'moved', 'api', 'restore']);
    expect(doc.failover.steps.find((s) => s.step === 'moved')!.detail).toContain(`moved to ${other}`);
    // Restored: the manifest is back on the first holder, and one control plane holds the VIP.
    expect((await ha.exec(before!, 'test -f /etc/kubernetes/manifests/kube-vip.yaml && ! test -e /etc/kubernetes/kube-vip.yaml.provision-failover')).code).toBe(0);
    expect(await holder()).toHaveLength(1);
  });

  it('fails, naming the cause, when the other control plane\'s API server is down', async () => {
    await until('one VIP holder', async () => ((await holder()).length === 1 ? true : undefined), 30_000);
    const [current] = await holder();
    const target = CPS.find((h) => h !== current)!;
    // The target's API server stops answering (its kube-vip then cannot take the leader lease).
    await ha.exec(target, "nft add table inet i20 && nft add chain inet i20 in '{ type filter hook input priority -10; }' && nft add rule inet i20 in tcp dport 6443 drop");
    try {
      const r = await runHa(['verify', '-i', inv, '--failover']);
      expect(r.exitCode).toBe(1);
      expect(String(r.stdout)).toMatch(new RegExp(`FAIL moved +no other control plane took the VIP 192\\.168\\.1\\.50 within 60 s: ${target}: its API server on :6443 does not answer`));
      expect(String(r.stdout)).toContain('failover: FAILED');
      expect((await ha.exec(current!, 'test -f /etc/kubernetes/manifests/kube-vip.yaml')).code).toBe(0);
    } finally {
      await ha.exec(target, 'nft delete table inet i20');
    }
  });
});
