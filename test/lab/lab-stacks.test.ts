// Lab test: each of the four network stacks keeps flat-bgp's off-link MetalLB route across a real reboot (systemd in
// nspawn), with eth0's address configured by that stack at boot; a broken persistence file of each stack loses it.
import { afterAll, describe, expect, it } from 'vitest';
import { canRunLab, cli, labClient, skipLab } from './lab-support.js';

const HOST = 'k8s-vm-01';
const POOL = '192.168.6.0/24';
const ADDRESS = '192.168.2.225/24';

interface StackCase {
  stack: 'ifupdown' | 'networkmanager' | 'netplan' | 'systemd-networkd';
  /** The unit that configures eth0 at boot. */
  unit: string;
  /** The file the metallb-route module persisted the route in (must exist after the run). */
  file: string;
  /** A realistic way to break that persistence (as an operator might). */
  breakIt: string;
}

const CASES: StackCase[] = [
  { stack: 'ifupdown', unit: 'networking.service', file: '/etc/network/if-up.d/provision-metallb-routes', breakIt: 'chmod -x /etc/network/if-up.d/provision-metallb-routes' },
  // NetworkManager ignores a keyfile that others can read.
  { stack: 'networkmanager', unit: 'NetworkManager.service', file: '/etc/NetworkManager/system-connections/eth0.nmconnection', breakIt: 'chmod 0644 /etc/NetworkManager/system-connections/eth0.nmconnection' },
  // netplan reads only *.yaml.
  { stack: 'netplan', unit: 'systemd-networkd.service', file: '/etc/netplan/90-provision-metallb.yaml', breakIt: 'mv /etc/netplan/90-provision-metallb.yaml /etc/netplan/90-provision-metallb.yml' },
  // A drop-in dir must be named after the .network file it extends (10-eth0.network here).
  { stack: 'systemd-networkd', unit: 'systemd-networkd.service', file: '/etc/systemd/network/10-eth0.network.d/90-provision-metallb.conf', breakIt: 'mv /etc/systemd/network/10-eth0.network.d /etc/systemd/network/eth0.network.d' },
];

const labName = (c: StackCase) => `i12-st-${c.stack.replace('systemd-', '')}`;

/** Reboots the host for real and says what is wrong afterwards (empty: the route and the stack's address are back). */
async function rebootAndCheck(c: StackCase): Promise<string[]> {
  const lab = labClient(labName(c));
  const bootBefore = (await lab.exec(HOST, 'cat /proc/sys/kernel/random/boot_id')).stdout.trim();
  const reboot = await cli(['lab', 'reboot', '--name', labName(c), HOST]);
  if (reboot.code !== 0) return [`lab reboot failed: ${reboot.stderr}`];
  const problems: string[] = [];
  const r = await lab.exec(HOST, `cat /proc/1/comm; cat /proc/sys/kernel/random/boot_id; systemctl is-active ${c.unit}; echo ---; ip -4 -o addr show dev eth0; echo ---; ip -4 route show ${POOL}`);
  const [head = '', addrs = '', route = ''] = r.stdout.split('---\n');
  const [comm, boot, active] = head.trim().split('\n');
  if (comm !== 'systemd') problems.push(`PID 1 is ${comm}`);
  if (!boot || boot === bootBefore) problems.push('the boot id did not change');
  if (active !== 'active') problems.push(`${c.unit} is ${active}`);
  if (!addrs.includes(`inet ${ADDRESS}`)) problems.push(`eth0 has no ${ADDRESS} after the boot: ${addrs.trim()}`);
  if (!/dev eth0 .*scope link/.test(route)) problems.push(`no route ${POOL} dev eth0 scope link after the boot: '${route.trim()}'`);
  return problems;
}

describe.skipIf(skipLab)('lab: the four network stacks keep the MetalLB route across a real reboot', () => {
  afterAll(async () => {
    if (canRunLab) for (const c of CASES) await labClient(labName(c)).down();
  });

  it.each(CASES)('$stack', async (c) => {
    const lab = labClient(labName(c));
    await lab.down();
    const up = await lab.up('inventory/flat-bgp.yaml', ['--stack', c.stack]);
    expect(up.stderr).toBe('');
    expect(up.code).toBe(0);
    // The address came from the stack's own configuration at boot, and the lab has no other network stack running.
    const before = await lab.exec(HOST, `systemctl is-active ${c.unit}; ip -4 -o addr show dev eth0; cat /etc/provision-lab-stack`);
    expect(before.stdout).toContain(`active\n`);
    expect(before.stdout).toContain(`inet ${ADDRESS}`);
    expect(before.stdout).toContain(c.stack);

    const run = await cli(['lab', 'run', '--name', labName(c), '--', 'run', 'test/fixtures/lab/metallb-route.yaml', '-i', 'inventory/flat-bgp.yaml']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect((await lab.exec(HOST, `ip -4 route show ${POOL}; test -e ${c.file} && echo persisted`)).stdout).toMatch(/dev eth0 .*scope link[\s\S]*persisted/);

    expect(await rebootAndCheck(c)).toEqual([]);

    // The same check fails once the persistence file is broken.
    expect((await lab.exec(HOST, c.breakIt)).code).toBe(0);
    const broken = await rebootAndCheck(c);
    expect(broken.length).toBeGreaterThan(0);
    await lab.down();
  });
});
