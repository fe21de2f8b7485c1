// Unit tests for the shims' fast paths (fast/sysctl.bash), run against a fake host tree: what they answer, and when they defer to Node.
import { spawnSync } from 'node:child_process';
import { linkSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { FAST_PATHS, IN_HOST_STANDINS, shimScript, STANDINS } from '../../../src/lab/host-root.js';
import { tempDir } from '../../support/temp-dir.js';

const ASSETS = fileURLToPath(new URL('../../../src/lab/assets/standins/', import.meta.url));
const sysctlLib = (await import(/* @vite-ignore */ new URL('lib/sysctl-lib.mjs', `file://${ASSETS}`).href)) as { recordFileKey(k: string): boolean };

/** A host tree: files (content), symlinks ('->' target; '@' = the tree's root), hard links ('=>' other path). */
type Tree = Record<string, string | { '->': string } | { '=>': string }>;

function makeTree(tree: Tree): string {
  const root = tempDir('fast-path-');
  for (const [rel, v] of Object.entries(tree)) {
    const p = join(root, rel);
    mkdirSync(dirname(p), { recursive: true });
    if (typeof v === 'string') writeFileSync(p, v);
    else if ('->' in v) symlinkSync(v['->'].replace(/^@/, root), p);
  }
  for (const [rel, v] of Object.entries(tree)) if (typeof v === 'object' && '=>' in v) linkSync(join(root, v['=>']), join(root, rel));
  return root;
}

/** Sources fast/PROG.bash with R=root and calls lab_fast_PROG ARGS: its stdout and status (1 = "ask Node"). */
function fast(prog: string, root: string, args: string[]) {
  const script = `. "$0" && R="$1" && shift && lab_fast_${prog} "$@"`;
  const r = spawnSync('/bin/bash', ['--norc', '-c', script, join(ASSETS, 'fast', `${prog}.bash`), root, ...args], { encoding: 'utf8', env: { PATH: '/usr/bin:/bin' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const roots: string[] = [];
afterAll(() => {
  for (const r of roots) rmSync(r, { recursive: true, force: true });
});
const tree = (t: Tree) => {
  const r = makeTree(t);
  roots.push(r);
  return r;
};

const sys = (extra: Tree = {}) =>
  tree({
    'proc/sys/net/ipv4/ip_forward': '1\n',
    'proc/sys/net/ipv4/ip_local_port_range': '32768\t60999\n',
    'proc/sys/net/bridge/bridge-nf-call-iptables': '1\n',
    'proc/sys/kernel/pid_max': '4194304\n',
    'proc/sys/kernel/multi': 'a\nb\n',
    'proc/sys/vm/swappiness': '60\n',
    'proc/sys/dev/spaced': '  7  \n',
    ...extra,
  });
const recorded = { 'run/lab/sysctl.json': '{"vm.swappiness":"7","net.ipv4.ip_forward":"0","kernel.spaced":"a b"}', 'run/lab/sysctl/vm.swappiness': '7\n', 'run/lab/sysctl/net.ipv4.ip_forward': '0\n', 'run/lab/sysctl/kernel.spaced': 'a b\n' };
const plain = sys();
const withRecord = sys(recorded);
const withBr = sys({ ...recorded, 'run/lab/modules': 'overlay\nbr_netfilter' });
const oldRecord = sys({ 'run/lab/sysctl.json': '{"vm.swappiness":"7"}' });

describe.each([
  { why: 'a real net key', root: withRecord, key: 'net.ipv4.ip_forward', want: '1' },
  { why: 'a real bridge key', root: plain, key: 'net.bridge.bridge-nf-call-iptables', want: '1' },
  { why: "the machine's read-only key", root: plain, key: 'kernel.pid_max', want: '4194304' },
  { why: 'a read-only key, trimmed', root: plain, key: 'dev.spaced', want: '7' },
  { why: 'a recorded key over the machine value', root: withRecord, key: 'vm.swappiness', want: '7' },
  { why: 'an unrecorded key', root: plain, key: 'vm.swappiness', want: '60' },
  { why: 'a bridge key the kernel lacks, br_netfilter recorded', root: withBr, key: 'net.bridge.bridge-nf-call-arptables', want: '0' },
])('sysctl -n: $why', ({ root, key, want }) => {
  it('prints the value', () => expect(fast('sysctl', root, ['-n', key])).toEqual({ code: 0, stdout: `${want}\n`, stderr: '' }));
});

describe('sysctl KEY... (one call for every key of a probe)', () => {
  it('prints "key = value" lines in argument order', () =>
    expect(fast('sysctl', withRecord, ['net.ipv4.ip_forward', 'vm.swappiness', 'kernel.pid_max'])).toEqual({ code: 0, stdout: 'net.ipv4.ip_forward = 1\nvm.swappiness = 7\nkernel.pid_max = 4194304\n', stderr: '' }));
  it('prints values only with -n', () => expect(fast('sysctl', plain, ['-n', 'net.ipv4.ip_forward', 'kernel.pid_max'])).toEqual({ code: 0, stdout: '1\n4194304\n', stderr: '' }));
});

describe.each([
  { why: 'an unknown key', root: withRecord, args: ['-n', 'kernel.no_such_key'] },
  { why: 'a bridge key the kernel lacks, no br_netfilter', root: withRecord, args: ['-n', 'net.bridge.bridge-nf-call-arptables'] },
  { why: 'a value with whitespace', root: plain, args: ['-n', 'net.ipv4.ip_local_port_range'] },
  { why: 'a recorded value with whitespace', root: withRecord, args: ['-n', 'kernel.spaced'] },
  { why: 'a file of two lines', root: plain, args: ['-n', 'kernel.multi'] },
  { why: 'a directory', root: plain, args: ['-n', 'net.ipv4'] },
  { why: 'a record kept before per-key files', root: oldRecord, args: ['-n', 'kernel.pid_max'] },
  { why: 'a key with slashes', root: plain, args: ['-n', 'net/ipv4/ip_forward'] },
  { why: 'a write', root: plain, args: ['-n', 'net.ipv4.ip_forward=1'] },
  { why: 'two keys, one unknown', root: plain, args: ['net.ipv4.ip_forward', 'kernel.no_such_key'] },
])('sysctl: $why', ({ root, args }) => {
  it('defers to the Node stand-in (status 1, nothing printed)', () => expect(fast('sysctl', root, args)).toEqual({ code: 1, stdout: '', stderr: '' }));
});

describe('sysctl record file names', () => {
  const keys = ['vm.swappiness', 'net.bridge.bridge-nf-call-iptables', 'kernel.sched_rt_runtime_us', '_x', '', '.', '..', 'a..b', 'a.', '.a', '-a', 'a/b', 'a b', 'a=b', 'ké', 'a*'];
  it('are the keys the fast path looks up (recordFileKey and lab_fast_key agree)', () => {
    const script = `. "$0"; for k in "$@"; do if lab_fast_key "$k"; then echo 1; else echo 0; fi; done`;
    const r = spawnSync('/bin/bash', ['--norc', '-c', script, join(ASSETS, 'fast', 'sysctl.bash'), ...keys], { encoding: 'utf8' });
    expect(r.stdout.trim().split('\n')).toEqual(keys.map((k) => (sysctlLib.recordFileKey(k) ? '1' : '0')));
    expect(keys.filter((k) => sysctlLib.recordFileKey(k))).toEqual(['vm.swappiness', 'net.bridge.bridge-nf-call-iptables', 'kernel.sched_rt_runtime_us', '_x']);
  });
});

describe('shims', () => {
  it.each(Object.entries(STANDINS))('%s parses in its shell', (prog, s) => {
    const shell = FAST_PATHS[prog]?.shell ?? '/bin/sh';
    const text = shimScript(prog, s.script);
    expect(text.startsWith(`#!${shell}\n`)).toBe(true);
    expect(spawnSync(shell.split(' ')[0]!, ['-n'], { input: text }).status).toBe(0);
  });

  // The shim as installed, with the package mount pointed at this checkout and a fake Node stand-in that names itself.
  const pkg = tree({ 'standins/fake.mjs': 'process.stdout.write(`node ${process.argv.slice(2).join(" ")}\\n`);\n' });
  mkdirSync(join(pkg, 'standins/fast'));
  writeFileSync(join(pkg, 'standins/fast/sysctl.bash'), readFileSync(join(ASSETS, 'fast', 'sysctl.bash')));
  const run = (prog: string, args: string[], env: Record<string, string> = {}) => {
    const shim = join(pkg, prog);
    writeFileSync(shim, shimScript(prog, 'fake.mjs').replaceAll(IN_HOST_STANDINS, join(pkg, 'standins')), { mode: 0o755 });
    return spawnSync(shim, args, { encoding: 'utf8', env: { PATH: '/usr/bin:/bin', ...env } }).stdout;
  };
  const forward = readFileSync('/proc/sys/net/ipv4/ip_forward', 'utf8').trim();

  it('answers a fast query in the shell', () => expect(run('sysctl', ['-n', 'net.ipv4.ip_forward'])).toBe(`${forward}\n`));
  it('sends the same query to Node when LAB_NO_FAST_PATH=1', () => expect(run('sysctl', ['-n', 'net.ipv4.ip_forward'], { LAB_NO_FAST_PATH: '1' })).toBe('node -n net.ipv4.ip_forward\n'));
  it('sends what the fast path is unsure of to Node, arguments intact', () => expect(run('sysctl', ['-w', 'x y'])).toBe('node -w x y\n'));
});
