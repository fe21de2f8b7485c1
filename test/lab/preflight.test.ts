// Issue 20: `provision preflight` against real lab hosts. Faults are staged for real (another device on the VIP and on a
// node address, a cloned machine-id, a skewed clock, a busy kubelet port, a default route by another interface, a
// wrong prefix; a wrong MAC and an address the host does not have in the inventory): each gives its finding naming
// the host, `up` stops before any change, and the same lab without the faults is clean. Uses the real arping.
import { execa } from 'execa';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canRunLab, cli, labClient, labRequired, ROOT, skipLab, until } from './lab-support.js';

const LAB = `i20p${process.pid % 1000}`;
const INV = resolve(ROOT, 'inventory/homelab.yaml');
const CP = 'k8s-cp-01';
const W = 'k8s-worker-01';
const ROUTER = `pl-${LAB}_router`;
const lab = labClient(LAB);

if (labRequired && !canRunLab) describe('i20: preflight', () => it('needs root on Linux (PROVISION_LAB_REQUIRED=1)', () => expect.fail('not root on Linux')));
// The chroot lab hosts run the machine's programs: arping comes from Debian's iputils-arping (.ci/run installs it).
const hasArping = existsSync('/usr/bin/arping');
if (labRequired && !hasArping) describe('i20: preflight', () => it('arping is installed (Debian package iputils-arping; PROVISION_LAB_REQUIRED=1)', () => expect.fail('apt-get install iputils-arping')));

interface Finding { level: string; code: string; host: string; message: string; hint?: string }

const run = (args: string[]) => cli(['lab', 'run', '--name', LAB, '--', ...args]);
async function preflight(inv: string): Promise<{ code: number; findings: Finding[]; stderr: string }> {
  const r = await run(['preflight', '-i', inv, '--json']);
  return { code: r.code, stderr: r.stderr, findings: (JSON.parse(r.stdout) as { findings: Finding[] }).findings };
}
const errors = (f: Finding[]) => f.filter((x) => x.level === 'error');
/** Asserts one finding: its level, code and host, and a text its message contains. */
const findingIn = (findings: Finding[]) => (level: string, code: string, host: string, text?: string) =>
  expect(findings, `${code} on ${host}: ${JSON.stringify(findings)}`).toContainEqual(expect.objectContaining({ level, code, host, ...(text ? { message: expect.stringContaining(text) } : {}) }));
async function sh(host: string, cmd: string): Promise<string> {
  const r = await lab.exec(host, cmd);
  if (r.code !== 0) throw new Error(`${host}: ${cmd}: exit ${r.code}: ${r.stderr}`);
  return r.stdout;
}
const router = (...args: string[]) => execa('ip', ['netns', 'exec', ROUTER, 'ip', ...args]);
/** What `up` would change first on every host: /etc/hosts, the swap line of /etc/fstab, /etc/kubernetes. */
const snapshot = async () => Promise.all([CP, W].map((h) => sh(h, 'md5sum /etc/hosts /etc/fstab; ls /etc/kubernetes 2>&1; swapon --show=NAME --noheadings')));

