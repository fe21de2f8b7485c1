// Data cases for kube-packages: keyring, sources entry, apt-get update only when needed, install and hold.
import { expect } from 'vitest';
import mod from '../../../../src/modules/cluster/kube-packages.js';
import { fakeInventory } from '../../../support/fake-inventory.js';
import { runModuleCases } from '../harness.js';

const LIST = '# Managed by provision (kube-packages): the Kubernetes packages for this cluster.\ndeb [signed-by=/etc/apt/keyrings/kubernetes-apt-keyring.asc] https://pkgs.k8s.io/core:/stable:/v1.32/deb/ /\n';
const KEY = { '/etc/apt/keyrings/kubernetes-apt-keyring.asc': '-----BEGIN PGP PUBLIC KEY BLOCK-----\n' };
const update = { command: { argv: ['apt-get', 'update', '-o', 'Dir::Etc::sourcelist=/etc/apt/sources.list.d/kubernetes.list', '-o', 'Dir::Etc::sourceparts=-', '-o', 'APT::Get::List-Cleanup=0'] } };
const mirror = fakeInventory({ cluster: { name: 'lab', kubernetes: '1.32', packages: { url: 'http://10.0.0.1:8080/k8s', key: 'http://10.0.0.1:8080/k8s/Release.key' } } });
const held = { kubeadm: 'held:1.32.3-1.1', kubelet: 'held:1.32.3-1.1', kubectl: 'held:1.32.3-1.1' };

runModuleCases(mod, [
  {
    name: 'bare minimal host (no curl, gpg, ca-certificates): CA bundle first, key by apt-helper kept armoured, sources, update, install, hold',
    params: {},
    expect: {
      action: 'create',
      summary: /install ca-certificates \(https\); keyring .* from https:\/\/pkgs\.k8s\.io\/core:\/stable:\/v1\.32\/deb\/Release\.key; .*install kubeadm kubelet kubectl; hold kubeadm kubelet kubectl/,
      steps: [
        { kind: 'exec', command: { argv: ['sh', '-c', expect.stringMatching(/^apt-get install -y --no-install-recommends ca-certificates/)] } },
        { kind: 'exec', command: { argv: ['sh', '-c', expect.stringContaining("/usr/lib/apt/apt-helper download-file 'https://pkgs.k8s.io/core:/stable:/v1.32/deb/Release.key'")] } },
        { kind: 'write', path: '/etc/apt/sources.list.d/kubernetes.list', content: LIST },
        update,
        { command: { argv: ['apt-get', 'install', '-y', '--no-install-recommends', 'kubeadm', 'kubelet', 'kubectl'], env: { DEBIAN_FRONTEND: 'noninteractive' } } },
        { command: { argv: ['apt-mark', 'hold', 'kubeadm', 'kubelet', 'kubectl'] } },
      ],
    },
  },
  {
    name: 'converged: installed, held, same source: no apt-get update',
    params: {},
    facts: { files: { ...KEY, '/etc/apt/sources.list.d/kubernetes.list': LIST }, packages: held },
    expect: { action: 'noop', summary: 'kubeadm 1.32.3-1.1, kubelet 1.32.3-1.1, kubectl 1.32.3-1.1 installed and held, from https://pkgs.k8s.io/core:/stable:/v1.32/deb/' },
  },
  {
    name: 'installed but kubectl not held: only apt-mark hold',
    params: {},
    facts: { files: { ...KEY, '/etc/apt/sources.list.d/kubernetes.list': LIST }, packages: { ...held, kubectl: '1.32.3-1.1' } },
    expect: { action: 'update', summary: 'hold kubectl', steps: [{ command: { argv: ['apt-mark', 'hold', 'kubectl'] } }] },
  },
  {
    name: 'the lab mirror from the inventory: its URL and key',
    inventory: mirror,
    params: {},
    facts: { packages: held },
    expect: { action: 'update', summary: /from http:\/\/10\.0\.0\.1:8080\/k8s\/Release\.key/, steps: [{ command: { argv: ['sh', '-c', expect.stringContaining("apt-helper download-file 'http://10.0.0.1:8080/k8s/Release.key'")] } }, { kind: 'write', content: expect.stringContaining('] http://10.0.0.1:8080/k8s/ /\n') }, update] },
  },
  {
    name: 'another minor installed: reported, never upgraded here',
    params: {},
    facts: { files: { ...KEY, '/etc/apt/sources.list.d/kubernetes.list': LIST }, packages: { kubeadm: 'held:1.31.7-1.1', kubelet: 'held:1.31.7-1.1', kubectl: 'held:1.31.7-1.1' } },
    expect: { action: 'noop', summary: /warning: kubeadm 1\.31\.7-1\.1, .* is not 1\.32/ },
  },
  { name: 'a key that is not a URL is rejected', params: { key: 'not a url' }, expect: { error: /url|URL/ } },
]);
