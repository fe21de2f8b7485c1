// `provision ping`: each host reached as a run reaches it, one become'd exec that reads with builtins only.
import { execa } from 'execa';
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { PING_SCRIPT, pingHosts } from '../../../src/engine/ping-hosts.js';
import type { Command } from '../../../src/core/command.js';
import type { Connector } from '../../../src/core/connector.js';
import type { ExecResult } from '../../../src/core/session.js';
import { fakeInventory } from '../../support/fake-inventory.js';
import { requireProgram } from '../modules/real/programs.js';

/** A connector whose hosts answer as scripted: an ExecResult, or an error thrown by connect or by exec. */
function scripted(answers: Record<string, { connect?: Error; exec?: Error; result?: ExecResult }>) {
  const sent: Array<{ host: string; cmd: Command }> = [];
  let closed = 0;
  const connector: Connector = {
    async connect(host) {
      const a = answers[host.name]!;
      if (a.connect) throw a.connect;
      return {
        host: host.name,
        exec: async (cmd) => {
          sent.push({ host: host.name, cmd });
          if (a.exec) throw a.exec;
          return a.result!;
        },
        close: async () => { closed++; },
      };
    },
    closeAll: async () => undefined,
  };
  return { connector, sent, closed: () => closed };
}

const named = (name: string, message: string) => Object.assign(new Error(message), { name });

describe('pingHosts', () => {
  it('reports each host: its hostname and sudo user, or why it failed (unreachable or not), in inventory order', async () => {
    const inventory = fakeInventory();
    const hosts = ['node-a', 'node-b', 'node-c', 'node-d', 'node-e'].map((name) => ({ ...inventory.hosts[0]!, name }));
    const [a, b, c, d, e] = hosts.map((h) => h.name);
    const { connector, sent } = scripted({
      [a!]: { result: { code: 0, stdout: `${a} pi\n`, stderr: '' } },
      [b!]: { result: { code: 0, stdout: 'raspberrypi \n', stderr: '' } }, // a root login: no SUDO_USER
      [c!]: { connect: named('ConnectError', `${c}: no SSH answer within 10 s`) },
      [d!]: { exec: named('SudoError', `${d}: sudo needs a password and none was given`) },
      [e!]: { result: { code: 127, stdout: '', stderr: 'sh: 1: cannot open /proc/sys/kernel/hostname: No such file\n' } },
    });
    let t = 0;
    const r = await pingHosts({ inventory, hosts, connector, now: () => (t += 7) });
    expect(r.map((x) => x.host)).toEqual([a, b, c, d, e]);
    expect(r[0]).toEqual({ host: a, ok: true, hostname: a, sudoUser: 'pi', ms: expect.any(Number) });
    expect(r[1]).toEqual({ host: b, ok: true, hostname: 'raspberrypi', ms: expect.any(Number) });
    expect(r[2]).toMatchObject({ host: c, ok: false, unreachable: true, error: `${c}: no SSH answer within 10 s` });
    expect(r[3]).toMatchObject({ host: d, ok: false, unreachable: false, error: `${d}: sudo needs a password and none was given` });
    expect(r[4]).toMatchObject({ host: e, ok: false, unreachable: false });
    expect((r[4] as { error: string }).error).toBe('the check did not run as root (exit 127): sh: 1: cannot open /proc/sys/kernel/hostname: No such file');
    expect(r.every((x) => x.ms > 0)).toBe(true);
    // One exec a reachable host, as root, and it is the ping script itself.
    expect(sent.map((s) => s.host)).toEqual([a, b, d, e]);
    for (const s of sent) expect(s.cmd).toEqual({ argv: ['sh', '-c', PING_SCRIPT], sudo: true });
  });

  it('an answer that is not "HOSTNAME [USER]" on one line is a failure, not a hostname', async () => {
    const inventory = fakeInventory();
    const h = inventory.hosts[0]!;
    for (const stdout of ['', 'a b c\n', 'two\nlines\n', 'no-newline']) {
      const { connector } = scripted({ [h.name]: { result: { code: 0, stdout, stderr: '' } } });
      const [r] = await pingHosts({ inventory, hosts: [h], connector });
      expect(r, JSON.stringify(stdout)).toMatchObject({ ok: false, unreachable: false });
    }
  });
});

const hasStrace = await requireProgram('strace', 'strace');

describe('PING_SCRIPT in the real sh', () => {
  const hostname = async () => (await readFile('/proc/sys/kernel/hostname', 'utf8')).trim();

  it('prints the kernel hostname and SUDO_USER (empty on a root login)', async () => {
    const withSudo = await execa('/bin/sh', ['-c', PING_SCRIPT], { env: { SUDO_USER: 'pi' }, extendEnv: false });
    expect(withSudo.stdout).toBe(`${await hostname()} pi`);
    const root = await execa('/bin/sh', ['-c', PING_SCRIPT], { env: {}, extendEnv: false });
    expect(root.stdout).toBe(`${await hostname()} `);
  });

  it.runIf(hasStrace)('starts no program: the shell sudo starts is the last one', async () => {
    const r = await execa('strace', ['-f', '-qq', '-e', 'trace=execve,clone,clone3,fork,vfork', '/bin/sh', '-c', PING_SCRIPT], { reject: false });
    const calls = r.stderr.split('\n').filter((l) => /execve\(|clone3?\(|v?fork\(/.test(l));
    expect(calls, r.stderr).toHaveLength(1); // the shell's own execve
  });
});
