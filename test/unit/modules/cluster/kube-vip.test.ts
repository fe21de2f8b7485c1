// The kube-vip module from data: VIP, interface from facts, super-admin.conf only while the init node is not initialised.
import mod from '../../../../src/modules/cluster/kube-vip.js';
import { renderKubeVipManifest } from '../../../../src/cluster/kube-vip-manifest.js';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { netLinks } from '../../../../src/facts/kinds/net-links.js';
import { factOf } from '../../../support/fake-facts.js';
import { runModuleCases } from '../harness.js';
import { goldentooth, homelab, homelabHa } from '../../cluster/fixtures.js';

const M = '/etc/kubernetes/manifests/kube-vip.yaml';
const ADMIN = '/etc/kubernetes/admin.conf';
const ifaces = { [factOf(netLinks)]: 'eth0\nlo\n' };
const manifest = (kubeconfig: string, iface = 'eth0') => renderKubeVipManifest({ address: '192.168.1.50', port: 6443, interface: iface, kubeconfigHostPath: kubeconfig });
const superAdmin = manifest('/etc/kubernetes/super-admin.conf');
const admin = manifest(ADMIN);

runModuleCases(mod, [
  {
    name: '≥1.29 init node before init: super-admin.conf, manifests dir created',
    params: {},
    inventory: homelab('1.32'),
    facts: { facts: ifaces },
    expect: {
      action: 'create',
      summary: /kube-vip manifest \(VIP 192\.168\.1\.50:6443 on eth0, kubeconfig super-admin\.conf\)/,
      steps: [{ kind: 'exec', command: { argv: ['install', '-d', '-m', '0755', '/etc/kubernetes/manifests'] } }, { kind: 'write', path: M, content: superAdmin, mode: 0o600 }],
      diff: true,
      converges: false,
    },
  },
  {
    name: '≥1.29 init node after init: switches to admin.conf',
    params: {},
    inventory: homelab('1.32'),
    facts: { facts: ifaces, files: { [M]: superAdmin, [ADMIN]: 'kubeconfig' } },
    expect: { action: 'update', summary: /kubeconfig admin\.conf/, steps: [{ kind: 'write', content: admin }], diff: true },
  },
  {
    name: 'converged init node: noop',
    params: {},
    inventory: homelab('1.32'),
    facts: { facts: ifaces, files: { [M]: { exists: true, content: admin, mode: 0o600, owner: 'root', group: 'root' }, [ADMIN]: 'kubeconfig' } },
    expect: { action: 'noop', summary: /kube-vip manifest .* up to date/ },
  },
  {
    name: 'before 1.29 the init node uses admin.conf from the start',
    params: {},
    inventory: homelab('1.28'),
    facts: { facts: ifaces },
    expect: { action: 'create', steps: [{ kind: 'exec' }, { kind: 'write', content: admin }], converges: false },
  },
  {
    name: 'joining control plane on ≥1.29 uses admin.conf',
    params: {},
    inventory: homelabHa('1.32'),
    host: 'k8s-cp-02',
    facts: { facts: ifaces, files: { [M]: superAdmin } },
    expect: { action: 'update', summary: /kubeconfig admin\.conf/, steps: [{ kind: 'write', content: admin }] },
  },
  {
    name: 'interface comes from the host facts',
    params: {},
    inventory: homelab(),
    facts: { base: { primaryInterface: 'end0' }, facts: { [factOf(netLinks)]: 'end0 lo wlan0' } },
    expect: { action: 'create', summary: /on end0/, steps: [{ kind: 'exec' }, { kind: 'write', content: manifest('/etc/kubernetes/super-admin.conf', 'end0') }], converges: false },
  },
  {
    name: 'an interface the host lacks fails, naming it',
    params: { interface: 'eth9' },
    inventory: homelab(),
    facts: { facts: ifaces },
    expect: { error: /interface 'eth9' does not exist there \(it has: eth0, lo\); the VIP 192\.168\.1\.50 could never come up/ },
  },
  { name: 'no primary interface fails with the fix', params: {}, inventory: homelab(), facts: { base: { primaryInterface: undefined }, facts: ifaces }, expect: { error: /no primary interface/ } },
  { name: 'worker: noop', params: {}, inventory: homelab(), host: 'k8s-worker-01', expect: { action: 'noop', summary: 'k8s-worker-01 is a worker: kube-vip runs on control planes' } },
  { name: 'haproxy cluster: noop', params: {}, inventory: goldentooth(), host: 'bettley', expect: { action: 'noop', summary: 'API endpoint mode is haproxy: no kube-vip needed' } },
  { name: 'rejects a hostile interface name', params: { interface: 'eth0; reboot' }, inventory: homelab(), expect: { error: /interface name/ } },
]);

describe('kube-vip manifest', () => {
  it('names the lease holder by its node (vip_nodename from spec.nodeName, as upstream\'s generator does)', () => {
    const pod = parse(admin) as { spec: { containers: Array<{ env: Array<Record<string, unknown>> }> } };
    expect(pod.spec.containers[0]!.env).toContainEqual({ name: 'vip_nodename', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } });
  });
});
