// Unit tests for the stand-ins' parsers (plain .mjs run inside lab hosts): persisted network files, sysctl.conf, unit Exec lines.
import { describe, expect, it } from 'vitest';

type Cmd = { argv?: string[]; shell?: string };
const load = async <T>(p: string): Promise<T> => (await import(/* @vite-ignore */ new URL(`../../../src/lab/assets/standins/lib/${p}`, import.meta.url).href)) as T;
const net = await load<{
  ifupdownCommands(t: string, i: string): Cmd[];
  networkdCommands(t: string, i: string): Cmd[];
  networkManagerCommands(t: string, i: string): Cmd[];
  netplanCommands(d: unknown, i: string): Cmd[];
}>('net-persist.mjs');
const units = await load<{ expandExec(l: string, env: Record<string, string>): string[] }>('units.mjs');
const sysctl = await load<{ parseSysctlConf(t: string): Array<{ key: string; value: string; optional: boolean }> }>('sysctl-lib.mjs');

const route = ['ip', 'route', 'replace', '10.4.11.0/24', 'via', '10.4.0.1', 'dev', 'eth0'];

describe.each([
  { name: 'ifupdown up line', got: () => net.ifupdownCommands('auto eth0\niface eth0 inet manual\n  up ip route add 10.4.11.0/24 via 10.4.0.1\n', 'eth0'), want: [{ shell: 'ip route add 10.4.11.0/24 via 10.4.0.1' }] },
  { name: 'ifupdown static', got: () => net.ifupdownCommands('iface eth0 inet static\n address 10.4.0.11/20\n gateway 10.4.0.1\n', 'eth0'), want: [{ argv: ['ip', 'addr', 'replace', '10.4.0.11/20', 'dev', 'eth0'] }, { argv: ['ip', 'route', 'replace', 'default', 'via', '10.4.0.1'] }] },
  { name: 'ifupdown loopback ignored', got: () => net.ifupdownCommands('auto lo\niface lo inet loopback\n', 'eth0'), want: [] },
  { name: 'networkd [Route]', got: () => net.networkdCommands('[Match]\nName=eth0\n\n[Route]\nDestination=10.4.11.0/24\nGateway=10.4.0.1\n', 'eth0'), want: [{ argv: route }] },
  { name: 'networkd other interface', got: () => net.networkdCommands('[Match]\nName=wlan0\n\n[Route]\nDestination=10.4.11.0/24\nGateway=10.4.0.1\n', 'eth0'), want: [] },
  { name: 'NetworkManager route1', got: () => net.networkManagerCommands('[connection]\ninterface-name=eth0\n\n[ipv4]\nroute1=10.4.11.0/24,10.4.0.1\n', 'eth0'), want: [{ argv: route }] },
  { name: 'netplan routes', got: () => net.netplanCommands({ network: { ethernets: { eth0: { routes: [{ to: '10.4.11.0/24', via: '10.4.0.1' }] } } } }, 'eth0'), want: [{ argv: route }] },
])('persisted network: $name', ({ got, want }) => {
  it('becomes ip commands', () => expect(got()).toEqual(want));
});

describe.each([
  { line: '/usr/sbin/haproxy -Ws -f $CONFIG -p $PIDFILE $EXTRAOPTS', env: { CONFIG: '/etc/haproxy/haproxy.cfg', PIDFILE: '/run/haproxy.pid', EXTRAOPTS: '-S /run/haproxy-master.sock' }, want: ['/usr/sbin/haproxy', '-Ws', '-f', '/etc/haproxy/haproxy.cfg', '-p', '/run/haproxy.pid', '-S', '/run/haproxy-master.sock'] },
  { line: '/usr/sbin/sshd -D $SSHD_OPTS', env: {}, want: ['/usr/sbin/sshd', '-D'] },
  { line: '-/bin/kill -USR2 ${MAINPID}', env: { MAINPID: '42' }, want: ['/bin/kill', '-USR2', '42'] },
])('unit Exec line $line', ({ line, env, want }) => {
  it('expands like systemd', () => expect(units.expandExec(line, env as Record<string, string>)).toEqual(want));
});

describe('sysctl.conf', () => {
  it('reads keys, values, slashes and optional entries', () => {
    expect(sysctl.parseSysctlConf('# c\nnet.ipv4.ip_forward = 1\n-net/bridge/bridge-nf-call-iptables=1\n; x\nvm.swappiness=10\n')).toEqual([
      { key: 'net.ipv4.ip_forward', value: '1', optional: false },
      { key: 'net.bridge.bridge-nf-call-iptables', value: '1', optional: true },
      { key: 'vm.swappiness', value: '10', optional: false },
    ]);
  });
});
