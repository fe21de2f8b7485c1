// Issue 8 item 10: `kubeadm init` killed half-way (after the manifests; after the kubeconfig files, as a real init that
// fails waiting for the API does): the re-run reports the half-done state and the fix, never runs init again; the fix converges.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canRunLab, cli, labClient, labRequired, skipLab } from './lab-support.js';

const LAB = `fkb${process.pid % 1000}`;
const INV = 'inventory/flat-bgp.yaml';
const HOST = 'k8s-vm-01';
const FAULTS = '/etc/provision-lab/kubeadm.env';
const DONE = '/etc/kubernetes/provision/kubeadm-init.done';
const lab = labClient(LAB);

if (labRequired && !canRunLab) describe('faults: kubeadm', () => it('needs root on Linux (PROVISION_LAB_REQUIRED=1)', () => expect.fail('not root on Linux')));

interface Json {
  changed: number;
  failed: number;
  hosts: Record<string, { changed: number; error?: string; changes: Array<{ task: string }> }>;
}
async function up() {
  const r = await cli(['lab', 'run', '--name', LAB, '--', 'up', '-i', INV, '--json']);
  try {
    return { ...r, json: JSON.parse(r.stdout) as Json };
  } catch {
    throw new Error(`--json stdout is not JSON (exit ${r.code}):\n${r.stdout}\n${r.stderr}`);
  }
}
const inHost = async (cmd: string) => (await lab.exec(HOST, cmd)).stdout;
/** Every kubeadm invocation while a fault file exists is logged by the stand-in: how many inits ran. */
const inits = () => {
  try {
    return (readFileSync(`/var/lib/provision-lab/${LAB}/hosts/${HOST}/upper/var/log/lab/kubeadm-faults.log`, 'utf8').match(/ init --config /g) ?? []).length;
  } catch {
    return 0;
  }
};

describe.skipIf(skipLab)('faults: kubeadm init killed half-way (flat-bgp)', () => {
  beforeAll(async () => {
    await lab.down();
    const r = await lab.up(INV);
    if (r.code !== 0) throw new Error(`lab up failed:\n${r.stdout}\n${r.stderr}`);
  });
  afterAll(async () => {
    await lab.down();
  });

  it.each([
    {
      at: 'manifests',
      left: ['/etc/kubernetes/manifests/kube-apiserver.yaml'],
      absent: ['/etc/kubernetes/admin.conf'],
      message: /half-done kubeadm init on k8s-vm-01: \/etc\/kubernetes\/manifests\/kube-apiserver\.yaml exists but \/etc\/kubernetes\/admin\.conf does not\. Fix: run 'sudo kubeadm reset -f' on k8s-vm-01/,
    },
    {
      at: 'kubeconfig',
      left: ['/etc/kubernetes/admin.conf', '/etc/kubernetes/kubelet.conf'],
      absent: [DONE],
      message: /half-done kubeadm init on k8s-vm-01: \/etc\/kubernetes\/admin\.conf exists, but provision never saw 'kubeadm init' finish .*does not list node k8s-vm-01 .*Fix: run 'sudo kubeadm reset -f' on k8s-vm-01/,
    },
  ])('killed after $at: the run fails; the re-run names the half-done state and the fix without running init again; reset converges', async ({ at, left, absent, message }) => {
    await lab.exec(HOST, `mkdir -p /etc/provision-lab && echo LAB_KUBEADM_DIE_AFTER=${at} > ${FAULTS}`);
    const before = inits();
    const first = await up();
    expect(first.code).toBe(1);
    expect(first.json.hosts[HOST]!.error).toMatch(/kubeadm init.*exit 137/s);
    expect(inits()).toBe(before + 1);
    // The half-done state, inside the host.
    expect(await inHost(`for f in ${[...left, ...absent].join(' ')}; do test -e $f && echo "present $f" || echo "absent $f"; done`)).toBe(
      [...left.map((f) => `present ${f}`), ...absent.map((f) => `absent ${f}`)].join('\n'),
    );
    // Re-runs: the same clear error each time, fast, and kubeadm init is not started again (no loop, no second init on top).
    for (let i = 0; i < 2; i++) {
      const again = await up();
      expect(again.code).toBe(1);
      expect(again.json.hosts[HOST]!.error).toMatch(message);
      expect(again.json.hosts[HOST]!.changes.map((c) => c.task)).not.toContain('kubeadm init');
    }
    expect(inits()).toBe(before + 1);
    // The printed fix works: reset, (the fault gone), re-run converges, and the next run changes nothing.
    await lab.exec(HOST, `kubeadm reset -f >/dev/null 2>&1; rm -f ${FAULTS}`);
    const fixed = await up();
    expect(fixed.code, JSON.stringify(fixed.json.hosts[HOST])).toBe(0);
    expect(await inHost(`test -s ${DONE} && test -s /etc/kubernetes/admin.conf && echo initialised`)).toBe('initialised');
    const converged = await up();
    expect(converged.code).toBe(0);
    expect(converged.json.changed).toBe(0);
    // Next case starts from a bare node again.
    await lab.exec(HOST, `kubeadm reset -f >/dev/null 2>&1; rm -f ${DONE}`);
  });
});
