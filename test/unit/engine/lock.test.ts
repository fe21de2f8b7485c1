// The run lock, run by this machine's sh: a second run fails fast naming the holder; the lock dies with its owner.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LOCK_BUSY_EXIT, lockPrelude } from '../../../src/engine/lock.js';

const file = join(mkdtempSync(join(tmpdir(), 'provision-lock-')), 'provision.lock');
const script = (owner: string) => [`s() { printf '\\n@@M %s\\n' "$1"; }`, ...lockPrelude({ owner, file, watchParent: true })].join('\n');
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
