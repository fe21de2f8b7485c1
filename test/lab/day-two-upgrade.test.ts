// Lab proof of issue 16 on one homelab cluster (up once): status reads every node Ready with versions and certificate
// expiry and names a node whose kubelet is stopped; certificates that expire in 20 days are warned about and renewed
// (static pods restarted, the laptop's kubeconfig refreshed); upgrade refuses 1.32 → 1.34 before anything changes,
// shows its plan, stops when a worker's step fails, continues on a re-run without repeating the control plane, and a
// third run changes nothing. The stand-ins record cordon/drain/upgrade/uncordon; kubeadm's rules are theirs.
import { execa } from 'execa';
import { existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IN_HOST_STANDINS } from '../../src/lab/host-root.js';
import { CLI, ROOT, canRunLab, labRequired, skipLab } from './lab-support.js';
import './yield-between-tests.js';
import { tempDir } from '../support/temp-dir.js';

const work = tempDir('i16-lab-');
afterAll(() => rmSync(work, { recursive: true, force: true }));

interface Out { code: number; stdout: string; stderr: string; all: string }
async function provision(args: string[]): Promise<Out> {
  if (!canRunLab) throw new Error('lab tests need root on Linux (PROVISION_LAB_REQUIRED=1 is set)');
  const r = await execa(process.execPath, [CLI, ...args], { reject: false, cwd: work, maxBuffer: 64 << 20 });
  return { code: r.exitCode ?? 1, stdout: String(r.stdout), stderr: String(r.stderr), all: `${String(r.stdout)}\n${String(r.stderr)}` };
}
const LAB = `i16h${process.pid % 1000}`;
const INV = join(ROOT, 'inventory/homelab.yaml');
const CP = 'k8s-cp-01';
const WORKER = 'k8s-worker-01';
const labRun = (args: string[]) => provision(['lab', 'run', '--name', LAB, '--', ...args]);
async function inHost(host: string, script: string): Promise<string> {
  const r = await provision(['lab', 'exec', host, '--name', LAB, '--', 'sh', '-c', script]);
  if (r.code !== 0) throw new Error(`lab exec ${host}: ${r.all}`);
  return r.stdout;
}
const FAULTS = '/etc/provision-lab/kubeadm.env';
const setFault = (host: string, line: string) => inHost(host, `mkdir -p /etc/provision-lab && printf '%s\\n' '${line}' > ${FAULTS}`);
const clearFault = (host: string) => inHost(host, `rm -f ${FAULTS}`);

interface Event { at: number; node: string; what: string; detail?: string }
async function events(): Promise<Event[]> {
  // The API stand-in's record, read with admin's client certificate on the control plane.
  const out = await inHost(CP, `node --input-type=module -e "
    const { call, readKubeconfig } = await import('${IN_HOST_STANDINS}/lib/kube-client.mjs');
    const kc = await readKubeconfig('/etc/kubernetes/admin.conf');
    const r = await call({ server: kc.server, path: '/lab/events', ca: kc.ca, cert: kc.cert, key: kc.key });
    process.stdout.write(JSON.stringify(r.body.items));"`);
  return JSON.parse(out) as Event[];
}

interface StatusJson {
  ok: boolean;
  serverVersion?: string;
  etcdMembers: string[];
  nodes: Array<{ name: string; ready?: boolean; kubeletVersion?: string; packages: { kubelet?: string; kubeadm?: string }; certs?: { daysLeft: number }; drift?: { items: string[] }; problems: string[] }>;
  warnings: string[];
  problems: string[];
}
async function status(): Promise<{ code: number; json: StatusJson; all: string }> {
  const r = await labRun(['status', '-i', INV, '--json']);
  return { code: r.code, json: JSON.parse(r.stdout) as StatusJson, all: r.all };
}

if (labRequired && !canRunLab) describe('i16 lab', () => it('cannot run: needs root on Linux (PROVISION_LAB_REQUIRED=1)', () => expect.fail('needs root')));

