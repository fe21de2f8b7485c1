// Issue 19 item 5: facts and verify lint the network plan before connecting (the hosts' sshd logs prove it),
// and go ahead with --accept-lint as run/up/join do.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canRunLab, cli, labClient, labRequired, ROOT, skipLab, until } from './lab-support.js';
import { tempDir } from '../support/temp-dir.js';

const LAB = `i19l${process.pid % 1000}`;
const INV = resolve(ROOT, 'inventory/homelab.yaml');
const HOSTS = ['k8s-cp-01', 'k8s-worker-01'];
const lab = labClient(LAB);

if (labRequired && !canRunLab) describe('i19: facts/verify lint first', () => it('needs root on Linux (PROVISION_LAB_REQUIRED=1)', () => expect.fail('not root on Linux')));

/** The homelab with one network-plan error: the DHCP range now covers the hosts' addresses (dhcp-conflict). */
const BAD = readFileSync(INV, 'utf8').replace(/dhcp: [^\s#]+/, 'dhcp: 192.168.1.40-192.168.1.60');

const sshdLog = (host: string) => {
  try {
    return readFileSync(`/var/lib/provision-lab/${LAB}/hosts/${host}/upper/var/log/sshd.log`, 'utf8');
  } catch {
    return '';
  }
};
/** One "Connection from" line per TCP connection that reached the host's sshd (LogLevel VERBOSE). */
const connections = () => HOSTS.map((h) => (sshdLog(h).match(/Connection from /g) ?? []).length);
const run = (args: string[]) => cli(['lab', 'run', '--name', LAB, '--', ...args]);

describe.skipIf(skipLab)('i19: facts and verify lint the network plan before connecting (homelab)', () => {
  let dir = '';
  let bad = '';
  beforeAll(async () => {
    await lab.down();
    const up = await lab.up(INV);
    if (up.code !== 0) throw new Error(`lab up failed:\n${up.stdout}\n${up.stderr}`);
    // sshd starts a moment after the host boots (--ssh-down): wait until every host's sshd answers.
    await until('every sshd up', async () => ((await cli(['lab', 'status', '--name', LAB])).code === 0 ? true : undefined), 60_000);
    dir = tempDir('provision-i19-');
    bad = join(dir, 'dhcp-conflict.yaml');
    writeFileSync(bad, BAD);
  });
  afterAll(async () => {
    await lab.down();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('the counter works: facts on the good inventory reaches every host', async () => {
    const before = connections();
    const r = await run(['facts', '-i', INV, '--json']);
    expect(r.code, r.stderr).toBe(0);
    connections().forEach((n, i) => expect(n, HOSTS[i]).toBeGreaterThan(before[i]!));
  });

  it.each(['facts', 'verify'])('%s stops on the lint error with its position, and no host is contacted', async (verb) => {
    const before = connections();
    const r = await run([verb, '-i', bad]);
    expect(r.code, r.stdout + r.stderr).toBe(1);
    expect(r.stderr).toMatch(/dhcp-conflict\.yaml:\d+:\d+: error dhcp-conflict: /);
    expect(r.stderr).toMatch(/--accept-lint dhcp-conflict/);
    expect(connections()).toEqual(before);
  });

  it('facts --accept-lint dhcp-conflict warns and reads every host', async () => {
    const before = connections();
    const r = await run(['facts', '-i', bad, '--accept-lint', 'dhcp-conflict', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/warning dhcp-conflict: .*accepted with --accept-lint/);
    expect(Object.keys((JSON.parse(r.stdout) as { hosts: object }).hosts).sort()).toEqual(HOSTS);
    connections().forEach((n, i) => expect(n, HOSTS[i]).toBeGreaterThan(before[i]!));
  });
});
