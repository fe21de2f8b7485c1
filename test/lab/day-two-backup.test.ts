// Lab proof of issue 17's backup and restore on one homelab cluster (up once): a backup is 0600 with its sha256 (checked
// with the real sha256sum), holds the snapshot and the CA key, leaves nothing on the control plane and prints no key;
// an object created afterwards is gone after `restore --yes`, the old data dir is kept, verify passes; --keep prunes.
// Then on the same cluster: `reset --yes` leaves nothing inside the hosts, and `up` builds a new working cluster.
import { execa } from 'execa';
import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, canRunLab, labRequired, skipLab } from './lab-support.js';
import { dayTwoLab } from './day-two-support.js';
import './yield-between-tests.js';
import { tempDir } from '../support/temp-dir.js';

const work = tempDir('i17-backup-');
afterAll(() => rmSync(work, { recursive: true, force: true }));

const LAB = 'i17h';
const { provision, labRun, inHost } = dayTwoLab(LAB, work);
const INV = join(ROOT, 'inventory/homelab.yaml');
const CP = 'k8s-cp-01';
const OUT = join(work, 'backups');
const KUBECTL = 'kubectl --kubeconfig /etc/kubernetes/admin.conf';
const configMaps = async () => (await inHost(CP, `${KUBECTL} get configmaps 2>/dev/null; true`)).split('\n').map((l) => l.trim()).filter((l) => l && l !== 'NAME');

// One lab for both describe blocks (backup/restore, then reset and up on the same cluster), taken down at the end.
afterAll(async () => {
  if (canRunLab) await provision(['lab', 'down', '--name', LAB]);
}, 300_000);

if (labRequired && !canRunLab) describe('i17 backup lab', () => it('cannot run: needs root on Linux (PROVISION_LAB_REQUIRED=1)', () => expect.fail('needs root')));

describe.skipIf(skipLab)('i17 homelab: backup and restore', () => {
  let backup = '';
  beforeAll(async () => {
    const up = await provision(['lab', 'up', '-i', INV, '--name', LAB]);
    if (up.code !== 0) throw new Error(`lab up: ${up.all}`);
    const r = await labRun(['up', '-i', INV]);
    if (r.code !== 0) throw new Error(`up: ${r.all}`);
  }, 1_200_000);

  it('backup: 0600 tar and sha256 in a 0700 dir, sha256sum -c passes, snapshot and CA key inside, nothing left on the host or printed', async () => {
    const r = await labRun(['backup', '-i', INV, '--out', OUT, '--json']);
    expect(r.code, r.all).toBe(0);
    const out = JSON.parse(r.stdout) as { ok: boolean; file: string; sha256: string; from: string };
    expect(out.from).toBe(CP);
    backup = out.file.startsWith('/') ? out.file : join(work, out.file);
    expect(backup).toMatch(/\/homelab-\d{8}T\d{6}Z\.tar$/);
    expect(statSync(OUT).mode & 0o777).toBe(0o700);
    for (const f of [backup, `${backup}.sha256`]) expect(statSync(f).mode & 0o777, f).toBe(0o600);
    const check = await execa('sha256sum', ['-c', `${backup}.sha256`], { cwd: OUT, reject: false });
    expect(check.exitCode, String(check.stderr)).toBe(0);
    const list = await execa('tar', ['-tvf', backup]);
    expect(String(list.stdout)).toMatch(/provision-backup\.json/);
    expect(String(list.stdout)).toMatch(/ etcd\.db$/m);
    expect(String(list.stdout)).toMatch(/pki\/ca\.key$/m);
    // Every entry is private to its owner inside the tar too.
    for (const line of String(list.stdout).split('\n').filter(Boolean)) expect(line.slice(4, 10), line).toMatch(/^-{6}$/);
    expect(r.all).not.toMatch(/PRIVATE KEY/);
    expect((await inHost(CP, 'ls -d /var/lib/etcd/provision-backup.* 2>/dev/null; true')).trim()).toBe('');
  }, 300_000);

  it('restore --yes: an object made after the backup is gone, the old data dir is kept, verify passes', async () => {
    await inHost(CP, `printf 'apiVersion: v1\\nkind: ConfigMap\\nmetadata: { name: after-backup, namespace: default }\\ndata: { a: b }\\n' > /tmp/cm.yaml && ${KUBECTL} apply -f /tmp/cm.yaml`);
    expect(await configMaps()).toContain('after-backup');
    const no = await labRun(['restore', backup, '-i', INV]);
    expect(no.code).toBe(64);
    expect(await configMaps()).toContain('after-backup');
    const r = await labRun(['restore', backup, '-i', INV, '--yes']);
    expect(r.code, r.all).toBe(0);
    expect(await configMaps()).not.toContain('after-backup');
    expect((await inHost(CP, 'ls -d /var/lib/etcd.before-restore-* | wc -l')).trim()).toBe('1');
    expect((await inHost(CP, 'ls -A /var/lib/provision-restore /etc/kubernetes/provision-restore-manifests 2>/dev/null; true')).trim()).toBe('');
    const v = await labRun(['verify', '-i', INV, '--json']);
    expect(v.code, v.all).toBe(0);
  }, 600_000);

  it('--keep 1 leaves only the newest backup of the cluster', async () => {
    const r = await labRun(['backup', '-i', INV, '--out', OUT, '--keep', '1', '--json']);
    expect(r.code, r.all).toBe(0);
    const files = readdirSync(OUT).sort();
    expect(files).toHaveLength(2);
    expect(files.some((f) => join(OUT, f) === backup)).toBe(false);
    expect(existsSync(join(OUT, `${files[0]}`))).toBe(true);
  }, 300_000);
});

