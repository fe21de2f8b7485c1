// The cni module from data: applied once from the init node with the pod CIDR in, re-applied only when it changed.
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import mod from '../../../src/modules/cni.js';
import { renderCniManifest } from '../../../src/modules/kubernetes/cni-manifest.js';
import { runModuleCases } from './harness.js';
import { goldentooth, homelab } from './kubernetes/fixtures.js';

const FLANNEL = '/etc/kubernetes/provision/cni-flannel.yaml';
const flannel = renderCniManifest('flannel', '10.244.0.0/16');
const apply = (name: string) => ({
  kind: 'exec',
  command: { argv: ['sh', '-c', 'kubectl --kubeconfig /etc/kubernetes/admin.conf apply -f "$1" && mv -f "$1" "$2"', 'cni-apply', `/etc/kubernetes/provision/cni-${name}.yaml.pending`, `/etc/kubernetes/provision/cni-${name}.yaml`] },
});
const none = homelab();
none.network = { ...none.network, cni: 'none' };

runModuleCases(mod, [
  {
    name: 'flannel first apply: pending file, kubectl apply, then marked applied; no giant diff',
    params: {},
    inventory: homelab(),
    expect: { action: 'create', summary: 'apply the flannel manifest (pod CIDR 10.244.0.0/16)', steps: [{ kind: 'exec' }, { kind: 'write', path: `${FLANNEL}.pending`, content: flannel, mode: 0o600 }, apply('flannel')], diff: false },
  },
  { name: 'flannel applied: noop', params: {}, inventory: homelab(), facts: { files: { [FLANNEL]: flannel } }, expect: { action: 'noop', summary: 'flannel applied (pod CIDR 10.244.0.0/16)' } },
  {
    name: 'pod CIDR changed: re-apply with a diff',
    params: {},
    inventory: homelab(),
    facts: { files: { [FLANNEL]: renderCniManifest('flannel', '10.42.0.0/16') } },
    expect: { action: 'update', summary: 're-apply the flannel manifest (pod CIDR 10.244.0.0/16)', diff: { after: flannel } },
  },
  { name: 'calico on goldentooth from bettley', params: {}, inventory: goldentooth(), host: 'bettley', expect: { action: 'create', summary: 'apply the calico manifest (pod CIDR 192.168.0.0/16)', steps: [{}, {}, apply('calico')] } },
  { name: 'other nodes: noop', params: {}, inventory: goldentooth(), host: 'cargyll', expect: { action: 'noop', summary: 'the CNI is applied from bettley, not here' } },
  { name: 'cni none: noop, probes nothing', params: {}, inventory: none, expect: { action: 'noop', summary: /cni is none/, probe: [] } },
]);

describe('CNI manifests', () => {
  it.each([
    { name: 'flannel' as const, cidr: '10.244.0.0/16', find: (docs: any[]) => JSON.parse(docs.find((d) => d.kind === 'ConfigMap').data['net-conf.json']).Network },
    {
      name: 'calico' as const,
      cidr: '192.168.0.0/16',
      find: (docs: any[]) => docs.find((d) => d.kind === 'DaemonSet').spec.template.spec.containers[0].env.find((e: any) => e.name === 'CALICO_IPV4POOL_CIDR').value,
    },
  ])('$name: valid YAML with the pod CIDR where the CNI reads it', ({ name, cidr, find }) => {
    const text = renderCniManifest(name, cidr);
    expect(text).not.toContain('__POD_CIDR__');
    const docs = parseAllDocuments(text);
    expect(docs.flatMap((d) => d.errors)).toEqual([]);
    const js = docs.map((d) => d.toJS());
    expect(js.some((d) => d.kind === 'DaemonSet')).toBe(true);
    expect(find(js)).toBe(cidr);
  });
});
