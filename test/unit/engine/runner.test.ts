// The runner against fake hosts (temp dirs, real sh): convergence, --check, isolation, serial, handlers, providers, max-fail.
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runPlaybook, type RunOptions } from '../../../src/engine/run.js';
import type { GateAnswer, RunGate } from '../../../src/engine/run-scope.js';
import { LOCK_TOKEN } from './local-hosts.js';
import { loadYamlPlaybook, threeHosts } from './run-fixture.js';

const setup = threeHosts;

async function run(yaml: string, env: ReturnType<typeof setup>, options: Partial<RunOptions> = {}) {
  const playbook = await loadYamlPlaybook(yaml, env.inventory);
  return runPlaybook({ playbook, inventory: env.inventory, options: { connector: env.hosts, lockFile: LOCK_TOKEN, lockMarker: `provision-become-ok-r${process.pid}x`, pollMs: 10, ...options } });
}

const FILES = `name: t
plays:
  - name: files
    hosts: all
    tasks:
      - tfile: { name: motd, content: "hello\\n" }
      - tfile: { name: other, content: "x" }
`;

// Fake hosts are real processes: on a loaded machine (load 20 on 2 cores) one test takes over 10 s.
/** One play writing join.conf on every host from the `tok` provider's template (extra: more tsecret params). */
const joinPlaybook = (extra = '') => `name: t
plays:
  - name: join
    hosts: all
    tasks:
      - tsecret: { name: join.conf, template: "token: {{tok.value}}\\n"${extra} }
`;

/** One play of one tcmd task (a script without single quotes) on `hosts`. */
const oneCommand = (hosts: string, script: string) => `name: t
plays:
  - name: one
    hosts: ${hosts}
    tasks:
      - tcmd: { script: '${script}' }
`;

