// Issue 8 item 4: Ctrl-C in the middle of `provision up` (once: finish the step and stop; twice: quit now),
// then a re-run: not refused by a stale lock, converges, nothing duplicated, no run process left in the hosts.
import { afterAll, describe, expect, it } from 'vitest';
import { faultLab, labReason, type FaultLab } from './faults-support.js';
import { sleep, until } from './lab-support.js';

const reason = labReason('faults: interrupted up');

/**
 * What may run in a lab host between runs: its init (systemd) and systemd's own services (journald, logind, dbus, the
 * console getty, the network stack's daemon, the login user's manager that logind keeps a few seconds after the last
 * session), daemons, the lab's stand-ins. Anything else is a leftover.
 */
const DAEMONS = /^1\s+0\s+systemd\s|\/sbin\/agetty |\/lib\/systemd\/systemd(-[a-z]+| --user)\b|\(sd-pam\)|dbus-daemon|NetworkManager|\/usr\/sbin\/haproxy|sshd: \/usr\/sbin\/sshd .*\[listener\]|sleep infinity|standins\/[a-z-]+\.mjs/;
async function leftovers(lab: FaultLab, host: string): Promise<string[]> {
  return (await lab.processes(host)).filter((l) => !DAEMONS.test(l));
}

/** Start `provision up`, wait for `when` in its output, send SIGINT `times` times to the CLI process. */
async function interruptUp(lab: FaultLab, when: string, times: 1 | 2, delayMs = 0) {
  const running = lab.start(['up']);
  const pid = await running.cliPid();
  await until(`'${when}' in the output`, async () => running.output().includes(when) || undefined, 60_000);
  await sleep(delayMs);
  const sent = Date.now();
  for (let i = 0; i < times; i++) {
    process.kill(pid, 'SIGINT');
    if (i + 1 < times) await sleep(40);
  }
  const r = await running.done;
  return { ...r, afterSignalMs: Date.now() - sent };
}

/** The duplicated-state checks, inside one host. */
async function assertNoDuplicates(lab: FaultLab, host: string, hostLines: string[]) {
  const count = async (cmd: string) => Number((await lab.inHost(host, `${cmd} || true`)).trim());
  expect(await count("grep -c '^# BEGIN provision hosts$' /etc/hosts"), `${host} hosts block`).toBe(1);
  for (const l of hostLines) expect(await count(`grep -cF '${l}' /etc/hosts`), `${host} /etc/hosts: ${l}`).toBe(1);
  expect(await count("grep -c '^include \"/etc/provision/firewall.nft\"$' /etc/nftables.conf"), `${host} nftables include`).toBe(1);
  expect(await count("nft list tables | grep -c '^table inet provision$'"), `${host} nft table`).toBe(1);
  expect(await count("nft list table inet provision | grep -c 'tcp dport 22 accept'"), `${host} ssh rule`).toBe(1);
  const routes = (await lab.inHost(host, 'ip route')).trim().split('\n');
  expect(new Set(routes).size, `${host} routes: ${routes.join(' | ')}`).toBe(routes.length);
  expect(await count("grep -c 'swap disabled for kubelet' /etc/fstab"), `${host} fstab`).toBe(1);
  const modules = (await lab.inHost(host, 'cat /etc/modules-load.d/kubernetes.conf')).trim().split('\n');
  expect(new Set(modules).size).toBe(modules.length);
}

