// Lab test: homelab with kube-vip — the VIP raised from a manifest (not from a wrong one), a join through it, and a reboot's persistence.
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, HOLD_MS, canRunLab, cli, labClient, leftovers, prepNode, skipLab, until } from './lab-support.js';

const NAME = `t-hl${process.pid % 1000}`;
const lab = labClient(NAME);

const kubeVip = (iface: string) => `apiVersion: v1
kind: Pod
metadata: { name: kube-vip, namespace: kube-system }
spec:
  hostNetwork: true
  containers:
  - name: kube-vip
    image: ghcr.io/kube-vip/kube-vip:v0.8.9
    args: [manager]
    env:
    - { name: vip_arp, value: "true" }
    - { name: port, value: "6443" }
    - { name: vip_interface, value: ${iface} }
    - { name: cp_enable, value: "true" }
    - { name: address, value: 192.168.1.50 }
`;

const initCfg = `apiVersion: kubeadm.k8s.io/v1beta3
kind: InitConfiguration
localAPIEndpoint: { advertiseAddress: 192.168.1.51, bindPort: 6443 }
---
apiVersion: kubeadm.k8s.io/v1beta3
kind: ClusterConfiguration
clusterName: homelab
controlPlaneEndpoint: 192.168.1.50:6443
networking: { podSubnet: 10.244.0.0/16, serviceSubnet: 10.96.0.0/12 }
`;

/** Runs fn; a failure carries the host's console tail (its boot and shutdown as systemd printed them). */
async function withConsole(host: string, fn: () => Promise<void>): Promise<void> {
  try {
    await fn();
  } catch (e) {
    if (e instanceof Error) e.message += `\n--- ${host}'s console, last lines ---\n${lab.consoleTail(host)}`;
    throw e;
  }
}

const hasVip = async () => (await lab.exec('k8s-cp-01', 'ip -4 -o addr show dev eth0')).stdout.includes('192.168.1.50/32');

