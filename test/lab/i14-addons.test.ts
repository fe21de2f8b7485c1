// Lab proof of issue 14: up applies the add-ons from the (stand-in) mirror, checked by sha256; verify's cni, ready and
// pods pass; a run without the add-ons step leaves every node NotReady and verify names them; a tampered artifact
// stops up before any host changes; a version bump is an upgrade shown by --check; flat-bgp's single node is untainted.
import { execa } from 'execa';
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, ROOT, canRunLab, labRequired, skipLab } from './lab-support.js';
import { LAB_BASE } from '../../src/lab/plan.js';
import { LAB_FLANNEL_CNI_NAME, LAB_FLANNEL_NETWORK } from '../../src/lab/standin-addons/flannel.js';
import { tempDir } from '../support/temp-dir.js';

const work = tempDir('i14-lab-');
afterAll(() => rmSync(work, { recursive: true, force: true }));
// The stand-in releases `lab up` wrote for the homelab lab below.
const standins = (lab: string) => join(LAB_BASE, lab, 'addons');

interface Out { code: number; stdout: string; stderr: string; all: string }
/** The built CLI from a scratch directory (lab run writes ./kubeconfig there, never into the checkout). */
async function provision(args: string[], env: Record<string, string> = {}): Promise<Out> {
  if (!canRunLab) throw new Error('lab tests need root on Linux (PROVISION_LAB_REQUIRED=1 is set)');
  const r = await execa(process.execPath, [CLI, ...args], { reject: false, cwd: work, env, maxBuffer: 64 << 20 });
  return { code: r.exitCode ?? 1, stdout: String(r.stdout), stderr: String(r.stderr), all: `${String(r.stdout)}\n${String(r.stderr)}` };
}
// Playbooks written to the scratch dir import the repo's host-setup.yaml: allowed explicitly.
const labRun = (lab: string, args: string[], env: Record<string, string> = {}) =>
  provision(['lab', 'run', '--name', lab, '--', ...args, ...(args[0] === 'run' ? ['--allow-import-outside'] : [])], env);
const inHost = (lab: string, host: string, script: string) => provision(['lab', 'exec', host, '--name', lab, '--', 'sh', '-c', script]);

interface VerifyJson { ok: boolean; hosts: Record<string, { checks: Array<{ check: string; ok: boolean; detail: string }> }> }
async function verify(lab: string, inv: string): Promise<VerifyJson> {
  const r = await labRun(lab, ['verify', '-i', inv, '--json']);
  return JSON.parse(r.stdout) as VerifyJson;
}
const failing = (v: VerifyJson) => Object.entries(v.hosts).flatMap(([h, r]) => r.checks.filter((c) => !c.ok).map((c) => `${h} ${c.check}`)).sort();

/** Brings lab NAME up for INVENTORY before the describe's tests and down after them. */
function withLab(lab: string, inv: string): void {
  beforeAll(async () => {
    const r = await provision(['lab', 'up', '-i', inv, '--name', lab]);
    if (r.code !== 0) throw new Error(`lab up: ${r.all}`);
  }, 900_000);
  afterAll(async () => {
    await provision(['lab', 'down', '--name', lab]);
  }, 300_000);
}

if (labRequired && !canRunLab) describe('i14 lab', () => it('cannot run: needs root on Linux (PROVISION_LAB_REQUIRED=1)', () => expect.fail('needs root')));