describe('runPlaybook', { timeout: 60_000 }, () => {
  it('converges, then a re-run changes nothing with one connection and one exec per host', async () => {
    const env = setup();
    const first = await run(FILES, env);
    expect(first).toMatchObject({ changed: 6, failed: 0 });
    expect(first.hosts.h1!.changes.map((c) => c.action)).toEqual(['create', 'create']);
    for (const h of ['h1', 'h2', 'h3']) expect(readFileSync(join(env.hosts.dir(h), 'motd'), 'utf8')).toBe('hello\n');
    env.hosts.log.length = 0;
    env.hosts.connects.length = 0;
    const second = await run(FILES, env);
    expect(second).toMatchObject({ changed: 0, failed: 0 });
    expect(second.hosts.h2).toMatchObject({ ok: 2, changed: 0, failed: 0, unreachable: false, changes: [] });
    for (const h of ['h1', 'h2', 'h3']) {
      expect(env.hosts.connects.filter((c) => c.host === h)).toHaveLength(1);
      expect(env.hosts.execs(h)).toHaveLength(1);
    }
  });

  it('reads the facts of every play in one exec per host; plays after an applied change probe again', async () => {
    const PLAYS = `name: t
plays:
  - { name: one, hosts: all, tasks: [ { tfile: { name: a, content: "1" } } ] }
  - { name: two, hosts: h1, tasks: [ { tfile: { name: b, content: "2" } } ] }
  - { name: three, hosts: all, tasks: [ { tfile: { name: c, content: "3" } } ] }
`;
    const env = setup();
    const first = await run(PLAYS, env);
    expect(first).toMatchObject({ changed: 7, failed: 0 });
    // Changing run: the upfront probe, then each play probes again because changes were applied.
    expect(env.hosts.execs('h1').filter((t) => t.includes('@@provision-')).length).toBeGreaterThan(1);
    env.hosts.log.length = 0;
    const second = await run(PLAYS, env);
    expect(second).toMatchObject({ changed: 0, failed: 0 });
    for (const h of ['h1', 'h2', 'h3']) expect(env.hosts.execs(h)).toHaveLength(1);
  });

  it('takes the lock only to change a host, and refuses a plan that another run\'s change made stale', async () => {
    // Another run changes h1 between this run's probe and its first change there: it bumps h1's lock generation.
    const env = setup({
      intercept: (host, text) => {
        if (host === 'h1' && text.includes('flock -w')) writeFileSync(join(env.hosts.dir('h1'), 'provision.lock.gen'), 'other-run\n');
        return undefined;
      },
    });
    const r = await run(FILES, env);
    expect(r.hosts.h1).toMatchObject({ failed: 1, changed: 0 });
    expect(r.hosts.h1!.error).toMatch(/another provision run changed this host after this run read it/);
    expect(existsSync(join(env.hosts.dir('h1'), 'motd'))).toBe(false);
    for (const h of ['h2', 'h3']) {
      expect(r.hosts[h]).toMatchObject({ failed: 0, changed: 2 });
      expect(readFileSync(join(env.hosts.dir(h), 'provision.lock.gen'), 'utf8')).toMatch(/^[0-9a-f]{16}\n$/);
    }
    // A re-run reads the new generation: it takes the lock and converges h1; a converged run never takes it.
    expect(await run(FILES, env)).toMatchObject({ failed: 0 });
    env.hosts.log.length = 0;
    expect(await run(FILES, env)).toMatchObject({ changed: 0, failed: 0 });
    expect(env.hosts.log.filter((l) => l.text.includes('flock'))).toEqual([]);
  });

  it('reads a host on a kept connection (--persist) but takes its lock and changes it on a connection of its own', async () => {
    const env = setup({ kept: true });
    expect(await run(FILES, env)).toMatchObject({ changed: 6, failed: 0 });
    for (const h of ['h1', 'h2', 'h3']) {
      const log = env.hosts.log.filter((l) => l.host === h);
      const probe = log.findIndex((l) => l.text.includes('@@provision-') && !l.text.includes('flock -w'));
      expect(log[probe]?.fresh).toBe(false);
      // the lock's holder watches the connection that took it: that one ends with this run
      expect(log.filter((l) => l.text.includes('flock -w')).map((l) => l.fresh)).toEqual([true]);
      expect(log.slice(probe + 1).every((l) => l.fresh)).toBe(true);
      expect(readFileSync(join(env.hosts.dir(h), 'motd'), 'utf8')).toBe('hello\n');
    }
    // Converged: the kept connections alone, no connection of the run's own.
    env.hosts.connects.length = 0;
    expect(await run(FILES, env)).toMatchObject({ changed: 0, failed: 0 });
    expect(env.hosts.connects.filter((c) => c.fresh)).toEqual([]);
  });

  it('--check plans without writing', async () => {
    const env = setup();
    const r = await run(FILES, env, { check: true });
    expect(r).toMatchObject({ check: true, changed: 6, failed: 0 });
    for (const h of ['h1', 'h2', 'h3']) expect(existsSync(join(env.hosts.dir(h), 'motd'))).toBe(false);
    expect(env.hosts.log.every((l) => l.text.includes('@@provision-'))).toBe(true);
  });

  it('an unreachable host fails alone; the others converge', async () => {
    const env = setup({ unreachable: new Set(['h2']) });
    const r = await run(FILES, env);
    expect(r).toMatchObject({ changed: 4, failed: 1 });
    expect(r.hosts.h2).toMatchObject({ unreachable: true, failed: 1, error: expect.stringMatching(/connection refused/) });
    expect(existsSync(join(env.hosts.dir('h3'), 'motd'))).toBe(true);
  });

  it('a gate reads in the one up-front exec per host and sees every answer before any change', async () => {
    const env = setup({ unreachable: new Set(['h3']) });
    const seen: GateAnswer[][] = [];
    const gate = (verdict: (a: GateAnswer[]) => void): RunGate => ({
      probe: (host) => ({ items: [], lines: [`s gate.name; echo ${host.name}-read`] }),
      check: (answers) => {
        seen.push(answers);
        // A barrier: before the first run that writes, nothing is written on any host when the gate decides.
        if (seen.length <= 2) for (const h of ['h1', 'h2']) expect(existsSync(join(env.hosts.dir(h), 'motd'))).toBe(false);
        verdict(answers);
      },
    });
    await expect(run(FILES, env, { gate: gate(() => { throw new Error('gate says no'); }) })).rejects.toThrow('gate says no');
    for (const h of ['h1', 'h2']) {
      expect(existsSync(join(env.hosts.dir(h), 'motd'))).toBe(false);
      expect(env.hosts.execs(h)).toHaveLength(1); // the gate's reads rode in the probe: no exec of their own
    }
    expect(seen[0]!.map((a) => a.host.name)).toEqual(['h1', 'h2', 'h3']); // inventory order, whatever order they answered in
    const byHost = new Map(seen[0]!.map((a) => [a.host.name, a]));
    expect(byHost.get('h1')!.sections!.get('gate.name')).toBe('h1-read\n');
    expect(byHost.get('h2')!.sentAt).toBeLessThanOrEqual(byHost.get('h2')!.answeredAt!);
    expect(byHost.get('h3')).toMatchObject({ unreachable: true, error: expect.stringMatching(/connection refused/) });
    env.hosts.log.length = 0;
    // A gate that lets the run go on: the same probe serves the plays (still one exec per host on a converged re-run).
    // (Once seen failing in a whole-suite run, "failed": 2 on the converged re-run, not reproduced since: the
    // hosts' errors go with the assertion.)
    const goes = await run(FILES, env, { gate: gate(() => undefined) });
    expect(goes, JSON.stringify(goes.hosts)).toMatchObject({ changed: 4, failed: 1 });
    const again = await run(FILES, env, { gate: gate(() => undefined) });
    expect(again, JSON.stringify(again.hosts)).toMatchObject({ changed: 0, failed: 1 });
    expect(seen).toHaveLength(3);
  });

  it('a failing step stops that host only, and later plays skip it', async () => {
    const env = setup();
    const pb = `name: t
plays:
  - name: one
    hosts: all
    tasks:
      - tcmd: { script: 'test "$(basename "$PWD")" != h1 || { echo broken >&2; exit 3; }' }
      - tfile: { name: after, content: "y" }
  - name: two
    hosts: all
    tasks:
      - tfile: { name: second-play, content: "z" }
`;
    const r = await run(pb, env);
    expect(r.failed).toBe(1);
    expect(r.hosts.h1!.error).toMatch(/exit 3[\s\S]*broken/);
    expect(existsSync(join(env.hosts.dir('h1'), 'after'))).toBe(false);
    expect(existsSync(join(env.hosts.dir('h1'), 'second-play'))).toBe(false);
    expect(existsSync(join(env.hosts.dir('h2'), 'second-play'))).toBe(true);
  });

  it('a step failing on a host whose systemd is stopping says the host is going down; a host that then drops is unreachable', async () => {
    const BROKEN = oneCommand('all', `test "$(basename "$PWD")" = h3 || { echo "connect (101: Network is unreachable)" >&2; exit 100; }`);
    const env = setup({
      intercept: (host, text) => {
        if (text !== 'systemctl is-system-running') return undefined;
        if (host === 'h1') return { code: 1, stdout: 'stopping\n', stderr: '' };
        if (host === 'h2') return Object.assign(new Error('h2: connection lost while running: systemctl is-system-running'), { name: 'ConnectError' });
        return undefined;
      },
    });
    const r = await run(BROKEN, env);
    expect(r.failed).toBe(2);
    expect(r.hosts.h1!.error).toMatch(/exit 100[\s\S]*Network is unreachable\)\n\(the host is shutting down or rebooting: its systemd says "stopping"\)$/);
    expect(r.hosts.h1!.unreachable).toBe(false);
    expect(r.hosts.h1!.changes[0]!.error).toMatch(/its systemd says "stopping"\)$/);
    expect(r.hosts.h2!.error).toMatch(/Network is unreachable\)\n\(then the connection was lost: is the host shutting down or rebooting\?\)$/);
    expect(r.hosts.h2!.unreachable).toBe(true);
    expect(r.hosts.h3!.failed).toBe(0);
    // Asked once, after the failure, and only where a step failed.
    for (const h of ['h1', 'h2']) expect(env.hosts.execs(h).filter((t) => t === 'systemctl is-system-running')).toHaveLength(1);
    expect(env.hosts.execs('h3')).not.toContain('systemctl is-system-running');
  });

  it('a failed step on a running host keeps its own error, without a note', async () => {
    const env = setup();
    const r = await run(oneCommand('h1', 'echo broken >&2; exit 3'), env);
    expect(r.hosts.h1!.error).toMatch(/exit 3\)[^\n]*\nbroken$/);
    expect(env.hosts.execs('h1')).toContain('systemctl is-system-running');
  });

  it("a failure that already shows systemd's shutdown refusal is not asked about again", async () => {
    const env = setup();
    const refusal = `echo "Failed to restart containerd.service: Transaction for containerd.service/restart is destructive (systemd-sysusers.service has \\"stop\\" job queued, but \\"start\\" is included in transaction)." | tr "\\"" "\\047" >&2; exit 4`;
    const r = await run(oneCommand('h1', refusal), env);
    expect(r.hosts.h1!.error).toMatch(/Transaction for containerd\.service\/restart is destructive[^\n]*\n\(systemd is stopping units: is the host shutting down or rebooting\?\)$/);
    expect(env.hosts.execs('h1')).not.toContain('systemctl is-system-running');
  });

  it('serial batches finish one batch before probing the next; --max-fail aborts the rest', async () => {
    const env = setup();
    const pb = `name: t
plays:
  - name: serial
    hosts: all
    serial: 1
    tasks:
      - tcmd: { script: 'date +%s%N > applied; test "$(basename "$PWD")" != h2' }
`;
    const r = await run(pb, env, { maxFail: 1 });
    const kind = (t: string) => (t.includes('flock -w') ? 'lock' : t.includes('@@provision-') ? 'probe' : t === 'systemctl is-system-running' ? 'asked' : 'apply');
    const order = env.hosts.log.map((l) => `${l.host}:${kind(l.text)}`);
    // The run lock is taken right before a host's first change, not by its probe; h2's failure asks its systemd.
    expect(order).toEqual(['h1:probe', 'h1:lock', 'h1:apply', 'h2:probe', 'h2:lock', 'h2:apply', 'h2:asked']);
    expect(r.aborted).toMatch(/max-fail 1/);
    expect(r.hosts.h3).toMatchObject({ skipped: true, failed: 0 });
  });

  it('--max-fail during the whole-playbook probe: hosts not yet started are never connected', async () => {
    const env = setup({ unreachable: new Set(['h1']) });
    const pb = `name: t
plays:
  - name: one
    hosts: all
    tasks:
      - tfile: { name: motd, content: "hello\\n" }
  - name: two
    hosts: all
    tasks:
      - tfile: { name: other, content: "x" }
`;
    const r = await run(pb, env, { maxFail: 1, concurrency: 1 });
    expect(r.aborted).toMatch(/max-fail 1/);
    expect(r.hosts.h1).toMatchObject({ failed: 1, unreachable: true });
    expect(env.hosts.connects.map((c) => c.host)).toEqual(['h1']);
    for (const h of ['h2', 'h3']) {
      expect(r.hosts[h]).toMatchObject({ skipped: true, failed: 0 });
      expect(existsSync(join(env.hosts.dir(h), 'motd'))).toBe(false);
    }
  });

  it('handlers run once per host, only when a change was applied', async () => {
    const env = setup();
    writeFileSync(join(env.hosts.dir('h3'), 'conf'), 'v1');
    const pb = `name: t
plays:
  - name: h
    hosts: all
    tasks:
      - tfile: { name: conf, content: v1 }
        notify: restart
      - tfile: { name: conf2, content: v1 }
        notify: [restart]
    handlers:
      - name: restart
        tcmd: { script: 'echo x >> restarted' }
`;
    await run(pb, env);
    expect(readFileSync(join(env.hosts.dir('h1'), 'restarted'), 'utf8')).toBe('x\n');
    await run(pb, env);
    expect(readFileSync(join(env.hosts.dir('h1'), 'restarted'), 'utf8')).toBe('x\n');
  });

  it('resolves a provider once, on the first ready candidate, and keeps its value secret', async () => {
    const env = setup();
    writeFileSync(join(env.hosts.dir('h2'), 'ready'), '');
    writeFileSync(join(env.hosts.dir('h3'), 'ready'), '');
    const pb = joinPlaybook();
    const r = await run(pb, env, { diff: true } as never);
    for (const h of ['h1', 'h2', 'h3']) expect(readFileSync(join(env.hosts.dir(h), 'join.conf'), 'utf8')).toBe('token: s3cr3t-h2\n');
    expect(existsSync(join(env.hosts.dir('h2'), 'provided'))).toBe(true);
    expect(existsSync(join(env.hosts.dir('h3'), 'provided'))).toBe(false);
    const json = JSON.stringify(r);
    expect(json).not.toContain('s3cr3t');
    expect(r.hosts.h1!.changes[0]!.diff).toEqual({ path: expect.any(String), before: '<secret>', after: '<secret>' });
    expect(env.hosts.log.filter((l) => l.text.includes('touch provided'))).toHaveLength(1);
  });

  it('--check lists the provide step (what runs where) and runs nothing; the value is never shown', async () => {
    const env = setup();
    writeFileSync(join(env.hosts.dir('h2'), 'ready'), '');
    const pb = joinPlaybook();
    const r = await run(pb, env, { check: true } as never);
    expect(r.hosts.h1!.changes[0]!.provides).toEqual([expect.stringMatching(/3cr3t .* on the first ready of h1, h2, h3 \(secret output, made once per run\)$/)]);
    expect(env.hosts.log.filter((l) => l.text.includes('touch provided'))).toHaveLength(0);
    for (const h of ['h1', 'h2', 'h3']) expect(existsSync(join(env.hosts.dir(h), 'provided'))).toBe(false);
  });

  it('a template whose provider no provide step makes is a planning error: nothing runs', async () => {
    const env = setup();
    writeFileSync(join(env.hosts.dir('h2'), 'ready'), '');
    const pb = joinPlaybook(', provide: false');
    const r = await run(pb, env);
    expect(r.hosts.h1).toMatchObject({ failed: 1, error: expect.stringMatching(/uses provider tok but no provide step before it makes that value/) });
    expect(existsSync(join(env.hosts.dir('h2'), 'provided'))).toBe(false);
    expect(existsSync(join(env.hosts.dir('h1'), 'join.conf'))).toBe(false);
  });

  it('a guarded change whose confirmation connection fails is reported as rolled back', async () => {
    const env = setup({ refuseFresh: new Set(['h1']) });
    const pb = `name: t
plays:
  - name: fw
    hosts: all
    tasks:
      - tguard: { marker: fw-applied }
`;
    const r = await run(pb, env);
    expect(r.hosts.h1).toMatchObject({ failed: 1, error: expect.stringMatching(/rolled back by the host/) });
    expect(existsSync(join(env.hosts.dir('h1'), 'armed'))).toBe(true); // not disarmed: the host's timer restores it
    expect(existsSync(join(env.hosts.dir('h2'), 'armed'))).toBe(false);
    expect(r.hosts.h2).toMatchObject({ changed: 1, failed: 0 });
    expect(env.hosts.connects.filter((c) => c.fresh).map((c) => c.host).sort()).toEqual(['h1', 'h2', 'h3']);
    // The confirming handshake is bounded by the confirm window, not the run's connect timeout.
    expect(env.hosts.connects.filter((c) => c.fresh).map((c) => c.connectTimeoutMs)).toEqual([2000, 2000, 2000]);
  });

  it('an aborted signal starts nothing; --limit narrows every play', async () => {
    const env = setup();
    const ac = new AbortController();
    ac.abort();
    const r = await run(FILES, env, { signal: ac.signal });
    expect(env.hosts.log).toHaveLength(0);
    expect(Object.values(r.hosts).every((h) => h.skipped)).toBe(true);
    const limited = await run(FILES, env, { limit: 'worker,!h3' });
    expect(Object.keys(limited.hosts)).toEqual(['h2']);
  });
});

