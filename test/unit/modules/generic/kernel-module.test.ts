// The kernel-module module from data: modules-load.d files + lsmod output → persist and/or modprobe.
import { describe, expect, it } from 'vitest';
import mod, { LOADED_KEY, parseLoaded } from '../../../../src/modules/generic/kernel-module.js';
import { runModuleCases } from '../harness.js';

const LSMOD = `Module                  Size  Used by
br_netfilter           32768  0
bridge                311296  1 br_netfilter
nf_conntrack          176128  1
--- builtin
kernel/fs/overlayfs/overlay.ko
kernel/net/ipv4/ip_tables.ko
`;
const header = '# loaded at boot; managed by provision\n';
const mp = (n: string) => ({ kind: 'exec', command: { argv: ['modprobe', n], sudo: true } });

describe('parseLoaded', () => {
  it.each([
    ['br_netfilter', true], ['bridge', true], ['overlay', true], ['ip_tables', true], ['ip-tables', true], ['nf_conntrack', true], ['Module', false], ['Size', false], ['vxlan', false],
  ] as Array<[string, boolean]>)('%s loaded=%s', (name, loaded) => expect(parseLoaded(LSMOD).has(name.replace(/-/g, '_'))).toBe(loaded));
  it('empty output: nothing loaded', () => expect(parseLoaded('').size).toBe(0));
  it('/proc/modules format (no lsmod): first column', () =>
    expect([...parseLoaded('overlay 151552 0 - Live 0x0000000000000000\nbr_netfilter 32768 0 - Live 0x0\n--- builtin\n')]).toEqual(['overlay', 'br_netfilter']));
});

runModuleCases(mod, [
  {
    name: 'fresh host: one file per module, modprobe the unloaded',
    params: { names: ['vxlan', 'br_netfilter'] },
    facts: { commands: { [LOADED_KEY]: LSMOD } },
    expect: {
      changes: [
        { action: 'create', summary: 'create boot list /etc/modules-load.d/vxlan.conf', steps: [{ kind: 'write', path: '/etc/modules-load.d/vxlan.conf', content: `${header}vxlan\n` }] },
        { action: 'create', steps: [{ kind: 'write', path: '/etc/modules-load.d/br_netfilter.conf', content: `${header}br_netfilter\n` }] },
        { action: 'update', summary: 'load kernel modules vxlan', steps: [mp('vxlan')] },
      ],
      converges: false,
    },
  },
  {
    name: 'converged: one noop that says both',
    params: { names: 'br_netfilter' },
    facts: { files: { '/etc/modules-load.d/br_netfilter.conf': `${header}br_netfilter\n` }, commands: { [LOADED_KEY]: LSMOD } },
    expect: { action: 'noop', summary: 'boot list /etc/modules-load.d/br_netfilter.conf up to date; loaded: br_netfilter' },
  },
  { name: 'built-in module counts as loaded', params: { names: 'overlay' }, facts: { files: { '/etc/modules-load.d/overlay.conf': `${header}overlay\n` }, commands: { [LOADED_KEY]: LSMOD } }, expect: { action: 'noop' } },
  { name: 'persisted but not loaded: modprobe only', params: { names: 'vxlan' }, facts: { files: { '/etc/modules-load.d/vxlan.conf': `${header}vxlan\n` }, commands: { [LOADED_KEY]: LSMOD } }, expect: { action: 'update', steps: [mp('vxlan')], converges: false } },
  {
    name: 'shared file: all names in one file',
    params: { names: ['overlay', 'br_netfilter'], file: 'k8s' },
    facts: { files: { '/etc/modules-load.d/k8s.conf': 'overlay\n' }, commands: { [LOADED_KEY]: LSMOD } },
    expect: { action: 'update', summary: 'update boot list /etc/modules-load.d/k8s.conf', steps: [{ kind: 'write', path: '/etc/modules-load.d/k8s.conf', content: `${header}overlay\nbr_netfilter\n` }], diff: true, probe: [{ kind: 'file', path: '/etc/modules-load.d/k8s.conf' }, { kind: 'command', key: LOADED_KEY }] },
  },
  { name: 'dash spelling matches lsmod underscore', params: { names: 'br-netfilter' }, facts: { files: { '/etc/modules-load.d/br-netfilter.conf': `${header}br-netfilter\n` }, commands: { [LOADED_KEY]: LSMOD } }, expect: { action: 'noop' } },
  { name: 'probe failed (no output): modprobe is planned', params: { names: 'overlay', file: 'k8s' }, facts: { files: { '/etc/modules-load.d/k8s.conf': `${header}overlay\n` } }, expect: { action: 'update', steps: [mp('overlay')], converges: false } },
  { name: 'schema: option-looking name', params: { names: ['--all'] }, expect: { error: /kernel module name/ } },
  { name: 'schema: path in file', params: { names: ['overlay'], file: '../../etc/x' }, expect: { error: /plain file name/ } },
  { name: 'schema: unknown param', params: { names: ['overlay'], state: 'absent' }, expect: { error: /state/ } },
]);
