// Data cases for hosts-file: the managed /etc/hosts block and the hostname.
import mod from '../../../../src/modules/cluster/hosts-file.js';
import { fakeInventory } from '../../../support/fake-inventory.js';
import { runModuleCases } from '../harness.js';

const inv = fakeInventory();
inv.network.api.name = 'k8s-api';
const BLOCK = [
  '# BEGIN provision hosts',
  '192.168.1.51 k8s-cp-01.home.arpa k8s-cp-01',
  '192.168.1.52 k8s-worker-01.home.arpa k8s-worker-01',
  '192.168.1.50 k8s-api.home.arpa k8s-api',
  '# END provision hosts',
  '',
].join('\n');
const DEBIAN = '127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost\n';
const grown = fakeInventory({ hosts: [...inv.hosts, { name: 'k8s-worker-02', address: '192.168.1.53', role: 'worker' }] });
grown.network.api.name = 'k8s-api';
const nodomain = fakeInventory({ cluster: { name: 'lab', kubernetes: '1.32' } });
nodomain.network.api.name = 'api.example.org';
const on = (hostname: string) => ({ base: { hostname } });

runModuleCases(mod, [
  {
    name: 'fresh host: block first, hostname set in file and live',
    inventory: inv,
    params: {},
    facts: { ...on('raspberrypi'), files: { '/etc/hosts': DEBIAN + '127.0.1.1\traspberrypi\n', '/etc/hostname': 'raspberrypi\n' } },
    expect: {
      changes: [
        { action: 'update', summary: /\/etc\/hosts block \(2 hosts \+ k8s-api\.home\.arpa\)/, diff: { after: BLOCK + DEBIAN + '127.0.1.1\traspberrypi\n' } },
        { action: 'update', summary: 'hostname k8s-cp-01 in /etc/hostname and live (was raspberrypi)', steps: [{ kind: 'write', path: '/etc/hostname', content: 'k8s-cp-01\n' }, { kind: 'exec', command: { argv: ['hostname', 'k8s-cp-01'] } }] },
      ],
    },
  },
  {
    name: 'converged host: one noop that says what is true',
    inventory: inv,
    params: {},
    facts: { ...on('k8s-cp-01'), files: { '/etc/hosts': BLOCK + DEBIAN, '/etc/hostname': 'k8s-cp-01\n' } },
    expect: { action: 'noop', summary: /\/etc\/hosts block .* up to date; hostname k8s-cp-01/ },
  },
  {
    name: 'a host added later: only the block changes, in place, other lines kept',
    inventory: grown,
    params: { hostname: false },
    facts: { files: { '/etc/hosts': DEBIAN + BLOCK + '10.9.9.9 nas\n' } },
    expect: {
      action: 'update',
      summary: /3 hosts/,
      diff: { after: DEBIAN + BLOCK.replace('192.168.1.50 ', '192.168.1.53 k8s-worker-02.home.arpa k8s-worker-02\n192.168.1.50 ') + '10.9.9.9 nas\n' },
    },
  },
  {
    name: 'without hostname: /etc/hostname is not even probed',
    inventory: inv,
    params: { hostname: false },
    facts: { ...on('other'), files: { '/etc/hosts': BLOCK } },
    expect: { action: 'noop', probe: [{ kind: 'file', path: '/etc/hosts' }] },
  },
  {
    name: 'a line outside the block that maps a node name elsewhere is reported, not edited',
    inventory: inv,
    params: { hostname: false },
    facts: { files: { '/etc/hosts': BLOCK + '127.0.1.1 k8s-cp-01\n' } },
    expect: { action: 'noop', summary: /warning: outside the block '127\.0\.1\.1 k8s-cp-01' maps k8s-cp-01 elsewhere \(block says 192\.168\.1\.51\)/ },
  },
  {
    name: 'no domain and a fully qualified API name: short names, API name as written',
    inventory: nodomain,
    params: { hostname: false },
    facts: { files: { '/etc/hosts': '' } },
    expect: { action: 'update', diff: { after: '# BEGIN provision hosts\n192.168.1.51 k8s-cp-01\n192.168.1.52 k8s-worker-01\n192.168.1.50 api.example.org\n# END provision hosts\n' } },
  },
  {
    name: 'missing /etc/hosts is created',
    inventory: inv,
    params: { hostname: false },
    expect: { action: 'create', diff: { before: '', after: BLOCK } },
  },
  {
    name: 'broken markers are an error, never a guess',
    inventory: inv,
    params: { hostname: false },
    facts: { files: { '/etc/hosts': '# BEGIN provision hosts\n1.2.3.4 x\n' } },
    expect: { error: /unbalanced markers/ },
  },
  { name: 'unknown params are rejected', params: { hostnames: true }, expect: { error: /hostnames/ } },
]);
