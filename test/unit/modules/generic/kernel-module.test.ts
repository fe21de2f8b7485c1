// The kernel-module module from data: modules-load.d files + the kernel-modules fact → persist and/or modprobe.
import { execa } from 'execa';
import { existsSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import mod from '../../../../src/modules/generic/kernel-module.js';
import { kernelModules } from '../../../../src/facts/kinds/kernel-modules.js';
import { factOf } from '../../../support/fake-facts.js';
import { runModuleCases } from '../harness.js';

/** What the kernel-modules fact prints: br_netfilter in /sys/module, overlay and ip_tables built in, nothing else. */
const KERNEL = `sys br_netfilter
--- builtin
kernel/fs/overlayfs/overlay.ko
kernel/net/ipv4/ip_tables.ko
--- lsmod
Module                  Size  Used by
`;
const header = '# loaded at boot; managed by provision\n';
const mp = (n: string) => ({ kind: 'exec', command: { argv: ['modprobe', n], sudo: true } });
const loaded = (...names: string[]) => ({ [factOf(kernelModules, { names })]: KERNEL });

runModuleCases(mod, [
  {
    name: 'fresh host: one file per module, modprobe the unloaded',
    params: { names: ['vxlan', 'br_netfilter'] },
    facts: { facts: loaded('vxlan', 'br_netfilter') },
    expect: {
      changes: [
        { action: 'create', summary: 'kernel modules vxlan: create boot list /etc/modules-load.d/vxlan.conf; modprobe vxlan', steps: [{ kind: 'write', path: '/etc/modules-load.d/vxlan.conf', content: `${header}vxlan\n` }, mp('vxlan')] },
        { action: 'create', summary: 'kernel modules br_netfilter: create boot list /etc/modules-load.d/br_netfilter.conf', steps: [{ kind: 'write', path: '/etc/modules-load.d/br_netfilter.conf', content: `${header}br_netfilter\n` }] },
      ],
      converges: false,
    },
  },
  {
    name: 'converged: one noop that says both',
    params: { names: 'br_netfilter' },
    facts: { files: { '/etc/modules-load.d/br_netfilter.conf': `${header}br_netfilter\n` }, facts: loaded('br_netfilter') },
    expect: { action: 'noop', summary: 'kernel modules br_netfilter loaded and in /etc/modules-load.d/br_netfilter.conf' },
  },
  { name: 'built-in module counts as loaded', params: { names: 'overlay' }, facts: { files: { '/etc/modules-load.d/overlay.conf': `${header}overlay\n` }, facts: loaded('overlay') }, expect: { action: 'noop' } },
  { name: 'persisted but not loaded: modprobe only', params: { names: 'vxlan' }, facts: { files: { '/etc/modules-load.d/vxlan.conf': `${header}vxlan\n` }, facts: loaded('vxlan') }, expect: { action: 'update', steps: [mp('vxlan')], converges: false } },
  {
    name: 'shared file: all names in one file',
    params: { names: ['overlay', 'br_netfilter'], file: 'k8s' },
    facts: { files: { '/etc/modules-load.d/k8s.conf': 'overlay\n' }, facts: loaded('overlay', 'br_netfilter') },
    expect: { action: 'update', summary: 'kernel modules overlay, br_netfilter: update boot list /etc/modules-load.d/k8s.conf', steps: [{ kind: 'write', path: '/etc/modules-load.d/k8s.conf', content: `${header}overlay\nbr_netfilter\n` }], diff: true, probe: [{ kind: 'file', path: '/etc/modules-load.d/k8s.conf' }, { kind: 'fact', fact: 'kernel-modules', args: { names: ['overlay', 'br_netfilter'] } }] },
  },
  { name: 'dash spelling matches lsmod underscore', params: { names: 'br-netfilter' }, facts: { files: { '/etc/modules-load.d/br-netfilter.conf': `${header}br-netfilter\n` }, facts: loaded('br-netfilter') }, expect: { action: 'noop' } },
  { name: 'probe failed (no output): modprobe is planned', params: { names: 'overlay', file: 'k8s' }, facts: { files: { '/etc/modules-load.d/k8s.conf': `${header}overlay\n` } }, expect: { action: 'update', steps: [mp('overlay')], converges: false } },
  { name: 'schema: option-looking name', params: { names: ['--all'] }, expect: { error: /kernel module name/ } },
  { name: 'schema: path in file', params: { names: ['overlay'], file: '../../etc/x' }, expect: { error: /plain file name/ } },
  { name: 'schema: unknown param', params: { names: ['overlay'], state: 'absent' }, expect: { error: /state/ } },
]);

describe('the kernel-modules fact: one meaning of loaded', () => {
  const parse = (stdout: string, names: string[]) => kernelModules.parse({ code: 0, stdout }, { names }).loaded;
  it.each([
    ['br_netfilter', true], ['overlay', true], ['ip_tables', true], ['ip-tables', true], ['vxlan', false], ['Module', false],
  ] as Array<[string, boolean]>)('%s loaded=%s', (name, want) => expect(parse(KERNEL, [name])).toEqual(want ? [name] : []));
  it('empty output (the probe failed): nothing loaded', () => expect(parse('', ['overlay'])).toEqual([]));
  it('a module only lsmod lists (the lab\'s modprobe stand-in) counts', () => expect(parse('--- builtin\n--- lsmod\nModule  Size  Used by\nnbd 1 0\n', ['nbd'])).toEqual(['nbd']));
  it('a built-in file spelled with dashes answers the underscore name', () => expect(parse('--- builtin\nkernel/net/bridge/br-netfilter.ko\n', ['br_netfilter'])).toEqual(['br_netfilter']));
  it('the script asks /sys/module first and runs grep and lsmod only for missing names', () => {
    const script = kernelModules.script({ names: ['overlay', 'br-netfilter'] });
    expect(script).toMatch(/for n in overlay br_netfilter; do if \[ -d "\/sys\/module\/\$n" \]/);
    expect(script.indexOf('[ -z "$m" ] && exit 0')).toBeLessThan(script.indexOf('lsmod'));
    expect(script).toContain("modules.builtin");
  });
});

describe.skipIf(!existsSync('/sys/module'))('the kernel-modules script on this machine (real sh, real /sys/module)', () => {
  const run = async (names: string[]) => kernelModules.parse(await execa('sh', ['-c', kernelModules.script({ names })], { reject: false }).then((r) => ({ code: r.exitCode ?? 1, stdout: r.stdout })), { names }).loaded;
  it('a module the running kernel has is loaded; a made-up one is not', async () => {
    const real = readdirSync('/sys/module')[0]!;
    expect(await run([real, 'provision_no_such_module'])).toEqual([real]);
  });
});