describe('plan conflicts', () => {
  it('refuses two tasks of one play writing the same file, before changing anything', async () => {
    const env = setup();
    const pb = `name: t
plays:
  - name: clash
    hosts: h1
    tasks:
      - tfile: { name: same, content: "a" }
      - tcmd: { script: 'touch ran' }
      - tfile: { name: same, content: "b" }
`;
    const r = await run(pb, env);
    expect(r.hosts.h1!.error).toMatch(/both change .*same in one play/);
    expect(existsSync(join(env.hosts.dir('h1'), 'ran'))).toBe(false);
  });
});

describe('reboot step', () => {
  const rebootPlaybook = (timeoutMs: number) => `name: t
plays:
  - name: r
    hosts: h1
    tasks:
      - treboot: { timeoutMs: ${timeoutMs} }
      - tfile: { name: after-reboot, content: "x" }
`;
  it('fires the reboot, reconnects until the boot id changes, re-takes the lock and carries on', async () => {
    let bootId = 'boot-A';
    const env = setup({
      intercept: (_host, text) => {
        if (text.includes('random/boot_id') && !text.includes('@@provision-')) return { code: 0, stdout: `${bootId}\n`, stderr: '' };
        if (text.includes('sleep 1; reboot')) {
          setTimeout(() => (bootId = 'boot-B'), 50);
          return { code: 0, stdout: '', stderr: '' };
        }
        return undefined;
      },
    });
    writeFileSync(join(env.hosts.dir('h1'), 'needs-reboot'), '');
    const r = await run(rebootPlaybook(5000), env);
    expect(r.hosts.h1).toMatchObject({ failed: 0, changed: 2 });
    expect(existsSync(join(env.hosts.dir('h1'), 'after-reboot'))).toBe(true);
    expect(env.hosts.connects.some((c) => c.host === 'h1' && c.fresh)).toBe(true);
    const afterReboot = env.hosts.log.slice(env.hosts.log.findIndex((l) => l.text.includes('sleep 1; reboot')));
    expect(afterReboot.some((l) => l.fresh && l.text.includes('flock'))).toBe(true);
    expect(env.hosts.keptAgain).toEqual(['h1']); // a keeper's connection died with the old boot: it is opened again
  });

  it('plans the rest of the play again after a reboot: what the host booted into counts, not what was read before', async () => {
    let bootId = 'boot-A';
    const env = setup({
      intercept: (_host, text) => {
        if (text.includes('random/boot_id') && !text.includes('@@provision-')) return { code: 0, stdout: `${bootId}\n`, stderr: '' };
        if (text.includes('sleep 1; reboot')) {
          // The boot brings back something that was in place before (like swap from /etc/fstab).
          setTimeout(() => {
            rmSync(join(env.hosts.dir('h1'), 'after-reboot'), { force: true });
            bootId = 'boot-B';
          }, 50);
          return { code: 0, stdout: '', stderr: '' };
        }
        return undefined;
      },
    });
    writeFileSync(join(env.hosts.dir('h1'), 'needs-reboot'), '');
    writeFileSync(join(env.hosts.dir('h1'), 'after-reboot'), 'x'); // converged before the run: planned as noop at first
    const r = await run(rebootPlaybook(5000), env);
    expect(r.hosts.h1).toMatchObject({ failed: 0 });
    expect(readFileSync(join(env.hosts.dir('h1'), 'after-reboot'), 'utf8')).toBe('x');
  });

  it('fails the host when the boot id never changes within the timeout', async () => {
    const env = setup({
      intercept: (_host, text) => (text.includes('random/boot_id') && !text.includes('@@provision-') ? { code: 0, stdout: 'same\n', stderr: '' } : text.includes('sleep 1; reboot') ? { code: 0, stdout: '', stderr: '' } : undefined),
    });
    writeFileSync(join(env.hosts.dir('h1'), 'needs-reboot'), '');
    const r = await run(rebootPlaybook(300), env);
    expect(r.hosts.h1!.error).toMatch(/did not come back with a new boot id/);
    expect(existsSync(join(env.hosts.dir('h1'), 'after-reboot'))).toBe(false);
  });
});

describe('interrupt', () => {
  it('lets the running step finish, starts no new one, skips hosts not yet changed', async () => {
    const ac = new AbortController();
    const env = setup({
      intercept: (host, text) => {
        if (host === 'h1' && text.includes('first-step')) ac.abort(); // Ctrl-C while h1's first step runs
        return undefined;
      },
    });
    const pb = `name: t
plays:
  - name: i
    hosts: all
    tasks:
      - tcmd: { script: 'echo first-step > one' }
      - tcmd: { script: 'touch two' }
`;
    const r = await run(pb, env, { signal: ac.signal, concurrency: 1 });
    expect(r.aborted).toBe('interrupted');
    expect(readFileSync(join(env.hosts.dir('h1'), 'one'), 'utf8')).toBe('first-step\n');
    expect(existsSync(join(env.hosts.dir('h1'), 'two'))).toBe(false);
    expect(r.hosts.h1).toMatchObject({ failed: 1, error: expect.stringMatching(/stopped before .*interrupted/) });
    for (const h of ['h2', 'h3']) {
      expect(r.hosts[h]).toMatchObject({ skipped: true, failed: 0 });
      expect(existsSync(join(env.hosts.dir(h), 'one'))).toBe(false);
    }
  });
});
