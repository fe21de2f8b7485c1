// The kubeadm-init module from data: once on the first control plane, never over a finished or half-done init.
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import mod from '../../../../src/modules/cluster/kubeadm-init.js';
import { kubeadmInitState } from '../../../../src/facts/kinds/kubeadm-init-state.js';
import { kubeadmVersion } from '../../../../src/facts/kinds/kubeadm-version.js';
import { factOf } from '../../../support/fake-facts.js';
import { planCase, runModuleCases } from '../harness.js';
import { goldentooth, homelab } from '../../cluster/fixtures.js';

const ADMIN = '/etc/kubernetes/admin.conf';
const API = '/etc/kubernetes/manifests/kube-apiserver.yaml';
const CFG = '/etc/kubernetes/provision/kubeadm-init.yaml';
const STATE = factOf(kubeadmInitState);
// kubeadm init --config CFG --upload-certs inside a script that diagnoses the endpoint on failure; output secret.
const init = {
  kind: 'exec',
  command: { argv: ['sh', '-c', expect.stringMatching(/kubeadm init --config "\$1" --upload-certs/), 'kubeadm-init', CFG, expect.stringContaining('does not answer from k8s-cp-01')], sudo: true },
  secret: true,
};

runModuleCases(mod, [
  {
    name: 'bare first control plane: config 0600 then kubeadm init --upload-certs (secret output)',
    params: {},
    inventory: homelab('1.32'),
    facts: { facts: { [factOf(kubeadmVersion)]: 'v1.32.3\n' } },
    expect: {
      action: 'run',
      summary: 'kubeadm init (endpoint 192.168.1.50:6443, pods 10.244.0.0/16, services 10.96.0.0/12, kubeadm.k8s.io/v1beta4)',
      steps: [{ kind: 'exec', command: { argv: ['install', '-d', '-m', '0700', '/etc/kubernetes/provision'] } }, { kind: 'write', path: CFG, mode: 0o600 }, init],
      diff: { before: '' },
    },
  },
  {
    name: 'Kubernetes 1.30 speaks v1beta3',
    params: {},
    inventory: homelab('1.30'),
    expect: { action: 'run', summary: /kubeadm\.k8s\.io\/v1beta3\)$/ },
  },
  { name: 'initialised (admin.conf, init not started by provision): noop, never a second init', params: {}, inventory: homelab(), facts: { files: { [ADMIN]: 'x', [API]: 'x' }, facts: { [STATE]: 'none\n' } }, expect: { action: 'noop', summary: 'cluster initialised (/etc/kubernetes/admin.conf present)' } },
  {
    name: 'initialised with a drifted config: still noop, says kubeadm will not re-apply it',
    params: {},
    inventory: homelab(),
    facts: { files: { [ADMIN]: 'x', [CFG]: 'old config' }, facts: { [STATE]: 'done\n' } },
    expect: { action: 'noop', summary: /differs from the inventory, and kubeadm does not re-apply it/ },
  },
  {
    name: 'admin.conf but init never finished and the API does not answer: half-done, with the fix',
    params: {},
    inventory: homelab(),
    facts: { files: { [ADMIN]: 'x', [API]: 'x', [CFG]: 'cfg' }, facts: { [STATE]: 'check\nrc=1\nThe connection to the server 192.168.1.50:6443 was refused - did you specify the right host or port?\n' } },
    expect: { error: /half-done kubeadm init on k8s-cp-01: .*admin\.conf exists, but provision never saw 'kubeadm init' finish .*does not list node k8s-cp-01 \(The connection to the server 192\.168\.1\.50:6443 was refused.*Fix: run 'sudo kubeadm reset -f' on k8s-cp-01/ },
  },
  {
    name: 'admin.conf, no marker, kubectl hangs: half-done (timed out)',
    params: {},
    inventory: homelab(),
    facts: { files: { [ADMIN]: 'x', [CFG]: 'cfg' }, facts: { [STATE]: 'check\nrc=124\n' } },
    expect: { error: /does not list node k8s-cp-01 \(kubectl timed out\)/ },
  },
  {
    name: 'admin.conf, no marker, API answers without this node: half-done',
    params: {},
    inventory: homelab(),
    facts: { files: { [ADMIN]: 'x', [CFG]: 'cfg' }, facts: { [STATE]: 'check\nrc=0\nnode/other\n' } },
    expect: { error: /does not list node k8s-cp-01 \(nodes: other\)/ },
  },
  {
    name: 'admin.conf, no marker (an init before the marker existed), node registered: records the marker, no init',
    params: {},
    inventory: homelab(),
    facts: { files: { [ADMIN]: 'x', [CFG]: 'cfg' }, facts: { [STATE]: 'check\nrc=0\nnode/k8s-cp-01\nnode/k8s-worker-01\n' } },
    expect: { action: 'update', summary: /node k8s-cp-01 registered/, steps: [{ kind: 'exec', command: { argv: ['sh', '-c', expect.stringContaining('> /etc/kubernetes/provision/kubeadm-init.done')] } }] },
  },
  {
    name: 'half-done init (manifests, no admin.conf): fails with the fix',
    params: {},
    inventory: homelab(),
    facts: { files: { [API]: 'x' } },
    expect: { error: /half-done kubeadm init on k8s-cp-01: .*kube-apiserver\.yaml exists but .*admin\.conf does not\. Fix: run 'sudo kubeadm reset -f' on k8s-cp-01/ },
  },
  { name: 'second control plane: noop', params: {}, inventory: goldentooth(), host: 'cargyll', expect: { action: 'noop', summary: 'cluster init runs on bettley (the first control plane), not here' } },
  { name: 'lb host: noop', params: {}, inventory: goldentooth(), host: 'allyrion', expect: { action: 'noop', summary: /runs on bettley/ } },
  { name: 'rejects params', params: { force: true }, expect: { error: /force/ } },
]);

