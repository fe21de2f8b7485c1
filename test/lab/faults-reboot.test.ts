// Issue 8 item 11: a host rebooted mid-run (`lab reboot`) fails clearly and promptly (no hang, no stack trace),
// the other host carries on, and a re-run converges — checked inside the hosts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { faultLab, labReason, tempPlaybook } from './faults-support.js';
import { cli, sleep, until } from './lab-support.js';

const reason = labReason('faults: host rebooted mid-run');
const lab = faultLab(`fr${process.pid % 10000}`, 'inventory/homelab.yaml');
const VICTIM = 'k8s-worker-01';
const OTHER = 'k8s-cp-01';
const LONG = tempPlaybook(`name: long
plays:
  - name: long step
    hosts: all
    tasks:
      - name: slow work
        command: { shell: "sleep 6 && touch /var/lib/provision-f11-done", creates: /var/lib/provision-f11-done }
      - name: after the slow work
        file: { path: /etc/provision-f11.conf, content: "done\\n" }
`);
const GOING_DOWN = tempPlaybook(`name: going-down
plays:
  - name: a step the host's shutdown breaks
    hosts: k8s-worker-01
    tasks:
      - name: work cut off by a reboot
        command: { shell: "systemctl --no-block reboot; sleep 3; echo 'the work broke' >&2; exit 9" }
`);
const reboot = (host: string, wait: boolean) => cli(['lab', 'reboot', '--name', lab.name, host, ...(wait ? [] : ['--no-wait'])]);
/** Boots of a host: the distinct boot ids its own (persistent) journal has recorded, one line each. */
const boots = async (host: string) => Number(await lab.inHost(host, 'journalctl --list-boots --no-pager -q | wc -l'));
const bootId = async (host: string) => (await lab.inHost(host, 'cat /proc/sys/kernel/random/boot_id')).trim();

