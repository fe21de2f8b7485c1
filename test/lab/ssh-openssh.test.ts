// Issue 13: provision reaches real sshd hosts the way `ssh` does — known_hosts decides the host key algorithm, a dead agent
// is passed over, ProxyCommand and `Match exec` work, IdentitiesOnly uses the agent's copy of the configured key.
import { execa, type ResultPromise } from 'execa';
import { chmodSync, copyFileSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canRunLab, cli, labClient, labRequired, leftovers, skipLab } from './lab-support.js';
import { tempDir } from '../support/temp-dir.js';

const LAB = `i13${process.pid % 1000}`;
const lab = labClient(LAB);
const LAB_SSH = `/var/lib/provision-lab/${LAB}/ssh`;
const BASTION = 'k8s-cp-01';
const BASTION_ADDR = '192.168.1.51';
const TARGET = 'k8s-worker-01';
const TARGET_ADDR = '192.168.1.52';
const TWO_KEYS = 'k8s-worker-02';
const LAPTOP_ADDR = '192.168.1.254';

if (labRequired && !canRunLab) describe('ssh like OpenSSH', () => it('needs root on Linux (PROVISION_LAB_REQUIRED=1)', () => expect.fail('not root on Linux')));

let dir = '';
let inventory = '';
let agent: ResultPromise | undefined;

const INVENTORY = `cluster: { name: i13, kubernetes: "1.32" }
network:
  nodes: 192.168.1.0/24
  gateway: 192.168.1.1
  pods: 10.244.0.0/16
  services: 10.96.0.0/12
  api: { mode: kube-vip, address: 192.168.1.50 }
  cni: flannel
ssh: { user: pi }
hosts:
  ${BASTION}: { address: ${BASTION_ADDR}, role: control-plane, arch: amd64 }
  ${TARGET}: { address: ${TARGET_ADDR}, role: worker, arch: amd64 }
  ${TWO_KEYS}: { address: 192.168.1.53, role: worker, arch: amd64 }
`;

/** An ssh_config of our own: `body` first, then the lab's key (and, unless given, its known_hosts) for every host. */
function config(name: string, body: string, knownHosts = `${LAB_SSH}/known_hosts`): string {
  const file = join(dir, name);
  writeFileSync(file, `${body}\nHost *\n  User pi\n  IdentityFile ${LAB_SSH}/id_ed25519\n  UserKnownHostsFile ${knownHosts}\n  GlobalKnownHostsFile /dev/null\n  StrictHostKeyChecking yes\n`);
  return file;
}

/** `provision facts` for one host from the laptop namespace: it connects, probes, and exits 0 only if the host answered. */
const facts = (host: string, sshConfig: string, env: Record<string, string> = {}) =>
  cli(['lab', 'run', '--name', LAB, '--', 'facts', '-i', inventory, '--limit', host, '--ssh-config', sshConfig, '--json'], { env: { ...(process.env as Record<string, string>), ...env } });
const sshdLog = async (host: string) => (await lab.exec(host, 'cat /var/log/sshd.log 2>/dev/null || journalctl -q -u ssh --no-pager')).stdout;

