// The dead man's switch commands and the nft file: the properties that keep an operator from being locked out.
import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { armCommand, applyCommand, disarmCommand, stopJobScript } from '../../../../../src/modules/cluster/host-setup/firewall-guard.js';
import { liveFingerprint, renderNftRuleset, rulesFingerprint } from '../../../../../src/cluster/nft-ruleset.js';
import { firewallRules } from '../../../../../src/cluster/firewall-rules.js';
import { fakeInventory, hostOf } from '../../../../support/fake-inventory.js';
import { tempDir } from '../../../../support/temp-dir.js';

const execFileP = promisify(execFile);
const script = (c: { argv: string[] }) => c.argv[2]!;

describe('firewall guard', () => {
  it.each([
    ['saves the live table (or none) into an atomic rollback file', /\{ echo 'table inet provision \{\}'; echo 'delete table inet provision'; nft list table inet provision 2>\/dev\/null \|\| true; \} > \/run\/provision\/firewall\/rollback\.nft/],
    ['detaches the job from the SSH session', /setsid nohup sh -c '.*sleep 45; nft -f \/run\/provision\/firewall\/rollback\.nft.*' <\/dev\/null >\/dev\/null 2>&1 &/],
    ['waits until the job recorded its pid', /while \[ ! -s \/run\/provision\/firewall\/job\.pid \]/],
    ['kills a job left by an interrupted run first', /g=\$\(cat \/run\/provision\/firewall\/job\.pid\); kill -TERM -"\$g"/],
  ])('arm %s', (_name, re) => {
    const c = armCommand({ rollbackAfterSeconds: 45 });
    expect(c.sudo).toBe(true);
    expect(script(c)).toMatch(re);
  });
  it('never flushes the whole ruleset', () => {
    const all = [script(armCommand({ rollbackAfterSeconds: 60 })), applyCommand().argv.join(' '), script(disarmCommand({ persist: true }))].join('\n');
    expect(all).not.toMatch(/flush ruleset|systemctl (re)?start|systemctl restart/);
  });
  it.each([
    [true, /systemctl enable nftables/],
    [false, /^(?![\s\S]*systemctl)/],
  ])('disarm persist=%s', (persist, re) => {
    const s = script(disarmCommand({ persist }));
    expect(s).toContain(stopJobScript());
    expect(s).toMatch(/if \[ -f \/run\/provision\/firewall\/rolled-back \]; then .* exit 1; fi/);
    expect(s).toMatch(/mv -f \/etc\/provision\/firewall\.candidate\.nft \/etc\/provision\/firewall\.nft/);
    expect(s).toMatch(re);
  });
});

/** Processes of a process group that are not zombies (the machine's init may reap late). */
function liveMembers(pgid: number): number[] {
  return readdirSync('/proc').filter((d) => /^\d+$/.test(d)).flatMap((pid) => {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      return Number(fields[2]) === pgid && fields[0] !== 'Z' ? [Number(pid)] : [];
    } catch {
      return [];
    }
  });
}

describe('stopping the rollback job, run by the system sh (dash on Debian)', () => {
  // A real detached job in its own session, as arm starts it; the stop script must kill its whole group.
  it.each([['a live job', true], ['a job that already ended', false]])('%s: the group is gone and the pid file removed', async (_name, live) => {
    const dir = tempDir('provision-guard-');
    const pidFile = join(dir, 'job.pid');
    // Started from a shell that exits at once, so the job is reparented (as on a host), not our zombie to reap.
    spawnSync('sh', ['-c', `setsid sh -c 'echo $$ > ${pidFile}; sleep 30' </dev/null >/dev/null 2>&1 &`]);
    for (let i = 0; i < 100 && !existsSync(pidFile); i++) await new Promise((r) => setTimeout(r, 20));
    const pgid = Number(readFileSync(pidFile, 'utf8'));
    if (!live) process.kill(-pgid, 'SIGKILL');
    const r = await execFileP('/bin/sh', ['-c', `set -e\n${stopJobScript(pidFile)}`]);
    expect(r.stderr).toBe('');
    expect(liveMembers(pgid)).toEqual([]);
    expect(existsSync(pidFile)).toBe(false);
    rmSync(dir, { recursive: true, force: true });
  });
});

describe('nft ruleset', () => {
  const inv = fakeInventory();
  const rules = firewallRules({ inventory: inv, host: hostOf(inv, 'k8s-cp-01') });
  const text = renderNftRuleset(rules);
  it('is one atomic transaction that replaces only our table', () => {
    expect(text.split('\n').slice(2, 5)).toEqual(['table inet provision {}', 'delete table inet provision', 'table inet provision {']);
    expect(text).not.toMatch(/flush ruleset/);
  });
  it('accepts SSH before any role port, after established/lo/icmp', () => {
    const rulesOnly = text.split('\n').filter((l) => /accept/.test(l)).map((l) => l.trim());
    expect(rulesOnly.slice(0, 4)).toEqual(['ct state established,related accept', 'iif "lo" accept', 'meta l4proto { 1, 58 } accept comment "icmp, ipv6-icmp"', 'tcp dport 22 accept comment "ssh"']);
  });
  it('carries a fingerprint the probe can read back from nft list output', () => {
    expect(liveFingerprint(text)).toBe(rulesFingerprint(rules));
    const other = firewallRules({ inventory: inv, host: hostOf(inv, 'k8s-worker-01') });
    expect(rulesFingerprint(other)).not.toBe(rulesFingerprint(rules));
    expect(liveFingerprint('table inet filter {\n}\n')).toBeUndefined();
  });
});
