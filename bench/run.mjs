#!/usr/bin/env node
// Measures a converged `provision up` re-run against the OpenSSH floor (ssh HOST true on every host in
// parallel), alternating A C B in the same run, on lab clusters of 13, 50 and 100 hosts, where C is `provision
// ping` (provision's own connection and sudo, reading nothing): what no probe can cost less than, and P is the
// converged up with --persist (on the connections the keeper held from the run before: no login). Prints figures,
// and what each run cost in CPU, per host (from the hosts' cgroups) and in all (bench/host-cpu.mjs).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, writeFileSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir, cpus, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { generateInventory } from './generate-inventory.mjs';
import { execCost, processesBetween, readPidCounters } from './host-processes.mjs';
import { cpuBetween, cpuLines, hostCpuReader } from './host-cpu.mjs';
import { failureLines, firstRunBreakdown, formatBreakdown } from './first-run.mjs';
import { runStartMs } from './run-start.mjs';
import { buildSlowExec, installInHosts, readExecCounters, slowEnv } from './slow-exec.mjs';
import { haveStrace, traceLab, tracedExecCost } from './trace-syscalls.mjs';

const ROOT = resolve(import.meta.dirname, '..');
const CLI = join(ROOT, 'dist/cli/main.js');
const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: 'goldentooth,50,100' },
    pairs: { type: 'string', default: '5' },
    keep: { type: 'boolean', default: false },
    // Lab names are PREFIX-SIZE: a unique prefix keeps a bench apart from other labs on the machine.
    prefix: { type: 'string', default: 'bench' },
    // Emulates a machine where starting a program costs this many more µs of CPU (bench/slow-exec.mjs): in every
    // lab host and for the controller's commands, from the converged pairs on (the first `up` runs at native speed).
    // It also counts the programs started per host (0 counts them without slowing anything).
    'slow-exec-us': { type: 'string' },
    // Emulates a syscall-heavy sandbox (bench/trace-syscalls.mjs): strace follows every process of the converged pairs,
    // in the hosts and on the controller.
    'trace-syscalls': { type: 'boolean', default: false },
  },
});
const PAIRS = Math.max(5, Number(values.pairs));

if (process.getuid?.() !== 0) {
  console.error('bench: the lab needs root (network namespaces): sudo npm run bench');
  process.exit(1);
}

const SLOW_US = values['slow-exec-us'] === undefined ? undefined : Number(values['slow-exec-us']);
if (SLOW_US !== undefined && !(SLOW_US >= 0)) {
  console.error('bench: --slow-exec-us takes a number of microseconds (0: count programs only)');
  process.exit(2);
}

const TRACE = values['trace-syscalls'];
if (TRACE && SLOW_US !== undefined) {
  console.error('bench: --trace-syscalls and --slow-exec-us are two emulations: use one at a time');
  process.exit(2);
}
if (TRACE && !haveStrace()) {
  console.error('bench: --trace-syscalls needs strace (apt-get install strace)');
  process.exit(2);
}

// Every command runs in a directory of its own, never the checkout: a completed `up` writes ./kubeconfig/ there.
const WORK = mkdtempSync(join(tmpdir(), 'provision-bench-work-'));

// Issue 21's targets: at most 1.0x the floor at 13 hosts, 0.8x at 100, one connection and at most 10 processes per host.
const TARGETS = { goldentooth: 1.0, gen100: 0.8 };
const PROCS_MAX = 10;

function sh(argv, opts = {}) {
  const r = spawnSync(argv[0], argv.slice(1), { encoding: 'utf8', maxBuffer: 64 << 20, cwd: WORK, ...opts });
  if (r.status !== 0 && !opts.allowFail) {
    throw new Error(`${argv.join(' ')} exited ${r.status}\n${r.stderr}\n${r.stdout}`.slice(0, 4000));
  }
  return r;
}

