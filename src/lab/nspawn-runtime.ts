// Starts, enters, reboots and halts an nspawn lab host: real systemd as PID 1 on an overlay of the base root, in the host's netns.
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import type { LabHostPlan, LabPlan } from './plan.js';
import { ASSETS, CAPS_DROPPED, HOST_PATH, PACKAGE_ROOT, hostDirs, shellEnv } from './host-paths.js';
import { run } from './sh.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function readPid(file: string): number | undefined {
  try {
    const pid = Number(readFileSync(file, 'utf8').trim());
    return pid > 0 && existsSync(`/proc/${pid}`) ? pid : undefined;
  } catch {
    return undefined;
  }
}

export function supervisorPid(plan: Pick<LabPlan, 'dir'>, host: string): number | undefined {
  return readPid(`${hostDirs(plan as LabPlan, host).dir}/supervisor.pid`);
}

/** The host's PID 1 as the machine sees it: the child of systemd-nspawn whose comm is systemd. */
export function leaderPid(plan: Pick<LabPlan, 'dir'>, host: string): number | undefined {
  const nspawn = readPid(`${hostDirs(plan as LabPlan, host).dir}/nspawn.pid`);
  if (!nspawn) return undefined;
  for (const e of readdirSync('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const stat = readFileSync(`/proc/${e}/stat`, 'utf8');
      const m = /^\d+ \((.*)\) \S+ (\d+)/.exec(stat);
      if (m && Number(m[2]) === nspawn && m[1] === 'systemd') return Number(e);
    } catch {
      /* gone */
    }
  }
  return undefined;
}

/** The boot id systemd-nspawn gave this boot of the host (what the host's /proc/sys/kernel/random/boot_id says). */
export function nspawnBootId(plan: Pick<LabPlan, 'dir'>, host: string): string | undefined {
  const pid = leaderPid(plan, host);
  if (!pid) return undefined;
  try {
    return readFileSync(`/proc/${pid}/root/proc/sys/kernel/random/boot_id`, 'utf8').trim();
  } catch {
    return undefined;
  }
}

/**
 * argv that runs a command in the booted host as its root: all its namespaces, its user and cgroup ones included (so the
 * command's capabilities reach the host and never the machine), minus the capabilities a host never has. The command
 * gets SIGTERM when nsenter goes (nsenter forwards no signal): killing `lab exec` ends it, as closing an ssh session
 * ends its command, instead of leaving it running in the host with the caller's output pipes open.
 */
export function nspawnExecArgv(leader: number, argv: string[], env: Record<string, string> = {}): string[] {
  const envArgs = Object.entries({ PATH: HOST_PATH, HOME: '/root', LANG: 'C.UTF-8', TERM: process.env.TERM ?? 'dumb', ...env }).map(([k, v]) => `${k}=${v}`);
  return ['nsenter', '-t', String(leader), '-U', '-C', '-m', '-u', '-i', '-n', '-p', '--', 'setpriv', '--pdeathsig', 'TERM', '--bounding-set', CAPS_DROPPED, '--', '/usr/bin/env', '-i', ...envArgs, ...argv];
}

export interface NspawnHostOptions {
  /** Overlay lower dirs, top first (the base root last). */
  lower: string;
}

function envFile(plan: LabPlan, host: LabHostPlan, o: NspawnHostOptions): string {
  const d = hostDirs(plan, host.name);
  const vars: Record<string, string> = {
    LAB_HOST: host.name,
    LAB_HOSTDIR: d.dir,
    LAB_ROOT: d.root,
    LAB_LOWER: o.lower,
    LAB_NS: host.ns,
    LAB_USERNS: d.userns,
    LAB_NODE: process.execPath,
    LAB_PKG: PACKAGE_ROOT,
    LAB_MODEL_DIR: `${d.dir}/firmware`,
    LAB_SYSMODULE_DIR: `${d.dir}/sys-module`,
  };
  return shellEnv(vars);
}

