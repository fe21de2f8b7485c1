// Lab test: on a real-systemd host the sysctl stand-in's bash fast path (`sysctl -n KEY...`, what the probe asks on
// every run) prints what the Node stand-in prints, with the same status, and starts no process when it answers.
import { execa } from 'execa';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { leaderPid, nspawnExecArgv } from '../../src/lab/nspawn-runtime.js';
import { canRunLab, labClient, leftovers, skipLab } from './lab-support.js';
import { tempDir } from '../support/temp-dir.js';

const NAME = `t-sfp${process.pid % 1000}`;
const HOST = 'k8s-cp-01';
const lab = labClient(NAME);
const trace = join(tempDir('provision-sfp-'), 'execve.trace');
afterAll(() => rmSync(join(trace, '..'), { recursive: true, force: true }));

/**
 * Runs argv in the host as root under the machine's strace (the host has none): stdout, status, the programs exec'd
 * inside the host (after the entering `env`), and how many of them were Node.
 */
async function traced(argv: string[], env: Record<string, string>) {
  const leader = leaderPid({ dir: `/var/lib/provision-lab/${NAME}` }, HOST);
  if (!leader) throw new Error(`${HOST} is not running`);
  const r = await execa('strace', ['-f', '-qq', '-e', 'trace=execve', '-o', trace, ...nspawnExecArgv(leader, argv, env)], { reject: false, stripFinalNewline: false });
  const ok = readFileSync(trace, 'utf8').split('\n').filter((l) => /execve\("/.test(l) && /\) = 0$/.test(l)).map((l) => /execve\("([^"]+)"/.exec(l)![1]!);
  const inside = ok.slice(ok.indexOf('/usr/bin/env') + 1);
  return { stdout: String(r.stdout), code: r.exitCode, execs: inside.length, node: inside.filter((p) => p === '/usr/bin/node').length };
}

/** Asserts: same stdout and status both ways; Node always started with LAB_NO_FAST_PATH=1; the fast path started nothing when it should answer. */
async function expectSame(keys: string[], answeredInShell: boolean) {
  const argv = ['sysctl', '-n', ...keys];
  const fast = await traced(argv, {});
  const slow = await traced(argv, { LAB_NO_FAST_PATH: '1' });
  expect(fast.stdout).toBe(slow.stdout);
  expect(fast.code).toBe(slow.code);
  expect(slow.node).toBe(1);
  if (answeredInShell) expect(fast).toMatchObject({ execs: 1, node: 0 });
  else expect(fast.node).toBe(1);
  return fast;
}

describe.skipIf(skipLab)('lab: the sysctl fast path answers like the Node stand-in (nspawn host)', () => {
  beforeAll(async () => {
    await lab.down();
    const up = await lab.up('inventory/homelab.yaml');
    expect(up.code, up.stdout + up.stderr).toBe(0);
  });
  afterAll(async () => {
    if (canRunLab) await lab.down();
  });

  it('runs as root on Linux (fails here when PROVISION_LAB_REQUIRED=1 and not root)', () => {
    expect(canRunLab).toBe(true);
  });

  const sysctls = [
    { key: 'net.ipv4.ip_forward', fast: true },
    { key: 'net.bridge.bridge-nf-call-iptables', fast: true },
    { key: 'kernel.pid_max', fast: true },
    { key: 'vm.swappiness', fast: true },
    { key: 'net.bridge.fp-made-up', fast: false },
    { key: 'kernel.fp_no_such_key', fast: false },
    { key: 'net.ipv4.ip_local_port_range', fast: false },
  ];
  it.each(sysctls)('sysctl -n $key, nothing recorded (fast: $fast)', async ({ key, fast }) => {
    await expectSame([key], fast);
  });

  it("answers the probe's call for several keys at once", async () => {
    const r = await expectSame(['net.ipv4.ip_forward', 'kernel.pid_max', 'vm.swappiness'], true);
    expect(r.stdout.split('\n')).toHaveLength(4);
  });

  it('sysctl -n after writes: recorded keys, and bridge keys once br_netfilter is recorded', async () => {
    const w = await lab.exec(HOST, 'sysctl -w vm.swappiness=7 kernel.panic=3 net.ipv4.ip_forward=1 >/dev/null && modprobe br_netfilter && sysctl -w net.bridge.fp-recorded=1 >/dev/null && echo ok');
    expect(w.stdout.trim(), w.stderr).toBe('ok');
    const recorded = [
      { key: 'vm.swappiness', fast: true, want: '7' },
      { key: 'kernel.panic', fast: true, want: '3' },
      { key: 'net.ipv4.ip_forward', fast: true, want: '1' },
      { key: 'net.bridge.fp-made-up', fast: true, want: '0' },
      { key: 'net.bridge.fp-recorded', fast: true, want: '1' },
      { key: 'kernel.fp_no_such_key', fast: false },
      { key: 'net.ipv4.ip_local_port_range', fast: false },
    ];
    for (const { key, fast, want } of recorded) {
      const r = await expectSame([key], fast);
      if (want) expect(r.stdout, key).toBe(`${want}\n`);
    }
  });

  it('answers the login user (not root) the same way', async () => {
    const cmd = 'sysctl -n kernel.pid_max vm.swappiness; sysctl -n vm.swappiness';
    const fast = await lab.ssh('pi@192.168.1.51', cmd);
    const slow = await lab.ssh('pi@192.168.1.51', `export LAB_NO_FAST_PATH=1; ${cmd}`);
    expect(fast.code, fast.stderr).toBe(0);
    expect(fast.stdout).toBe(slow.stdout);
    expect(fast.stdout).toMatch(/^\d+\n7\n7$/);
  });

  it('lab down leaves nothing', async () => {
    expect((await lab.down()).code).toBe(0);
    expect(await leftovers(NAME)).toEqual([]);
  });
});
