// The sysctl module from data: persisted file + live value (sysctl KEY) → persist and/or apply.
import mod from '../../../../src/modules/generic/sysctl.js';
import { sysctl } from '../../../../src/facts/kinds/sysctl.js';
import { factOf } from '../../../support/fake-facts.js';
import { runModuleCases } from '../harness.js';

const F = '/etc/sysctl.d/90-provision-net.ipv4.ip_forward.conf';
const want = '# managed by provision\nnet.ipv4.ip_forward = 1\n';
/** What the sysctl fact's script prints for one key: `sysctl KEY`'s "KEY = value" line (nothing for a missing key). */
const liveOf = (name: string, stdout: string) => ({ [factOf(sysctl, { names: [name] })]: stdout === '' ? '' : `${name} = ${stdout}` });
const live = (stdout: string) => liveOf('net.ipv4.ip_forward', stdout);
const w = (...argv: string[]) => ({ kind: 'exec', command: { argv: ['sysctl', '-w', ...argv], sudo: true } });

runModuleCases(mod, [
  {
    name: 'fresh host: persist and apply',
    params: { name: 'net.ipv4.ip_forward', value: 1 },
    facts: { facts: live('0\n') },
    expect: {
      action: 'create',
      summary: `sysctl net.ipv4.ip_forward = 1: create ${F}; apply live net.ipv4.ip_forward (now 0)`,
      steps: [{ kind: 'write', path: F, content: want }, w('net.ipv4.ip_forward=1')],
      diff: { before: '', after: want },
      probe: [{ kind: 'file', path: F }, { kind: 'fact', fact: 'sysctl', args: { names: ['net.ipv4.ip_forward'] } }],
      converges: false,
    },
  },
  { name: 'converged: noop', params: { name: 'net.ipv4.ip_forward', value: '1' }, facts: { files: { [F]: want }, facts: live('1\n') }, expect: { action: 'noop', summary: `sysctl net.ipv4.ip_forward = 1 (live, and persisted in ${F})` } },
  { name: 'live drift only: apply, no write', params: { name: 'net.ipv4.ip_forward', value: 1 }, facts: { files: { [F]: want }, facts: live('0\n') }, expect: { action: 'update', summary: 'sysctl net.ipv4.ip_forward = 1: apply live net.ipv4.ip_forward (now 0)', steps: [w('net.ipv4.ip_forward=1')], diff: false, converges: false } },
  { name: 'file drift only: write, no sysctl -w', params: { name: 'net.ipv4.ip_forward', value: 1 }, facts: { files: { [F]: 'net.ipv4.ip_forward = 0\n' }, facts: live('1') }, expect: { action: 'update', steps: [{ kind: 'write', content: want }], diff: true } },
  { name: 'key not readable (module not loaded yet): apply anyway', params: { name: 'net.bridge.bridge-nf-call-iptables', value: 1 }, expect: { action: 'create', summary: /apply live net.bridge.bridge-nf-call-iptables \(not readable when probed\)/, converges: false } },
  { name: 'boolean value', params: { name: 'net.ipv4.ip_forward', value: true }, facts: { files: { [F]: want }, facts: live('1') }, expect: { action: 'noop' } },
  {
    name: 'multi-value key: tabs from sysctl -n compare equal',
    params: { name: 'net.ipv4.ip_local_port_range', value: '32768   60999' },
    facts: { files: { '/etc/sysctl.d/90-provision-net.ipv4.ip_local_port_range.conf': '# managed by provision\nnet.ipv4.ip_local_port_range = 32768 60999\n' }, facts: liveOf('net.ipv4.ip_local_port_range', '32768\t60999\n') },
    expect: { action: 'noop' },
  },
  { name: 'multi-value key applied as one argument', params: { name: 'net.ipv4.ip_local_port_range', value: '1024 65000' }, facts: { facts: liveOf('net.ipv4.ip_local_port_range', '32768\t60999\n') }, expect: { action: 'create', steps: [{ kind: 'write' }, w('net.ipv4.ip_local_port_range=1024 65000')], converges: false } },
  {
    name: 'shared file: edits only its own key line',
    params: { name: 'net.ipv4.ip_forward', value: 1, file: '/etc/sysctl.d/k8s.conf' },
    facts: { files: { '/etc/sysctl.d/k8s.conf': 'net.bridge.bridge-nf-call-iptables = 1\nnet.ipv4.ip_forward=0\n' }, facts: live('1') },
    expect: { action: 'update', steps: [{ kind: 'write', path: '/etc/sysctl.d/k8s.conf', content: 'net.bridge.bridge-nf-call-iptables = 1\nnet.ipv4.ip_forward = 1\n' }] },
  },
  {
    name: 'shared file: dots in the key are not regexp wildcards',
    params: { name: 'net.ipv4.ip_forward', value: 1, file: '/etc/sysctl.d/k8s.conf' },
    facts: { files: { '/etc/sysctl.d/k8s.conf': 'netXipv4Xip_forward = 0\n' }, facts: live('1') },
    expect: { action: 'update', steps: [{ kind: 'write', content: 'netXipv4Xip_forward = 0\nnet.ipv4.ip_forward = 1\n' }] },
  },
  { name: 'interface key with slash gets a file name without slash', params: { name: 'net.ipv4.conf.eth0/100.forwarding', value: 1 }, expect: { action: 'create', steps: [{ kind: 'write', path: '/etc/sysctl.d/90-provision-net.ipv4.conf.eth0.100.forwarding.conf' }, w('net.ipv4.conf.eth0/100.forwarding=1')], converges: false } },
  { name: 'schema: shell in name', params: { name: 'a;reboot', value: 1 }, expect: { error: /sysctl key/ } },
  { name: 'schema: newline in value', params: { name: 'a.b', value: '1\nkernel.x = 2' }, expect: { error: /single-line/ } },
  { name: 'schema: empty value', params: { name: 'a.b', value: '  ' }, expect: { error: /non-empty/ } },
  { name: 'schema: CR in value', params: { name: 'a.b', value: '1\r' }, expect: { error: /single-line/ } },
  { name: 'schema: unknown param', params: { name: 'a.b', value: 1, reload: true }, expect: { error: /reload/ } },
]);
