// The lab's network stacks (pure): --stack parsing, each stack's boot files, and `systemctl enable` as symlinks.
import { describe, expect, it } from 'vitest';
import { installLinks, parseStackArgs, stackFiles, STACKS } from '../../../src/lab/stacks.js';

describe('parseStackArgs', () => {
  const hosts = ['a', 'b'];
  it('defaults to ifupdown; STACK sets every host, HOST=STACK one host', () => {
    expect(parseStackArgs([], hosts)).toEqual({ all: 'ifupdown', byHost: {} });
    expect(parseStackArgs(['netplan', 'b=networkmanager'], hosts)).toEqual({ all: 'netplan', byHost: { b: 'networkmanager' } });
  });
  it('names the unknown stack or host', () => {
    expect(() => parseStackArgs(['wicked'], hosts)).toThrow(/unknown stack 'wicked' \(ifupdown, networkmanager, netplan, systemd-networkd\)/);
    expect(() => parseStackArgs(['c=netplan'], hosts)).toThrow(/no host 'c'/);
  });
});

describe('stackFiles', () => {
  it.each(STACKS)('%s: the address and gateway are in the stack\'s own file, one unit enabled', (stack) => {
    const f = stackFiles(stack, '192.168.2.225/24', '192.168.2.1');
    const own = f.files.find((x) => x.content.includes('192.168.2.225/24'))!;
    expect(own.content).toContain('192.168.2.1');
    expect(f.enable).toHaveLength(1);
    // Only ifupdown's interfaces file names eth0 (the facts would otherwise see ifupdown too).
    const ifaces = f.files.find((x) => x.path === '/etc/network/interfaces')!.content;
    expect(/iface eth0/.test(ifaces)).toBe(stack === 'ifupdown');
  });
  it('keyfile and netplan files are 0600 (NetworkManager and netplan warn or refuse otherwise)', () => {
    expect(stackFiles('networkmanager', '10.0.0.2/24', '10.0.0.1').files[1]).toMatchObject({ path: '/etc/NetworkManager/system-connections/eth0.nmconnection', mode: 0o600 });
    expect(stackFiles('netplan', '10.0.0.2/24', '10.0.0.1').files[1]).toMatchObject({ path: '/etc/netplan/50-lab.yaml', mode: 0o600 });
  });
});

describe('installLinks', () => {
  const units: Record<string, string> = {
    'systemd-networkd.service': '[Unit]\nDescription=x\n\n[Service]\nExecStart=/x\n\n[Install]\nWantedBy=multi-user.target\nAlso=systemd-networkd.socket\nAlias=dbus-org.freedesktop.network1.service\n',
    'systemd-networkd.socket': '[Socket]\nListenNetlink=route 1361\n\n[Install]\nWantedBy=sockets.target\n',
  };
  it('follows WantedBy, Alias and Also like systemctl enable', () => {
    expect(installLinks('systemd-networkd.service', (u) => units[u])).toEqual([
      { link: '/etc/systemd/system/multi-user.target.wants/systemd-networkd.service', target: '/lib/systemd/system/systemd-networkd.service' },
      { link: '/etc/systemd/system/dbus-org.freedesktop.network1.service', target: '/lib/systemd/system/systemd-networkd.service' },
      { link: '/etc/systemd/system/sockets.target.wants/systemd-networkd.socket', target: '/lib/systemd/system/systemd-networkd.socket' },
    ]);
  });
  it('names a unit the root lacks', () => {
    expect(() => installLinks('nope.service', () => undefined)).toThrow(/no unit file nope.service/);
  });
});
