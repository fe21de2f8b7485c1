// Issue 8 item 8: a firewall change that would lock SSH out, and a network drop during the confirm window:
// the host rolls its firewall back by itself, stays reachable by a NEW connection, and the run reports it.
import { execa } from 'execa';
import { rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canRunLab, cli, labClient, labRequired, ROOT, sleep, skipLab, until } from './lab-support.js';
import { tempDir } from '../support/temp-dir.js';

const LAB = `ffw${process.pid % 1000}`;
const INV = resolve(ROOT, 'inventory/flat-bgp.yaml');
const HOST = 'k8s-vm-01';
const GW = '192.168.2.1';
const GUARD = '/run/provision/firewall';
const lab = labClient(LAB);
const ROLLBACK_S = 10;
const CONFIRM_S = 3;

if (labRequired && !canRunLab) describe('faults: firewall', () => it('needs root on Linux (PROVISION_LAB_REQUIRED=1)', () => expect.fail('not root on Linux')));

let dir = '';
const playbook = (name: string, params: string) => {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, `name: ${name}\nplays:\n  - name: firewall\n    hosts: all\n    tasks:\n      - firewall: { rollbackAfterSeconds: ${ROLLBACK_S}, confirmTimeoutSeconds: ${CONFIRM_S}${params} }\n`);
  return file;
};
async function run(file: string) {
  const started = Date.now();
  const r = await cli(['lab', 'run', '--name', LAB, '--', 'run', file, '-i', INV, '--json']);
  const json = JSON.parse(r.stdout) as { changed: number; failed: number; hosts: Record<string, { error?: string; changed: number }> };
  return { ...r, json, ms: Date.now() - started, ended: Date.now() };
}
const inHost = async (cmd: string) => (await lab.exec(HOST, cmd)).stdout;
/** The host's live table and persisted file, the rollback job and what the host says happened. */
const state = () => inHost(`nft list table inet provision 2>&1; echo ---; sha256sum /etc/provision/firewall.nft; echo ---; ls ${GUARD} | grep -v rolled-back; echo ---; ps -eo args | grep -c '[s]leep ${ROLLBACK_S}'`);
const newSsh = () => lab.ssh(HOST, 'echo new-connection-ok');