describe.skipIf(skipLab)('ssh like OpenSSH, against real sshd hosts', () => {
  beforeAll(async () => {
    dir = tempDir('provision-i13-');
    inventory = join(dir, 'inventory.yaml');
    writeFileSync(inventory, INVENTORY);
    await lab.down();
    const up = await lab.up(inventory);
    if (up.code !== 0) throw new Error(`lab up failed:\n${up.stdout}\n${up.stderr}`);
  });
  afterAll(async () => {
    agent?.kill();
    await agent;
    await lab.down();
    expect(await leftovers(LAB)).toEqual([]);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('a host with ecdsa and ed25519 keys whose known_hosts holds only the ecdsa key connects under strict', async () => {
    const add = await lab.exec(
      TWO_KEYS,
      "ssh-keygen -q -t ecdsa -N '' -f /etc/ssh/ssh_host_ecdsa_key && echo 'HostKey /etc/ssh/ssh_host_ecdsa_key' >> /etc/ssh/sshd_config && " +
        '{ if [ -f /run/sshd.pid ]; then kill -HUP "$(cat /run/sshd.pid)"; else systemctl reload ssh; fi; } && cut -d" " -f1,2 /etc/ssh/ssh_host_ecdsa_key.pub',
    );
    expect(add.code, add.stderr).toBe(0);
    const ecdsa = add.stdout.trim();
    expect(ecdsa).toMatch(/^ecdsa-sha2-nistp256 /);
    const known = join(dir, 'known_hosts_ecdsa_only');
    writeFileSync(known, `192.168.1.53 ${ecdsa}\n`);
    // sshd reloads its keys (SIGHUP re-executes it): wait until it offers both
    for (let i = 0; i < 50; i++) {
      const scan = await lab.exec(TWO_KEYS, 'ssh-keyscan -t ecdsa,ed25519 127.0.0.1 2>/dev/null | cut -d" " -f2 | sort | tr "\\n" " "');
      if (scan.stdout.includes('ecdsa-sha2-nistp256') && scan.stdout.includes('ssh-ed25519')) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    const conf = config('ecdsa-only.conf', `Host ${TWO_KEYS}\n  HostName 192.168.1.53`, known);
    const r = await facts(TWO_KEYS, conf);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(readFileSync(known, 'utf8')).toBe(`192.168.1.53 ${ecdsa}\n`); // strict: nothing pinned
  });

  it('a dead SSH_AUTH_SOCK with a valid IdentityFile connects', async () => {
    const conf = config('dead-agent.conf', `Host ${TARGET}\n  HostName ${TARGET_ADDR}`);
    const r = await facts(TARGET, conf, { SSH_AUTH_SOCK: join(dir, 'no-agent-here.sock') });
    expect(r.code, r.stdout + r.stderr).toBe(0);
  });

  it('a ProxyCommand hop (ssh -W %h:%p bastion) connects, and both host keys are verified', async () => {
    // The target answers only the bastion: its replies to the laptop are dropped.
    const cut = await lab.exec(TARGET, `ip route add blackhole ${LAPTOP_ADDR}/32`);
    expect(cut.code, cut.stderr).toBe(0);
    const proxy = (known: string) =>
      `Host ${TARGET}\n  HostName ${TARGET_ADDR}\n  ProxyCommand ssh -F ${LAB_SSH}/ssh_config -o UserKnownHostsFile=${known} -o BatchMode=yes -W %h:%p ${BASTION}`;
    const before = await sshdLog(TARGET);
    const r = await facts(TARGET, config('proxycommand.conf', proxy(`${LAB_SSH}/known_hosts`)));
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect((await sshdLog(TARGET)).slice(before.length)).toMatch(new RegExp(`Accepted publickey for pi from ${BASTION_ADDR.replace(/\./g, '\\.')} `));

    // The target's key is checked by provision: a wrong pin behind the proxy is refused, no login on the target.
    const wrong = join(dir, 'known_hosts_wrong_target');
    const bogus = (await lab.exec(BASTION, 'cut -d" " -f1,2 /etc/ssh/ssh_host_ed25519_key.pub')).stdout.trim();
    writeFileSync(wrong, `${TARGET_ADDR} ${bogus}\n`);
    const beforeBad = await sshdLog(TARGET);
    const bad = await facts(TARGET, config('proxycommand-wrong-target.conf', proxy(`${LAB_SSH}/known_hosts`), wrong));
    expect(bad.code).toBe(1);
    expect(bad.stdout + bad.stderr).toContain(`HOST KEY CHANGED for ${TARGET_ADDR}`);
    expect((await sshdLog(TARGET)).slice(beforeBad.length)).not.toMatch(/Accepted publickey/);

    // The bastion's key is checked by the ProxyCommand's ssh: an empty known_hosts there fails, and provision says so.
    const none = join(dir, 'known_hosts_empty');
    writeFileSync(none, '');
    const badHop = await facts(TARGET, config('proxycommand-wrong-hop.conf', proxy(none)));
    expect(badHop.code).toBe(1);
    expect(badHop.stdout + badHop.stderr).toMatch(/ProxyCommand failed.*Host key verification failed/s);
  });

  it('`Match exec` picks the bastion when the command fails (the target cannot be reached directly)', async () => {
    // (the blackhole route from the test before is still in place)
    const body =
      `Host ${BASTION}\n  HostName ${BASTION_ADDR}\n` +
      `Host ${TARGET}\n  HostName ${TARGET_ADDR}\n` +
      `Match originalhost ${TARGET} !exec "timeout 2 bash -c 'exec 3<>/dev/tcp/%h/%p'"\n  ProxyJump ${BASTION}`;
    const conf = config('match-exec.conf', body);
    const shown = await cli(['lab', 'run', '--name', LAB, '--', 'ssh-config', TARGET, '-i', inventory, '--ssh-config', conf, '--json']);
    expect(shown.code, shown.stderr).toBe(0);
    expect((JSON.parse(shown.stdout) as Record<string, string>).proxyjump).toBe(BASTION);
    const before = await sshdLog(TARGET);
    const r = await facts(TARGET, conf);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect((await sshdLog(TARGET)).slice(before.length)).toMatch(new RegExp(`Accepted publickey for pi from ${BASTION_ADDR.replace(/\./g, '\\.')} `));
    // With the route back, the same config goes direct (the command succeeds, the Match does not apply).
    expect((await lab.exec(TARGET, `ip route del blackhole ${LAPTOP_ADDR}/32`)).code).toBe(0);
    const direct = await cli(['lab', 'run', '--name', LAB, '--', 'ssh-config', TARGET, '-i', inventory, '--ssh-config', conf, '--json']);
    expect((JSON.parse(direct.stdout) as Record<string, string>).proxyjump).toBeUndefined();
  });

  it('IdentitiesOnly yes with the key only in the agent (encrypted on disk, no terminal) connects', async () => {
    const key = join(dir, 'agent_only_key');
    copyFileSync(`${LAB_SSH}/id_ed25519`, key);
    copyFileSync(`${LAB_SSH}/id_ed25519.pub`, `${key}.pub`);
    chmodSync(key, 0o600);
    expect((await execa('ssh-keygen', ['-q', '-p', '-P', '', '-N', 'i13-passphrase', '-f', key], { reject: false })).exitCode).toBe(0);
    const sock = join(dir, 'agent.sock');
    agent = execa('ssh-agent', ['-D', '-a', sock], { reject: false, stdin: 'ignore' });
    for (let i = 0; i < 100 && (await execa('ssh-add', ['-l'], { env: { SSH_AUTH_SOCK: sock }, reject: false })).exitCode === 2; i++) await new Promise((r) => setTimeout(r, 50));
    writeFileSync(join(dir, 'askpass'), '#!/bin/sh\necho i13-passphrase\n', { mode: 0o700 });
    const add = await execa('ssh-add', [key], { env: { SSH_AUTH_SOCK: sock, SSH_ASKPASS: join(dir, 'askpass'), SSH_ASKPASS_REQUIRE: 'force', DISPLAY: 'x' }, reject: false, stdin: 'ignore' });
    expect(add.exitCode, String(add.stderr)).toBe(0);
    const file = join(dir, 'agent-only.conf');
    writeFileSync(
      file,
      `Host ${TARGET}\n  HostName ${TARGET_ADDR}\n  User pi\n  IdentityFile ${key}\n  IdentitiesOnly yes\n  UserKnownHostsFile ${LAB_SSH}/known_hosts\n  GlobalKnownHostsFile /dev/null\n  StrictHostKeyChecking yes\n`,
    );
    const r = await facts(TARGET, file, { SSH_AUTH_SOCK: sock });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    // Without the agent the same config cannot log in: the key is encrypted and nobody can type its passphrase.
    const without = await facts(TARGET, file, { SSH_AUTH_SOCK: join(dir, 'no-agent-here.sock') });
    expect(without.code).toBe(1);
    expect(without.stdout + without.stderr).toContain('ssh-add');
  });
});
