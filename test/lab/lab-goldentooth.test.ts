// Lab test: goldentooth's 13 hosts as SSH hosts; isolation from the machine; kubeadm init → join through the real HAProxy; lab down.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { canRunLab, cli, labClient, leftovers, prepNode, skipLab } from './lab-support.js';

const NAME = 't-gt';
const lab = labClient(NAME);

const haproxyCfg = `global
  log /dev/log local0
defaults
  mode tcp
  retries 3
  option redispatch
  timeout connect 2s
  timeout client 1m
  timeout server 1m
frontend k8s-api
  bind 10.4.0.10:6443
  default_backend control-planes
backend control-planes
  balance roundrobin
  option tcp-check
  default-server check inter 1s fall 1 rise 1
  server bettley 10.4.0.11:6443
  server cargyll 10.4.0.12:6443
  server dalt 10.4.0.13:6443
`;

const initCfg = `apiVersion: kubeadm.k8s.io/v1beta4
kind: InitConfiguration
localAPIEndpoint: { advertiseAddress: 10.4.0.11, bindPort: 6443 }
---
apiVersion: kubeadm.k8s.io/v1beta4
kind: ClusterConfiguration
clusterName: goldentooth
controlPlaneEndpoint: 10.4.0.10:6443
networking: { podSubnet: 192.168.0.0/16, serviceSubnet: 172.16.0.0/20 }
`;

const joinCfg = (token: string, hash: string, certKey?: string, address?: string) => `apiVersion: kubeadm.k8s.io/v1beta4
kind: JoinConfiguration
discovery:
  bootstrapToken: { apiServerEndpoint: "10.4.0.10:6443", token: "${token}", caCertHashes: ["${hash}"] }
${certKey ? `controlPlane:\n  certificateKey: "${certKey}"\n  localAPIEndpoint: { advertiseAddress: ${address}, bindPort: 6443 }\n` : ''}`;

