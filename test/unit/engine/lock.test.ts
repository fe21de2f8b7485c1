// The run lock, run by this machine's sh: the probe's checks (builtins) and the hold before a first change; a second
// run fails fast naming the holder; the lock dies with its owner; a plan made before another run's change is refused.
import { spawn } from 'node:child_process';
import { execa } from 'execa';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LOCK_BUSY_EXIT, holdLockLines, probeLockLines } from '../../../src/engine/lock.js';
import { tempDir } from '../../support/temp-dir.js';

const file = join(tempDir('provision-lock-'), 'provision.lock');
const S = `s() { printf '\\n@@M %s\\n' "$1"; }`;
// A marker of its own: probes of labs running on this machine are machine processes too.
const orphanMarker = `provision-become-ok-t${process.pid}x`;
const probe = (f = file) => [S, ...probeLockLines({ file: f, orphanMarker })].join('\n');
const hold = (owner: string, seen: string, mine: string, f = file) => [S, ...holdLockLines({ owner, file: f, seen, mine, watchParent: true })].join('\n');
/** sh -c SCRIPT ARGS..., awaited (never blocking the test worker): exit status and output. */
const sh = async (script: string, ...args: string[]) => {
  const r = await execa('sh', ['-c', script, ...args], { reject: false });
  return { status: r.exitCode, stdout: String(r.stdout), stderr: String(r.stderr) };
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const section = (out: string, name: string) => new RegExp(`@@M ${name.replace('.', '\\.')}\\n([^\\n]*)`).exec(out)?.[1];

describe('the run lock', () => {
  it('a probe starts no process: it reads the generation and takes nothing', async () => {
    const t = await execa('strace', ['-f', '-e', 'trace=execve,clone,clone3,fork,vfork', '-qq', 'sh', '-c', probe(`${file}.np`)], { reject: false });
    if (t.failed && t.exitCode === undefined) return; // no strace here: the lab's process count still measures it
    const r = { status: t.exitCode, stdout: String(t.stdout), stderr: String(t.stderr) };
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('lock.ok');
    expect(r.stderr.split('\n').filter((l) => /execve|clone|fork/.test(l) && !/execve\("\/(usr\/)?bin\/sh"/.test(l))).toEqual([]);
  });

  it('holds from the first change while the owner lives, names the holder to probes and holds, and releases when the owner dies', async () => {
    expect(section((await sh(probe())).stdout, 'lock.gen')).toBe('');
    // The "connection": a shell that runs the hold, then lives for a while.
    const owner = spawn('sh', ['-c', `sh -c "$1"; exec sleep 30`, 'sh', hold('alice@laptop pid 1', '', 'gen-a')], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    owner.stdout.on('data', (d) => (out += d));
    for (let i = 0; i < 50 && !out.includes('lock.ok'); i++) await sleep(50);
    expect(out).toContain('lock.ok');
    expect(readFileSync(`${file}.gen`, 'utf8')).toBe('gen-a\n');

    // A second run's probe fails fast, with no process of its own, naming the holder.
    const t0 = Date.now();
    const second = await sh(probe());
    expect(second.status).toBe(LOCK_BUSY_EXIT);
    expect(second.stdout).toMatch(/lock\.busy\nalice@laptop pid 1 since \d{4}-\d\d-\d\dT.* \(holder pid \d+\)/);
    // So does its hold (a probe made before the first run took the lock): after the flock's wait, not longer.
    const secondHold = await sh(hold('bob@other pid 2', 'gen-a', 'gen-b'));
    expect(secondHold.status).toBe(LOCK_BUSY_EXIT);
    expect(secondHold.stdout).toMatch(/lock\.busy\nalice@laptop pid 1 since /);
    expect(Date.now() - t0).toBeLessThan(8000);

    owner.kill('SIGKILL');
    for (let i = 0; i < 50 && (await sh(probe())).status !== 0; i++) await sleep(100);
    const third = await sh(probe());
    expect(third.status).toBe(0);
    expect(section(third.stdout, 'lock.gen')).toBe('gen-a');
  });

  it('refuses a hold whose plan is older than another run\'s change; accepts none or its own generation', async () => {
    const f = `${file}.gen-test`;
    const run = async (owner: string, seen: string, mine: string) => {
      // Each hold in a shell that then ends: its holder goes with it.
      const r = await sh(`sh -c "$1"`, 'sh', hold(owner, seen, mine, f));
      for (let i = 0; i < 50 && (await sh(probe(f))).status !== 0; i++) await sleep(100);
      return r;
    };
    expect((await run('a', '', 'gen-a')).stdout).toContain('lock.ok');
    // b read the host before a changed it: stale.
    const stale = await run('b', '', 'gen-b');
    expect(stale.status).toBe(LOCK_BUSY_EXIT);
    expect(stale.stdout).toMatch(/lock\.moved\ngen-a/);
    expect(readFileSync(`${f}.gen`, 'utf8')).toBe('gen-a\n');
    // b read it after: fine. a again (its own generation, e.g. after a reboot that kept /run/lock): fine.
    expect((await run('b', 'gen-a', 'gen-b')).stdout).toContain('lock.ok');
    expect((await run('b', '', 'gen-b')).stdout).toContain('lock.ok');
    expect(() => holdLockLines({ owner: 'x', seen: "'; reboot; '", mine: 'g' })).toThrow(/letters, digits/);
  });
});

describe('a command of an earlier run still running (hard quit)', () => {
  const marker = `provision-become-ok-test${process.pid}-`;
  const withMarker = (_who?: string) => [S, ...probeLockLines({ file: `${file}.orphan`, orphanMarker: marker })].join('\n');

  it('refuses the lock and names the leftover command; its own ancestors never count', async () => {
    // This run's own probe runs under a marked sudo: an ancestor, so the lock is taken.
    const self = await sh(`sh -c "$1" ${marker}self`, 'sh', withMarker('me'));
    expect(self.stdout).toContain('lock.ok');
    // An earlier run's command, still running after its connection died.
    // Like the sudo of a become'd command: it stays alive, marker in argv, while its child runs.
    const leftover = spawn('sh', ['-c', 'sleep 30; true', `${marker}earlier`], { stdio: 'ignore' });
    await sleep(100);
    try {
      const r = await sh(withMarker('me'));
      expect(r.status).toBe(LOCK_BUSY_EXIT);
      expect(r.stdout).toMatch(new RegExp(`lock\\.orphan\\npid ${leftover.pid}: `));
    } finally {
      leftover.kill('SIGKILL');
    }
    await sleep(100);
    expect((await sh(withMarker('me'))).stdout).toContain('lock.ok');
  });

  it('under a wrapper that names its own marker, its processes are its own by that marker: no walk up /proc', async () => {
    // As transport/become.ts runs a script: the marker in P_become, and in the wrapper's command line; an outer shell
    // that forks (not execs) carries it too, two levels up.
    const mine = `${marker}mine`;
    const script = `P_become='${mine}'\n${withMarker()}`;
    const outer = `sh -c "$1" ${mine}outer; exit $?`; // a marked ancestor above the parent: skipped by the marker, not by pid
    const traced = await execa('strace', ['-f', '-qq', '-e', 'trace=openat', '-o', `${file}.own.strace`, 'sh', '-c', outer, 'sh', script], { reject: false });
    if (traced.failed && traced.exitCode === undefined) return; // no strace here
    expect(String(traced.stdout)).toContain('lock.ok');
    expect(readFileSync(`${file}.own.strace`, 'utf8')).not.toMatch(/\/proc\/\d+\/stat"/);
    // Another run's command (another marker) is still found.
    const leftover = spawn('sh', ['-c', 'sleep 30; true', `${marker}other`], { stdio: 'ignore' });
    await sleep(100);
    try {
      const r = await sh(outer, 'sh', script);
      expect(r.status, JSON.stringify(r)).toBe(LOCK_BUSY_EXIT);
      expect(r.stdout).toMatch(new RegExp(`lock\\.orphan\\npid ${leftover.pid}: `));
    } finally {
      leftover.kill('SIGKILL');
    }
  });
});

describe('orphanMessage', () => {
  it('shows the pid and the command, not the sudo wrapper', async () => {
    const { orphanMessage } = await import('../../../src/engine/lock.js');
    const line = `pid 874: sudo -S -p [provision-sudo-c4] password:  -- sh -c printf '%s\\n' 'provision-become-ok-c4' >&2; exec "$@" sh sh -c out=$(kubeadm init --config "$1" --upload-certs 2>&1); rc=$?`;
    expect(orphanMessage(line)).toBe(`a command of an earlier provision run is still running on this host (pid 874: sh -c out=$(kubeadm init --config "$1" --upload-certs 2>&1); rc=$?): wait for it to finish (or stop it), then re-run`);
  });

  it('shows a script run in the marker\'s own shell by its text, as the host lists it (NULs and newlines as spaces)', async () => {
    const { orphanMessage } = await import('../../../src/engine/lock.js');
    const { wrapSudo } = await import('../../../src/transport/become.js');
    const argv = wrapSudo({ argv: ['sh', '-c', 'systemctl restart kubelet\nsleep 1'] }, { prompt: '[p] password: ', marker: 'provision-become-ok-c5' }).command.argv;
    const line = `pid 875: ${argv.join('\0').replace(/[\0\n]/g, ' ')}`;
    expect(orphanMessage(line)).toContain('(pid 875: systemctl restart kubelet sleep 1 }; exit $?)');
  });

  it('shows a long script sent on stdin by the first line its argv keeps', async () => {
    const { orphanMessage } = await import('../../../src/engine/lock.js');
    const { wrapSudo, STDIN_SCRIPT_MIN } = await import('../../../src/transport/become.js');
    const script = `out=$(kubeadm upgrade apply v1.33.1 --yes 2>&1); rc=$?\n${': filler\n'.repeat(STDIN_SCRIPT_MIN / 8)}`;
    const argv = wrapSudo({ argv: ['sh', '-c', script] }, { marker: 'provision-become-ok-c6' }, { password: false }).command.argv;
    const line = `pid 876: ${argv.join('\0').replace(/[\0\n]/g, ' ')}`;
    expect(orphanMessage(line)).toContain('(pid 876: out=$(kubeadm upgrade apply v1.33.1 --yes 2>&1); rc=$? …)');
  });
});
