// Data cases for containerd: install, config version per major (1.x / 2.x), restart only on change.
import { expect } from 'vitest';
import mod from '../../../src/modules/containerd.js';
import { renderContainerdConfig } from '../../../src/modules/host-setup/containerd-config.js';
import { runModuleCases } from './harness.js';

const V1 = renderContainerdConfig({ major: 1, sandboxImage: 'registry.k8s.io/pause:3.10' });
const V2 = renderContainerdConfig({ major: 2, sandboxImage: 'registry.k8s.io/pause:3.10' });
const DOCKER_DEFAULT = 'disabled_plugins = ["cri"]\n';
const restart = [{ command: { argv: ['systemctl', 'enable', 'containerd'] } }, { command: { argv: ['systemctl', 'restart', 'containerd'] } }];

runModuleCases(mod, [
  {
    name: 'not installed, apt candidate 1.6 (Debian 12): install, config version 2, restart',
    params: {},
    facts: { commands: { 'containerd:version': 'candidate 1.6.20~ds1-1+b1' } },
    expect: { action: 'create', summary: /containerd 1\.6: install containerd; .*config version 2/, steps: [{ kind: 'exec', command: { argv: ['sh', '-c', expect.stringContaining('apt-get install -y --no-install-recommends containerd')] } }, { kind: 'write', path: '/etc/containerd/config.toml', content: V1 }, ...restart] },
  },
  {
    name: 'containerd.io 1.7 with Docker\'s cri-disabled config: config replaced, restarted',
    params: {},
    facts: { commands: { 'containerd:version': 'installed containerd containerd.io 1.7.27 05044ec0a9a75232cad458027ca83437aae3f4da' }, packages: { 'containerd.io': '1.7.27-1' }, files: { '/etc/containerd/config.toml': DOCKER_DEFAULT }, services: { containerd: 'active+enabled' } },
    expect: { action: 'update', steps: [{ kind: 'write', content: V1 }, ...restart], diff: { before: DOCKER_DEFAULT, after: V1 } },
  },
  {
    name: 'containerd 2.x: config version 3 with the split CRI plugins',
    params: {},
    facts: { commands: { 'containerd:version': 'installed containerd github.com/containerd/containerd/v2 v2.0.2 c507a02' }, packages: { containerd: '2.0.2~ds1-1' }, services: { containerd: 'active+enabled' } },
    expect: { action: 'update', summary: /containerd 2\.0: .*config version 3/, steps: [{ kind: 'write', content: V2 }, ...restart] },
  },
  {
    name: 'converged: no restart',
    params: {},
    facts: { commands: { 'containerd:version': 'installed containerd github.com/containerd/containerd/v2 v2.0.2 c507a02' }, packages: { containerd: '2.0.2~ds1-1' }, files: { '/etc/containerd/config.toml': V2 }, services: { containerd: 'active+enabled' } },
    expect: { action: 'noop', summary: /containerd 2\.0 installed, .* up to date .*running/ },
  },
  {
    name: 'config right but the service stopped: start it, no config write',
    params: {},
    facts: { commands: { 'containerd:version': 'installed containerd github.com/containerd/containerd v1.7.24 88bf19b' }, packages: { containerd: '1.7.24~ds1-6' }, files: { '/etc/containerd/config.toml': V1 }, services: { containerd: 'inactive+enabled' } },
    expect: { action: 'update', summary: /enable and start containerd/, steps: [{ command: { argv: ['systemctl', 'enable', '--now', 'containerd'] } }] },
  },
  {
    name: 'version unreadable: config version 2 (read by 1.x and 2.x)',
    params: { sandboxImage: 'registry.lan/pause:3.10' },
    facts: { commands: { 'containerd:version': 'candidate ' } },
    expect: { action: 'create', summary: /version unknown/, steps: [{}, { kind: 'write', content: renderContainerdConfig({ major: 1, sandboxImage: 'registry.lan/pause:3.10' }) }, {}, {}] },
  },
  { name: 'a sandbox image with spaces is rejected', params: { sandboxImage: 'pause 3.10' }, expect: { error: /image reference/ } },
]);