describe.skipIf(skipLab)('lab: goldentooth', () => {
  beforeAll(async () => {
    await lab.down();
    const up = await lab.up('inventory/goldentooth.yaml');
    expect(up.stderr).toBe('');
    expect(up.code).toBe(0);
    process.stdout.write(`${up.stdout.split('\n').filter((l) => l.startsWith('lab ')).join('\n')}\n`);
  });
  afterAll(async () => {
    if (canRunLab) await lab.down();
  });

  it('runs as root on Linux (fails here when PROVISION_LAB_REQUIRED=1 and not root)', () => {
    expect(canRunLab).toBe(true);
  });

  it('gives every host its own name, and the laptop SSH with the lab key and sudo', async () => {
    const h = await cli(['lab', 'exec', '--name', NAME, 'bettley', '--', 'hostname']);
    expect(h.stdout.trim()).toBe('bettley');
    const s = await lab.ssh('pi@10.4.0.11', 'sudo -n true && hostname && cat /proc/sys/kernel/random/boot_id');
    expect(s.stderr).toBe('');
    expect(s.code).toBe(0);
    expect(s.stdout.split('\n')[0]).toBe('bettley');
    const status = await cli(['lab', 'status', '--name', NAME]);
    expect(status.code).toBe(0);
    expect(status.stdout).toContain(s.stdout.split('\n')[1]!.trim());
    expect(status.stdout.split('\n').filter((l) => / up +up /.test(l))).toHaveLength(13);
  });

  it('keeps /etc, swap, modules and sysctls of a host private', async () => {
    const machineHosts = readFileSync('/etc/hosts', 'utf8');
    const machineSwappiness = readFileSync('/proc/sys/vm/swappiness', 'utf8');
    const machineSwaps = readFileSync('/proc/swaps', 'utf8');
    expect(existsSync('/sys/module/nbd')).toBe(false);
    const w = await lab.exec('bettley', 'echo "10.9.9.9 lab-isolation-marker" >> /etc/hosts && swapoff -a && modprobe nbd && sysctl -w vm.swappiness=7 >/dev/null && echo 1 > /proc/sys/vm/swappiness; echo rc=$?');
    expect(w.stdout.trim()).toMatch(/^rc=[1-9]/);
    expect(w.stderr).toMatch(/Read-only file system/);
    const inside = await lab.exec('bettley', 'grep -c lab-isolation-marker /etc/hosts; swapon --show | wc -l; lsmod | grep -c "^nbd "; sysctl -n vm.swappiness');
    expect(inside.stdout.split('\n').slice(0, 4)).toEqual(['1', '0', '1', '7']);
    const other = await lab.exec('cargyll', 'grep -c lab-isolation-marker /etc/hosts; swapon --show --noheadings | wc -l; lsmod | grep -c "^nbd "; sysctl -n vm.swappiness');
    expect(other.stdout.split('\n').slice(0, 4)).toEqual(['0', '1', '0', machineSwappiness.trim()]);
    expect(readFileSync('/etc/hosts', 'utf8')).toBe(machineHosts);
    expect(readFileSync('/proc/sys/vm/swappiness', 'utf8')).toBe(machineSwappiness);
    expect(existsSync('/sys/module/nbd')).toBe(false);
    expect(readFileSync('/proc/swaps', 'utf8')).toBe(machineSwaps);
  });

  it('inits on bettley and joins a control plane and a worker through the real HAProxy on allyrion', async () => {
    // A host has haproxy only where it is installed: from the lab's apt mirror, as provision installs it on an lb host.
    const install = await lab.exec('allyrion', 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends haproxy >/dev/null');
    expect(install.code, install.stderr).toBe(0);
    const ha = await lab.exec('allyrion', 'cat > /etc/haproxy/haproxy.cfg && systemctl restart haproxy && systemctl is-active haproxy', haproxyCfg);
    expect(ha.stdout.trim()).toBe('active');
    const preps = await Promise.all(['bettley', 'cargyll', 'erenford', 'fenn'].map((h) => lab.exec(h, prepNode)));
    for (const p of preps) expect(p.code).toBe(0);
    const init = await lab.exec('bettley', 'cat > /root/init.yaml && kubeadm init --config /root/init.yaml --upload-certs', initCfg);
    expect(init.stderr).not.toMatch(/error/i);
    expect(init.code).toBe(0);
    const certKey = /Using certificate key:\n([0-9a-f]{64})/.exec(init.stdout)?.[1];
    expect(certKey).toBeDefined();
    const jc = await lab.exec('bettley', 'kubeadm token create --print-join-command');
    const m = /^kubeadm join 10\.4\.0\.10:6443 --token (\S+) --discovery-token-ca-cert-hash (sha256:[0-9a-f]{64})/.exec(jc.stdout);
    expect(m).not.toBeNull();
    const [, token, hash] = m!;
    const cp = await lab.exec('cargyll', 'umask 077; cat > /root/join.yaml && kubeadm join --config /root/join.yaml', joinCfg(token!, hash!, certKey, '10.4.0.12'));
    expect(cp.stderr).toBe('');
    expect(cp.stdout).toContain('This node has joined the cluster');
    const wk = await lab.exec('erenford', 'umask 077; cat > /root/join.yaml && kubeadm join --config /root/join.yaml', joinCfg(token!, hash!));
    expect(wk.code).toBe(0);
    const nodes = await lab.exec('cargyll', 'kubectl --kubeconfig /etc/kubernetes/admin.conf get nodes -o json');
    const names = (JSON.parse(nodes.stdout) as { items: Array<{ metadata: { name: string } }> }).items.map((n) => n.metadata.name).sort();
    expect(names).toEqual(['bettley', 'cargyll', 'erenford']);

    const wrongHash = hash!.replace(/.$/, (c) => (c === '0' ? '1' : '0'));
    const bad = await lab.exec('fenn', 'cat > /root/join.yaml && kubeadm join --config /root/join.yaml', joinCfg(token!, wrongHash));
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/none of the public keys .* are pinned/);

    await lab.exec('fenn', 'nft add table inet lab && nft add chain inet lab out "{ type filter hook output priority 0; }" && nft add rule inet lab out tcp dport 6443 drop');
    const blocked = await lab.exec('fenn', 'cat > /root/ok.yaml && LAB_KUBEADM_DISCOVERY_TIMEOUT=3 kubeadm join --config /root/ok.yaml', joinCfg(token!, hash!));
    expect(blocked.code).not.toBe(0);
    expect(blocked.stderr).toMatch(/i\/o timeout|failed to request the cluster-info/);
    const opened = await lab.exec('fenn', 'nft delete table inet lab && kubeadm join --config /root/ok.yaml');
    expect(opened.code).toBe(0);
  });

  it('lab down leaves no namespace, mount, process or directory', async () => {
    const down = await lab.down();
    expect(down.code).toBe(0);
    expect(await leftovers(NAME)).toEqual([]);
    const again = await lab.down();
    expect(again.code).toBe(0);
  });
});