describe.skipIf(reason !== '')('faults: Ctrl-C in the middle of provision up', () => {
  const labs: FaultLab[] = [];
  afterAll(async () => {
    for (const l of labs) await l.down();
  });

  it('one SIGINT (homelab): the current step finishes, exit 130; no leftovers; the re-run converges with nothing duplicated', async () => {
    const lab = faultLab(`fi${process.pid % 10000}`, 'inventory/homelab.yaml');
    labs.push(lab);
    await lab.up();
    const hosts = ['k8s-cp-01', 'k8s-worker-01'];
    const r = await interruptUp(lab, 'PLAY 2/', 1);
    expect(r.code, r.stdout).toBe(130);
    expect(r.stdout).toMatch(/provision: interrupted: finishing the current steps/);
    expect(r.stdout).toMatch(/aborted: interrupted/);
    expect(r.stdout).not.toMatch(/\n\s+at .*\.js:\d+/); // no stack trace
    expect(r.afterSignalMs).toBeLessThan(30_000);
    // The run's processes in the hosts (sudo, shells, the lock holder, the sshd session) are gone.
    for (const h of hosts) expect(await until(`${h} without run processes`, async () => ((await leftovers(lab, h)).length === 0 ? [] : undefined), 5000).catch(async () => leftovers(lab, h)), h).toEqual([]);
    // The re-run is not refused (no stale lock) and converges; a third run has nothing to do.
    const again = await lab.runJson(['up']);
    expect(again.stderr).not.toMatch(/locked by/);
    expect(again.json.failed, JSON.stringify(again.json.hosts)).toBe(0);
    const third = await lab.runJson(['up']);
    expect(third.json).toMatchObject({ changed: 0, failed: 0 });
    for (const h of hosts) {
      await assertNoDuplicates(lab, h, ['192.168.1.51 k8s-cp-01.home.arpa k8s-cp-01', '192.168.1.52 k8s-worker-01.home.arpa k8s-worker-01', '192.168.1.50 k8s-api.home.arpa k8s-api']);
      expect(await leftovers(lab, h), h).toEqual([]);
    }
    // The firewall the re-run applied stays: the guard's rollback job was disarmed, not left to fire.
    expect((await lab.processes('k8s-cp-01')).filter((l) => /firewall\/job\.pid|rollback\.nft/.test(l))).toEqual([]);
  });

  it('two SIGINTs during kubeadm init (flat-bgp, quit now): the remote step finishes by itself, the re-run converges, the route exists once', async () => {
    const lab = faultLab(`fj${process.pid % 10000}`, 'inventory/flat-bgp.yaml');
    labs.push(lab);
    await lab.up();
    const host = 'k8s-vm-01';
    // The lab's kubeadm init takes ~3 s; a wrapper first on sudo's PATH holds it 12 s more, so both signals and the
    // overlapping re-run below land while it runs on the host however slow this machine is (a race, otherwise).
    await lab.inHost(host, `printf '#!/bin/sh\\n[ "$1" = init ] && sleep 12\\nexec /usr/bin/kubeadm "$@"\\n' > /usr/local/sbin/kubeadm && chmod 755 /usr/local/sbin/kubeadm`);
    const r = await interruptUp(lab, 'PLAY 6/', 2, 500);
    expect(r.code).toBe(130);
    expect(r.stdout).not.toMatch(/RECAP/); // quit now: no waiting for the step, no report
    expect(r.afterSignalMs).toBeLessThan(2000);
    // The connection (and with it the run lock) is gone, but kubeadm init still runs on the host: a re-run
    // right now is refused on that host, naming the leftover command, instead of overlapping it.
    const overlap = await lab.runJson(['up']);
    expect(overlap.json.hosts[host]).toMatchObject({ failed: 1 });
    expect(overlap.json.hosts[host]!.error).toMatch(/a command of an earlier provision run is still running on this host \(pid \d+: sh -c .*kubeadm init/);
    // A command already started on the host may finish (killing dpkg half-way would be worse); then nothing is left.
    const left = await until('no run processes in the host', async () => ((await leftovers(lab, host)).length === 0 ? [] : undefined), 30_000).catch(() => leftovers(lab, host));
    expect(left).toEqual([]);
    await lab.inHost(host, 'rm /usr/local/sbin/kubeadm');
    const again = await lab.runJson(['up']);
    expect(again.stderr).not.toMatch(/locked by/);
    expect(again.json.failed, JSON.stringify(again.json.hosts)).toBe(0);
    expect((await lab.runJson(['up'])).json).toMatchObject({ changed: 0, failed: 0 });
    await assertNoDuplicates(lab, host, ['192.168.2.225 k8s-vm-01']);
    expect((await lab.inHost(host, "ip route | grep -c '^192.168.6.0/24 '")).trim()).toBe('1');
  });
});
