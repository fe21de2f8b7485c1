// Unit tests for the shims' bash fast paths (fast/*.bash), run against a fake host tree: what they answer, and when they defer to Node.
import { spawnSync } from 'node:child_process';
import { linkSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { FAST_PATHS, IN_HOST_STANDINS, shimScript, STANDINS } from '../../../src/lab/host-root.js';

const ASSETS = fileURLToPath(new URL('../../../src/lab/assets/standins/', import.meta.url));
const sysctlLib = (await import(/* @vite-ignore */ new URL('lib/sysctl-lib.mjs', `file://${ASSETS}`).href)) as { recordFileKey(k: string): boolean };

/** A host tree: files (content), symlinks ('->' target; '@' = the tree's root), hard links ('=>' other path). */
type Tree = Record<string, string | { '->': string } | { '=>': string }>;

function makeTree(tree: Tree): string {
  const root = mkdtempSync(join(tmpdir(), 'fast-path-'));
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

const U = 'lib/systemd/system';
const E = 'etc/systemd/system';
const S = 'run/lab/services';
const installed = (wanted = 'WantedBy=multi-user.target\n') => `[Unit]\nDescription=lab unit\n\n[Service]\nExecStart=/bin/true\n\n[Install]\n${wanted}`;
const stat = (pid: number, comm: string, state: string) => `${pid} (${comm}) ${state} 1 ${pid} ${pid} 0 -1 4194560 100 0 0 0 0 0 0 0 20 0 1 0 100 1000 100\n`;

const units = tree({
  [`${U}/live.service`]: installed(),
  [`${E}/multi-user.target.wants/live.service`]: { '->': `@/${U}/live.service` },
  [`${S}/live.service.json`]: '{"state":"active","pid":4242,"killMode":"control-group","since":1700000000000}',
  'proc/4242/stat': stat(4242, 'live', 'S'),
  [`${U}/zombie.service`]: installed(),
  [`${S}/zombie.service.json`]: '{"state":"active","pid":4343,"killMode":"process","since":1}',
  'proc/4343/stat': stat(4343, 'zombie', 'Z'),
  [`${U}/gone.service`]: installed(),
  [`${S}/gone.service.json`]: '{"state":"active","pid":4444,"killMode":"control-group","since":1}',
  // A command name with ") Z" in it: units.mjs's /^\d+ \(.*\) [ZX]/s matches, so the unit counts as failed there too.
  [`${U}/paren.service`]: installed(),
  [`${S}/paren.service.json`]: '{"state":"active","pid":4545,"killMode":"control-group","since":1}',
  'proc/4545/stat': stat(4545, 'a) Z', 'S'),
  [`${U}/emulated.service`]: installed(),
  [`${S}/emulated.service.json`]: '{"state":"active","emulated":true}',
  [`${U}/oneshot.service`]: installed(),
  [`${S}/oneshot.service.json`]: '{"state":"inactive","sub":"exited"}',
  [`${U}/broken.service`]: installed(),
  [`${S}/broken.service.json`]: '{"state":"failed"}',
  [`${U}/disabled.service`]: installed(),
  [`${U}/static.service`]: '[Unit]\nDescription=no install section\n[Service]\nExecStart=/bin/true\n',
  [`${U}/reset.service`]: installed(),
  [`${E}/reset.service.d/10-no-install.conf`]: '[Install]\nWantedBy=\n',
  // Drop-ins apply in byte order ("B" < "a"): the reset in a.conf comes last.
  [`${U}/order.service`]: installed(),
  [`${E}/order.service.d/B.conf`]: '[Install]\nWantedBy=other.target\n',
  [`${E}/order.service.d/a.conf`]: '[Install]\nWantedBy=\n',
  [`${U}/readd.service`]: installed('WantedBy=\n'),
  [`run/systemd/system/readd.service.d/x.conf`]: '[Install]\nWantedBy = timers.target \n',
  [`${U}/continued.service`]: installed('WantedBy=\\\n  multi-user.target\n'),
  [`${U}/swallowed.service`]: '[Install]\n# a comment that continues \\\nWantedBy=multi-user.target\n',
  [`${U}/crlf.service`]: '[Unit]\r\nDescription=x\r\n[Install]\r\nWantedBy=\r\n',
  [`${U}/other-section.service`]: '[Install]\n[Service]\nWantedBy=multi-user.target\n',
  [`${U}/cafe.service`]: '[Unit]\nDescription=Café\n[Install]\nWantedBy=multi-user.target\n',
  [`${U}/requires.service`]: installed(),
  [`${E}/local-fs.target.requires/requires.service`]: { '->': `@/${U}/requires.service` },
  [`${E}/masked.service`]: { '->': '/dev/null' },
  [`${U}/masked.service`]: installed(),
  [`${E}/masked-on.service`]: { '->': '/dev/null' },
  [`${S}/masked-on.service.json`]: '{"state":"active","emulated":true}',
  [`${U}/ssh.service`]: installed(),
  [`${E}/sshd.service`]: { '->': `@/${U}/ssh.service` },
  [`${E}/multi-user.target.wants/ssh.service`]: { '->': `@/${U}/ssh.service` },
  [`${S}/ssh.service.json`]: '{"state":"active","pid":4242,"killMode":"process","since":1}',
  [`${E}/linked.service`]: { '->': `@/${U}/linked.service` },
  [`${U}/linked.service`]: installed(),
  // Unsure: Node reads the link's text, which bash cannot.
  [`${E}/dangling.service`]: { '->': `@/${U}/nowhere.service` },
  [`${U}/twin-a.service`]: installed(),
  [`${U}/twin-b.service`]: { '=>': `${U}/twin-a.service` },
  [`${E}/twin.service`]: { '->': `@/${U}/twin-a.service` },
  [`${U}/hop.service`]: installed(),
  [`${E}/hop-1.service`]: { '->': `@/${U}/hop.service` },
  [`${E}/hop-2.service`]: { '->': `@/${E}/hop-1.service` },
  [`${U}/odd-state.service`]: installed(),
  [`${S}/odd-state.service.json`]: '{"state":"reloading"}',
  [`${U}/newline-state.service`]: installed(),
  [`${S}/newline-state.service.json`]: '{"state":"inactive"}\n',
  [`${U}/nbsp.service`]: '[Install]\nWantedBy=\u00a0\n',
  [`${U}/dir-dropin.service`]: installed(),
  [`${E}/dir-dropin.service.d/x.conf/inner`]: '',
});

const P3 = ['show', '-p', 'LoadState,ActiveState,UnitFileState'];
const block = (load: string, active: string, file: string) => `LoadState=${load}\nActiveState=${active}\nUnitFileState=${file}`;

describe.each([
  { unit: 'live', want: block('loaded', 'active', 'enabled') },
  { unit: 'live.service', want: block('loaded', 'active', 'enabled') },
  { unit: 'zombie', want: block('loaded', 'failed', 'disabled') },
  { unit: 'gone', want: block('loaded', 'failed', 'disabled') },
  { unit: 'paren', want: block('loaded', 'failed', 'disabled') },
  { unit: 'emulated', want: block('loaded', 'active', 'disabled') },
  { unit: 'oneshot', want: block('loaded', 'inactive', 'disabled') },
  { unit: 'broken', want: block('loaded', 'failed', 'disabled') },
  { unit: 'disabled', want: block('loaded', 'inactive', 'disabled') },
  { unit: 'static', want: block('loaded', 'inactive', 'static') },
  { unit: 'reset', want: block('loaded', 'inactive', 'static') },
  { unit: 'order', want: block('loaded', 'inactive', 'static') },
  { unit: 'readd', want: block('loaded', 'inactive', 'disabled') },
  { unit: 'continued', want: block('loaded', 'inactive', 'disabled') },
  { unit: 'swallowed', want: block('loaded', 'inactive', 'static') },
  { unit: 'crlf', want: block('loaded', 'inactive', 'static') },
  { unit: 'other-section', want: block('loaded', 'inactive', 'static') },
  { unit: 'cafe', want: block('loaded', 'inactive', 'disabled') },
  { unit: 'requires', want: block('loaded', 'inactive', 'enabled') },
  { unit: 'masked', want: block('masked', 'inactive', 'masked') },
  { unit: 'masked-on', want: block('masked', 'active', 'masked') },
  { unit: 'sshd', want: block('loaded', 'active', 'enabled') },
  { unit: 'linked', want: block('loaded', 'inactive', 'disabled') },
  { unit: 'no-such-unit', want: block('not-found', 'inactive', '') },
  { unit: 'getty@tty1', want: block('not-found', 'inactive', '') },
])('systemctl show $unit', ({ unit, want }) => {
  it('answers like the Node stand-in', () => expect(fast('systemctl', units, [...P3, unit])).toEqual({ code: 0, stdout: `${want}\n`, stderr: '' }));
});

describe('systemctl show, several units and properties', () => {
  it('prints one block per unit in argument order, blank-line separated', () => {
    const r = fast('systemctl', units, [...P3, 'static', 'no-such-unit', 'sshd']);
    expect(r.stdout).toBe(`${block('loaded', 'inactive', 'static')}\n\n${block('not-found', 'inactive', '')}\n\n${block('loaded', 'active', 'enabled')}\n`);
  });
  it('prints the properties asked for, in their order', () => {
    expect(fast('systemctl', units, ['show', '-p', 'UnitFileState,LoadState', 'masked', 'live']).stdout).toBe('UnitFileState=masked\nLoadState=masked\n\nUnitFileState=enabled\nLoadState=loaded\n');
  });
});

describe.each([
  { why: 'another verb', args: ['is-active', 'live'] },
  { why: '--value', args: ['show', '--value', '-p', 'LoadState', 'live'] },
  { why: 'another property', args: ['show', '-p', 'LoadState,MainPID', 'live'] },
  { why: 'an empty property', args: ['show', '-p', 'LoadState,', 'live'] },
  { why: 'no unit', args: ['show', '-p', 'LoadState'] },
  { why: 'a path as unit', args: [...P3, '../live'] },
  { why: 'a flag among units', args: [...P3, 'live', '-q'] },
  { why: 'a dangling link', args: [...P3, 'dangling'] },
  { why: 'a link to a file with two names', args: [...P3, 'twin'] },
  { why: 'a link to a link', args: [...P3, 'hop-2'] },
  { why: 'a state writeState never writes', args: [...P3, 'odd-state'] },
  { why: 'a state file with more than the JSON', args: [...P3, 'newline-state'] },
  { why: 'WantedBy= holding a Unicode space', args: [...P3, 'nbsp'] },
  { why: 'a drop-in that is a directory', args: [...P3, 'dir-dropin'] },
  { why: 'one unsure unit among sure ones', args: [...P3, 'live', 'dangling'] },
])('systemctl: $why', ({ args }) => {
  it('defers to the Node stand-in (status 1, nothing printed)', () => expect(fast('systemctl', units, args)).toEqual({ code: 1, stdout: '', stderr: '' }));
});

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
  for (const p of ['sysctl', 'systemctl']) writeFileSync(join(pkg, `standins/fast/${p}.bash`), readFileSync(join(ASSETS, 'fast', `${p}.bash`)));
  const run = (prog: string, args: string[], env: Record<string, string> = {}) => {
    const shim = join(pkg, prog);
    writeFileSync(shim, shimScript(prog, 'fake.mjs').replaceAll(IN_HOST_STANDINS, join(pkg, 'standins')), { mode: 0o755 });
    return spawnSync(shim, args, { encoding: 'utf8', env: { PATH: '/usr/bin:/bin', ...env } }).stdout;
  };
  const forward = readFileSync('/proc/sys/net/ipv4/ip_forward', 'utf8').trim();

  it('answers a fast query in the shell', () => expect(run('sysctl', ['-n', 'net.ipv4.ip_forward'])).toBe(`${forward}\n`));
  it('sends the same query to Node when LAB_NO_FAST_PATH=1', () => expect(run('sysctl', ['-n', 'net.ipv4.ip_forward'], { LAB_NO_FAST_PATH: '1' })).toBe('node -n net.ipv4.ip_forward\n'));
  it('sends what the fast path is unsure of to Node, arguments intact', () => expect(run('systemctl', ['is-active', 'x y'])).toBe('node is-active x y\n'));
});
