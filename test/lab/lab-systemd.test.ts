// Lab test: every goldentooth host boots real systemd (nspawn runtime), inherits no service of the machine, keeps the
// Pi touches, takes a stack per host (--stack HOST=STACK) and installs a real Debian package from the lab's mirror.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canRunLab, labClient, skipLab } from './lab-support.js';

const NAME = 'i12-systemd';
const lab = labClient(NAME);
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

  it('stand-ins only for what is global to the kernel: systemctl and reboot are systemd\'s, swapon and modprobe are the lab\'s', async () => {
    const r = await lab.exec('dalt', 'readlink -f /usr/bin/systemctl /usr/sbin/reboot; head -2 /usr/sbin/swapon /usr/sbin/modprobe | grep -c "provision lab stand-in"');
    expect(r.stdout).toBe('/usr/bin/systemctl\n/usr/bin/systemctl\n2');
  });
});
