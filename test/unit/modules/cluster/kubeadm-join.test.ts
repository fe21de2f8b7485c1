// The kubeadm-join module from data: guarded by kubelet.conf, secrets only as provider placeholders.
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { templateProviders } from '../../../../src/engine/templates.js';
import mod from '../../../../src/modules/cluster/kubeadm-join.js';
import { planCase, runModuleCases } from '../harness.js';
import { goldentooth, homelab } from '../../cluster/fixtures.js';

const KUBELET = '/etc/kubernetes/kubelet.conf';
const CA = '/etc/kubernetes/pki/ca.crt';
const CFG = '/etc/kubernetes/provision/kubeadm-join.yaml';
const JOIN = expect.stringMatching(/^out=\$\(kubeadm join --config "\$1" 2>&1\); rc=\$\?; rm -f "\$1"; if \[ \$rc -ne 0 \]; then bash -c "\$2" >&2;/);
const joinExec = { kind: 'exec', command: { argv: ['sh', '-c', JOIN, 'kubeadm-join', CFG, expect.stringContaining('has NO healthy kube-apiserver backend')], sudo: true } };

runModuleCases(mod, [
  {
    name: 'worker: template config 0600, join, config removed; needs only the token',
    params: {},
    inventory: goldentooth(),
    host: 'erenford',
    expect: {
      action: 'run',
      summary: 'join as worker via 10.4.0.10:6443 with a fresh token',
      steps: [
        { kind: 'provide', provider: 'kubeadm-token', command: { argv: ['kubeadm', 'token', 'create', '--print-join-command', '--ttl', '30m'], sudo: true }, on: ['bettley', 'cargyll', 'dalt'] },
        { kind: 'exec', command: { argv: ['install', '-d', '-m', '0700', '/etc/kubernetes/provision'] } },
        { kind: 'write', path: CFG, mode: 0o600, content: { secret: true } },
        joinExec,
      ],
      diff: false,
    },
  },
  {
    name: 'control plane: token and certificate key',
    params: {},
    inventory: goldentooth(),
    host: 'cargyll',
    expect: {
      action: 'run',
      summary: 'join as control plane via 10.4.0.10:6443 with a fresh token and certificate key',
      steps: [
        { kind: 'provide', provider: 'kubeadm-token' },
        { kind: 'provide', provider: 'kubeadm-cert-key', command: { argv: ['kubeadm', 'init', 'phase', 'upload-certs', '--upload-certs'], sudo: true }, on: ['bettley', 'cargyll', 'dalt'] },
        { kind: 'exec' }, { kind: 'write' }, { kind: 'exec' },
      ],
      diff: false,
    },
  },
  { name: 'already joined: noop', params: {}, inventory: goldentooth(), host: 'erenford', facts: { files: { [KUBELET]: 'x', [CA]: 'x' } }, expect: { action: 'noop', summary: 'erenford joined (/etc/kubernetes/kubelet.conf present)' } },
  {
    name: 'half-done join: fails with the fix',
    params: {},
    inventory: goldentooth(),
    host: 'erenford',
    facts: { files: { [CA]: 'x' } },
    expect: { error: /half-done kubeadm join on erenford: .*Fix: run 'sudo kubeadm reset -f' on erenford/ },
  },
  { name: 'init node: noop', params: {}, inventory: goldentooth(), host: 'bettley', expect: { action: 'noop', summary: 'bettley is the init node (kubeadm init, not join)' } },
  { name: 'lb: noop', params: {}, inventory: goldentooth(), host: 'allyrion', expect: { action: 'noop', summary: /load balancer/ } },
]);

function joinOf(host: string, kubernetes = '1.32') {
  const { changes } = planCase(mod, { name: 'x', params: {}, inventory: goldentooth(kubernetes), host });
  const w = changes[0]!.steps.find((s) => s.kind === 'write');
  if (w?.kind !== 'write' || typeof w.content !== 'object' || !('template' in w.content)) throw new Error('no template write');
  return { change: changes[0]!, docs: parseAllDocuments(w.content.template).map((d) => d.toJS() as Record<string, any>), text: w.content.template };
}

describe('kubeadm join config template', () => {
  it.each([
    { host: 'erenford', k: '1.32', api: 'kubeadm.k8s.io/v1beta4', needs: ['kubeadm-token'], cp: false },
    { host: 'cargyll', k: '1.32', api: 'kubeadm.k8s.io/v1beta4', needs: ['kubeadm-token', 'kubeadm-cert-key'], cp: true },
    { host: 'velaryon', k: '1.29', api: 'kubeadm.k8s.io/v1beta3', needs: ['kubeadm-token'], cp: false },
  ])('$host on $k', ({ host, k, api, needs, cp }) => {
    const { change, docs, text } = joinOf(host, k);
    expect(change.steps.flatMap((s) => (s.kind === 'provide' ? [s.provider] : []))).toEqual(needs);
    // The engine checks the placeholders against the provide steps: both views must agree.
    expect(templateProviders(text)).toEqual(needs);
    expect(docs).toHaveLength(1);
    expect(docs[0]).toMatchObject({
      apiVersion: api,
      kind: 'JoinConfiguration',
      discovery: { bootstrapToken: { apiServerEndpoint: '10.4.0.10:6443', token: '{{kubeadm-token.token}}', caCertHashes: ['{{kubeadm-token.caCertHash}}'] } },
      nodeRegistration: { name: host },
    });
    if (cp) expect(docs[0]!.controlPlane).toEqual({ localAPIEndpoint: { advertiseAddress: '10.4.0.12', bindPort: 6443 }, certificateKey: '{{kubeadm-cert-key.key}}' });
    else expect(docs[0]!.controlPlane).toBeUndefined();
  });

  it('no secret value and no placeholder reaches an argv', () => {
    const { change } = joinOf('cargyll');
    for (const s of change.steps) if (s.kind === 'exec') expect(s.command.argv.join(' ')).not.toMatch(/\{\{|token|certificate-key/i);
  });

  it('works for the homelab worker through the VIP', () => {
    const { changes } = planCase(mod, { name: 'x', params: {}, inventory: homelab(), host: 'k8s-worker-01' });
    expect(changes[0]!.summary).toBe('join as worker via 192.168.1.50:6443 with a fresh token');
    const exec = changes[0]!.steps[3];
    expect(exec?.kind === 'exec' && exec.command.argv[5]).toMatch(/the API VIP \$ep:\$port does not answer from k8s-worker-01: kube-vip has not raised it/);
  });
});