describe.skipIf(skipLab)('lab: homelab (kube-vip, reboot)', () => {
  beforeAll(async () => {
    await lab.down();
    const up = await lab.up('inventory/homelab.yaml');
    expect(up.code, up.stdout + up.stderr).toBe(0);
  });
  afterAll(async () => {
    if (canRunLab) await lab.down();
  });

  it('runs as root on Linux (fails here when PROVISION_LAB_REQUIRED=1 and not root)', () => {
    expect(canRunLab).toBe(true);
  });

  it('a `lab exec` killed ends its command in the host; a test bound on a hung one returns', async () => {
    const sub = execa(process.execPath, [CLI, 'lab', 'exec', '--name', NAME, 'k8s-cp-01', '--', 'sleep', '3001'], { reject: false });
    const running = async () => (await lab.exec('k8s-cp-01', 'pgrep -fx "sleep 3001" || true')).stdout.trim() !== '';
    await until('the command runs in the host', async () => ((await running()) ? true : undefined));
    sub.kill('SIGTERM');
    const r = await sub;
    expect(r.exitCode).toBe(143);
    await until('the command gone from the host', async () => ((await running()) ? undefined : true));
    // A command that never ends, behind a shell (its child holds the output pipe): the bound kills the whole group.
    const hung = await cli(['lab', 'exec', '--name', NAME, 'k8s-cp-01', '--', 'sh', '-c', 'sleep 3002; true'], { timeout: 1500 });
    expect(hung.code).toBe(124);
    expect((await lab.exec('k8s-cp-01', 'pgrep -fx "sleep 3002" || echo none')).stdout.trim()).toBe('none');
  });

  it('raises the VIP from the kube-vip manifest and joins the worker through it', async () => {
    for (const h of ['k8s-cp-01', 'k8s-worker-01']) expect((await lab.exec(h, prepNode)).code).toBe(0);
    await lab.exec('k8s-cp-01', 'mkdir -p /etc/kubernetes/manifests && cat > /etc/kubernetes/manifests/kube-vip.yaml', kubeVip('eth0'));
    const init = await lab.exec('k8s-cp-01', 'cat > /root/init.yaml && kubeadm init --config /root/init.yaml', initCfg);
    expect(init.code).toBe(0);
    expect(await hasVip()).toBe(true);
    const jc = await lab.exec('k8s-cp-01', 'kubeadm token create --print-join-command');
    const join = await lab.exec('k8s-worker-01', jc.stdout.trim());
    expect(join.stderr).toBe('');
    expect(join.code).toBe(0);
    const nodes = await lab.exec('k8s-worker-01', 'kubectl --kubeconfig /etc/kubernetes/kubelet.conf get nodes 2>&1; kubectl --kubeconfig /dev/null get nodes >/dev/null 2>&1; echo rc=$?');
    expect(nodes.stdout).toMatch(/rc=1/);
    const admin = await lab.exec('k8s-cp-01', 'kubectl --kubeconfig /etc/kubernetes/admin.conf get nodes');
    expect(admin.stdout).toMatch(/k8s-cp-01 +NotReady +control-plane/);
    expect(admin.stdout).toMatch(/k8s-worker-01 +NotReady +<none>/);
  });

  it('drops the VIP when the manifest names a wrong interface, and a join through it fails', async () => {
    const jc = await lab.exec('k8s-cp-01', 'kubeadm token create --print-join-command');
    expect(jc.stdout).toMatch(/^kubeadm join 192.168.1.50:6443 /);
    await lab.exec('k8s-cp-01', 'cat > /etc/kubernetes/manifests/kube-vip.yaml', kubeVip('eth9'));
    await until('VIP released', async () => ((await hasVip()) ? undefined : true));
    const join = await lab.exec('k8s-worker-01', `kubeadm reset -f >/dev/null && LAB_KUBEADM_DISCOVERY_TIMEOUT=3 ${jc.stdout.trim()}`);
    expect(join.code).not.toBe(0);
    expect(join.stderr).toMatch(/failed to request the cluster-info/);
    await lab.exec('k8s-cp-01', 'cat > /etc/kubernetes/manifests/kube-vip.yaml', kubeVip('eth0'));
    await until('VIP raised again', async () => ((await hasVip()) ? true : undefined));
  });

  it('reboots: runtime route and swapoff gone, persisted route back, new boot id, ssh sessions of the old boot cut', async () => {
    const w = 'k8s-worker-01';
    await withConsole(w, async () => {
      const before = await lab.exec(w, 'cat /proc/sys/kernel/random/boot_id');
      // The route persisted as on a real ifupdown node: an if-up.d hook runs once eth0 is up with its address (an `up`
      // line in interfaces.d would run first, before the main stanza gives eth0 its address, and fail the whole ifup).
      const hook = '#!/bin/sh\n[ "$IFACE" = eth0 ] || exit 0\nip route replace 10.30.0.0/24 via 192.168.1.1 dev eth0\n';
      const persist = await lab.exec(w, 'cat > /etc/network/if-up.d/lab-route && chmod 755 /etc/network/if-up.d/lab-route && ip route add 10.20.0.0/24 via 192.168.1.1 && swapoff -a', hook);
      expect(persist.code, persist.stderr).toBe(0);
      expect((await lab.exec(w, 'ip route')).stdout).toContain('10.20.0.0/24');
      // A real reboot ends the old boot's sshd and its sessions. A session held across it shows that without racing
      // the reboot: polling for sshd down missed a reboot quicker than one poll on a loaded machine.
      const held = lab.hold('pi@192.168.1.52');
      await held.open;
      const t0 = Date.now();
      const r = await cli(['lab', 'reboot', '--name', NAME, w, '--no-wait'], { timeout: 60_000 });
      expect(r.code, r.stderr).toBe(0);
      const cut = await held.ended;
      expect(cut.code, 'the session outlived the reboot').not.toBe(0);
      expect(Date.now() - t0).toBeLessThan(HOLD_MS);
      await until('host back up', async () => ((await lab.ssh('pi@192.168.1.52', 'true')).code === 0 ? true : undefined), 60_000);
      const after = await lab.exec(w, 'cat /proc/sys/kernel/random/boot_id; ip route; swapon --show --noheadings | wc -l; systemctl is-active containerd');
      expect(after.stdout.split('\n')[0]).not.toBe(before.stdout.trim());
      expect(after.stdout).toContain('10.30.0.0/24 via 192.168.1.1');
      expect(after.stdout).not.toContain('10.20.0.0/24');
      expect(after.stdout).toMatch(/\n1\nactive$/);
      const viaSudo = await lab.ssh('pi@192.168.1.52', 'sudo -n reboot');
      expect([0, 255]).toContain(viaSudo.code);
      await until('host rebooted from inside', async () => {
        const b = await lab.exec(w, 'cat /proc/sys/kernel/random/boot_id');
        return b.code === 0 && b.stdout.trim() !== after.stdout.split('\n')[0] ? true : undefined;
      }, 60_000);
    });
  });

  it('lab down leaves nothing', async () => {
    expect((await lab.down()).code).toBe(0);
    expect(await leftovers(NAME)).toEqual([]);
  });
});