/** Runs argv under GNU time: wall seconds, CPU seconds (user+sys) and peak RSS of the controller side. */
function timed(argv, env) {
  const out = join(tmpdir(), `bench-time-${process.pid}`);
  const t0 = process.hrtime.bigint();
  const r = spawnSync('/usr/bin/time', ['-f', '%U %S %M', '-o', out, ...argv], { encoding: 'utf8', env, maxBuffer: 64 << 20, cwd: WORK });
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  const [user, sys, rssKb] = readFileSync(out, 'utf8').trim().split('\n').pop().split(' ').map(Number);
  rmSync(out, { force: true });
  return { wall, cpu: user + sys, rssMb: rssKb / 1024, status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** CPU seconds the connection keepers on this machine have used (utime + stime of each `provision __keeper`). */
function keeperCpuSeconds() {
  const tick = 100; // USER_HZ: what /proc/PID/stat counts in on Linux
  let total = 0;
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      if (!readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('\0__keeper\0')) continue;
      const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
      total += (Number(f[11]) + Number(f[12])) / tick;
    } catch {
      // gone meanwhile
    }
  }
  return total;
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const fmt = (x) => x.toFixed(3);

async function benchOne(label, inventory, acceptLint) {
  const name = `${values.prefix}-${label}`.slice(0, 20);
  sh(['node', CLI, 'lab', 'down', '--name', name], { allowFail: true });
  // The base root is built (or found cached) first: `lab up` below is timed with it cached, as issue 12 measures.
  sh(['node', CLI, 'lab', 'base'], { stdio: ['ignore', 'ignore', 'pipe'] });
  const tUp = Date.now();
  sh(['node', CLI, 'lab', 'up', '-i', inventory, '--name', name], { stdio: ['ignore', 'ignore', 'pipe'] });
  const labUpSeconds = (Date.now() - tUp) / 1000;
  // Idle memory per host before anything runs (issue 12: ≤ 80 MiB): PSS summed over each host's pid namespace.
  const pss = sh(['bash', join(ROOT, 'bench/lab-memory.sh'), name], { allowFail: true }).stdout.split('\n').flatMap((l) => /^\S+ (\d+) MiB PSS/.exec(l)?.[1] ?? []).map(Number);
  try {
    const { readState } = await import(join(ROOT, 'dist/lab/state.js'));
    const { labRunEnv, labRunArgv } = await import(join(ROOT, 'dist/lab/lab-run.js'));
    const state = readState(`/var/lib/provision-lab/${name}`);
    const pidReader = await readPidCounters(ROOT, state);
    const env = labRunEnv(state, process.env);
    const upArgs = ['up', '-i', inventory, '--json', ...(acceptLint ? ['--accept-lint', acceptLint] : [])];
    const upArgv = labRunArgv(state, upArgs, ROOT);
    // C: the same connection and become as a run, with nothing read (`provision ping`): what no probe costs less than.
    const pingArgv = labRunArgv(state, ['ping', '-i', inventory, '--json', ...(acceptLint ? ['--accept-lint', acceptLint] : [])], ROOT);
    // P: the same converged up with --persist: it execs on the connections the keeper held from the run before (no login).
    const persistArgv = labRunArgv(state, [...upArgs, '--persist', '1800'], ROOT);
    const hosts = state.plan.hosts.map((h) => h.name);
    const sshCfg = `${state.plan.dir}/ssh/ssh_config`;
    const floorScript = hosts.map((h) => `ssh -F ${sshCfg} -o BatchMode=yes ${h} true &`).join('\n') + '\nwait';
    const floorArgv = ['ip', 'netns', 'exec', state.plan.controllerNs, 'env', `HOME=${state.plan.dir}/home`, 'sh', '-c', floorScript];

    // The first run streams its events: the breakdown says where its time went (per play, per host).
    const firstArgv = labRunArgv(state, ['up', '-i', inventory, '--events', ...(acceptLint ? ['--accept-lint', acceptLint] : [])], ROOT);
    const first = timed(firstArgv, env);
    if (first.status !== 0) {
      const why = failureLines(first.stdout);
      throw new Error(`first provision up failed (${first.status}):\n${why.length ? `${why.join('\n')}\nits stderr, last lines:\n` : ''}${first.stderr.slice(-3000)}`);
    }
    const firstLines = formatBreakdown(firstRunBreakdown(first.stdout));
    // From here on, the emulated slow machine (if asked): the hosts' programs and the controller's both pay.
    let envA = env, envB = process.env;
    if (SLOW) {
      installInHosts(CLI, name, hosts, SLOW);
      envA = slowEnv(env, SLOW);
      envB = slowEnv(process.env, SLOW);
    }

    const countSshd = () => hosts.map((h) => {
      const r = sh(['node', CLI, 'lab', 'exec', '--name', name, h, '--', 'sh', '-c',
        'grep -c "Accepted publickey" /var/log/sshd.log; grep -c "Starting session" /var/log/sshd.log'], { allowFail: true });
      const [conns, sessions] = r.stdout.trim().split('\n').map(Number);
      return { conns: conns || 0, sessions: sessions || 0 };
    });

    const a = [], b = [], c = [], p = [], ratios = [], pingRatios = [], keptRatios = [], cpu = [], rss = [];
    let perHostKept;
    // CPU of each run, per host from its cgroups and on the controller's side: what the ratio is made of.
    const readHostCpu = await hostCpuReader(ROOT, state);
    const cpuRuns = { A: [], B: [], C: [], P: [] };
    const cpuOf = (key, run) => {
      const before = readHostCpu(hosts);
      const r = run();
      const host = cpuBetween(before, readHostCpu(hosts));
      if (host) cpuRuns[key].push({ ...host, controller: r.cpu });
      return r;
    };
    let perHost;
    // The sandbox emulation covers the timed pairs only (the counts below are the same traced or not).
    const tracer = TRACE ? await traceLab(ROOT, state, hosts) : undefined;
    const wrapT = (argv) => (tracer ? tracer.wrap(argv) : argv);
    // The keeper's first run opens its connections (a host the first up rebooted is reconnected): not timed.
    for (let i = 0; i < 2; i++) {
      const warm = timed(persistArgv, env);
      if (warm.status !== 0) throw new Error(`up --persist failed (${warm.status}):\n${warm.stderr.slice(-3000)}`);
    }
    // The keeper is a process of its own: its CPU is the run's, on the controller's side.
    const keptRun = () => {
      const k0 = keeperCpuSeconds();
      const r = timed(wrapT(persistArgv), envA);
      return { ...r, cpu: r.cpu + keeperCpuSeconds() - k0 };
    };
    try {
      for (let i = 0; i < PAIRS; i++) {
        const before = i === 0 ? countSshd() : undefined;
        const rerun = cpuOf('A', () => timed(wrapT(upArgv), envA));
        if (rerun.status !== 0) throw new Error(`converged re-run failed (${rerun.status}):\n${rerun.stderr.slice(-3000)}`);
        const report = JSON.parse(rerun.stdout);
        if (report.changed !== 0) throw new Error(`converged re-run changed ${report.changed} things: not converged`);
        if (before) {
          const after = countSshd();
          perHost = after.map((x, k) => ({ conns: x.conns - before[k].conns, sessions: x.sessions - before[k].sessions }));
        }
        const keptBefore = i === 0 ? countSshd() : undefined;
        const kept = cpuOf('P', keptRun);
        if (kept.status !== 0) throw new Error(`converged re-run with --persist failed (${kept.status}):\n${kept.stderr.slice(-3000)}`);
        if (JSON.parse(kept.stdout).changed !== 0) throw new Error('converged re-run with --persist changed things: not converged');
        if (keptBefore) {
          const after = countSshd();
          perHostKept = after.map((x, k) => ({ conns: x.conns - keptBefore[k].conns, sessions: x.sessions - keptBefore[k].sessions }));
        }
        const ping = cpuOf('C', () => timed(wrapT(pingArgv), envA));
        const pinged = ping.status === 0 ? Object.values(JSON.parse(ping.stdout).hosts) : [];
        if (pinged.length !== hosts.length || !pinged.every((h) => h.ok)) throw new Error(`provision ping failed (${ping.status}):\n${(ping.stderr || ping.stdout).slice(-3000)}`);
        const floor = cpuOf('B', () => timed(wrapT(floorArgv), envB));
        if (floor.status !== 0) throw new Error(`OpenSSH floor failed:\n${floor.stderr.slice(-2000)}`);
        a.push(rerun.wall); b.push(floor.wall); c.push(ping.wall); ratios.push(rerun.wall / floor.wall); pingRatios.push(ping.wall / floor.wall);
        p.push(kept.wall); keptRatios.push(kept.wall / floor.wall);
        cpu.push(rerun.cpu); rss.push(rerun.rssMb);
      }
    } finally {
      await tracer?.stop();
    }
    // Processes per host, from each host's own pid counter: a converged run, then the floor's `ssh true`, each
    // three times apart from the timed pairs (the counter reads cost a process each); the minimum of the three.
    const execReader = SLOW ? await readExecCounters(ROOT, state, SLOW) : undefined;
    const countProcs = (argv, env, check) => {
      const runs = [];
      const execRuns = [];
      for (let i = 0; i < 3; i++) {
        const before = readPidCountersSync();
        const execsBefore = execReader?.(hosts);
        const r = spawnSync(argv[0], argv.slice(1), { encoding: 'utf8', env, maxBuffer: 64 << 20, cwd: WORK });
        if (r.status !== 0) throw new Error(`${check} failed (${r.status}):\n${r.stderr.slice(-2000)}`);
        if (execsBefore) {
          const after = execReader(hosts);
          execRuns.push(new Map([...after].map(([h, n]) => [h, n - (execsBefore.get(h) ?? n)])));
        }
        runs.push(processesBetween(before, readPidCountersSync()));
      }
      // Programs started (execs, counted by the preloaded library): per host the minimum of the three runs.
      const execs = execRuns.length ? (() => {
        const per = hosts.flatMap((h) => (execRuns.every((m) => m.has(h)) ? [Math.min(...execRuns.map((m) => m.get(h)))] : []));
        return { max: Math.max(...per), median: median(per), controller: Math.min(...execRuns.map((m) => m.get(''))) };
      })() : undefined;
      const byHost = hosts.flatMap((h) => (runs.every((m) => m.has(h)) ? [[h, Math.min(...runs.map((m) => m.get(h)))]] : []));
      const perHost = byHost.map(([, n]) => n);
      if (!perHost.length) return undefined;
      const max = Math.max(...perHost);
      // The busiest hosts by name (at most three), and how many hosts share each count: "12 ×12, 10 ×1".
      const busiest = byHost.filter(([, n]) => n === max).map(([h]) => h);
      const counts = new Map();
      for (const n of perHost) counts.set(n, (counts.get(n) ?? 0) + 1);
      const spread = [...counts].sort((x, y) => y[0] - x[0]).map(([n, k]) => `${n} ×${k}`).join(', ');
      return { max, median: median(perHost), min: Math.min(...perHost), busiest: `${busiest.slice(0, 3).join(', ')}${busiest.length > 3 ? ` and ${busiest.length - 3} more` : ''}`, spread, execs };
    };
    const readPidCountersSync = () => pidReader(hosts);
    const procsA = countProcs(upArgv, envA, 'converged up (process count)');
    const procsB = countProcs(floorArgv, envB, 'OpenSSH floor (process count)');
    const procsC = countProcs(pingArgv, envA, 'provision ping (process count)');
    const procsP = countProcs(persistArgv, envA, 'converged up --persist (process count)');
    // P's start, three more runs with --events: spawn → run-start (the hosts have nothing to do before it).
    const startArgv = labRunArgv(state, [...upArgs.filter((x) => x !== '--json'), '--events', '--persist', '1800'], ROOT);
    const starts = [0, 1, 2].map(() => {
      const t0 = Date.now();
      const r = timed(startArgv, envA);
      if (r.status !== 0) throw new Error(`up --persist --events failed (${r.status}):\n${r.stderr.slice(-2000)}`);
      return runStartMs(r.stdout, t0);
    });
    const range = (xs) => `median ${fmt(median(xs))} s  (min ${fmt(Math.min(...xs))}, max ${fmt(Math.max(...xs))})`;
    const maxConns = Math.max(...perHost.map((p) => p.conns));
    const maxSessions = Math.max(...perHost.map((p) => p.sessions));
    console.log(`\n## ${label}: ${hosts.length} hosts, ${PAIRS} pairs`);
    console.log(`lab up                         ${labUpSeconds.toFixed(1)} s (base root cached; cold hosts)`);
    console.log(`idle memory per host (PSS)     ${pss.length ? `max ${Math.max(...pss)} MiB, median ${median(pss)} MiB over ${pss.length} hosts (target <= 80 MiB)` : 'n/a'}`);
    console.log(`first provision up             ${fmt(first.wall)} s   controller CPU ${fmt(first.cpu)} s, peak RSS ${first.rssMb.toFixed(0)} MiB${SLOW ? ' (native speed: the slow-exec emulation starts after it)' : ''}`);
    for (const l of firstLines) console.log(l);
    console.log(`A converged provision up       ${range(a)}`);
    console.log(`B OpenSSH floor (ssh true ∥)   ${range(b)}`);
    console.log(`C provision ping (no probe)    ${range(c)}`);
    console.log(`P converged up --persist       ${range(p)}  (on the keeper's connections; its CPU counted as the controller's)`);
    console.log(`ratio A/B                      median of pairs ${median(ratios).toFixed(2)}x, of medians ${(median(a) / median(b)).toFixed(2)}x`);
    console.log(`ratio C/B                      median of pairs ${median(pingRatios).toFixed(2)}x (no probe through this connection and sudo costs less); the probe's own share A−C ${fmt(median(a) - median(c))} s`);
    console.log(`ratio P/B                      median of pairs ${median(keptRatios).toFixed(2)}x, of medians ${(median(p) / median(b)).toFixed(2)}x (the floor logs in on every host; P logs in nowhere)`);
    console.log(`P's start                      median ${median(starts).toFixed(0)} ms from spawn to the probes going out (run-start; min ${Math.min(...starts)}, max ${Math.max(...starts)}): node, the bundle, inventory and playbook on one core while the hosts wait`);
    console.log(`converged re-run controller    CPU median ${fmt(median(cpu))} s, peak RSS median ${median(rss).toFixed(0)} MiB${TRACE ? ' (strace\'s own CPU included)' : ''}`);
    console.log(`per host in one re-run         SSH connections max ${maxConns}, sessions (execs) max ${maxSessions} (from each host's sshd log)`);
    const procs = procsA ? `max ${procsA.max} (${procsA.busiest}), median ${procsA.median}, min ${procsA.min}; per host ${procsA.spread} (floor ssh true: max ${procsB?.max}, median ${procsB?.median}; pid counter: sshd's processes and every thread included)` : 'n/a';
    console.log(`pid ids per host (converged)   ${procs}`);
    const keptLogins = Math.max(...perHostKept.map((x) => x.conns));
    console.log(`with --persist, per host       SSH logins max ${keptLogins}, sessions (execs) max ${Math.max(...perHostKept.map((x) => x.sessions))}; pid ids ${procsP ? `max ${procsP.max}, median ${procsP.median} (every process the run started there: no sshd of a login)` : 'n/a'}`);
    // What the run itself starts, from the login shell on: the floor's `ssh true` costs sshd's own processes plus one
    // (the login shell, which becomes `true`), so the run's are its pid ids less the floor's, plus that one.
    const started = procsA && procsB ? procsA.max - procsB.median + 1 : undefined;
    console.log(`processes per host (converged) ${started === undefined ? 'n/a' : `${started} started by the run on the busiest host (${procsA.busiest}), login shell and sudo included (pid ids max ${procsA.max} − floor median ${procsB.median} + 1; target <= 10)`}`);
    if (procsA?.execs && procsB?.execs) {
      const e = (x) => `max ${x.max}, median ${x.median} per host; controller ${x.controller}`;
      console.log(`programs started (converged)   ${e(procsA.execs)} (floor ssh true: ${e(procsB.execs)}; ping: ${procsC?.execs ? e(procsC.execs) : 'n/a'}; counted by the preloaded library)`);
    }
    const cpuSums = cpuLines(cpuRuns, hosts.length, TARGETS[label], cpus().length);
    for (const l of cpuSums.lines) console.log(l);
    if (TRACE) console.log('                               (traced: strace on the hosts runs outside them, so its CPU is in neither side; the controller\'s strace is in its CPU)');
    console.log(`exec cost                      ${execLine()}`);
    return {
      label, hosts: hosts.length, ratio: median(ratios), pingRatio: median(pingRatios), conns: maxConns, procs: started, cpuRatio: cpuSums.ratio,
      kept: { ratio: median(keptRatios), cpuRatio: cpuSums.keptRatio, logins: keptLogins, procs: procsP?.max },
    };
  } finally {
    if (!values.keep) sh(['node', CLI, 'lab', 'down', '--name', name], { allowFail: true });
  }
}

console.log(`# provision bench — ${new Date().toISOString()} — ${cpus().length} cores (${cpus()[0]?.model}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}`);
// Process creation costs 0.5 ms on one machine of this kind and 5.5 ms on another: every figure is read next to it.
const tmp = mkdtempSync(join(tmpdir(), 'provision-bench-'));
const SLOW = SLOW_US === undefined ? undefined : buildSlowExec(ROOT, tmp, SLOW_US);
const NATIVE = execCost();
// With the emulation, the exec cost the converged figures were taken at is the emulated one (the library preloaded).
const EXEC = SLOW ? execCost(500, slowEnv(process.env, SLOW)) : TRACE ? tracedExecCost() : NATIVE;
const ms = (e) => ((e.seconds / e.n) * 1000).toFixed(2);
const execLine = () => `${EXEC.n} × /bin/true ${fmt(EXEC.seconds)} s (${ms(EXEC)} ms each)${SLOW ? `, emulated: +${SLOW_US} µs of CPU per program started (bench/slow-exec.c); native ${ms(NATIVE)} ms each` : ''}${TRACE ? `, emulated: every system call traced (bench/trace-syscalls.mjs); native ${ms(NATIVE)} ms each` : ''}`;
console.log(`exec cost: ${execLine()}`);
const results = [];
// A size that fails (a lab that cannot boot here, a run that fails) is named with its error; the other sizes go on.
try {
  for (const size of values.sizes.split(',')) {
    const hostCount = size === 'goldentooth' ? 13 : Number(size);
    const label = size === 'goldentooth' ? size : `gen${size}`;
    try {
      if (size === 'goldentooth') {
        results.push(await benchOne('goldentooth', join(ROOT, 'inventory/goldentooth.yaml'), 'metallb-unrouted,asn-reserved'));
      } else {
        const file = join(tmp, `gen-${size}.yaml`);
        writeFileSync(file, generateInventory(Number(size)));
        results.push(await benchOne(label, file));
      }
    } catch (err) {
      console.log(`\n## ${label}: ${hostCount} hosts\nnot measured: ${err.message}`);
      results.push({ label, hosts: hostCount, notMeasured: true });
    }
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
  rmSync(WORK, { recursive: true, force: true });
}
console.log('\n## summary');
for (const r of results) {
  if (r.notMeasured) {
    console.log(`${r.label.padEnd(12)} ${String(r.hosts).padStart(4)} hosts  not measured (its error is above)${TARGETS[r.label] ? `  target <= ${TARGETS[r.label].toFixed(1)}x: NOT measured` : ''}`);
    continue;
  }
  const target = TARGETS[r.label];
  const verdict = target === undefined ? '' : `  target <= ${target.toFixed(1)}x, 1 connection and <= ${PROCS_MAX} processes per host: ${r.ratio <= target && r.conns === 1 && r.procs !== undefined && r.procs <= PROCS_MAX ? 'met' : 'NOT met'}`;
  // When ping alone (connection and sudo, nothing read) is over the target, no probe can meet it on this machine.
  const reach = target !== undefined && r.pingRatio > target ? `; out of reach of any probe here: ping alone is ${r.pingRatio.toFixed(2)}x` : '';
  const k = r.kept;
  const keptVerdict = target === undefined ? '' : `  target: ${k.ratio <= target && k.logins === 0 && k.procs !== undefined && k.procs <= PROCS_MAX ? 'met' : 'NOT met'}`;
  console.log(`${r.label.padEnd(12)} ${String(r.hosts).padStart(4)} hosts  with --persist: converged/floor ${k.ratio.toFixed(2)}x (in CPU ${k.cpuRatio === undefined ? 'n/a' : `${k.cpuRatio.toFixed(2)}x`})  logins/host ${k.logins}  processes/host ${k.procs ?? 'n/a'}${keptVerdict}`);
  console.log(`${r.label.padEnd(12)} ${String(r.hosts).padStart(4)} hosts  converged/floor ${r.ratio.toFixed(2)}x (in CPU ${r.cpuRatio === undefined ? 'n/a' : `${r.cpuRatio.toFixed(2)}x`})  ping/floor ${r.pingRatio.toFixed(2)}x  connections/host ${r.conns}  processes/host ${r.procs ?? 'n/a'}  exec cost ${ms(EXEC)} ms${SLOW || TRACE ? ' (emulated)' : ''}${verdict}${reach}`);
}
