// Data cases for containerd: a version that fits the Kubernetes minor (or a refusal), config version per major, restart only on change.
import { describe, expect, it } from 'vitest';
import mod from '../../../../src/modules/cluster/containerd.js';
import { renderContainerdConfig } from '../../../../src/modules/cluster/host-setup/containerd-config.js';
import { describeFloor, fitsKubernetes, parseContainerdVersion } from '../../../../src/modules/cluster/host-setup/containerd-source.js';
import { containerdFact } from '../../../../src/facts/kinds/containerd.js';
import { factOf } from '../../../support/fake-facts.js';
import { runModuleCases } from '../harness.js';

const V1 = renderContainerdConfig({ major: 1, sandboxImage: 'registry.k8s.io/pause:3.10' });
const V2 = renderContainerdConfig({ major: 2, sandboxImage: 'registry.k8s.io/pause:3.10' });
const DOCKER_DEFAULT = 'disabled_plugins = ["cri"]\n';
const restart = [{ command: { argv: ['systemctl', 'enable', 'containerd'] } }, { command: { argv: ['systemctl', 'restart', 'containerd'] } }];
const probe = (o: { installed?: string; containerd?: string; io?: string }) =>
  [o.installed ? `installed=${o.installed}` : '', `candidate-containerd=${o.containerd ?? ''}`, `candidate-containerd.io=${o.io ?? ''}`].join('\n');
const BOOKWORM = probe({ containerd: '1.6.20~ds1-1+deb12u3' });
const DEBIAN_1_6 = 'containerd github.com/containerd/containerd 1.6.20~ds1 1.6.20~ds1-1+deb12u3';

