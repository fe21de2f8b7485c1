// Lab test: --persist (the connection keeper) against real sshd and systemd. A converged re-run within the persist
// time logs in nowhere and changes nothing; a run that changes a host takes its lock on a login of its own and leaves
// no holder behind; the keeper closes its connections and goes when the persist time has passed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { canRunLab, cli, labClient, skipLab, until } from './lab-support.js';

const NAME = `t-ps${process.pid % 1000}`;
const lab = labClient(NAME);
const INV = 'inventory/homelab.yaml';
const HOSTS = ['k8s-cp-01', 'k8s-worker-01'];
const SOCKET_DIR = `/var/lib/provision-lab/${NAME}/home/.cache/provision/keeper`;
/** The keeper's socket is named for the network namespace it dials from: the lab's laptop, not this machine's. */
const socketName = () => `keeper-net${statSync(`/run/netns/pl-${NAME}_laptop`).ino}.sock`;
const sockets = () => (existsSync(SOCKET_DIR) ? readdirSync(SOCKET_DIR).filter((f) => f.endsWith('.sock')) : []);

interface Json {
  changed: number;
  failed: number;
  hosts: Record<string, { changed: number; failed: number }>;
}
async function up(extra: string[]): Promise<Json> {
  const r = await cli(['lab', 'run', '--name', NAME, '--', 'up', '-i', INV, '--json', ...extra], { timeout: 600_000 });
  expect(r.code, r.stdout + r.stderr).toBe(0);
  return JSON.parse(r.stdout) as Json;
}
/** Logins sshd accepted on each host, from its log (`lab exec` itself is no login: it enters the host's namespaces). */
async function logins(): Promise<number[]> {
  return Promise.all(HOSTS.map(async (h) => Number((await lab.exec(h, 'grep -c "Accepted publickey" /var/log/sshd.log || true')).stdout.trim())));
}
/** The keeper's connections to port 22 (its local ports), seen from the laptop's namespace. */
async function keeperConnections(): Promise<string[]> {
  const r = await execa('ip', ['netns', 'exec', `pl-${NAME}_laptop`, 'ss', '-Htnp', 'state', 'established', '( dport = :22 )'], { reject: false });
  return String(r.stdout).split('\n').filter((l) => l.includes('"node"')).map((l) => l.trim().split(/\s+/)[2]!).sort();
}
const keeperPids = async () =>
  String((await execa('ps', ['-eo', 'pid,args'], { reject: false })).stdout)
    .split('\n')
    .filter((l) => l.includes('__keeper') && l.includes(SOCKET_DIR))
    .map((l) => Number(l.trim().split(' ')[0]));

describe.skipIf(skipLab)('lab: --persist keeps the connections between runs', () => {
  beforeAll(async () => {
    await lab.down();
    const r = await lab.up(INV);
    expect(r.code, r.stdout + r.stderr).toBe(0);
  });
  afterAll(async () => {
    if (canRunLab) await lab.down(); // kills what runs in the lab's namespaces, a keeper too
  });

  it('runs as root on Linux (fails here when PROVISION_LAB_REQUIRED=1 and not root)', () => {
    expect(canRunLab).toBe(true);
  });

  it('a converged re-run within the persist time logs in on no host and changes nothing', async () => {
    const first = await up(['--persist', '60']);
    expect(first.changed).toBeGreaterThan(0);
    // That up rebooted k8s-cp-01 (its Pi cgroup flags), and its kept connection died with the old boot: the keeper
    // holds one to the new boot all the same, so the next run logs in nowhere.
    expect(await keeperConnections()).toHaveLength(2);
    const afterFirst = await logins();
    expect(await up(['--persist', '60'])).toMatchObject({ changed: 0, failed: 0 });
    expect(await logins()).toEqual(afterFirst);
    expect(await keeperPids()).toHaveLength(1);
    expect(sockets()).toEqual([socketName()]);
    const held = await keeperConnections();
    expect(held).toHaveLength(2);
    const before = await logins();
    const again = await up(['--persist', '60']);
    expect(again).toMatchObject({ changed: 0, failed: 0 });
    expect(await keeperConnections()).toEqual(held);
    expect(await logins()).toEqual(before);
  });

  it('changes a host on a login of its own (its run lock), and leaves no lock holder behind', async () => {
    await lab.exec('k8s-worker-01', "sed -i '/k8s-api.home.arpa/d' /etc/hosts");
    const before = await logins();
    const r = await up(['--persist', '60']);
    expect(r.hosts['k8s-worker-01']).toMatchObject({ failed: 0 });
    expect(r.hosts['k8s-worker-01']!.changed).toBeGreaterThan(0);
    expect(r.hosts['k8s-cp-01']).toMatchObject({ changed: 0, failed: 0 });
    expect((await lab.exec('k8s-worker-01', 'grep -c k8s-api.home.arpa /etc/hosts')).stdout.trim()).toBe('1');
    // one login, on the host that changed: the lock is tied to a connection that ends with the run
    expect(await logins()).toEqual([before[0], before[1]! + 1]);
    await until('the lock holder to exit with its connection', async () => {
      const r2 = await lab.exec('k8s-worker-01', 'p=$(sed -n "s/.*holder pid \\([0-9]*\\)).*/\\1/p" /run/lock/provision.lock.holder); [ -n "$p" ] && [ -d /proc/$p ] && echo alive || echo gone');
      return r2.stdout.trim() === 'gone' ? true : undefined;
    });
    // and a run without --persist finds the lock free (its own connection, the keeper's still open)
    expect(await up([])).toMatchObject({ changed: 0, failed: 0 });
  });

  it('`persist` lists the kept connections, and `persist stop` closes them and ends the keeper', async () => {
    await up(['--persist', '60']);
    const r = await cli(['lab', 'run', '--name', NAME, '--', 'persist', '--json']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout) as { keeper: { pid: number }; connections: Array<{ host: string; closesInMs: number; running: number }> };
    expect([doc.keeper.pid]).toEqual(await keeperPids());
    expect(doc.connections.map((c) => c.host).sort()).toEqual(HOSTS);
    for (const c of doc.connections) expect(c).toMatchObject({ running: 0, closesInMs: expect.any(Number) });
    expect(Math.max(...doc.connections.map((c) => c.closesInMs))).toBeLessThanOrEqual(60_000);
    const stop = await cli(['lab', 'run', '--name', NAME, '--', 'persist', 'stop']);
    expect(stop.code, stop.stderr).toBe(0);
    expect(stop.stdout).toMatch(/^closed 2 kept connections \(keeper \d+ stopped\)$/m);
    await until('the keeper to exit', async () => ((await keeperPids()).length === 0 ? true : undefined), 10_000);
    expect(sockets()).toEqual([]);
    expect(await keeperConnections()).toEqual([]);
  });

  it('the keeper closes its connections and exits once the persist time has passed', async () => {
    await up(['--persist', '2']);
    await until('the keeper to exit', async () => ((await keeperPids()).length === 0 ? true : undefined), 30_000);
    expect(sockets()).toEqual([]);
    expect(await keeperConnections()).toEqual([]);
  });
});
