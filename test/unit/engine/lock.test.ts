// The run lock, run by this machine's sh: a second run fails fast naming the holder; the lock dies with its owner.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LOCK_BUSY_EXIT, lockPrelude } from '../../../src/engine/lock.js';

const file = join(mkdtempSync(join(tmpdir(), 'provision-lock-')), 'provision.lock');
// A marker of its own: probes of labs running on this machine are machine processes too.
const script = (owner: string) => [`s() { printf '\\n@@M %s\\n' "$1"; }`, ...lockPrelude({ owner, file, watchParent: true, orphanMarker: `provision-become-ok-t${process.pid}x` })].join('\n');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('lockPrelude', () => {
  it('holds the lock while the owner lives, names the holder, and releases when the owner dies', async () => {
    // The "connection": a shell that runs the prelude, then lives for a while.
    const owner = spawn('sh', ['-c', `sh -c "$1"; exec sleep 30`, 'sh', script('alice@laptop pid 1')], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    owner.stdout.on('data', (d) => (out += d));
    for (let i = 0; i < 50 && !out.includes('lock.ok'); i++) await sleep(50);
    expect(out).toContain('lock.ok');

    const t0 = Date.now();
    const second = spawnSync('sh', ['-c', script('bob@other pid 2')], { encoding: 'utf8' });
    expect(second.status).toBe(LOCK_BUSY_EXIT);
    expect(second.stdout).toMatch(/lock\.busy\nalice@laptop pid 1 since \d{4}-\d\d-\d\dT/);
    expect(Date.now() - t0).toBeLessThan(5000);

    owner.kill('SIGKILL');
    await sleep(600);
    const third = spawnSync('sh', ['-c', `sh -c "$1"`, 'sh', script('carol@x pid 3')], { encoding: 'utf8' });
    expect(third.status).toBe(0);
    expect(third.stdout).toContain('lock.ok');
  });
});

describe('a command of an earlier run still running (hard quit)', () => {
  const marker = `provision-become-ok-test${process.pid}-`;
  const withMarker = (owner: string) => [`s() { printf '\\n@@M %s\\n' "$1"; }`, ...lockPrelude({ owner, file: `${file}.orphan`, watchParent: true, orphanMarker: marker })].join('\n');

  it('refuses the lock and names the leftover command; its own ancestors never count', async () => {
    // This run's own probe runs under a marked sudo: an ancestor, so the lock is taken.
    const self = spawnSync('sh', ['-c', `sh -c "$1" ${marker}self`, 'sh', withMarker('me')], { encoding: 'utf8' });
    expect(self.stdout).toContain('lock.ok');
    // An earlier run's command, still running after its connection died.
    // Like the sudo of a become'd command: it stays alive, marker in argv, while its child runs.
    const leftover = spawn('sh', ['-c', 'sleep 30; true', `${marker}earlier`], { stdio: 'ignore' });
    await sleep(100);
    try {
      const r = spawnSync('sh', ['-c', withMarker('me')], { encoding: 'utf8' });
      expect(r.status).toBe(LOCK_BUSY_EXIT);
      expect(r.stdout).toMatch(new RegExp(`lock\\.orphan\\npid ${leftover.pid}: `));
    } finally {
      leftover.kill('SIGKILL');
    }
    await sleep(100);
    expect(spawnSync('sh', ['-c', withMarker('me')], { encoding: 'utf8' }).stdout).toContain('lock.ok');
  });
});

describe('orphanMessage', () => {
  it('shows the pid and the command, not the sudo wrapper', async () => {
    const { orphanMessage } = await import('../../../src/engine/lock.js');
    const line = `pid 874: sudo -S -p [provision-sudo-c4] password:  -- sh -c printf '%s\\n' 'provision-become-ok-c4' >&2; exec "$@" sh sh -c out=$(kubeadm init --config "$1" --upload-certs 2>&1); rc=$?`;
    expect(orphanMessage(line)).toBe(`a command of an earlier provision run is still running on this host (pid 874: sh -c out=$(kubeadm init --config "$1" --upload-certs 2>&1); rc=$?): wait for it to finish (or stop it), then re-run`);
  });
});