describe.skipIf(skipLab)('i16 homelab: status, certs and upgrade on one cluster', () => {
  beforeAll(async () => {
    const up = await provision(['lab', 'up', '-i', INV, '--name', LAB]);
    if (up.code !== 0) throw new Error(`lab up: ${up.all}`);
    // kubeadm init issues certificates valid for 20 days: status must warn, certs renew must fix it.
    await setFault(CP, 'LAB_KUBEADM_CERT_DAYS=20');
    const r = await labRun(['up', '-i', INV]);
    if (r.code !== 0) throw new Error(`up: ${r.all}`);
    await clearFault(CP);
  }, 1_200_000);
  afterAll(async () => {
    await provision(['lab', 'down', '--name', LAB]);
  }, 300_000);

  it('status --json: every node Ready at 1.32 with cert expiry, a 30-day warning; a stopped kubelet makes it exit 1 naming the node', async () => {
    const s = await status();
    expect(s.code, s.all).toBe(0);
    expect(s.json.serverVersion).toBe('v1.32.3');
    expect(s.json.etcdMembers).toEqual([CP]);
    for (const n of s.json.nodes) {
      expect(n.ready, n.name).toBe(true);
      expect(n.kubeletVersion).toBe('v1.32.3');
      expect(n.packages.kubelet).toBe('1.32.3-1.1');
    }
    const cp = s.json.nodes.find((n) => n.name === CP)!;
    expect(cp.certs!.daysLeft).toBeLessThan(30);
    expect(s.json.warnings.join('\n')).toMatch(/k8s-cp-01: certificates expire within 30 days: .*certs renew/);
    const check = await labRun(['certs', 'check', '-i', INV]);
    expect(check.code, check.all).toBe(1);
    expect(check.stdout).toMatch(/WARNING: within 30 days/);

    await inHost(WORKER, 'systemctl stop kubelet');
    const down = await status();
    expect(down.code, down.all).toBe(1);
    expect(down.json.problems.join('\n')).toMatch(/^k8s-worker-01: kubelet is inactive/m);
    expect(down.json.problems.every((p) => p.startsWith(`${WORKER}:`)), down.json.problems.join('\n')).toBe(true);
    await inHost(WORKER, 'systemctl start kubelet');
  }, 600_000);

  it('certs renew: one control plane at a time, static pods restarted, kubeconfig refreshed, a year left', async () => {
    const conf = join(work, 'kubeconfig/homelab.conf');
    const before = readFileSync(conf, 'utf8');
    const plan = await labRun(['certs', 'renew', '-i', INV, '--check']);
    expect(plan.code, plan.all).toBe(2);
    expect(plan.stdout).toContain(`${CP}: kubeadm certs renew all`);
    const r = await labRun(['certs', 'renew', '-i', INV, '--restart-wait', '3']);
    expect(r.code, r.all).toBe(0);
    expect(r.stdout).toContain(`${CP}: certificates renewed, static pods restarted, API server answers`);
    const after = readFileSync(conf, 'utf8');
    expect(after).not.toBe(before);
    expect(statSync(conf).mode & 0o777).toBe(0o600);
    expect(after).toContain('server: https://192.168.1.50:6443');
    const check = await labRun(['certs', 'check', '-i', INV, '--json']);
    expect(check.code, check.all).toBe(0);
    expect((JSON.parse(check.stdout) as { controlPlanes: Array<{ daysLeft: number }> }).controlPlanes[0]!.daysLeft).toBeGreaterThan(360);
    // The served certificate is the renewed one: the API server restarted (openssl on the node reads it).
    const served = await inHost(CP, "echo | openssl s_client -connect 127.0.0.1:6443 2>/dev/null | openssl x509 -noout -enddate; openssl x509 -noout -enddate -in /etc/kubernetes/pki/apiserver.crt");
    const [a, b] = served.trim().split('\n');
    expect(a).toBe(b);
    const s = await status();
    expect(s.code, s.all).toBe(0);
    expect(s.json.warnings.join('\n')).not.toMatch(/certificates expire/);
  }, 600_000);

  it('upgrade --to 1.34 is refused before anything changes; --to 1.33 --check shows the plan', async () => {
    const list = () => inHost(WORKER, 'cat /etc/apt/sources.list.d/kubernetes.list; dpkg-query -W kubeadm kubelet');
    const before = await list();
    const r = await labRun(['upgrade', '-i', INV, '--to', '1.34']);
    expect(r.code, r.all).toBe(1);
    expect(r.stderr).toMatch(/refused, nothing was changed/);
    expect(r.stderr).toMatch(/cannot upgrade from 1\.32 to 1\.34: kubeadm upgrades one minor at a time.*upgrade to 1\.33, then 1\.34/);
    expect(await list()).toBe(before);
    const plan = await labRun(['upgrade', '-i', INV, '--to', '1.33', '--check']);
    expect(plan.code, plan.all).toBe(2);
    expect(plan.stdout).toMatch(/control plane 1: k8s-cp-01: repo, kubeadm, plan, apply, drain, kubelet, restart, wait-ready, uncordon/);
    expect(plan.stdout).toMatch(/worker batch 1: k8s-worker-01: repo, kubeadm, drain, upgrade-node, kubelet, restart, wait-ready, uncordon/);
    expect(await list()).toBe(before);
  }, 600_000);

  it('upgrade --to 1.33: stops at a failing worker step, a re-run finishes without repeating the control plane, a third changes nothing', async () => {
    await setFault(WORKER, 'LAB_KUBEADM_FAIL=upgrade-node');
    const first = await labRun(['upgrade', '-i', INV, '--to', '1.33']);
    expect(first.code, first.all).toBe(1);
    expect(first.all).toMatch(/k8s-worker-01: upgrade-node FAILED/);
    expect(first.stderr).toMatch(/run the same command again/);
    await clearFault(WORKER);
    const second = await labRun(['upgrade', '-i', INV, '--to', '1.33']);
    expect(second.code, second.all).toBe(0);
    expect(second.stdout).toMatch(/done: k8s-cp-01/);
    expect(second.stdout).not.toMatch(/control plane 1:/);
    expect(second.stdout).toMatch(/set cluster.kubernetes to "1.33"/);

    const ev = await events();
    const of = (node: string) => ev.filter((e) => e.node === node).map((e) => e.what);
    expect(ev.filter((e) => e.what === 'upgrade-apply')).toHaveLength(1);
    expect(ev.some((e) => e.what === 'kubelet-version-violation'), JSON.stringify(ev)).toBe(false);
    for (const node of [CP, WORKER]) {
      const w = of(node);
      // Drained before its kubelet changed version, uncordoned after; the kubelet changed once.
      expect(w.filter((x) => x === 'kubelet-version')).toHaveLength(1);
      expect(w.indexOf('drain')).toBeLessThan(w.indexOf('kubelet-version'));
      expect(w.lastIndexOf('uncordon')).toBeGreaterThan(w.indexOf('kubelet-version'));
    }
    expect(of(WORKER).filter((x) => x === 'upgrade-node')).toHaveLength(1);

    const s = await status();
    expect(s.code, s.all).toBe(0);
    expect(s.json.serverVersion).toBe('v1.33.3');
    for (const n of s.json.nodes) {
      expect(n.kubeletVersion, n.name).toBe('v1.33.3');
      expect(n.packages.kubeadm).toBe('1.33.3-1.1');
      // The inventory still says 1.32: status shows, as drift, that up would move the repository back.
      expect(n.drift?.items.join('\n'), n.name).toMatch(/kubernetes\.list/);
    }
    expect(s.json.warnings.join('\n')).toMatch(/^k8s-worker-01: drifted: \d+ changes? 'provision up' would make/m);
    const third = await labRun(['upgrade', '-i', INV, '--to', '1.33', '--json']);
    expect(third.code, third.all).toBe(0);
    expect((JSON.parse(third.stdout) as { steps: unknown[] }).steps).toEqual([]);
    expect((await events()).length).toBe(ev.length);
    expect(existsSync(join(work, 'kubeconfig/homelab.conf'))).toBe(true);
  }, 1_200_000);
});
