// Starts, enters, reboots and halts one lab host: its lab-init runs as PID 1 of private PID/mount/UTS namespaces inside its netns.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync, closeSync } from 'node:fs';
import { resolve } from 'node:path';
import type { LabHostPlan, LabPlan } from './plan.js';
import { LAB_BASE } from './plan.js';
import { IN_HOST_STANDINS } from './host-root.js';
import { ASSETS, CAPS_DROPPED, HOST_PATH, PACKAGE_ROOT, hostDirs, shellEnv, type HostDirs } from './host-paths.js';
import { haltNspawnHost, isNspawnHost, leaderPid, nspawnBootId, nspawnExecArgv, rebootNspawnHost } from './nspawn-runtime.js';

export function hostEnvFile(plan: LabPlan, host: LabHostPlan, sshDownSeconds: number): string {
  const d = hostDirs(plan, host.name);
  const vars: Record<string, string> = {
    LAB_HOST: host.name,
    LAB_HOSTDIR: d.dir,
    LAB_ROOT: d.root,
    LAB_ADDR: host.cidr,
    LAB_GW: plan.gateway,
    LAB_SSH_DELAY: String(sshDownSeconds),
    LAB_PKG: PACKAGE_ROOT,
    LAB_STANDINS: IN_HOST_STANDINS,
    LAB_HIDE: LAB_BASE,
    LAB_MODEL: host.board === 'raspberry-pi' ? 'Raspberry Pi 4 Model B Rev 1.5' : '',
  };
  return shellEnv(vars);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The pid that commands enter: the chroot host's lab-init, or an nspawn host's systemd. */
export function initPid(plan: LabPlan, host: string): number | undefined {
  if (isNspawnHost(plan, host)) return leaderPid(plan, host);
  try {
    const pid = Number(readFileSync(hostDirs(plan, host).pid, 'utf8').trim());
    return pid > 0 && existsSync(`/proc/${pid}`) ? pid : undefined;
  } catch {
    return undefined;
  }
}

export function bootId(plan: LabPlan, host: string): string | undefined {
  if (isNspawnHost(plan, host)) return nspawnBootId(plan, host);
  try {
    return readFileSync(hostDirs(plan, host).bootId, 'utf8').trim();
  } catch {
    return undefined;
  }
}

export function isBooted(plan: LabPlan, host: string): boolean {
  if (isNspawnHost(plan, host)) return leaderPid(plan, host) !== undefined;
  return existsSync(hostDirs(plan, host).booted) && initPid(plan, host) !== undefined;
}

function consoleTail(d: HostDirs): string {
  try {
    return readFileSync(d.console, 'utf8').split('\n').slice(-15).join('\n');
  } catch {
    return '';
  }
}

export async function waitBooted(plan: LabPlan, host: string, timeoutMs = 60_000, notBootId?: string): Promise<void> {
  const d = hostDirs(plan, host);
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (existsSync(d.booted) && (!notBootId || bootId(plan, host) !== notBootId)) return;
    await sleep(50);
  }
  throw new Error(`host ${host} did not boot within ${timeoutMs / 1000}s:\n${consoleTail(d)}`);
}

/** Spawns the host's init (detached: it outlives this CLI) and waits until it has booted (sshd up). */
export async function startHost(plan: LabPlan, host: LabHostPlan, sshDownSeconds: number): Promise<void> {
  const d = hostDirs(plan, host.name);
  for (const p of [d.work, d.root]) mkdirSync(p, { recursive: true });
  writeFileSync(d.env, hostEnvFile(plan, host, sshDownSeconds));
  rmSync(d.booted, { force: true });
  const out = openSync(d.console, 'a');
  const child = spawn('ip', ['netns', 'exec', host.ns, 'unshare', '--mount', '--uts', '--pid', '--fork', '--propagation', 'private', '/bin/bash', `${ASSETS}/lab-init.sh`, d.env], {
    detached: true,
    stdio: ['ignore', out, out],
    env: { PATH: HOST_PATH, LANG: 'C.UTF-8' },
  });
  let exited: number | null | undefined;
  child.on('exit', (code) => (exited = code));
  child.unref();
  closeSync(out);
  const until = Date.now() + 60_000;
  while (!existsSync(d.booted)) {
    if (exited !== undefined) throw new Error(`host ${host.name} failed to start (exit ${exited}):\n${consoleTail(d)}`);
    if (Date.now() > until) throw new Error(`host ${host.name} did not boot within 60s:\n${consoleTail(d)}`);
    await sleep(40);
  }
}

/** argv that runs a command inside a lab host as root (its namespaces + chroot, minus the capabilities a host never has). */
export function hostExecArgv(plan: LabPlan, host: string, pid: number, argv: string[], env: Record<string, string> = {}): string[] {
  if (isNspawnHost(plan, host)) return nspawnExecArgv(pid, argv, env);
  const d = hostDirs(plan, host);
  const envArgs = Object.entries({ PATH: HOST_PATH, HOME: '/root', LANG: 'C.UTF-8', TERM: process.env.TERM ?? 'dumb', ...env }).map(([k, v]) => `${k}=${v}`);
  return ['nsenter', '-t', String(pid), '-m', '-u', '-p', '-n', '--', 'setpriv', '--bounding-set', CAPS_DROPPED, '--', 'chroot', d.root, '/usr/bin/env', '-i', ...envArgs, ...argv];
}

/** Asks the host's init for a reboot (SIGUSR1) and, with wait, returns when it has booted with a new boot id. */
export async function rebootHost(plan: LabPlan, host: string, wait = true): Promise<void> {
  if (isNspawnHost(plan, host)) return rebootNspawnHost(plan, host, wait);
  const pid = initPid(plan, host);
  if (!pid) throw new Error(`host ${host} is not running`);
  const before = bootId(plan, host);
  process.kill(pid, 'SIGUSR1');
  if (wait) await waitBooted(plan, host, 90_000, before);
}

/** Halts the host: its init stops everything (SIGTERM), then the PID namespace is killed for sure. */
export async function haltHost(plan: LabPlan, host: string): Promise<void> {
  if (isNspawnHost(plan, host)) return haltNspawnHost(plan, host);
  const pid = initPid(plan, host);
  if (!pid) return;
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return;
  }
  for (let i = 0; i < 40 && existsSync(`/proc/${pid}`); i++) await sleep(50);
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    /* already gone */
  }
}