describe.skipIf(skipLab)('i17 homelab: reset, then up', () => {
  it('reset --yes leaves nothing of the cluster or of provision\'s host setup inside the hosts; up then builds a new working cluster', async () => {
    const caBefore = await inHost(CP, 'sha256sum /etc/kubernetes/pki/ca.crt');
    // What a CNI and kube-proxy leave on a real node, planted with the real ip and nft (a bridge: the lab cannot load vxlan).
    await inHost('k8s-worker-01', 'ip link add flannel.1 type bridge && nft add table ip kube-proxy');
    const r = await labRun(['reset', '-i', INV, '--yes', '--json']);
    expect(r.code, r.all).toBe(0);
    const out = JSON.parse(r.stdout) as { ok: boolean; hosts: Array<{ host: string; cluster?: string; hostSetup?: string }>; leftInPlace: string[] };
    expect(out.hosts.map((h) => [h.host, h.cluster, h.hostSetup])).toEqual([['k8s-worker-01', 'reset', 'removed'], [CP, 'reset', 'removed']]);
    expect(out.leftInPlace.join(' ')).toMatch(/MetalLB/);
    for (const h of [CP, 'k8s-worker-01']) {
      const left = await inHost(h, [
        'find /etc/kubernetes -mindepth 1 ! -path /etc/kubernetes/manifests',
        'ls -d /var/lib/kubelet /var/lib/etcd /var/lib/etcd.before-restore-* /etc/cni/net.d /root/.kube 2>/dev/null',
        'ip link show flannel.1 >/dev/null 2>&1 && echo flannel.1',
        'nft list tables | grep -E "kube-proxy|inet provision"',
        'grep -n "provision hosts" /etc/hosts',
        "dpkg-query -W -f='${Package} ${Status}\\n' kubeadm kubelet kubectl 2>/dev/null | grep ' installed$'",
        'ls /etc/apt/sources.list.d/kubernetes.list /etc/sysctl.d/99-kubernetes.conf /etc/modules-load.d/kubernetes.conf 2>/dev/null',
        'true',
      ].join('; '));
      expect(left.trim(), `${h}: nothing left`).toBe('');
    }
    const up = await labRun(['up', '-i', INV]);
    expect(up.code, up.all).toBe(0);
    expect(await inHost(CP, 'sha256sum /etc/kubernetes/pki/ca.crt'), 'a new cluster CA').not.toBe(caBefore);
    const v = await labRun(['verify', '-i', INV, '--json']);
    expect(v.code, v.all).toBe(0);
  }, 1_200_000);
});
