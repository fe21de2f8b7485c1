// The package module from data: dpkg facts → install / hold / remove plans with apt.
import mod from '../../../../src/modules/generic/package.js';
import { runModuleCases } from '../harness.js';

const env = { DEBIAN_FRONTEND: 'noninteractive' };
const install = (...rest: string[]) => ({ kind: 'exec', command: { argv: ['apt-get', 'install', '-y', '-q', '-o', 'Dpkg::Options::=--force-confdef', '-o', 'Dpkg::Options::=--force-confold', ...rest], sudo: true, env } });

runModuleCases(mod, [
  { name: 'installs missing packages', params: { names: ['nftables', 'curl'] }, facts: { packages: { curl: '7.88' } }, expect: { action: 'create', summary: 'install nftables', steps: [install('nftables')], probe: [{ kind: 'package', name: 'nftables' }, { kind: 'package', name: 'curl' }] } },
  { name: 'one name as a string', params: { names: 'haproxy' }, expect: { action: 'create', summary: 'install haproxy', steps: [install('haproxy')] } },
  { name: 'update_cache first, only when installing', params: { names: ['haproxy'], update_cache: true }, expect: { action: 'create', steps: [{ kind: 'exec', command: { argv: ['apt-get', 'update', '-q'], env } }, install('haproxy')] } },
  { name: 'all installed: noop with versions', params: { names: ['haproxy'], update_cache: true }, facts: { packages: { haproxy: '2.6.12-1' } }, expect: { action: 'noop', summary: 'installed: haproxy 2.6.12-1' } },
  { name: 'pinned version glob satisfied', params: { names: ['kubelet=1.32.*'] }, facts: { packages: { kubelet: '1.32.3-1.1' } }, expect: { action: 'noop' } },
  { name: 'pinned version differs: downgrade allowed', params: { names: ['kubelet=1.32.*'] }, facts: { packages: { kubelet: '1.33.0-1.1' } }, expect: { action: 'update', summary: 'change kubelet 1.33.0-1.1 → 1.32.*', steps: [install('--allow-downgrades', 'kubelet=1.32.*')] } },
  { name: 'exact pin', params: { names: ['kubelet=1.32.3-1.1'] }, facts: { packages: { kubelet: '1.32.3-1.1' } }, expect: { action: 'noop' } },
  {
    name: 'held: install and hold',
    params: { names: ['kubelet', 'kubeadm'], state: 'held' },
    facts: { packages: { kubeadm: '1.32.3' } },
    expect: { action: 'create', summary: 'install kubelet; hold kubelet, kubeadm', steps: [install('kubelet'), { kind: 'exec', command: { argv: ['apt-mark', 'hold', 'kubelet', 'kubeadm'] } }] },
  },
  { name: 'held: only the hold missing', params: { names: ['kubelet'], state: 'held' }, facts: { packages: { kubelet: '1.32.3' } }, expect: { action: 'update', summary: 'hold kubelet', steps: [{ kind: 'exec', command: { argv: ['apt-mark', 'hold', 'kubelet'] } }] } },
  { name: 'held: converged', params: { names: ['kubelet'], state: 'held' }, facts: { packages: { kubelet: 'held:1.32.3' } }, expect: { action: 'noop', summary: 'installed and held: kubelet 1.32.3' } },
  { name: 'held package at the wrong version: change held allowed', params: { names: ['kubelet=1.32.*'], state: 'held' }, facts: { packages: { kubelet: 'held:1.31.0' } }, expect: { action: 'update', steps: [install('--allow-downgrades', '--allow-change-held-packages', 'kubelet=1.32.*')] } },
  { name: 'present leaves holds alone', params: { names: ['kubelet'] }, facts: { packages: { kubelet: 'held:1.32.3' } }, expect: { action: 'noop', summary: 'installed: kubelet 1.32.3' } },
  { name: 'absent removes installed ones', params: { names: ['snapd', 'nano'], state: 'absent' }, facts: { packages: { snapd: '2.5' } }, expect: { action: 'delete', summary: 'remove snapd', steps: [{ kind: 'exec', command: { argv: ['apt-get', 'remove', '-y', '-q', 'snapd'], env } }] } },
  { name: 'absent unholds first', params: { names: ['kubelet'], state: 'absent' }, facts: { packages: { kubelet: 'held:1.32.3' } }, expect: { action: 'delete', steps: [{ kind: 'exec', command: { argv: ['apt-mark', 'unhold', 'kubelet'] } }, { kind: 'exec', command: { argv: ['apt-get', 'remove', '-y', '-q', 'kubelet'] } }] } },
  { name: 'absent and not installed: noop', params: { names: ['snapd'], state: 'absent' }, expect: { action: 'noop', summary: 'not installed: snapd' } },
  { name: 'duplicates collapse', params: { names: ['curl', 'curl'] }, expect: { action: 'create', steps: [install('curl')] } },
  { name: 'schema: shell in a name', params: { names: ['curl; reboot'] }, expect: { error: /Debian package name/ } },
  { name: 'schema: option-looking name', params: { names: ['--allow-unauthenticated'] }, expect: { error: /Debian package name/ } },
  { name: 'schema: version with absent', params: { names: ['kubelet=1.32.*'], state: 'absent' }, expect: { error: /versions make no sense/ } },
  { name: 'schema: empty list', params: { names: [] }, expect: { error: /at least one name/ } },
  { name: 'schema: bad state', params: { names: ['curl'], state: 'latest' }, expect: { error: /state/ } },
  { name: 'schema: unknown param', params: { names: ['curl'], purge: true }, expect: { error: /purge/ } },
]);
