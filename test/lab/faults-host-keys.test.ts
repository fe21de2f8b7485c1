// Issue 8 item 7: changed host keys through the real CLI — of a ProxyJump hop (a bastion) and of the host behind it —
// are refused under strict and accept-new, naming who changed and the known_hosts line; nothing authenticates to the impostor.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canRunLab, cli, labClient, labRequired, ROOT, skipLab } from './lab-support.js';
import { tempDir } from '../support/temp-dir.js';

const LAB = `fhk${process.pid % 1000}`;
const HOP = 'k8s-cp-01';
const HOP_ADDR = '192.168.1.51';
const TARGET = 'k8s-worker-01';
const TARGET_ADDR = '192.168.1.52';
const PLAYBOOK = resolve(ROOT, 'test/fixtures/playbooks/generic.yaml');
const KNOWN = `/var/lib/provision-lab/${LAB}/ssh/known_hosts`;
const lab = labClient(LAB);

if (labRequired && !canRunLab) describe('faults: host keys', () => it('needs root on Linux (PROVISION_LAB_REQUIRED=1)', () => expect.fail('not root on Linux')));

let dir = '';
let inventory = '';
const sshdLog = (h: string) => readFileSync(`/var/lib/provision-lab/${LAB}/hosts/${h}/upper/var/log/sshd.log`, 'utf8');
const logs = () => ({ hop: sshdLog(HOP), target: sshdLog(TARGET) });
const since = (before: string, now: string) => now.slice(before.length);
const run = (extra: string[]) => cli(['lab', 'run', '--name', LAB, '--', 'run', PLAYBOOK, '-i', inventory, '--limit', TARGET, ...extra]);
const pubKey = async (h: string) => (await lab.exec(h, 'cut -d" " -f1,2 /etc/ssh/ssh_host_ed25519_key.pub')).stdout.trim();

/** A reinstalled host: a new host key, sshd restarted with it (lab reboot keeps what the host persisted). */
async function newHostKey(h: string): Promise<void> {
  const r = await lab.exec(h, "rm -f /etc/ssh/ssh_host_ed25519_key*; ssh-keygen -q -t ed25519 -N '' -f /etc/ssh/ssh_host_ed25519_key");
  expect(r.code, r.stderr).toBe(0);
  const rb = await cli(['lab', 'reboot', '--name', LAB, h]);
  expect(rb.code, rb.stderr).toBe(0);
}

describe.skipIf(skipLab)('faults: changed host keys, direct and through a ProxyJump hop (homelab)', () => {
  beforeAll(async () => {
    await lab.down();
    const up = await lab.up(resolve(ROOT, 'inventory/homelab.yaml'));
    if (up.code !== 0) throw new Error(`lab up failed:\n${up.stdout}\n${up.stderr}`);
    dir = tempDir('provision-jump-');
    inventory = join(dir, 'homelab-jump.yaml');
    const inv = readFileSync(resolve(ROOT, 'inventory/homelab.yaml'), 'utf8');
    const jumped = inv.replace(`  ${TARGET}:\n    address: ${TARGET_ADDR}\n`, `  ${TARGET}:\n    address: ${TARGET_ADDR}\n    ssh: { proxyJump: ${HOP} }\n`);
    expect(jumped).not.toBe(inv);
    writeFileSync(inventory, jumped);
  });
  afterAll(async () => {
    await lab.down();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('the target is reached through the hop (its sshd sees the hop\'s address, not the laptop\'s)', async () => {
    const before = logs();
    const r = await run(['--json']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const t = since(before.target, sshdLog(TARGET));
    expect(t).toMatch(new RegExp(`Accepted publickey for pi from ${HOP_ADDR.replace(/\./g, '\\.')} `));
    expect(t).not.toMatch(/from 192\.168\.1\.254 /);
    expect(since(before.hop, sshdLog(HOP))).toMatch(/Accepted publickey for pi from 192\.168\.1\.254 /);
    expect((await lab.exec(TARGET, 'cat /etc/motd')).stdout).toBe('provisioned by provision');
  });

  it.each(['strict', 'accept-new'])('the hop\'s key changed: refused under %s, naming the hop and the known_hosts line; no login anywhere', async (policy) => {
    if (policy === 'strict') await newHostKey(HOP);
    await lab.exec(TARGET, 'rm -f /etc/motd');
    const before = logs();
    const r = await run(['--host-keys', policy, '--json']);
    expect(r.code).toBe(1);
    const err = (JSON.parse(r.stdout) as { hosts: Record<string, { error: string; unreachable: boolean }> }).hosts[TARGET]!;
    expect(err.unreachable).toBe(true);
    expect(err.error).toContain(`${HOP} (ProxyJump hop for ${TARGET}): HOST KEY CHANGED for ${HOP_ADDR}`);
    expect(err.error).toContain(`${KNOWN}:1 pins a different ssh-ed25519 key`);
    expect(err.error).toContain(`ssh-keygen -R ${HOP_ADDR} -f ${KNOWN}`);
    // The key is checked before authenticating: the hop saw no login, the target no connection at all.
    expect(since(before.hop, sshdLog(HOP))).not.toMatch(/Accepted publickey/);
    expect(since(before.target, sshdLog(TARGET))).toBe('');
    expect((await lab.exec(TARGET, 'test -e /etc/motd && echo present || echo absent')).stdout).toBe('absent');
    // The pinned key is left alone (accept-new never replaces a key, it only adds unknown ones).
    expect(readFileSync(KNOWN, 'utf8')).not.toContain((await pubKey(HOP)).split(' ')[1]);
  });

  it('after the printed fix (ssh-keygen -R), strict still refuses the unknown hop; accept-new records its new key and converges', async () => {
    const fix = await execa('ssh-keygen', ['-R', HOP_ADDR, '-f', KNOWN], { reject: false });
    expect(fix.exitCode, fix.stderr).toBe(0);
    const strict = await run(['--host-keys', 'strict']);
    expect(strict.code).toBe(1);
    expect(strict.stdout + strict.stderr).toMatch(new RegExp(`${HOP} \\(ProxyJump hop for ${TARGET}\\).*(unknown|not in|no key)`, 'i'));
    const ok = await run(['--host-keys', 'accept-new', '--json']);
    expect(ok.code, ok.stdout + ok.stderr).toBe(0);
    expect(readFileSync(KNOWN, 'utf8')).toContain((await pubKey(HOP)).split(' ')[1]);
    expect((await lab.exec(TARGET, 'cat /etc/motd')).stdout).toBe('provisioned by provision');
  });

  it('the target\'s key changed behind a good hop: refused naming the target (not the hop), file and line', async () => {
    await newHostKey(TARGET);
    await lab.exec(TARGET, 'rm -f /etc/motd');
    for (const policy of ['strict', 'accept-new']) {
      const before = logs();
      const r = await run(['--host-keys', policy]);
      expect(r.code).toBe(1);
      const out = r.stdout + r.stderr;
      expect(out).toMatch(new RegExp(`${TARGET}: HOST KEY CHANGED for ${TARGET_ADDR.replace(/\./g, '\\.')}`));
      expect(out).not.toContain('ProxyJump hop for');
      expect(out).toMatch(new RegExp(`${KNOWN}:\\d+ pins a different ssh-ed25519 key`));
      expect(out).toContain(`ssh-keygen -R ${TARGET_ADDR} -f ${KNOWN}`);
      expect(since(before.target, sshdLog(TARGET))).not.toMatch(/Accepted publickey/);
    }
    expect((await lab.exec(TARGET, 'test -e /etc/motd && echo present || echo absent')).stdout).toBe('absent');
  });
});
