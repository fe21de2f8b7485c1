// Lab test: the shims' bash fast paths (sysctl -n, the probe's systemctl show) print what the Node stand-ins print, without starting Node.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canRunLab, labClient, leftovers, skipLab } from './lab-support.js';

const NAME = 't-fp';
const HOST = 'k8s-cp-01';
const lab = labClient(NAME);

/** Runs CMD in the host twice: under strace (fast path on), then with LAB_NO_FAST_PATH=1 (Node); stdout, status, execs of each. */
async function both(cmd: string) {
  const trace = (env: string, out: string) =>
    `${env} strace -f -qq -e trace=execve -o /tmp/fp.trace ${cmd} >${out} 2>/dev/null; echo "rc $? $(grep -c 'execve("' /tmp/fp.trace) $(grep -c 'execve("/usr/bin/node"' /tmp/fp.trace)"`;
  const script = `${trace('', '/tmp/fp.fast')}; ${trace('LAB_NO_FAST_PATH=1', '/tmp/fp.slow')}; echo '--fast'; cat /tmp/fp.fast; echo '--slow'; cat /tmp/fp.slow; echo '--end'`;
  const r = await lab.exec(HOST, script);
  expect(r.code).toBe(0);
  const [head, rest] = r.stdout.split('--fast\n') as [string, string];
  const [fastOut, slowOut] = rest.replace(/--end$/, '').split('--slow\n') as [string, string];
  const [f, s] = head.trim().split('\n').map((l) => l.split(' ').slice(1).map(Number)) as [number[], number[]];
  return { fast: { stdout: fastOut, code: f[0], execs: f[1], node: f[2] }, slow: { stdout: slowOut, code: s[0], execs: s[1], node: s[2] } };
}

/** Asserts: same stdout and status both ways; Node always started with LAB_NO_FAST_PATH=1; the fast path started nothing when it should answer. */
async function expectSame(cmd: string, answeredInShell: boolean) {
  const r = await both(cmd);
  expect(r.fast.stdout).toBe(r.slow.stdout);
  expect(r.fast.code).toBe(r.slow.code);
  expect(r.slow.node).toBe(1);
  if (answeredInShell) expect(r.fast).toMatchObject({ execs: 1, node: 0 });
  else expect(r.fast.node).toBe(1);
  return r;
}

const SHOW = 'systemctl show -p LoadState,ActiveState,UnitFileState';

// Units in every state, made with the stand-in itself where it can (enable, mask, start/stop), and recorded like its
// writeState records a started daemon where a pid must be live, dead or a zombie.
const setup = String.raw`set -e
U=/lib/systemd/system E=/etc/systemd/system S=/run/lab/services
svc() { printf '[Unit]\nDescription=provision fast-path test\n\n[Service]\nExecStart=/bin/sleep infinity\n%b' "$2" > $U/$1.service; }
I='\n[Install]\nWantedBy=multi-user.target\n'
for u in fp-live fp-dead fp-zombie fp-inactive fp-enabled fp-disabled fp-masked fp-reset fp-emulated fp-cafe; do svc $u "$I"; done
svc fp-static ''
printf '[Unit]\nDescription=café\n[Install]\nWantedBy=multi-user.target\n' > $U/fp-cafe.service
systemctl enable fp-enabled 2>/dev/null
systemctl mask fp-masked 2>/dev/null
systemctl start fp-emulated
systemctl start fp-inactive && systemctl stop fp-inactive
mkdir -p $E/fp-reset.service.d && printf '[Install]\nWantedBy=\n' > $E/fp-reset.service.d/override.conf
setsid sleep infinity </dev/null >/dev/null 2>&1 & live=$!
sleep 0 & dead=$!; wait $dead || true
setsid sh -c 'sleep 0 & echo $! > /tmp/fp-zombie; exec sleep infinity' </dev/null >/dev/null 2>&1 &
i=0; until [ -s /tmp/fp-zombie ] && z=$(cat /tmp/fp-zombie) && grep -q ') Z' /proc/$z/stat; do i=$((i+1)); [ $i -lt 50 ]; sleep 0.1; done
rec() { printf '{"state":"active","pid":%s,"killMode":"control-group","since":1700000000000}' "$2" > $S/$1.service.json; }
rec fp-live $live; rec fp-dead $dead; rec fp-zombie $z
[ -L $E/sshd.service ] || ln -s $U/ssh.service $E/sshd.service
echo ready`;

