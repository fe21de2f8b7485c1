// Lab test: every goldentooth host boots real systemd (nspawn runtime), inherits no service of the machine, keeps the
// Pi touches, takes a stack per host (--stack HOST=STACK) and installs a real Debian package from the lab's mirror.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { canRunLab, labClient, skipLab } from './lab-support.js';
import { readState } from '../../src/lab/state.js';
import { LAB_BASE } from '../../src/lab/plan.js';
import { leaderPid } from '../../src/lab/nspawn-runtime.js';
import { buildProbe } from '../../src/facts/probe.js';
import { parseProbe } from '../../src/facts/parse-probe.js';
import { createFacts } from '../../src/facts/facts.js';
import { parseService } from '../../src/facts/parse-items.js';
import { skippedUnits, unitConditions } from '../../src/facts/kinds/unit-conditions.js';

const NAME = 'i12-systemd';
const lab = labClient(NAME);
/** perl FILE: the uid owning the user namespace FILE (the NS_GET_OWNER_UID ioctl). */
const OWNER_UID = 'open(my $f, "<", $ARGV[0]) or die "$ARGV[0]: $!"; my $b = pack("L", 0); ioctl($f, 0xb704, $b) or die "NS_GET_OWNER_UID: $!"; print unpack("L", $b);';
const HOSTS = ['allyrion', 'bettley', 'cargyll', 'dalt', 'erenford', 'fenn', 'gardener', 'harlton', 'inchfield', 'jast', 'karstark', 'lipps', 'velaryon'];