/** The last lines the host's console printed (systemd's boot and shutdown), for an error's message; '' when none. */
export function consoleTail(plan: Pick<LabPlan, 'dir'>, host: string, lines = 20): string {
  try {
    return readFileSync(hostDirs(plan as LabPlan, host).console, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

/** Waits for the host's systemd to finish booting (is-system-running --wait), optionally on a boot id other than notBootId. */
export async function waitNspawnBooted(plan: LabPlan, host: string, timeoutMs = 90_000, notBootId?: string): Promise<string> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const leader = leaderPid(plan, host);
    const id = leader ? nspawnBootId(plan, host) : undefined;
    if (leader && id && id !== notBootId) {
      const left = Math.max(1000, until - Date.now());
      const r = await run(nspawnExecArgv(leader, ['timeout', String(Math.ceil(left / 1000)), 'systemctl', 'is-system-running', '--wait']), { nothrow: true });
      const state = r.stdout.trim();
      if (state === 'running' || state === 'degraded') return state;
      // 'offline' is what systemctl says before the host's systemd opens its socket: early boot, not a verdict.
      if (leaderPid(plan, host) === leader && (state === 'maintenance' || state === 'stopping')) {
        throw new Error(`host ${host} booted ${state}:\n${consoleTail(plan, host)}`);
      }
    }
    if (!supervisorPid(plan, host)) throw new Error(`host ${host} stopped:\n${consoleTail(plan, host)}`);
    await sleep(100);
  }
  throw new Error(`host ${host} did not boot within ${timeoutMs / 1000}s:\n${consoleTail(plan, host)}`);
}

/** Starts the host's supervisor (detached: it outlives this CLI); the returned promise settles when systemd has booted it. */
export function startNspawnHost(plan: LabPlan, host: LabHostPlan, o: NspawnHostOptions): Promise<string> {
  const d = hostDirs(plan, host.name);
  for (const p of [d.work, d.root]) mkdirSync(p, { recursive: true });
  // Every host sees this dir as its /sys/firmware (read-only), as a machine has one; a Pi's shows the board in the
  // device tree. A lab test may stage device-tree files in it from the machine side.
  mkdirSync(`${d.dir}/firmware`, { recursive: true });
  // And this one as its /sys/module: a directory per module its record says is loaded (the stand-ins keep it).
  mkdirSync(`${d.dir}/sys-module`, { recursive: true });
  if (host.board === 'raspberry-pi') {
    mkdirSync(`${d.dir}/firmware/devicetree/base`, { recursive: true });
    writeFileSync(`${d.dir}/firmware/devicetree/base/model`, 'Raspberry Pi 4 Model B Rev 1.5\0');
  }
  writeFileSync(d.env, envFile(plan, host, o));
  const out = openSync(d.console, 'a');
  const child = spawn('unshare', ['--mount', '--propagation', 'private', '/bin/bash', `${ASSETS}/nspawn-host.sh`, d.env], {
    detached: true,
    stdio: ['ignore', out, out],
    env: { PATH: HOST_PATH, LANG: 'C.UTF-8' },
  });
  child.unref();
  closeSync(out);
  // unshare execs bash (no --fork): the child is the supervisor. Written here so the wait below never races it.
  writeFileSync(`${d.dir}/supervisor.pid`, `${child.pid}\n`);
  return waitNspawnBooted(plan, host.name);
}

/** Reboots the host through its own systemd (systemctl reboot); with wait, returns when a new boot has finished. */
export async function rebootNspawnHost(plan: LabPlan, host: string, wait = true): Promise<void> {
  const leader = leaderPid(plan, host);
  if (!leader) throw new Error(`host ${host} is not running`);
  const before = nspawnBootId(plan, host);
  await run(nspawnExecArgv(leader, ['systemctl', 'reboot']), { nothrow: true });
  if (wait) await waitNspawnBooted(plan, host, 90_000, before);
}

/** Powers the host off (TERM to the supervisor: nspawn asks systemd to power off), then kills what is left. */
export async function haltNspawnHost(plan: Pick<LabPlan, 'dir'>, host: string): Promise<void> {
  const sup = supervisorPid(plan, host);
  if (!sup) return;
  const nspawn = readPid(`${hostDirs(plan as LabPlan, host).dir}/nspawn.pid`);
  try {
    process.kill(sup, 'SIGTERM');
  } catch {
    return;
  }
  for (let i = 0; i < 100 && existsSync(`/proc/${sup}`); i++) await sleep(50);
  for (const pid of [nspawn, sup]) {
    try {
      if (pid) process.kill(pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
}