describe.skipIf(skipLab)('i14 homelab: add-ons from the mirror, verify, CNI skipped, tampered and bumped artifacts', () => {
  const lab = 'i14h';
  const inv = join(ROOT, 'inventory/homelab.yaml');
  withLab(lab, inv);

  it('without the add-ons step the cluster comes up but verify fails on cni, ready and pods, naming each node', async () => {
    // up.yaml minus its addons task: the same plays, the CNI never applied.
    const text = readFileSync(join(ROOT, 'playbooks/up.yaml'), 'utf8')
      .replace('import: host-setup.yaml', `import: ${join(ROOT, 'playbooks/host-setup.yaml')}`)
      .replace(/\n {6}- name: Add-ons[^\n]*\n {8}addons: \{\}/, '');
    expect(text).not.toContain('addons: {}');
    writeFileSync(join(work, 'no-cni.yaml'), text);
    const r = await labRun(lab, ['run', join(work, 'no-cni.yaml'), '-i', inv]);
    expect(r.code, r.all).toBe(0);
    const v = await verify(lab, inv);
    expect(v.ok).toBe(false);
    expect(failing(v)).toEqual(['k8s-cp-01 cni', 'k8s-cp-01 pods', 'k8s-cp-01 ready', 'k8s-worker-01 cni', 'k8s-worker-01 ready']);
    expect(v.hosts['k8s-worker-01']!.checks.find((c) => c.check === 'ready')!.detail).toMatch(/NotReady: container runtime network not ready/);
    expect(v.hosts['k8s-cp-01']!.checks.find((c) => c.check === 'pods')!.detail).toMatch(/coredns-pending \(Pending, unscheduled\)/);
    const table = await labRun(lab, ['verify', '-i', inv]);
    expect(table.code).toBe(1);
    expect(table.stdout).toMatch(/k8s-worker-01 ready: NotReady/);
  }, 900_000);

  it('a tampered artifact in the mirror stops up before any host changes', async () => {
    const mirror = join(work, 'tampered');
    cpSync(standins(lab), mirror, { recursive: true });
    const release = readFileSync(join(mirror, 'flannel-kube-flannel.yml'), 'utf8');
    expect(release).toContain(LAB_FLANNEL_NETWORK);
    writeFileSync(join(mirror, 'flannel-kube-flannel.yml'), release.replace(LAB_FLANNEL_NETWORK, '10.66.0.0/16'));
    const r = await labRun(lab, ['up', '-i', inv], { PROVISION_ADDONS_MIRROR: mirror, XDG_CACHE_HOME: join(work, 'fresh-cache') });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/add-ons: flannel lab-v0\.28\.9 flannel-kube-flannel\.yml from .*tampered\/flannel-kube-flannel\.yml has sha256 [0-9a-f]{64}, but the versions table pins [0-9a-f]{64}: refusing it \(nothing was applied\)/);
    const cni = await inHost(lab, 'k8s-cp-01', 'ls /etc/kubernetes/provision/addons 2>&1; ls /etc/cni/net.d 2>&1; true');
    expect(cni.stdout).not.toMatch(/applied|flannel/);
  }, 300_000);

  it('up applies flannel and MetalLB, every node turns Ready, verify passes, a re-run changes nothing', async () => {
    const r = await labRun(lab, ['up', '-i', inv]);
    expect(r.code, r.all).toBe(0);
    expect(r.stdout).toMatch(/apply flannel lab-v0\.28\.9, metallb lab-v0\.15\.3 \+ 3 configuration objects/);
    // the kubelets install flannel's conflist and report it; the API then says Ready
    let v = await verify(lab, inv);
    for (let i = 0; i < 20 && !v.ok; i++) {
      await new Promise((res) => setTimeout(res, 1500));
      v = await verify(lab, inv);
    }
    expect(failing(v)).toEqual([]);
    const cm = await inHost(lab, 'k8s-cp-01', 'kubectl --kubeconfig /etc/kubernetes/admin.conf get configmaps -o json');
    const flannel = (JSON.parse(cm.stdout) as { items: Array<{ metadata: { name: string }; data: Record<string, string> }> }).items.find((o) => o.metadata.name === 'kube-flannel-cfg')!;
    expect(JSON.parse(flannel.data['net-conf.json']!)).toMatchObject({ Network: '10.244.0.0/16', Backend: { Type: 'vxlan' } });
    expect(flannel.data['cni-conf.json']).toContain(LAB_FLANNEL_CNI_NAME); // the release's key kept: provision applied only net-conf.json
    const again = await labRun(lab, ['up', '-i', inv, '--check', '--json']);
    expect(again.code, again.all).toBe(0);
  }, 900_000);

  it('a version bump in the versions table is an upgrade that --check shows', async () => {
    const mirror = join(work, 'bumped');
    cpSync(standins(lab), mirror, { recursive: true });
    const table = JSON.parse(readFileSync(join(mirror, 'versions.json'), 'utf8')) as Array<{ component: string; version: string; file: string; sha256: string }>;
    const m = table.find((a) => a.component === 'metallb')!;
    const text = `${readFileSync(join(mirror, m.file), 'utf8')}# lab-v0.15.4\n`;
    writeFileSync(join(mirror, m.file), text);
    Object.assign(m, { version: 'lab-v0.15.4', sha256: (await import('node:crypto')).createHash('sha256').update(text).digest('hex') });
    writeFileSync(join(mirror, 'versions.json'), JSON.stringify(table));
    const r = await labRun(lab, ['up', '-i', inv, '--check'], { PROVISION_ADDONS_MIRROR: mirror, PROVISION_ADDONS_TABLE: join(mirror, 'versions.json') });
    expect(r.code, r.all).toBe(2);
    expect(r.stdout).toMatch(/upgrade metallb lab-v0\.15\.3 → lab-v0\.15\.4/);
  }, 300_000);
});

describe.skipIf(skipLab)('i14 flat-bgp: Calico operator objects, speaker left out, single node untainted', () => {
  const lab = 'i14f';
  const inv = join(ROOT, 'inventory/flat-bgp.yaml');
  withLab(lab, inv);

  it('up then verify pass; the API holds the Installation, BGP objects and pool, and no MetalLB speaker', async () => {
    const r = await labRun(lab, ['up', '-i', inv]);
    expect(r.code, r.all).toBe(0);
    let v = await verify(lab, inv);
    for (let i = 0; i < 20 && !v.ok; i++) {
      await new Promise((res) => setTimeout(res, 1500));
      v = await verify(lab, inv);
    }
    expect(failing(v)).toEqual([]);
    const k = 'kubectl --kubeconfig /etc/kubernetes/admin.conf';
    const kinds = async (kind: string) => (await inHost(lab, 'k8s-vm-01', `${k} get ${kind} -o json`)).stdout;
    expect(JSON.parse(await kinds('installations')).items[0].spec.calicoNetwork.ipPools[0]).toMatchObject({ cidr: '192.168.4.0/24', encapsulation: 'None' });
    expect(JSON.parse(await kinds('bgpconfigurations')).items[0].spec.serviceLoadBalancerIPs).toEqual([{ cidr: '192.168.6.0/24' }]);
    expect(JSON.parse(await kinds('daemonsets')).items.map((d: { metadata: { name: string } }) => d.metadata.name)).not.toContain('speaker');
    const init = await inHost(lab, 'k8s-vm-01', 'cat /etc/kubernetes/provision/kubeadm-init.yaml');
    expect(init.stdout).toMatch(/taints: \[\]/);
  }, 900_000);
});
