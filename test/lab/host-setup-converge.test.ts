// Lab proof of host setup (issue 5 "Done when"): converge, check INSIDE the hosts, reboot a worker, re-run = 0 changes.
import { execa } from 'execa';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkoutPath, workDir } from './lab-support.js';

const root = resolve(import.meta.dirname, '../..');
const cli = join(root, 'dist/cli/main.js');
const canLab = process.platform === 'linux' && process.getuid?.() === 0;
const built = existsSync(join(root, 'dist/cli/run.js'));
const required = process.env.PROVISION_LAB_REQUIRED === '1';
const reason = !canLab ? 'needs root on Linux' : !built ? 'needs `npm run build` (dist/cli/run.js)' : '';

if (required && reason) describe('host-setup lab', () => it(`cannot run: ${reason} (PROVISION_LAB_REQUIRED=1)`, async () => expect.fail(reason)));

/** Runs the CLI (async: a blocked vitest worker fails the run); throws on a non-zero exit. */
const provision = async (args: string[]) => String((await execa(process.execPath, [cli, ...args.map(checkoutPath)], { cwd: workDir(), maxBuffer: 64 << 20, stripFinalNewline: false })).stdout);
const inHost = async (lab: string, host: string, script: string) => await provision(['lab', 'exec', host, '--name', lab, '--', 'sh', '-c', script]);
/** How many times the host has booted: the distinct boot ids its own (persistent) journal has recorded, one line each. */
const boots = async (lab: string, host: string) => Number(await inHost(lab, host, 'journalctl --list-boots --no-pager -q | wc -l'));

interface Case {
  lab: string;
  inventory: string;
  accept?: string;
  hosts: Record<string, 'control-plane' | 'worker' | 'lb'>;
  /** The host rebooted with `lab reboot` to prove persistence. */
  reboot: string;
  pi?: string;
  /** An address in the MetalLB pool, and whether the pool is off the node LAN (a real route must exist). */
  pool: { probe: string; route?: string };
}

/** Lets parallel checkouts run this file side by side without their labs' names clashing. */
const PREFIX = process.env.PROVISION_LAB_PREFIX ?? '';
const CASES: Case[] = ([
  { lab: 'hsh', inventory: 'inventory/homelab.yaml', hosts: { 'k8s-cp-01': 'control-plane', 'k8s-worker-01': 'worker' }, reboot: 'k8s-worker-01', pi: 'k8s-cp-01', pool: { probe: '192.168.1.245' } },
  {
    lab: 'hsg', inventory: 'inventory/goldentooth.yaml', accept: 'metallb-unrouted',
    hosts: { allyrion: 'lb', bettley: 'control-plane', erenford: 'worker', velaryon: 'worker' }, reboot: 'velaryon', pi: 'erenford', pool: { probe: '10.4.11.1' },
  },
  // The one plan whose MetalLB pool is off the node LAN: the route is really added, persisted and replayed at boot.
  { lab: 'hsf', inventory: 'inventory/flat-bgp.yaml', hosts: { 'k8s-vm-01': 'control-plane' }, reboot: 'k8s-vm-01', pool: { probe: '192.168.6.10', route: '192.168.6.0/24' } },
] as Case[]).map((c) => ({ ...c, lab: `${PREFIX}${c.lab}` }));
const PORTS: Record<string, RegExp[]> = {
  // etcd only from the control planes; 10257/10259 stay on loopback (kubeadm binds them to 127.0.0.1).
  'control-plane': [/tcp dport 6443 accept/, /ip saddr (\S+|\{ [^}]+ \}) tcp dport 2379-2380 accept/, /tcp dport 10250 accept/, /tcp dport 10256 accept/],
  worker: [/tcp dport 10250 accept/, /tcp dport 10256 accept/, /tcp dport 30000-32767 accept/],
  lb: [/tcp dport 6443 accept/, /tcp dport 8405 accept/],
};