describe.skipIf(reason !== '')('faults: a host rebooted mid-run (homelab lab)', () => {
  beforeAll(() => lab.up());
  afterAll(() => lab.down());

  it('a reboot during a long step: that host fails at once with a clear error; the other converges; a re-run converges', async () => {
    const before = await bootId(VICTIM);
    const running = lab.start(['run', LONG], ['--json']);
    await until('the slow step to run on the victim', async () => (await lab.processes(VICTIM)).some((l) => /sleep 6/.test(l)) || undefined, 20_000);
    const rebootedAt = Date.now();
    expect((await reboot(VICTIM, false)).code).toBe(0);
    const r = await running.done;
    const json = JSON.parse(r.stdout.slice(0, r.stdout.lastIndexOf('}') + 1)) as { hosts: Record<string, { failed: number; unreachable: boolean; error?: string }> };
    expect(r.code).toBe(1);
    expect(Date.now() - rebootedAt).toBeLessThan(15_000); // the dropped connection is noticed, not waited out
    expect(json.hosts[VICTIM]).toMatchObject({ failed: 1, unreachable: true });
    expect(json.hosts[VICTIM]!.error).toMatch(/^task 'slow work': k8s-worker-01: connection lost while running: sudo sh -c 'sleep 6 && touch \/var\/lib\/provision-f11-done'$/);
    expect(r.stdout).not.toMatch(/\n\s+at .*\.js:\d+/);
    expect(json.hosts[OTHER]).toMatchObject({ failed: 0 });
    expect(await lab.inHost(OTHER, 'cat /etc/provision-f11.conf')).toBe('done');
    // Inside the victim: a new boot; the step's marker never appeared, the later file was not written.
    await until('the victim to be back', async () => ((await bootId(VICTIM).catch(() => before)) !== before ? true : undefined), 60_000);
    expect(await lab.inHost(VICTIM, 'ls /var/lib/provision-f11-done /etc/provision-f11.conf 2>&1 | grep -c "No such file"')).toBe('2');
    const again = await lab.runJson(['run', LONG]);
    expect(again.stderr).not.toMatch(/locked by/);
    expect(again.json.failed, JSON.stringify(again.json.hosts)).toBe(0);
    expect(await lab.inHost(VICTIM, 'cat /etc/provision-f11.conf; test -e /var/lib/provision-f11-done && echo marker')).toBe('done\nmarker');
    expect((await lab.runJson(['run', LONG])).json).toMatchObject({ changed: 0, failed: 0 });
  });

  it('a step that fails while the host shuts down: the error says the host is going down (its systemd asked right then)', async () => {
    const before = await bootId(VICTIM);
    // A unit ordered after the network whose stop takes 30 s holds the network (and the login, which lives on in
    // ssh.service) up during the shutdown, as a slow service does: the step fails of itself, not by a lost connection.
    await lab.inHost(VICTIM, "systemd-run --quiet --unit=provision-hold -p After=network.target -p RemainAfterExit=yes -p ExecStop='/bin/sleep 30' /bin/true");
    const r = await lab.runJson(['run', GOING_DOWN]);
    expect(r.code).toBe(1);
    const victim = r.json.hosts[VICTIM]!;
    expect(victim).toMatchObject({ failed: 1, unreachable: false });
    expect(victim.error).toMatch(/^task 'work cut off by a reboot': command failed \(exit 9\): sudo sh -c [^\n]*\nthe work broke\n\(the host is shutting down or rebooting: its systemd says "stopping"\)$/);
    await until('the victim to be back', async () => ((await bootId(VICTIM).catch(() => before)) !== before ? true : undefined), 120_000);
  });

  it('a reboot in the middle of provision up: the host fails clearly, the re-run converges to zero changes', async () => {
    const before = await bootId(VICTIM);
    const running = lab.start(['up']);
    await until('up to reach the prerequisites play', async () => running.output().includes('PLAY 2/') || undefined, 60_000);
    await sleep(200);
    await reboot(VICTIM, false);
    const r = await running.done;
    expect(r.code).toBe(1);
    const lost = new RegExp(`${VICTIM}: .*(connection lost|cannot connect|no SSH answer|did not complete|refused to run the command \\(is the host shutting down or rebooting\\?\\)|could not open a channel)`);
    const refused = new RegExp(`${VICTIM} +FAILED [^\\n]*(\\n[^\\n]*){0,5}\\(systemd is stopping units: is the host shutting down or rebooting\\?\\)`);
    // A command the shutdown broke while the login lived on (apt: "Network is unreachable") carries systemd's word.
    const noted = new RegExp(`^  ${VICTIM}: task [^\\n]*(\\n    [^\\n]*)*?\\n    \\((the host is shutting down or rebooting|then the connection was lost|then the host did not answer)`, 'm');
    expect(lost.test(r.stdout) || refused.test(r.stdout) || noted.test(r.stdout), r.stdout.slice(-3000)).toBe(true);
    // (which of these depends on where in its shutdown the reboot catches the host's sshd; a systemctl job refused
    // next to the shutdown's stop jobs says so too)
    expect(r.stdout).not.toMatch(/\n\s+at .*\.js:\d+/);
    // Meanwhile the Pi's expected reboot (rpi-cgroups) was waited for: it booted twice and its run went on.
    expect(r.stdout).toMatch(/k8s-cp-01 +ok=\d+ changed=\d+ failed=0/);
    expect(await boots(OTHER)).toBe(2);
    await until('the victim to be back', async () => ((await bootId(VICTIM).catch(() => before)) !== before ? true : undefined), 60_000);
    const again = await lab.runJson(['up']);
    expect(again.stderr).not.toMatch(/locked by/);
    expect(again.json.failed, JSON.stringify(again.json.hosts)).toBe(0);
    const third = await lab.runJson(['up']);
    expect(third.json, JSON.stringify(Object.values(third.json.hosts).flatMap((h) => h.changes))).toMatchObject({ changed: 0, failed: 0 });
    expect(await lab.inHost(VICTIM, "nft list tables | grep -c '^table inet provision$'")).toBe('1');
  });

  it('dpkg cut short by a reboot (its journal left in updates/): real apt refuses; up resumes dpkg first, then converges', async () => {
    // What dpkg leaves when it dies mid-operation: a journal entry not yet merged into its status file.
    await lab.inHost(VICTIM, "awk -v RS= -v ORS='\\n\\n' '/^Package: sudo\\n/' /var/lib/dpkg/status > /var/lib/dpkg/updates/0001");
    expect(await lab.inHost(VICTIM, 'apt-get check 2>&1 | tail -n 1; true')).toMatch(/dpkg was interrupted, you must manually run 'dpkg --configure -a'/);
    const r = await lab.runJson(['up']);
    expect(r.json.failed, JSON.stringify(r.json.hosts)).toBe(0);
    expect(r.json.hosts[VICTIM]!.changes.map((c) => c.task)).toEqual(['an interrupted dpkg resumed']);
    expect(await lab.inHost(VICTIM, 'ls -A /var/lib/dpkg/updates | wc -l; apt-get check >/dev/null 2>&1 && echo apt-ok')).toBe('0\napt-ok');
    expect((await lab.runJson(['up'])).json).toMatchObject({ changed: 0, failed: 0 });
  });

  it('a package cut mid-unpack (half-installed, a file missing): real apt leaves it so; up installs it again first, then converges', async () => {
    // Seen in a loaded rehearsal: a reboot during containerd's unpack left it half-installed without its unit file.
    const statusOf = `dpkg-query -W -f '\${db:Status-Abbrev}' containerd`;
    await lab.inHost(VICTIM, [
      "awk -v RS= -v ORS='\\n\\n' '/^Package: sudo\\n/' /var/lib/dpkg/status > /var/lib/dpkg/updates/0001",
      'rm /lib/systemd/system/containerd.service',
      "sed -i '/^Package: containerd$/,/^$/ s/^Status: install ok installed$/Status: install reinstreq half-installed/' /var/lib/dpkg/status",
    ].join(' && '));
    // What made it a fault: the resume skips the package and apt's install of it says done, exit 0, leaving it so.
    expect(await lab.inHost(VICTIM, `dpkg --configure -a >/dev/null 2>&1; DEBIAN_FRONTEND=noninteractive apt-get install -y containerd >/dev/null 2>&1 && ${statusOf}`)).toBe('iHR');
    await lab.inHost(VICTIM, "awk -v RS= -v ORS='\\n\\n' '/^Package: sudo\\n/' /var/lib/dpkg/status > /var/lib/dpkg/updates/0001");
    const r = await lab.runJson(['up']);
    expect(r.json.failed, JSON.stringify(r.json.hosts)).toBe(0);
    expect(r.json.hosts[VICTIM]!.changes[0]!.task).toBe('an interrupted dpkg resumed');
    expect(await lab.inHost(VICTIM, `${statusOf}; echo; test -f /lib/systemd/system/containerd.service && systemctl is-active containerd`)).toBe('ii \nactive');
    expect((await lab.runJson(['up'])).json).toMatchObject({ changed: 0, failed: 0 });
  });
});
