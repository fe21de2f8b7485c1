// A converged run's probe, counted: the processes it starts on a host (strace on this machine), as behaviour, not time.
import { execa } from 'execa';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildProbe } from '../../../src/facts/probe.js';
import { wrapRoot } from '../../../src/transport/become.js';
import { convergedItems, convergedProbe } from '../../support/converged-probe.js';
import { requireProgram } from '../modules/real/programs.js';

/**
 * What the probe of goldentooth's control plane bettley may start on this machine (Debian bookworm with containerd,
 * NetworkManager and nftables installed, NetworkManager not running), the probe's own shell excluded, with up's
 * preflight reads: 7 execs measured (43 before issue 21, 22 in its first round, 11 in its third, 8 in its sixth): one
 * ip (base: routes, addresses, the routes to the nodes and the gateway in one batch), df (preflight), awk (packages,
 * dpkg's architecture and the sysctl keys), one systemctl (services and unit conditions), one tar (every file, raw),
 * nft, and grep only because this machine lacks br_netfilter in /sys/module (a node that runs Kubernetes has it). The
 * run lock starts nothing in a probe (engine/lock.ts: flock and its holder run only before a first change). So a
 * converged node runs 6 programs in 6 processes: with its login shell and sudo's child, 8.
 */
const PROBE_PROGRAMS_MAX = 7;

/** Fact kinds that must start no process at all: builtins and /proc, /sys reads only. */
const NO_PROCESS_KINDS = ['pi-kernel', 'net-links', 'kubeadm-init-state', 'ufw-status', 'dpkg-journal'];

const hasStrace = await requireProgram('strace', 'strace');

interface Count {
  /** Programs started (successful execve), the probe's shell excluded. */
  execs: number;
  /** Processes started (fork/clone), subshells included. */
  forks: number;
  programs: string[];
}

let dir = '';
beforeAll(async () => { dir = await mkdtemp(join(tmpdir(), 'provision-probe-procs-')); });
afterAll(async () => rm(dir, { recursive: true, force: true }));