describe.skipIf(skipLab)('lab: goldentooth on real systemd', () => {
  beforeAll(async () => {
    await lab.down();
    const up = await lab.up('inventory/goldentooth.yaml', ['--stack', 'velaryon=netplan']);
    expect(up.stderr).toBe('');
    expect(up.code).toBe(0);
  });
  afterAll(async () => {
    if (canRunLab) await lab.down();
  });

  it('PID 1 is systemd on every host, and the system is running', async () => {
    for (const h of HOSTS) {
      const r = await lab.exec(h, 'cat /proc/1/comm; systemctl is-system-running; systemctl --failed --no-legend --plain; echo ---; journalctl -b -p warning --no-pager -q | tail -n 20');
      const [state = '', journal = ''] = r.stdout.split('---\n');
      // The boot's warnings are in the message only: a failed unit or a degraded state fails the test.
      expect(state.trim(), `${h}:\n${journal}`).toBe('systemd\nrunning');
    }
  });

  it('each host runs in a user namespace owned by a uid of its own (its inotify instances are not root\'s), mapping every uid to itself', async () => {
    const { plan } = readState(`${LAB_BASE}/${NAME}`)!;
    for (const h of plan.hosts) {
      const leader = leaderPid(plan, h.name);
      expect(leader, h.name).toBeGreaterThan(0);
      const owner = await execa('perl', ['-e', OWNER_UID, `/proc/${leader}/ns/user`]);
      expect(Number(owner.stdout), h.name).toBe(h.ownerUid);
    }
    expect(new Set(plan.hosts.map((h) => h.ownerUid)).size).toBe(HOSTS.length);
    // Inside, root is uid 0 and every uid maps to itself; the host's systemd holds its inotify instances there.
    const r = await lab.exec('bettley', 'cat /proc/self/uid_map; id -u; ls -l /proc/1/fd | grep -c inotify');
    expect(r.stdout.split('\n').slice(0, 2).map((l) => l.trim().split(/\s+/).join(' '))).toEqual(['0 0 4294967295', '0']);
    expect(Number(r.stdout.split('\n')[2])).toBeGreaterThan(0);
  });

  it('hosts run only their own services: sshd, journald, logind, dbus, the stack; no haproxy or containerd', async () => {
    const r = await lab.exec('allyrion', 'systemctl list-units --type=service --state=running --no-legend --plain | cut -d" " -f1');
    const running = r.stdout.trim().split('\n');
    expect(running).toContain('ssh.service');
    for (const u of ['haproxy.service', 'containerd.service', 'kubelet.service']) expect(running).not.toContain(u);
  });

  it('a Pi shows its device-tree model and has /boot/firmware/cmdline.txt; the x86 worker does not', async () => {
    const pi = await lab.exec('bettley', 'tr -d "\\0" < /sys/firmware/devicetree/base/model; echo; test -f /boot/firmware/cmdline.txt && echo cmdline');
    expect(pi.stdout).toBe('Raspberry Pi 4 Model B Rev 1.5\ncmdline');
    const x86 = await lab.exec('velaryon', 'test -e /sys/firmware/devicetree/base/model || echo no-model; test -e /boot/firmware/cmdline.txt || echo no-cmdline');
    expect(x86.stdout).toBe('no-model\nno-cmdline');
  });

  it('--stack HOST=STACK: velaryon got its address from netplan (networkd), the others from ifupdown', async () => {
    const v = await lab.exec('velaryon', 'systemctl is-active systemd-networkd networking; ls /run/systemd/network');
    expect(v.stdout).toBe('active\ninactive\n10-netplan-eth0.network');
    const b = await lab.exec('bettley', 'systemctl is-active networking systemd-networkd NetworkManager');
    expect(b.stdout).toBe('active\ninactive\ninactive');
  });

  it('apt installs real haproxy from the lab mirror, and systemd runs it', async () => {
    const r = await lab.exec('allyrion', 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq haproxy >/dev/null && systemctl is-active haproxy && haproxy -v | head -1');
    // (stderr: debconf notes that apt-utils is absent, as on a minimal node)
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^active\nHAProxy version 2\.6\./);
  });

  it('the probe asks systemd only about units that have a file, and reads the same facts as systemctl gives for each', async () => {
    // On allyrion (haproxy installed above): a template, a mask, an alias link, a drop-in only unit, units with no file.
    const setup = [
      'printf "[Service]\\nExecStart=/bin/true\\n" > /etc/systemd/system/lab-tmpl@.service',
      'systemctl mask lab-masked.service',
      'ln -sf /lib/systemd/system/haproxy.service /etc/systemd/system/lab-alias.service',
      'mkdir -p /etc/systemd/system/lab-dropin.service.d && printf "[Service]\\nType=oneshot\\nExecStart=/bin/true\\n" > /etc/systemd/system/lab-dropin.service.d/x.conf',
      'systemctl daemon-reload',
    ].join(' && ');
    expect((await lab.exec('allyrion', setup)).code).toBe(0);
    const names = ['haproxy', 'ssh', 'lab-tmpl@one', 'lab-masked', 'lab-alias', 'lab-dropin', 'chrony', 'ntpsec', 'nosuch', 'systemd-timesyncd'];
    const args = { units: ['chrony', 'systemd-timesyncd', 'haproxy', 'lab-dropin'] };
    const probe = buildProbe({ marker: 'LABU', skipBase: true, items: [...names.map((name) => ({ kind: 'service' as const, name })), { kind: 'fact', fact: 'unit-conditions', args }] });
    const r = await lab.exec('allyrion', 'sh', probe.script);
    expect(r.code, r.stderr).toBe(0);
    const parsed = parseProbe(r.stdout, probe);
    const facts = createFacts(parsed.tables);
    expect(parsed.sections.get('services')!.split('\n')[0]).toBe('@absent chrony ntpsec nosuch systemd-timesyncd');
    // The real thing: systemctl's own answer for each unit on its own.
    for (const n of names) {
      const own = await lab.exec('allyrion', `systemctl show -p LoadState,ActiveState,UnitFileState ${n}`);
      expect(facts.service(n), n).toEqual(parseService(own.stdout));
    }
    const own = await lab.exec('allyrion', `systemctl show -p Id,ConditionResult,ConditionTimestampMonotonic ${args.units.join(' ')}`);
    expect(facts.fact(unitConditions, args)).toEqual({ skipped: skippedUnits(own.stdout) });
  });

  it('stand-ins only for what is global to the kernel: systemctl and reboot are systemd\'s, swapon and modprobe are the lab\'s', async () => {
    const r = await lab.exec('dalt', 'readlink -f /usr/bin/systemctl /usr/sbin/reboot; head -2 /usr/sbin/swapon /usr/sbin/modprobe | grep -c "provision lab stand-in"');
    expect(r.stdout).toBe('/usr/bin/systemctl\n/usr/bin/systemctl\n2');
  });
});
