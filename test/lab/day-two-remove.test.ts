// Lab proof of issue 17's `remove` on one goldentooth cluster (up once): a live worker leaves the API and its host is clean
// inside (CNI link and kube-proxy nft table planted beforehand are gone, provision's firewall stays), /etc/hosts elsewhere
// drops it, nothing else changes, and `join worker` of the same name works again; a control plane leaves etcd (2 members),
// HAProxy (2 backends) and verify passes on the rewritten inventory; removing one of the two left is refused with nothing
// changed; a dead worker (link down) is removed from the cluster with its host side reported as skipped.
import { copyFileSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, canRunLab, labRequired, skipLab } from './lab-support.js';
import { dayTwoLab } from './day-two-support.js';
import './yield-between-tests.js';
import { tempDir } from '../support/temp-dir.js';

const work = tempDir('i17-remove-');
afterAll(() => rmSync(work, { recursive: true, force: true }));

const LAB = `i17g${process.pid % 1000}`;
const { provision, labRun, inHost } = dayTwoLab(LAB, work);
/** A copy: `remove --write-inventory` edits it. goldentooth's known lint error is accepted, as in the other lab tests. */
const INV = join(work, 'goldentooth.yaml');
const LINT = ['--accept-lint', 'metallb-unrouted'];
const KUBECTL = 'kubectl --kubeconfig /etc/kubernetes/admin.conf';
const nodes = async () => (await inHost('bettley', `${KUBECTL} get nodes -o name`)).replace(/node\//g, '').split(/\s+/).filter(Boolean);
const members = async () => (await inHost('bettley', `${KUBECTL} -n kube-system exec etcd-bettley -- etcdctl --endpoints=https://127.0.0.1:2379 --cacert=/etc/kubernetes/pki/etcd/ca.crt --cert=/etc/kubernetes/pki/etcd/server.crt --key=/etc/kubernetes/pki/etcd/server.key member list`)).trim().split('\n').map((l) => l.split(', ')[2]);
const resolves = async (host: string, name: string) => (await inHost(host, `getent hosts ${name} >/dev/null && echo yes || echo no`)).trim() === 'yes';
const sha = (host: string, files: string[]) => inHost(host, `sha256sum ${files.join(' ')} 2>/dev/null; true`);

if (labRequired && !canRunLab) describe('i17 remove lab', () => it('cannot run: needs root on Linux (PROVISION_LAB_REQUIRED=1)', () => expect.fail('needs root')));

describe.skipIf(skipLab)('i17 goldentooth: provision remove', () => {
  beforeAll(async () => {
    copyFileSync(join(ROOT, 'inventory/goldentooth.yaml'), INV);
    const up = await provision(['lab', 'up', '-i', INV, '--name', LAB]);
    if (up.code !== 0) throw new Error(`lab up: ${up.all}`);
    const r = await labRun(['up', '-i', INV, ...LINT]);
    if (r.code !== 0) throw new Error(`up: ${r.all}`);
  }, 1_500_000);
  afterAll(async () => {
    await provision(['lab', 'down', '--name', LAB]);
  }, 300_000);

  it('a live worker: gone from the API, its host clean inside, /etc/hosts elsewhere without it, nothing else changed; join works again', async () => {
    // What a CNI and kube-proxy leave on a real node, planted with the real ip and nft inside fenn.
    await inHost('fenn', 'ip link add cni0 type bridge && nft add table ip kube-proxy && mkdir -p /etc/cni/net.d && echo {} > /etc/cni/net.d/10-calico.conflist');
    const watched = ['/etc/haproxy/haproxy.cfg', '/etc/kubernetes/kubelet.conf', '/etc/kubernetes/admin.conf', '/etc/containerd/config.toml'];
    const others = ['allyrion', 'bettley', 'erenford'];
    const before = Object.fromEntries(await Promise.all(others.map(async (h) => [h, await sha(h, watched)])));
    const r = await labRun(['remove', 'fenn', '-i', INV, '--json', ...LINT]);
    expect(r.code, r.all).toBe(0);
    const out = JSON.parse(r.stdout) as { ok: boolean; steps: Array<{ step: string; ok: boolean; skipped?: string }> };
    expect(out.steps.map((s) => [s.step, s.ok, !!s.skipped])).toEqual([['drain', true, false], ['reset-host', true, false], ['delete-node', true, false], ['refresh-others', true, false]]);
    expect(await nodes()).not.toContain('fenn');
    const inside = await inHost('fenn', [
      'find /etc/kubernetes -mindepth 1 ! -path /etc/kubernetes/manifests',
      'ls -d /var/lib/kubelet /var/lib/etcd /etc/cni/net.d 2>/dev/null',
      'ip link show cni0 >/dev/null 2>&1 && echo cni0',
      'nft list table ip kube-proxy >/dev/null 2>&1 && echo kube-proxy-table',
      'true',
    ].join('; '));
    expect(inside.trim(), 'nothing of the cluster left on fenn').toBe('');
    expect((await inHost('fenn', 'nft list table inet provision >/dev/null && echo kept')).trim(), "provision's host firewall stays").toBe('kept');
    for (const h of others) expect(await resolves(h, 'fenn'), `${h} no longer resolves fenn`).toBe(false);
    for (const h of others) expect(await sha(h, watched), `${h}: nothing else changed`).toBe(before[h]);
    // The same name joins again (the inventory still lists it).
    const j = await labRun(['join', 'worker', 'fenn', '-i', INV, ...LINT]);
    expect(j.code, j.all).toBe(0);
    expect(await nodes()).toContain('fenn');
    for (const h of others) expect(await resolves(h, 'fenn')).toBe(true);
  }, 900_000);

  it('a control plane: etcd keeps 2 members, HAProxy 2 backends, the inventory loses it (--write-inventory), verify passes', async () => {
    expect((await members()).sort()).toEqual(['bettley', 'cargyll', 'dalt']);
    const check = await labRun(['remove', 'dalt', '-i', INV, '--check', ...LINT]);
    expect(check.code, check.all).toBe(2);
    expect(check.stdout).toMatch(/etcd-member-remove/);
    expect(await members()).toHaveLength(3);
    const r = await labRun(['remove', 'dalt', '-i', INV, '--write-inventory', ...LINT]);
    expect(r.code, r.all).toBe(0);
    expect((await members()).sort()).toEqual(['bettley', 'cargyll']);
    expect(await nodes()).not.toContain('dalt');
    const cfg = await inHost('allyrion', 'cat /etc/haproxy/haproxy.cfg');
    expect(cfg.match(/^\s*server /gm)).toHaveLength(2);
    expect(cfg).not.toMatch(/dalt/);
    expect(readFileSync(INV, 'utf8')).not.toMatch(/^\s*dalt:/m);
    expect((await inHost('dalt', 'ls -A /var/lib/etcd 2>/dev/null; test -f /etc/kubernetes/admin.conf && echo admin.conf; true')).trim()).toBe('');
    const v = await labRun(['verify', '-i', INV, '--json', ...LINT]);
    expect(v.code, v.all).toBe(0);
  }, 900_000);

  it('removing one of the two control planes left is refused before anything changes', async () => {
    const snapshot = async () => [await nodes(), await members(), await sha('allyrion', ['/etc/haproxy/haproxy.cfg']), await sha('cargyll', ['/etc/kubernetes/admin.conf', '/etc/hosts'])];
    const before = await snapshot();
    const r = await labRun(['remove', 'cargyll', '-i', INV, ...LINT]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/remove cargyll refused, nothing was changed:\n {2}- removing cargyll would leave etcd with 1 member \(bettley\)/);
    expect(await snapshot()).toEqual(before);
  }, 300_000);

  it('a dead worker (its link down): cordoned, Node deleted, the others refreshed; the host side reported as skipped', async () => {
    await inHost('erenford', 'ip link set eth0 down');
    const r = await labRun(['remove', 'erenford', '-i', INV, '--json', '--connect-timeout', '5', ...LINT]);
    expect(r.code, r.all).toBe(0);
    const out = JSON.parse(r.stdout) as { steps: Array<{ step: string; ok: boolean; skipped?: string }> };
    expect(out.steps.map((s) => s.step)).toEqual(['cordon', 'reset-host', 'delete-node', 'refresh-others']);
    expect(out.steps[1]!.skipped).toMatch(/^unreachable/);
    expect(await nodes()).not.toContain('erenford');
    expect(await resolves('bettley', 'erenford')).toBe(false);
  }, 600_000);
});