describe.skipIf(skipLab)('lab: shim fast paths answer like the Node stand-ins', () => {
  beforeAll(async () => {
    await lab.down();
    const up = await lab.up('inventory/homelab.yaml');
    expect(up.code).toBe(0);
    const s = await lab.exec(HOST, setup);
    expect(s.stderr).toBe('');
    expect(s.stdout.trim()).toBe('ready');
  });
  afterAll(async () => {
    if (canRunLab) await lab.down();
  });

  it('runs as root on Linux (fails here when PROVISION_LAB_REQUIRED=1 and not root)', () => {
    expect(canRunLab).toBe(true);
  });

  it.each([
    { unit: 'fp-live', want: 'active', file: 'disabled' },
    { unit: 'fp-dead', want: 'failed', file: 'disabled' },
    { unit: 'fp-zombie', want: 'failed', file: 'disabled' },
    { unit: 'fp-inactive', want: 'inactive', file: 'disabled' },
    { unit: 'fp-emulated', want: 'active', file: 'disabled' },
    { unit: 'fp-enabled', want: 'inactive', file: 'enabled' },
    { unit: 'fp-disabled', want: 'inactive', file: 'disabled' },
    { unit: 'fp-static', want: 'inactive', file: 'static' },
    { unit: 'fp-reset', want: 'inactive', file: 'static' },
    { unit: 'fp-cafe', want: 'inactive', file: 'disabled' },
    { unit: 'fp-masked', want: 'inactive', file: 'masked' },
    { unit: 'sshd', want: 'active', file: 'enabled' },
    { unit: 'ssh.service', want: 'active', file: 'enabled' },
    { unit: 'fp-no-such-unit', want: 'inactive', file: '' },
  ])('systemctl show $unit: $want, $file', async ({ unit, want, file }) => {
    const r = await expectSame(`${SHOW} ${unit}`, true);
    expect(r.fast.stdout).toMatch(new RegExp(`^LoadState=\\S+\\nActiveState=${want}\\nUnitFileState=${file}\\n$`));
  });

  it("answers the probe's call for many units at once, and a property subset", async () => {
    const r = await expectSame(`${SHOW} nftables haproxy kubelet containerd fp-live fp-masked sshd fp-no-such-unit`, true);
    expect(r.fast.stdout.split('\n\n')).toHaveLength(8);
    await expectSame('systemctl show -p UnitFileState,LoadState fp-enabled fp-masked', true);
  });

  it.each(['systemctl is-active fp-live', 'systemctl show -p LoadState --value fp-live', 'systemctl show -p MainPID fp-live', 'systemctl is-enabled fp-enabled'])(
    'leaves %s to Node',
    async (cmd) => {
      await expectSame(cmd, false);
    },
  );

  const sysctls = [
    { key: 'net.ipv4.ip_forward', fast: true },
    { key: 'net.bridge.bridge-nf-call-iptables', fast: true },
    { key: 'kernel.pid_max', fast: true },
    { key: 'vm.swappiness', fast: true },
    { key: 'net.bridge.fp-made-up', fast: false },
    { key: 'kernel.fp_no_such_key', fast: false },
    { key: 'net.ipv4.ip_local_port_range', fast: false },
  ];
  it.each(sysctls)('sysctl -n $key, nothing recorded (fast: $fast)', async ({ key, fast }) => {
    await expectSame(`sysctl -n ${key}`, fast);
  });

  it('sysctl -n after writes: recorded keys, and bridge keys once br_netfilter is recorded', async () => {
    const w = await lab.exec(HOST, 'sysctl -w vm.swappiness=7 kernel.panic=3 net.ipv4.ip_forward=1 >/dev/null && modprobe br_netfilter && sysctl -w net.bridge.fp-recorded=1 >/dev/null && echo ok');
    expect(w.stdout.trim()).toBe('ok');
    const recorded = [
      { key: 'vm.swappiness', fast: true, want: '7' },
      { key: 'kernel.panic', fast: true, want: '3' },
      { key: 'net.ipv4.ip_forward', fast: true, want: '1' },
      { key: 'net.bridge.fp-made-up', fast: true, want: '0' },
      { key: 'net.bridge.fp-recorded', fast: true, want: '1' },
      { key: 'kernel.fp_no_such_key', fast: false },
      { key: 'net.ipv4.ip_local_port_range', fast: false },
    ];
    for (const { key, fast, want } of recorded) {
      const r = await expectSame(`sysctl -n ${key}`, fast);
      if (want) expect(r.fast.stdout).toBe(`${want}\n`);
    }
  });

  it('answers the login user (not root) the same way', async () => {
    const cmd = `${SHOW} fp-live fp-enabled fp-static sshd; sysctl -n kernel.pid_max vm.swappiness; sysctl -n vm.swappiness`;
    const fast = await lab.ssh('pi@192.168.1.51', cmd);
    const slow = await lab.ssh('pi@192.168.1.51', `export LAB_NO_FAST_PATH=1; ${cmd}`);
    expect(fast.code).toBe(0);
    expect(fast.stdout).toBe(slow.stdout);
    expect(fast.stdout).toContain('UnitFileState=static');
  });

  it('lab down leaves nothing', async () => {
    expect((await lab.down()).code).toBe(0);
    expect(await leftovers(NAME)).toEqual([]);
  });
});
