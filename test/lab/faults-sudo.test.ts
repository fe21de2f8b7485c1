// Issue 8 item 6: wrong, missing and expired sudo passwords through the real CLI; a canary password leaks nowhere.
// (transport-become.test.ts drives the transport API; this drives `provision run` end to end and searches the hosts.)
import { execa } from 'execa';
import { readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canRunLab, cli, labClient, labRequired, skipLab } from './lab-support.js';

const LAB = `fsu${process.pid % 1000}`;
const INV = 'inventory/flat-bgp.yaml';
const HOST = 'k8s-vm-01';
const PLAYBOOK = 'test/fixtures/playbooks/generic.yaml';
const CANARY = `Canary${process.pid}-Sud0pw`;
const lab = labClient(LAB);

if (labRequired && !canRunLab) describe('faults: sudo', () => it('needs root on Linux (PROVISION_LAB_REQUIRED=1)', () => expect.fail('not root on Linux')));

interface HostJson {
  changed: number;
  failed: number;
  error?: string;
}

/** `provision run --json` from the laptop with a given become password; polls the machine's process list meanwhile. */
async function runWith(password: string | undefined, flags: string[] = ['--json'], verb: string[] = ['run', PLAYBOOK]) {
  const env: Record<string, string> = { ...(process.env as Record<string, string>) };
  delete env.PROVISION_BECOME_PASSWORD;
  if (password !== undefined) env.PROVISION_BECOME_PASSWORD = password;
  let polling = true;
  const seen: string[] = [];
  const poll = (async () => {
    while (polling) {
      // Every lab host's processes are visible from the machine's PID namespace.
      const ps = await execa('ps', ['-eo', 'args'], { reject: false });
      for (const l of String(ps.stdout).split('\n')) if (l.includes(CANARY) || (password && l.includes(password))) seen.push(l);
      await new Promise((r) => setTimeout(r, 40));
    }
  })();
  const r = await cli(['lab', 'run', '--name', LAB, '--', ...verb, '-i', INV, ...flags], { env });
  polling = false;
  await poll;
  return { ...r, psHits: seen };
}

function hostOf(stdout: string): HostJson {
  const json = JSON.parse(stdout) as { hosts: Record<string, HostJson> };
  return json.hosts[HOST]!;
}

/** Files the lab keeps on the machine for this lab, searched for a string: every host's private writes and console log. */
async function grepLabFiles(needle: string): Promise<string> {
  const dir = `/var/lib/provision-lab/${LAB}`;
  const hostDirs = readdirSync(`${dir}/hosts`).map((h) => `${dir}/hosts/${h}`);
  // upper/ is everything the host wrote (its /var/log, /etc, /root; /tmp and /run are tmpfs, searched inside the host); not root/ (the overlay mount point).
  const targets = [...hostDirs.flatMap((h) => [`${h}/upper`, `${h}/console.log`]), `${dir}/state.json`, `${dir}/home`];
  const r = await execa('grep', ['-rlaF', '--', needle, ...targets], { reject: false });
  return String(r.stdout);
}

/** Inside the host: its logs, /tmp and /run (tmpfs, not in upper/), and every process's command line and environment. */
async function grepInHost(needle: string) {
  // The needle comes on stdin, so that the search itself has it in no command line.
  const script = 'read -r n; grep -rlaF -- "$n" /var/log /tmp /run /home 2>/dev/null; for p in /proc/[0-9]*; do [ "${p#/proc/}" = $$ ] && continue; cat $p/cmdline $p/environ 2>/dev/null | grep -qaF -- "$n" && echo "proc $p: $(tr "\\0" " " < $p/cmdline)"; done; true';
  return lab.exec(HOST, script, `${needle}\n`);
}