describe.skipIf(skipLab || !hasArping)('i20: preflight checks the plan against the live hosts (homelab lab)', () => {
  let dir = '';
  beforeAll(async () => {
    await lab.down();
    const up = await lab.up(INV);
    if (up.code !== 0) throw new Error(`lab up failed:\n${up.stdout}\n${up.stderr}`);
    await until('every sshd up', async () => ((await cli(['lab', 'status', '--name', LAB])).code === 0 ? true : undefined), 60_000);
    dir = mkdtempSync(join(tmpdir(), 'provision-i20-'));
  });
  afterAll(async () => {
    await lab.down();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('the lab as built has no error (arping is there, so duplicate detection ran)', async () => {
    const r = await preflight(INV);
    expect(errors(r.findings), JSON.stringify(r.findings)).toEqual([]);
    expect(r.code).toBe(0);
    expect(r.findings.map((f) => f.code)).not.toContain('arping-missing');
  });

  it('a wrong inventory MAC and an address the host does not have', async () => {
    const bad = join(dir, 'homelab.yaml');
    writeFileSync(bad, readFileSync(INV, 'utf8').replace('"88:d7:f6:49:0d:46"', '"88:d7:f6:49:0d:99"').replace('address: 192.168.1.52', 'address: 192.168.1.53'));
    const r = await preflight(bad);
    expect(r.code).toBe(1);
    expect(r.findings).toContainEqual(expect.objectContaining({ level: 'error', code: 'mac-mismatch', host: CP, message: expect.stringContaining('88:d7:f6:49:0d:46') }));
    expect(r.findings).toContainEqual(expect.objectContaining({ level: 'error', code: 'address-missing', host: W, message: expect.stringContaining('192.168.1.52/24 on eth0') }));
  });

  it('staged host faults give their findings naming the host, and up stops before any change', async () => {
    // Another device on the LAN (the lab's router namespace) takes the VIP and the worker's address.
    await router('addr', 'add', '192.168.1.50/32', 'dev', 'eth0');
    await router('addr', 'add', '192.168.1.52/32', 'dev', 'eth0');
    // A cloned SD card: the worker gets the control plane's machine-id.
    const mid = (await sh(CP, 'cat /etc/machine-id')).trim();
    await sh(W, `cp /etc/machine-id /root/machine-id.orig && echo ${mid} > /etc/machine-id`);
    // The clock is the machine's (global): a date stand-in on the worker's PATH runs 5 minutes ahead.
    await sh(W, `printf '#!/bin/sh\\nexec /bin/date -d "@$(($(/bin/date +%%s) + 300))" "$@"\\n' > /usr/local/bin/date && chmod 755 /usr/local/bin/date`);
    // Something already listens on the kubelet's port.
    await sh(W, 'setsid python3 -m http.server 10250 >/dev/null 2>&1 </dev/null & echo $! > /root/listener.pid');
    await until('listener up', async () => ((await sh(W, 'ss -Hltn')).includes(':10250') ? true : undefined));
    // The default route leaves by a second interface (Wi-Fi, VPN).
    await sh(W, 'ip link add wlan0 type veth peer name wlan0p && ip link set wlan0p up && ip link set wlan0 up && ip addr add 10.9.9.2/24 dev wlan0 && ip route replace default via 10.9.9.1 dev wlan0');
    // The control plane's address has a /16 where the plan says /24.
    await sh(CP, 'ip addr add 192.168.1.51/16 dev eth0 && ip addr del 192.168.1.51/24 dev eth0 && ip route replace default via 192.168.1.1 dev eth0');

    const r = await preflight(INV);
    expect(r.code).toBe(1);
    const has = findingIn(r.findings);
    const routerMac = JSON.parse(String((await router('-j', 'link', 'show', 'eth0')).stdout))[0].address as string;
    has('error', 'vip-in-use', CP, routerMac);
    has('error', 'duplicate-address', W, routerMac);
    has('error', 'duplicate-machine-id', W, CP);
    has('error', 'duplicate-machine-id', CP, W);
    has('error', 'clock-skew', W, 'ahead');
    has('error', 'port-in-use', W, 'python3');
    has('warning', 'default-route', W, 'wlan0');
    has('warning', 'subnet-mismatch', CP, '/16');

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
  });

  it('the same lab with the faults undone is clean again', async () => {
    await router('addr', 'del', '192.168.1.50/32', 'dev', 'eth0');
    await router('addr', 'del', '192.168.1.52/32', 'dev', 'eth0');
    await sh(W, 'cp /root/machine-id.orig /etc/machine-id && rm /usr/local/bin/date && kill "$(cat /root/listener.pid)"');
    await sh(W, 'ip link del wlan0 && ip route replace default via 192.168.1.1 dev eth0');
    await sh(CP, 'ip addr add 192.168.1.51/24 dev eth0 && ip addr del 192.168.1.51/16 dev eth0 && ip route replace default via 192.168.1.1 dev eth0');
    await until('listener gone', async () => ((await sh(W, 'ss -Hltn')).includes(':10250') ? undefined : true));
    const r = await preflight(INV);
    expect(errors(r.findings), JSON.stringify(r.findings)).toEqual([]);
    expect(r.findings.map((f) => f.code)).not.toContain('default-route');
    expect(r.findings.map((f) => f.code)).not.toContain('subnet-mismatch');
  });

  it('system and identity faults: each rule gives its finding naming the host, and undone the lab is clean again', async () => {
    // What the kernel holds for the whole machine (page size, kernel release, DMI, device tree, /proc/swaps,
    // /proc/cgroups) is staged inside each host only: a file mounted over it in the host's own mount namespace, or
    // a program of that name earlier on the host's PATH. The rest is real: the hostname (the host's UTS
    // namespace), arping taken away, no time-sync daemon, an unreachable inventory host. /var's free space comes from a df
    // wrapper: a small file system mounted over /var under the running sshd made every login fail.
    const uuid = '4c4c4544-0042-3510-8052-b4c04f335931';
    const wrap = (name: string, when: string, out: string) =>
      `printf '#!/bin/sh\\n[ "$1" = ${when} ] && { echo "${out}"; exit 0; }\\nexec /usr/bin/${name} "$@"\\n' > /usr/local/bin/${name} && chmod 755 /usr/local/bin/${name}`;
    const pi = (model: string) => `mount -t tmpfs -o size=64k tmpfs /sys/firmware && mkdir -p /sys/firmware/devicetree/base && printf '${model}\\000' > /sys/firmware/devicetree/base/model && printf '10000000c0ffee42\\000' > /sys/firmware/devicetree/base/serial-number`;
    const dmi = `mount -t tmpfs -o size=64k tmpfs /sys/class && mkdir -p /sys/class/dmi/id && echo ${uuid} > /sys/class/dmi/id/product_uuid`;
    await sh(W, ['hostname k8s-cp-01', pi('Raspberry Pi 5 Model B Rev 1.0'), dmi, wrap('getconf', 'PAGESIZE', '16384'), wrap('uname', '-r', '4.14.98-v7+'),
      // /var itself cannot be swapped for a small file system under a running sshd (logins reset): df answers for it.
      `printf '#!/bin/sh\\n[ "$1 $2" = "-Pk /var" ] && { printf "Filesystem 1024-blocks Used Available Capacity Mounted on\\\\ntmpfs 1048576 0 1048576 0%%%% /var\\\\n"; exit 0; }\\nexec /usr/bin/df "$@"\\n' > /usr/local/bin/df && chmod 755 /usr/local/bin/df && df -Pk /var | grep -q 1048576`,
      'mv /usr/bin/arping /usr/bin/arping.i20'].join(' && '));
    // The control plane is a Pi in homelab: the lab shows its device-tree model already; it gets the worker's serial.
    await sh(CP, ["printf '10000000c0ffee42\\000' > /sys/firmware/devicetree/base/serial-number", dmi, `printf '#!/bin/sh\\necho "containerd containerd.io 1.5.11 3df54a852345ae127d1fa3092b95168e4a88e2f8"\\n' > /usr/local/bin/containerd && chmod 755 /usr/local/bin/containerd`,
      "printf 'Filename\\t\\t\\t\\tType\\t\\tSize\\t\\tUsed\\t\\tPriority\\n/swapfile                               file\\t\\t1048572\\t\\t0\\t\\t-2\\n' > /root/swaps && mount --bind /root/swaps /proc/swaps",
      "awk '$1==\"memory\"{$4=0} {print}' OFS='\\t' /proc/cgroups > /root/cgroups && mount --bind /root/cgroups /proc/cgroups"].join(' && '));
    try {
      // The inventory: the (amd64) worker written down as arm64, and a third node that nothing answers for.
      const inv = join(dir, 'homelab-faults.yaml');
      writeFileSync(inv, readFileSync(INV, 'utf8').replace(/(k8s-worker-01:\n(?:    .*\n)*?    arch: )amd64/, '$1arm64') + '  k8s-gone:\n    address: 192.168.1.59\n    role: worker\n    arch: amd64\n');
      expect(readFileSync(inv, 'utf8')).toMatch(/k8s-worker-01:[^]*arch: arm64/);
      const r = await preflight(inv);
      expect(r.code).toBe(1);
      const has = findingIn(r.findings);
      has('error', 'duplicate-hostname', W, CP);
      has('error', 'duplicate-product-uuid', W, CP);
      has('error', 'duplicate-serial', W, CP);
      has('error', 'page-size', W, '16K');
      has('warning', 'board-mismatch', W, 'Raspberry Pi 5');
      has('warning', 'arch-mismatch', W, 'arm64');
      has('error', 'kernel-version', W, '4.14.98');
      has('error', 'var-space', W, '1.0 GiB');
      has('info', 'arping-missing', W);
      has('error', 'runtime-version', CP, '1.5');
      has('info', 'swap', CP, '/swapfile');
      has('warning', 'cgroup-memory', CP); // a Pi in the inventory: up fixes it (cmdline.txt), so a warning
      has('warning', 'unreachable', 'k8s-gone');
      // No time-sync daemon runs in these hosts (chroot runtime): the warning is there, and goes with one running.
      has('warning', 'time-sync', W);
    } finally {
      await sh(W, ['hostname k8s-worker-01', 'umount /sys/firmware', 'umount /sys/class', 'rm -f /usr/local/bin/getconf /usr/local/bin/uname /usr/local/bin/df', 'mv /usr/bin/arping.i20 /usr/bin/arping'].join('; '));
      await sh(CP, ['rm -f /sys/firmware/devicetree/base/serial-number', 'umount /sys/class', 'rm -f /usr/local/bin/containerd', 'umount /proc/swaps', 'umount /proc/cgroups'].join('; '));
    }
    await sh(W, 'cp /bin/sleep /root/chronyd && (setsid /root/chronyd 600 >/dev/null 2>&1 </dev/null & echo $! > /root/chronyd.pid)');
    try {
      const clean = await preflight(INV);
      expect(errors(clean.findings), JSON.stringify(clean.findings)).toEqual([]);
      const codes = clean.findings.map((f) => `${f.code}@${f.host}`);
      for (const gone of ['duplicate-hostname', 'duplicate-product-uuid', 'duplicate-serial', 'board-mismatch', 'arch-mismatch', 'arping-missing', 'swap', 'time-sync']) {
        expect(codes, gone).not.toContain(`${gone}@${gone === 'swap' ? CP : W}`);
      }
    } finally {
      await sh(W, 'kill "$(cat /root/chronyd.pid)"');
    }
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
    dir = mkdtempSync(join(tmpdir(), 'provision-i20f-'));
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