runModuleCases(mod, [
  {
    name: 'not installed, the distribution\'s candidate fits (1.7.24 for 1.32): install it (guarded), config version 2, restart',
    params: {},
    facts: { facts: { [factOf(containerdFact)]: probe({ containerd: '1.7.24~ds1-6' }) } },
    expect: { action: 'create', summary: /containerd 1\.7\.24: install containerd; .*config version 2/, steps: [{ kind: 'exec', command: { argv: ['sh', '-c', expect.stringContaining('apt-get install -y --no-install-recommends containerd')] } }, { kind: 'write', path: '/etc/containerd/config.toml', content: V1 }, ...restart] },
  },
  {
    name: 'Debian bookworm\'s 1.6.20 is too old for 1.32: containerd.io from Docker\'s repository (CA bundle, armoured key, source, update, install)',
    params: {},
    facts: { facts: { [factOf(containerdFact)]: BOOKWORM } },
    expect: {
      action: 'create',
      summary: /install containerd\.io from https:\/\/download\.docker\.com\/linux\/debian; .*config version 2/,
      steps: [
        { command: { argv: ['sh', '-c', expect.stringContaining('ca-certificates')] } },
        { command: { argv: ['sh', '-c', expect.stringContaining("apt-helper download-file 'https://download.docker.com/linux/debian/gpg'")] } },
        { kind: 'write', path: '/etc/apt/sources.list.d/docker-containerd.list', content: expect.stringContaining('deb [signed-by=/etc/apt/keyrings/docker.asc] https://download.docker.com/linux/debian bookworm stable\n') },
        { command: { argv: ['apt-get', 'update', '-o', 'Dir::Etc::sourcelist=/etc/apt/sources.list.d/docker-containerd.list', '-o', 'Dir::Etc::sourceparts=-', '-o', 'APT::Get::List-Cleanup=0'] } },
        { command: { argv: ['apt-get', 'install', '-y', '--no-install-recommends', 'containerd.io'] } },
        { kind: 'write', content: V1 },
        ...restart,
      ],
    },
  },
  {
    name: 'source debian with a candidate too old: a clear refusal naming the fix',
    params: { source: 'debian' },
    facts: { facts: { [factOf(containerdFact)]: BOOKWORM } },
    expect: { error: /containerd 1\.6\.20 \(the distribution's candidate\) on k8s-cp-01 is older than containerd's support matrix allows for Kubernetes 1\.32 \(2\.1\.0\+, 2\.0\.1\+, 1\.7\.24\+, 1\.6\.36\+\); set source: docker/ },
  },
  {
    name: 'installed 1.6.20 (Debian\'s own --version format): refused, never silently kept',
    params: {},
    facts: { facts: { [factOf(containerdFact)]: probe({ installed: DEBIAN_1_6, containerd: '1.6.20~ds1-1+deb12u3' }) }, packages: { containerd: '1.6.20~ds1-1+deb12u3' }, services: { containerd: 'active+enabled' } },
    expect: { error: /containerd 1\.6\.20 \(installed package containerd\) .* older than .* set source: docker/ },
  },
  {
    name: 'installed 1.6.20 with source docker: replaced by containerd.io',
    params: { source: 'docker' },
    facts: { facts: { [factOf(containerdFact)]: probe({ installed: DEBIAN_1_6 }) }, packages: { containerd: '1.6.20~ds1-1+deb12u3', 'ca-certificates': '20230311' }, services: { containerd: 'active+enabled' } },
    expect: { action: 'update', summary: /replaces the distribution's containerd/, steps: [{}, { kind: 'write' }, {}, {}, { kind: 'write' }, ...restart] },
  },
  {
    name: 'containerd.io 1.7 with Docker\'s cri-disabled config: config replaced, restarted',
    params: {},
    facts: { facts: { [factOf(containerdFact)]: probe({ installed: 'containerd containerd.io 1.7.27 05044ec0a9a75232cad458027ca83437aae3f4da' }) }, packages: { 'containerd.io': '1.7.27-1' }, files: { '/etc/containerd/config.toml': DOCKER_DEFAULT }, services: { containerd: 'active+enabled' } },
    expect: { action: 'update', steps: [{ kind: 'write', content: V1 }, ...restart], diff: { before: DOCKER_DEFAULT, after: V1 } },
  },
  {
    name: 'containerd 2.x: config version 3 with the split CRI plugins',
    params: {},
    facts: { facts: { [factOf(containerdFact)]: probe({ installed: 'containerd github.com/containerd/containerd/v2 v2.0.2 c507a02' }) }, packages: { containerd: '2.0.2~ds1-1' }, services: { containerd: 'active+enabled' } },
    expect: { action: 'update', summary: /containerd 2\.0\.2: .*config version 3/, steps: [{ kind: 'write', content: V2 }, ...restart] },
  },
  {
    name: 'binary unreadable: the package version decides; a 1.x package never gets config version 3',
    params: {},
    facts: { facts: { [factOf(containerdFact)]: probe({ installed: 'containerd: error while loading shared libraries' }) }, packages: { 'containerd.io': '1.7.27-1' }, files: { '/etc/containerd/config.toml': V2 }, services: { containerd: 'active+enabled' } },
    expect: { action: 'update', summary: /containerd 1\.7\.27: .*config version 2/, steps: [{ kind: 'write', content: V1 }, ...restart] },
  },
  {
    name: 'converged: no restart',
    params: {},
    facts: { facts: { [factOf(containerdFact)]: probe({ installed: 'containerd github.com/containerd/containerd/v2 v2.0.2 c507a02' }) }, packages: { containerd: '2.0.2~ds1-1' }, files: { '/etc/containerd/config.toml': V2 }, services: { containerd: 'active+enabled' } },
    expect: { action: 'noop', summary: /containerd 2\.0\.2 installed, .* up to date .*running/ },
  },
  {
    name: 'config right but the service stopped: start it, no config write',
    params: {},
    facts: { facts: { [factOf(containerdFact)]: probe({ installed: 'containerd github.com/containerd/containerd v1.7.24 88bf19b' }) }, packages: { containerd: '1.7.24~ds1-6' }, files: { '/etc/containerd/config.toml': V1 }, services: { containerd: 'inactive+enabled' } },
    expect: { action: 'update', summary: /enable and start containerd/, steps: [{ command: { argv: ['systemctl', 'enable', '--now', 'containerd'] } }] },
  },
  {
    name: 'no candidate known (empty apt lists): the install script checks after its own update; config version 2',
    params: { sandboxImage: 'registry.lan/pause:3.10' },
    facts: { facts: { [factOf(containerdFact)]: probe({}) } },
    expect: { action: 'create', summary: /version unknown/, steps: [{ command: { argv: ['sh', '-c', expect.stringContaining('dpkg --compare-versions')] } }, { kind: 'write', content: renderContainerdConfig({ major: 1, sandboxImage: 'registry.lan/pause:3.10' }) }, {}, {}] },
  },
  {
    name: 'an OS Docker does not serve: refused with the reason',
    params: { source: 'docker' },
    // The OS is base's os-release (ID, VERSION_CODENAME): Alpine has no codename.
    facts: { base: { os: { id: 'alpine', versionId: '3.20.3', prettyName: 'Alpine Linux v3.20', codename: '' } }, facts: { [factOf(containerdFact)]: probe({}) } },
    expect: { error: /Docker's apt repository has no containerd\.io for alpine/ },
  },
  { name: 'a sandbox image with spaces is rejected', params: { sandboxImage: 'pause 3.10' }, expect: { error: /image reference/ } },
]);

describe('containerd support matrix (RELEASES.md)', () => {
  const k = (minor: number) => ({ major: 1, minor });
  it.each([
    ['1.6.20', 32, false], ['1.6.36', 32, true], ['1.7.23', 32, false], ['1.7.24', 32, true], ['2.0.0', 32, false], ['2.0.1', 32, true],
    ['2.0.3', 33, false], ['2.2.0', 33, true], ['1.5.18', 30, false], ['1.7.13', 29, true], ['1.7.24', 35, true],
  ])('%s for 1.%i: %s', (v, minor, fits) => expect(fitsKubernetes(parseContainerdVersion(v)!, k(minor))).toBe(fits));
  it('says what fits', () => expect(describeFloor(k(32))).toBe('2.1.0+, 2.0.1+, 1.7.24+, 1.6.36+'));
  it.each([
    ['containerd github.com/containerd/containerd 1.6.20~ds1 1.6.20~ds1-1+deb12u3', '1.6.20'],
    ['containerd containerd.io 1.7.27 05044ec0a9a75232cad458027ca83437aae3f4da', '1.7.27'],
    ['containerd github.com/containerd/containerd/v2 v2.0.2 c507a02', '2.0.2'],
    ['1.7.24~ds1-6', '1.7.24'],
  ])('parses %j', (t, want) => {
    const v = parseContainerdVersion(t)!;
    expect(`${v.major}.${v.minor}.${v.patch}`).toBe(want);
  });
  it.each(['', '(none)', 'containerd: command not found', '1.2.3abc'])('unreadable %j', (t) => expect(parseContainerdVersion(t)).toBeUndefined());
});