/** The config file itself, per API version: what kubeadm reads. */
function configOf(kubernetes: string, installed?: string) {
  const { changes } = planCase(mod, { name: 'x', params: {}, inventory: goldentooth(kubernetes), host: 'bettley', facts: installed ? { facts: { [factOf(kubeadmVersion)]: installed } } : {} });
  const write = changes[0]!.steps.find((s) => s.kind === 'write');
  if (write?.kind !== 'write' || typeof write.content !== 'string') throw new Error('no config write');
  return parseAllDocuments(write.content).map((d) => d.toJS() as Record<string, any>);
}

describe('kubeadm init config', () => {
  it.each([
    { k: '1.32', api: 'kubeadm.k8s.io/v1beta4', kubeletArgs: [{ name: 'node-ip', value: '10.4.0.11' }] },
    { k: '1.31', api: 'kubeadm.k8s.io/v1beta4', kubeletArgs: [{ name: 'node-ip', value: '10.4.0.11' }] },
    { k: '1.30', api: 'kubeadm.k8s.io/v1beta3', kubeletArgs: { 'node-ip': '10.4.0.11' } },
  ])('Kubernetes $k → $api', ({ k, api, kubeletArgs }) => {
    const [initCfg, cluster, kubelet] = configOf(k);
    expect(initCfg).toMatchObject({
      apiVersion: api,
      kind: 'InitConfiguration',
      nodeRegistration: { name: 'bettley', criSocket: 'unix:///run/containerd/containerd.sock', kubeletExtraArgs: kubeletArgs },
      localAPIEndpoint: { advertiseAddress: '10.4.0.11', bindPort: 6443 },
    });
    expect(cluster).toMatchObject({
      apiVersion: api,
      kind: 'ClusterConfiguration',
      clusterName: 'goldentooth',
      kubernetesVersion: `v${k}.0`,
      controlPlaneEndpoint: '10.4.0.10:6443',
      networking: { podSubnet: '192.168.0.0/16', serviceSubnet: '172.16.0.0/20' },
      apiServer: { certSANs: ['10.4.0.10'] },
    });
    expect(kubelet).toEqual({ apiVersion: 'kubelet.config.k8s.io/v1beta1', kind: 'KubeletConfiguration', cgroupDriver: 'systemd' });
  });

  it('pins kubernetesVersion to the installed kubeadm of the same minor; an API name goes in the endpoint and SANs', () => {
    expect(configOf('1.32', 'v1.32.7')[1]!.kubernetesVersion).toBe('v1.32.7');
    // Installed by its package: the package's upstream version (no `kubeadm version` process was started).
    const fromPackage = planCase(mod, { name: 'x', params: {}, inventory: goldentooth('1.32'), host: 'bettley', facts: { packages: { kubeadm: '1.32.5-1.1' } } });
    const w0 = fromPackage.changes[0]!.steps.find((s) => s.kind === 'write');
    expect(parseAllDocuments(w0?.kind === 'write' ? String(w0.content) : '')[1]!.toJS().kubernetesVersion).toBe('v1.32.5');
    const inv = goldentooth();
    inv.network.api.name = 'cluster-endpoint';
    const { changes } = planCase(mod, { name: 'x', params: {}, inventory: inv, host: 'bettley' });
    const w = changes[0]!.steps[1];
    const cluster = parseAllDocuments(w?.kind === 'write' ? String(w.content) : '')[1]!.toJS();
    expect(cluster.controlPlaneEndpoint).toBe('cluster-endpoint:6443');
    expect(cluster.apiServer.certSANs).toEqual(['10.4.0.10', 'cluster-endpoint']);
  });
});