describe.skipIf(skipLab)('faults: sudo passwords (flat-bgp, login user needs a password)', () => {
  beforeAll(async () => {
    await lab.down();
    const env = { ...(process.env as Record<string, string>), PROVISION_BECOME_PASSWORD: CANARY };
    const up = await cli(['lab', 'up', '-i', INV, '--name', LAB, '--sudo-password'], { env });
    if (up.code !== 0) throw new Error(`lab up failed:\n${up.stdout}\n${up.stderr}`);
  });
  afterAll(async () => {
    await lab.down();
  });

  it('the right password converges the host (sudo really asked for it)', async () => {
    const r = await runWith(CANARY);
    expect(r.code, r.stderr).toBe(0);
    expect(hostOf(r.stdout)).toMatchObject({ failed: 0 });
    expect(hostOf(r.stdout).changed).toBeGreaterThan(0);
    expect((await lab.exec(HOST, 'cat /etc/motd')).stdout).toContain('provisioned by provision');
    // The login user cannot sudo without the password: the run above really answered sudo's prompt.
    expect((await lab.exec(HOST, 'su ubuntu -s /bin/sh -c "sudo -n true" 2>&1; echo "rc=$?"')).stdout).toMatch(/password is required[\s\S]*rc=1/);
    expect(r.stdout + r.stderr).not.toContain(CANARY);
    expect(r.psHits).toEqual([]);
  });

  it('a re-run sends its probe on stdin after the password: sudo logs one short line per command, none of the probe', async () => {
    const since = (await lab.exec(HOST, 'date +%s')).stdout.trim();
    const r = await runWith(CANARY);
    expect(r.code, r.stderr).toBe(0);
    expect(hostOf(r.stdout)).toMatchObject({ failed: 0, changed: 0 });
    const log = (await lab.exec(HOST, `journalctl -o cat _COMM=sudo --since @${since} | grep -F 'COMMAND='`)).stdout;
    const lines = log.split('\n').filter(Boolean);
    // sudo splits a command line over ~1 KB into "(command continued)" records: the 19 KB probe made ~20 a host.
    expect(lines.some((l) => l.includes('# provision script on stdin: M=@@provision-')), log).toBe(true);
    expect(log).not.toContain('command continued');
    expect(log).not.toContain('s base.routes');
    for (const l of lines) expect(l.length, l).toBeLessThan(1200);
  });

  it.each([
    { what: 'wrong', password: `Wr0ng-${CANARY}`, message: /sudo rejected the become password/, kind: 'Sorry, try again' },
    // Without a password provision runs `sudo -n`: sudo says so itself, and never reads stdin as a password.
    { what: 'missing', password: undefined, message: /sudo needs a password and none was given/, kind: 'sudo: a password is required' },
  ])('a $what password fails the host with its own error, changes nothing, shows no password', async ({ password, message, kind }) => {
    const before = (await lab.exec(HOST, 'sha256sum /etc/motd /etc/provision-test/*; ls /var/lib/provision-test-handler')).stdout;
    const r = await runWith(password);
    expect(r.code).toBe(1);
    const h = hostOf(r.stdout);
    expect(h.failed).toBe(1);
    expect(h.error).toMatch(message);
    expect(h.error).toContain(kind);
    const plain = await runWith(password, []);
    expect(plain.code).toBe(1);
    expect(plain.stdout + plain.stderr).toMatch(message);
    for (const out of [r, plain]) {
      expect(out.stdout + out.stderr).not.toContain(CANARY);
      expect(out.psHits).toEqual([]);
    }
    expect((await lab.exec(HOST, 'sha256sum /etc/motd /etc/provision-test/*; ls /var/lib/provision-test-handler')).stdout).toBe(before);
  });

  it('provision ping says what sudo needs: no password fails the host with its own error, the right one answers as root', async () => {
    const none = await runWith(undefined, ['--json'], ['ping']);
    expect(none.code).toBe(1);
    expect(hostOf(none.stdout)).toMatchObject({ ok: false, unreachable: false, error: expect.stringMatching(/sudo needs a password and none was given/) });
    const right = await runWith(CANARY, ['--json'], ['ping']);
    expect(right.code, right.stderr).toBe(0);
    expect(hostOf(right.stdout)).toEqual({ ok: true, hostname: HOST, sudoUser: 'ubuntu', ms: expect.any(Number) });
    for (const out of [none, right]) {
      expect(out.stdout + out.stderr).not.toContain(CANARY);
      expect(out.psHits).toEqual([]);
    }
  });

  it('an expired password (chage -d 0) is reported as expired, fast, not a hang on passwd\'s prompt', async () => {
    expect((await lab.exec(HOST, 'chage -d 0 ubuntu')).code).toBe(0);
    const started = Date.now();
    const r = await runWith(CANARY);
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(r.code).toBe(1);
    const h = hostOf(r.stdout);
    expect(h.error).toMatch(/the account's password has expired, sudo will not run/);
    expect(h.error).toContain('Account or password is expired');
    expect(r.stdout + r.stderr).not.toContain(CANARY);
    expect(r.psHits).toEqual([]);
    // No sudo or passwd left waiting inside the host.
    const ps = await lab.exec(HOST, 'ps -eo comm');
    expect(ps.stdout.split('\n').filter((c) => ['sudo', 'passwd'].includes(c.trim()))).toEqual([]);
    // The password itself was not changed by sudo's forced passwd.
    expect((await lab.exec(HOST, 'chage -l ubuntu | head -1')).stdout).toMatch(/password must be changed/);
  });

  it('after all of that, the canary is in no host log, file, process list or lab console log', async () => {
    for (const needle of [CANARY, `Wr0ng-${CANARY}`]) {
      expect(await grepLabFiles(needle)).toBe('');
      const inside = await grepInHost(needle);
      expect(inside.code).toBe(0);
      expect(inside.stdout).toBe('');
    }
    // The search works: a string the host did write is found by the same search.
    await lab.exec(HOST, `echo ${CANARY.toLowerCase()}-probe >> /var/log/probe.log`);
    expect(await grepLabFiles(`${CANARY.toLowerCase()}-probe`)).toContain('/upper/var/log/probe.log');
    expect((await grepInHost(`${CANARY.toLowerCase()}-probe`)).stdout).toContain('/var/log/probe.log');
  });
});