/** Runs `script` under `strace -f` with sudo's PATH. */
async function count(script: string): Promise<Count> {
  const file = join(dir, `probe-${Math.random().toString(36).slice(2)}.sh`);
  const log = `${file}.strace`;
  await writeFile(file, script);
  await execa('strace', ['-f', '-qq', '-z', '-e', 'trace=execve,clone,clone3,fork,vfork', '-o', log, '/bin/sh', '-c', 'sh "$1" >/dev/null 2>&1; :', 'sh', file], {
    env: { PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' }, extendEnv: false, reject: false, timeout: 50_000,
  });
  const lines = (await readFile(log, 'utf8')).split('\n');
  const execs = lines.flatMap((l) => /^\d+\s+execve\("([^"]+)"/.exec(l)?.[1] ?? []);
  const forks = lines.filter((l) => /^\d+\s+(clone3?|v?fork)\(/.test(l) && !l.includes('CLONE_THREAD')).length;
  // The wrapper: strace starts /bin/sh (execve), which forks and execs the probe's sh.
  return { execs: execs.length - 2, forks: forks - 1, programs: execs.slice(2) };
}

/**
 * The probe's own shell (dash) and its `read` builtin: a read(2) per byte. Short values (a hostname, a comm, a boot
 * id) are cheap so; a file that grows with the host (the mount table, with a node's pods: tens of KiB) or a program's
 * whole output is not: those are split by the shell or read by a program, and whole files (os-release, swaps,
 * machine-id, the kernel command line, smaps' page size) by the packages' awk that runs anyway (awk-reads.ts).
 * Measured on this machine: 337 (2,038 before the awk read the files; /proc/cgroups, read on a cgroup v1 host only,
 * is ~220 of the 337). Counted in a PID namespace of its own: the process scan (the lock's, which base.procs shares:
 * facts/proc-scan.ts) reads each process's comm, ~12 bytes a process.
 */
const ONE_BYTE_READS_MAX = 600;

/**
 * Runs `script` in sh under strace (the shell only, not its programs), in user, mount and PID namespaces of its own
 * (a /proc of its own processes): its one-byte reads and the files it opened.
 */
async function shellReads(script: string): Promise<{ oneByte: number; opened: string[] }> {
  const file = join(dir, `probe-${Math.random().toString(36).slice(2)}.sh`);
  const log = `${file}.strace`;
  await writeFile(file, script);
  await execa('unshare', ['-rpfm', '--mount-proc', 'strace', '-qq', '-e', 'trace=read,openat', '-o', log, '/bin/sh', file], {
    env: { PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' }, extendEnv: false, reject: false, timeout: 50_000,
  });
  const lines = (await readFile(log, 'utf8')).split('\n');
  return {
    oneByte: lines.filter((l) => /^read\(\d+, ".*", 1\)\s+= 1$/.test(l)).length,
    opened: lines.flatMap((l) => /^openat\(AT_FDCWD, "([^"]+)"/.exec(l)?.[1] ?? []),
  };
}

const o = { inventory: 'inventory/goldentooth.yaml', host: 'bettley', orphanMarker: 'provision-test-no-such-marker-' };

describe.runIf(hasStrace)('processes of a converged probe (strace)', () => {
  it(`bettley's whole probe, up's preflight reads included, starts at most ${PROBE_PROGRAMS_MAX} programs`, async () => {
    // With up's preflight reads (its gate), on a node that has joined: a kubelet.conf in the Kubernetes directory.
    await mkdir(join(dir, 'kubernetes'), { recursive: true });
    await writeFile(join(dir, 'kubernetes', 'kubelet.conf'), '');
    const probe = await convergedProbe({ ...o, lockFile: join(dir, 'provision.lock'), preflightKubernetesDir: join(dir, 'kubernetes') });
    const c = await count(probe.script);
    expect(c.programs.length, c.programs.join(' ')).toBeGreaterThan(4); // it ran: routes, packages, files...
    expect(c.execs, c.programs.join(' ')).toBeLessThanOrEqual(PROBE_PROGRAMS_MAX);
    // No subshell or pipe beyond the programs themselves: one fork per program.
    expect(c.forks, c.programs.join(' ')).toBeLessThanOrEqual(c.execs);
  });

  it(`bettley's whole probe reads at most ${ONE_BYTE_READS_MAX} bytes a read(2) at a time, and never the mount table`, async () => {
    const probe = await convergedProbe({ ...o, lockFile: join(dir, 'provision.lock'), preflightKubernetesDir: join(dir, 'kubernetes') });
    // As a run sends it: in the become wrapper's own shell, which names its marker (the lock's scan then skips its own
    // processes by it, reading no ancestor's /proc/N/stat).
    const wrapped = wrapRoot({ argv: ['sh', '-c', probe.script] }).command.argv[2]!;
    const r = await shellReads(wrapped);
    expect(r.oneByte, r.opened.join(' ')).toBeGreaterThan(0); // it ran: `read` still takes short values a byte at a time
    expect(r.oneByte, r.opened.join(' ')).toBeLessThanOrEqual(ONE_BYTE_READS_MAX);
    expect(r.opened.filter((f) => /^\/proc\/(self|\d+)\/mounts$|^\/proc\/mounts$|mountinfo$/.test(f))).toEqual([]);
    // The boot time comes from the packages' awk (probe-packages.ts BTIME_SECTION), not /proc/stat a byte at a time;
    // no ancestor's /proc/N/stat is read either (the wrapper names its marker).
    expect(r.opened.filter((f) => /^\/proc\/(\d+\/)?stat$/.test(f))).toEqual([]);
  });

  it.each(NO_PROCESS_KINDS)('fact kind %s starts no process', async (kind) => {
    const { items } = await convergedItems(o);
    const mine = items.filter((i) => i.kind === 'fact' && i.fact === kind);
    const probe = buildProbe({ items: mine.length ? mine : [{ kind: 'fact', fact: kind }], marker: 'M', skipBase: true });
    expect(await count(probe.script)).toEqual({ execs: 0, forks: 0, programs: [] });
  });

  it('sysctl reads every key with one process, containerd with at most two (the binary, apt-cache)', async () => {
    const { items } = await convergedItems(o);
    const of = (kind: string) => buildProbe({ items: items.filter((i) => i.kind === 'fact' && i.fact === kind), marker: 'M', skipBase: true }).script;
    expect((await count(of('sysctl'))).programs.map((p) => p.split('/').pop())).toEqual(['sysctl']);
    const c = await count(of('containerd'));
    expect(c.forks).toBeLessThanOrEqual(2);
    expect(c.programs.map((p) => p.split('/').pop()).filter((p) => !['containerd', 'apt-cache', 'dpkg'].includes(p!))).toEqual([]);
  });
});