describe.skipIf(skipLab)('faults: firewall changes behind the dead man\'s switch (flat-bgp)', () => {
  let good = '';
  beforeAll(async () => {
    await lab.down();
    const up = await lab.up(INV);
    if (up.code !== 0) throw new Error(`lab up failed:\n${up.stdout}\n${up.stderr}`);
    dir = tempDir('provision-fw-');
    good = playbook('fw-good', '');
    const r = await run(good);
    if (r.code !== 0) throw new Error(`the good firewall did not converge:\n${r.stdout}\n${r.stderr}`);
  });
  afterAll(async () => {
    await lab.down();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('rules that drop SSH (sshPort 2222 while sshd listens on 22): the run reports it; the host rolls back and a new SSH works', async () => {
    const before = await state();
    expect(before).toContain('tcp dport 22 accept');
    const r = await run(playbook('fw-lockout', ', sshPort: 2222'));
    expect(r.code).toBe(1);
    expect(r.json.hosts[HOST]!.error).toMatch(/a new SSH connection failed after the change .*rolled back by the host/);
    // The lock-out was real: the kernel drops new connections to 22 right now. Checked first and with a short connect
    // timeout (a dropped SYN shows within it): the host rolls back ROLLBACK_S after arming, and on a loaded machine a
    // slower check let a retransmitted SYN in after the rollback.
    const checked = Date.now();
    const blocked = await execa('ip', ['netns', 'exec', `pl-${LAB}_laptop`, 'ssh', '-F', `/var/lib/provision-lab/${LAB}/ssh/ssh_config`, '-o', 'BatchMode=yes', '-o', 'ConnectTimeout=2', HOST, 'true'], { reject: false });
    const ended = Date.now();
    // ...and it ran while the lock-out was live: the lock-out table still in place, or rolled back only after the check
    // ended (the host's marker has whole seconds). One read of both, so no rollback slips in between.
    const [rolled, table] = (await inHost(`cat ${GUARD}/rolled-back 2>/dev/null; echo ---; nft list table inet provision`)).split('---\n') as [string, string];
    const when = `the check started ${checked - r.ended} ms after the run ended and took ${ended - checked} ms; host rolled back at: ${rolled.trim() || 'not yet'}`;
    expect(blocked.exitCode, when).not.toBe(0);
    if (rolled.trim()) expect(Date.parse(rolled.trim()) + 1000, `rolled back before the lock-out was checked: ${when}`).toBeGreaterThan(ended);
    else expect(table, when).toContain('tcp dport 2222 accept');
    // Within the window the host restores the previous table by itself; nobody connects to help it.
    await until('the host to roll back', async () => ((await inHost(`cat ${GUARD}/rolled-back 2>/dev/null`)) ? true : undefined), (ROLLBACK_S + 10) * 1000);
    const after = await state();
    expect(after).toBe(before);
    expect(after).not.toContain('2222');
    expect((await newSsh()).stdout).toBe('new-connection-ok');
    // The next run converges from there: the good rules are live, nothing to change.
    const again = await run(good);
    expect(again.code, again.stdout + again.stderr).toBe(0);
    expect(again.json.changed).toBe(0);
  });

  it('the network drops right after the apply, during the confirm window: the host rolls back by itself while cut off', async () => {
    const before = await state();
    // Inside the host: once the run's second connection (the confirming one) arrives, pull the link for longer than the window.
    const down = ROLLBACK_S + 6;
    const watcher = [
      'n=$(grep -c "Connection from" /var/log/sshd.log)',
      'until [ $(grep -c "Connection from" /var/log/sshd.log) -ge $((n + 2)) ]; do sleep 0.01; done',
      'ip link set eth0 down; date +%s.%N > /run/link-down',
      `sleep ${down}`,
      `ip link set eth0 up; ip route replace default via ${GW}; date +%s.%N > /run/link-up`,
    ].join('; ');
    expect((await lab.exec(HOST, `rm -f /run/link-down /run/link-up; setsid sh -c '${watcher}' </dev/null >/dev/null 2>&1 &`)).code).toBe(0);
    const r = await run(playbook('fw-extra', ', extraTcp: [9999]'));
    expect(r.code).toBe(1);
    // Usually the confirming handshake dies with the link; if it won the race, the disarm is what cannot get through
    // (it arrives after the link is back, finds the host already rolled back, and says so).
    expect(r.json.hosts[HOST]!.error).toMatch(/a new SSH connection failed after the change|the host already rolled the firewall back|connection lost/);
    expect(r.ms, r.stdout).toBeLessThan((down + 30) * 1000);
    expect(await inHost('cat /run/link-down')).not.toBe('');
    // Rolled back while the link was still down, then reachable again once it is up.
    await until('the link to come back', async () => ((await inHost('cat /run/link-up 2>/dev/null')) ? true : undefined), (down + 10) * 1000);
    const [rolledAt, upAt] = [await inHost(`date -d "$(cat ${GUARD}/rolled-back)" +%s`), await inHost('cut -d. -f1 /run/link-up')];
    expect(Number(rolledAt)).toBeGreaterThan(0);
    expect(Number(rolledAt)).toBeLessThanOrEqual(Number(upAt));
    const after = await state();
    expect(after).toBe(before);
    expect(after).not.toContain('9999');
    await until('a new SSH connection', async () => ((await newSsh()).stdout === 'new-connection-ok' ? true : undefined), 10_000);
    await sleep(100);
    const again = await run(good);
    expect(again.code, again.stdout + again.stderr).toBe(0);
  });
});
