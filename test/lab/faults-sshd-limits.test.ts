// Issue 8 item 12: every sshd with `MaxStartups 2:100:2` and `MaxSessions 1`: a goldentooth run still converges
// through limited concurrency (one channel at a time per host) and handshake retries (startup slots held by others).
import { execa } from 'execa';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canRunLab, cli, labClient, labRequired, skipLab, until } from './lab-support.js';

const LAB = `fsl${process.pid % 1000}`;
const INV = 'inventory/goldentooth.yaml';
const ACCEPT = ['--accept-lint', 'metallb-unrouted,asn-reserved'];
const PLAYBOOK = 'test/fixtures/playbooks/generic.yaml';
const OPTIONS = ['MaxStartups 2:100:2', 'MaxSessions 1'];
const lab = labClient(LAB);

if (labRequired && !canRunLab) describe('faults: sshd limits', () => it('needs root on Linux (PROVISION_LAB_REQUIRED=1)', () => expect.fail('not root on Linux')));

interface Json {
  changed: number;
  failed: number;
  hosts: Record<string, { changed: number; failed: number; error?: string }>;
}

let hosts: Array<{ name: string; address: string }> = [];
const sshdLog = (h: string) => readFileSync(`/var/lib/provision-lab/${LAB}/hosts/${h}/upper/var/log/sshd.log`, 'utf8');
const count = (text: string, re: RegExp) => (text.match(re) ?? []).length;

async function run(): Promise<{ code: number; json: Json; stderr: string }> {
  const r = await cli(['lab', 'run', '--name', LAB, '--', 'run', PLAYBOOK, '-i', INV, ...ACCEPT, '--json']);
  try {
    return { code: r.code, json: JSON.parse(r.stdout) as Json, stderr: r.stderr };
  } catch {
    throw new Error(`--json stdout is not JSON (exit ${r.code}):\n${r.stdout}\n${r.stderr}`);
  }
}

/**
 * From the laptop namespace: two unauthenticated connections per host (banner received), so sshd's 2 startup slots are
 * full, held until a line arrives on stdin (at most maxMs).
 */
const HOLDER = `
const net = require('node:net');
const [maxMs, ...addrs] = process.argv.slice(1);
let pending = addrs.length * 2;
const socks = [];
let released = false;
const release = () => { if (released) return; released = true; socks.forEach((x) => x.destroy()); console.log('released'); process.exit(0); };
for (const a of addrs) for (let i = 0; i < 2; i++) {
  const s = net.connect(22, a);
  socks.push(s);
  s.once('data', () => { if (--pending === 0) { console.log('held'); setTimeout(release, Number(maxMs)); process.stdin.on('data', release); } });
  s.on('error', (e) => { console.error(a, e.message); process.exit(1); });
}
`;

describe.skipIf(skipLab)('faults: sshd with MaxStartups 2:100:2 and MaxSessions 1 (goldentooth, 13 hosts)', () => {
  beforeAll(async () => {
    await lab.down();
    const up = await lab.up(INV, OPTIONS.flatMap((o) => ['--sshd-option', o]));
    if (up.code !== 0) throw new Error(`lab up failed:\n${up.stdout}\n${up.stderr}`);
    const state = JSON.parse(readFileSync(`/var/lib/provision-lab/${LAB}/state.json`, 'utf8')) as { plan: { hosts: Array<{ name: string; address: string }> } };
    hosts = state.plan.hosts;
  });
  afterAll(async () => {
    await lab.down();
  });

  it('every host\'s running sshd has the limits', async () => {
    expect(hosts).toHaveLength(13);
    for (const h of hosts) {
      const t = await lab.exec(h.name, '/usr/sbin/sshd -T -f /etc/ssh/sshd_config -C user=pi,host=x,addr=10.4.0.1 | grep -E "^max(sessions|startups) "');
      expect(t.stdout.split('\n').sort(), h.name).toEqual(['maxsessions 1', 'maxstartups 2:100:2']);
    }
  });

  it('a run converges all 13 hosts through one channel at a time, one connection per host; the re-run changes nothing', async () => {
    const before = Object.fromEntries(hosts.map((h) => [h.name, sshdLog(h.name)]));
    const first = await run();
    expect(first.json.failed, JSON.stringify(first.json.hosts)).toBe(0);
    expect(first.code).toBe(0);
    for (const h of hosts) {
      expect(first.json.hosts[h.name]!.changed, h.name).toBeGreaterThan(0);
      const log = sshdLog(h.name).slice(before[h.name]!.length);
      expect(count(log, /Accepted publickey for pi/g), h.name).toBe(1);
      expect(count(log, /Starting session: command/g), h.name).toBeGreaterThan(1);
      const inside = await lab.exec(h.name, 'cat /etc/motd /etc/provision-test/line.conf; cat /proc/sys/net/ipv4/ip_forward');
      expect(inside.stdout, h.name).toBe('provisioned by provision\ngamma = 3\n1');
    }
    const again = await run();
    expect(again.code, again.stderr).toBe(0);
    expect(again.json).toMatchObject({ changed: 0, failed: 0 });
  });

  it('with both startup slots of every sshd held by another client, the handshakes are dropped, retried, and the run converges', async () => {
    await Promise.all(hosts.map((h) => lab.exec(h.name, 'rm -f /etc/motd')));
    const holder = execa('ip', ['netns', 'exec', `pl-${LAB}_laptop`, process.execPath, '-e', HOLDER, '60000', ...hosts.map((h) => h.address)], { reject: false });
    const held = new Promise<void>((resolve, reject) => {
      holder.stdout!.on('data', (d: Buffer) => String(d).includes('held') && resolve());
      void holder.then((r) => reject(new Error(`holder exited early: ${r.stderr}`)));
    });
    await held;
    const before = Object.fromEntries(hosts.map((h) => [h.name, sshdLog(h.name)]));
    const started = Date.now();
    const running = run();
    // The slots are released once every sshd has refused a handshake of the run (or 6 s after the first refusal, within
    // the run's 10 s connect deadline): a fixed hold raced the run's start-up, which on a loaded machine outlasted it.
    const refused = () => hosts.filter((h) => /past MaxStartups/.test(sshdLog(h.name).slice(before[h.name]!.length))).length;
    let firstRefusal: number | undefined;
    await until('the sshds to refuse the run\'s handshakes', async () => {
      const n = refused();
      if (n > 0) firstRefusal ??= Date.now();
      return n === hosts.length || (firstRefusal !== undefined && Date.now() - firstRefusal > 6000) ? true : undefined;
    }, 60_000);
    holder.stdin!.write('release\n');
    const r = await running;
    const took = Date.now() - started;
    const released = await holder;
    expect(released.stdout).toContain('released');
    expect(r.json.failed, JSON.stringify(r.json.hosts)).toBe(0);
    expect(r.code).toBe(0);
    let dropped = 0;
    let sample = '';
    for (const h of hosts) {
      const log = sshdLog(h.name).slice(before[h.name]!.length);
      sample ||= `${h.name} (run took ${took} ms):\n${log.split('\n').slice(0, 12).join('\n')}`;
      dropped += count(log, /past MaxStartups/g);
      expect(count(log, /Accepted publickey for pi/g), h.name).toBe(1);
      expect((await lab.exec(h.name, 'cat /etc/motd')).stdout, h.name).toBe('provisioned by provision');
    }
    expect(dropped, sample).toBeGreaterThanOrEqual(hosts.length); // sshd really refused provision's first handshakes
  });
});