for (const c of CASES) {
  const runJson = async () =>
    JSON.parse(await provision(['lab', 'run', '--name', c.lab, '--', 'run', 'playbooks/host-setup.yaml', '-i', c.inventory, '--json', ...(c.accept ? ['--accept-lint', c.accept] : [])])) as {
      changed: number;
      failed: number;
    };

  describe.skipIf(reason !== '')(`host setup in the lab: ${c.inventory}`, () => {
    beforeAll(async () => await provision(['lab', 'up', '-i', c.inventory, '--name', c.lab]));
    afterAll(async () => await provision(['lab', 'down', '--name', c.lab]));

    it('converges every host, then checks the state inside each host', async () => {
      expect((await runJson()).failed).toBe(0);
      for (const [host, role] of Object.entries(c.hosts)) {
        const hosts = await inHost(c.lab, host, 'cat /etc/hosts');
        for (const name of Object.keys(c.hosts)) expect(hosts).toMatch(new RegExp(`^\\S+ .*\\b${name}\\b`, 'm'));
        const nft = await inHost(c.lab, host, 'nft list table inet provision');
        expect(nft).toMatch(/policy drop/);
        expect(nft.indexOf('tcp dport 22 accept')).toBeGreaterThan(-1);
        for (const re of PORTS[role]!) expect(nft).toMatch(re);
        const accepts = nft.split('\n').filter((l) => /dport .* accept/.test(l) && !/ip saddr/.test(l));
        expect(nft).toMatch(/udp dport 5353 accept/);
        expect(nft).toMatch(/udp dport 546 accept/);
        const fromAnyone = PORTS[role]!.filter((re) => !re.source.includes('saddr')).length;
        expect(accepts.length, `only SSH, mDNS, DHCPv6 + ${role} ports open to anyone on ${host}`).toBe(3 + fromAnyone);
        expect((await inHost(c.lab, host, 'grep -c "include \\"/etc/provision/firewall.nft\\"" /etc/nftables.conf')).trim()).toBe('1');
        if (role === 'lb') continue;
        expect((await inHost(c.lab, host, 'swapon --show --noheadings; echo end')).trim()).toBe('end');
        expect((await inHost(c.lab, host, 'grep -E "^[^#].*\\sswap\\s" /etc/fstab; true')).trim()).toBe('');
        // br_netfilter is loaded by the run; overlay is already in the kernel the lab shares (/sys/module), so it is not.
        expect((await inHost(c.lab, host, 'lsmod')).split('\n').map((l) => l.split(/\s+/)[0])).toContain('br_netfilter');
        expect((await inHost(c.lab, host, 'lsmod | grep -q "^overlay " || test -d /sys/module/overlay && echo yes')).trim()).toBe('yes');
        expect((await inHost(c.lab, host, 'cat /etc/modules-load.d/kubernetes.conf')).split('\n')).toEqual(expect.arrayContaining(['overlay', 'br_netfilter']));
        expect((await inHost(c.lab, host, 'sysctl -n net.ipv4.ip_forward')).trim()).toBe('1');
        const pkgs = await inHost(c.lab, host, "dpkg-query -W -f '${Package} ${Status}\\n' kubeadm kubelet kubectl containerd");
        for (const p of ['kubeadm', 'kubelet', 'kubectl', 'containerd']) expect(pkgs).toMatch(new RegExp(`^${p} (install|hold) ok installed$`, "m"));
        expect((await inHost(c.lab, host, 'apt-mark showhold')).split('\n').filter(Boolean).sort()).toEqual(['kubeadm', 'kubectl', 'kubelet']);
        expect((await inHost(c.lab, host, 'grep -c "SystemdCgroup = true" /etc/containerd/config.toml')).trim()).toBe('1');
        expect(await inHost(c.lab, host, `ip route get ${c.pool.probe}`)).toMatch(/dev eth0/);
        if (c.pool.route) expect(await inHost(c.lab, host, 'ip route show')).toMatch(new RegExp(`^${c.pool.route.replace(/\./g, '\\.')} dev eth0`, 'm'));
      }
    });

    it('re-run reports zero changes; a rebooted host comes back from what it persisted', async () => {
      expect((await runJson()).changed).toBe(0);
      const before = await boots(c.lab, c.reboot);
      await provision(['lab', 'reboot', c.reboot, '--name', c.lab]);
      expect(await boots(c.lab, c.reboot)).toBe(before + 1);
      const nft = await inHost(c.lab, c.reboot, 'nft list table inet provision');
      expect(nft).toMatch(/tcp dport 22 accept/);
      expect(nft).toMatch(/policy drop/);
      if (c.pool.route) expect(await inHost(c.lab, c.reboot, 'ip route show')).toMatch(new RegExp(`^${c.pool.route.replace(/\./g, '\\.')} dev eth0`, 'm'));
      expect((await runJson()).changed).toBe(0);
    });

    if (c.pi) it('the Raspberry Pi host got its cmdline flags and rebooted exactly once', async () => {
      expect(await inHost(c.lab, c.pi!, 'cat /boot/firmware/cmdline.txt')).toMatch(/cgroup_enable=cpuset cgroup_enable=memory cgroup_memory=1/);
      // One boot when the lab came up, one reboot for the flags; the re-runs above did not reboot it again.
      expect(await boots(c.lab, c.pi!)).toBe(2);
    });
  });
}
