// Helpers for lab tests: drive the built CLI, run commands in lab hosts, decide skip vs fail when not root.
import { execa } from 'execa';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { afterAll } from 'vitest';
import { tempDir } from '../support/temp-dir.js';
import { consoleTail } from '../../src/lab/nspawn-runtime.js';

export const ROOT = resolve(import.meta.dirname, '../..');
export const CLI = resolve(ROOT, 'dist/cli/main.js');
export const canRunLab = process.platform === 'linux' && process.getuid?.() === 0;
export const labRequired = process.env.PROVISION_LAB_REQUIRED === '1';
/** describe.skipIf(skipLab): skipped when not root, unless PROVISION_LAB_REQUIRED=1 (then the tests run and fail). */
export const skipLab = !canRunLab && !labRequired;

let work: string | undefined;
/**
 * The directory the CLI runs in: one per test process, never the checkout (a completed `up` writes ./kubeconfig/
 * there, which would land in the checkout and be overwritten by other labs of the same inventory).
 */
export function workDir(): string {
  work ??= tempDir('provision-lab-test-');
  return work;
}
// Registered when a test file imports this module (each file has its own copy): its work dir goes with it.
afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
  work = undefined;
});

/** A relative inventory or playbook path (`inventory/x.yaml`) names a file of the checkout: made absolute for workDir(). */
export function checkoutPath(arg: string): string {
  if (arg.startsWith('-') || isAbsolute(arg) || !/\.ya?ml$/.test(arg)) return arg;
  const abs = resolve(ROOT, arg);
  return existsSync(abs) ? abs : arg;
}

export interface Out {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * The CLI's result; `timeout` (ms) kills a command that hangs, reported as code 124 with the reason in stderr. With a
 * timeout the CLI runs in a process group of its own and the timeout kills the whole group: execa's own timeout kills
 * the CLI alone, and a command it started (nsenter and what runs in the host, ssh, provision under `lab run`) kept the
 * output pipes open, so the await outlived the bound and the test hung to vitest's limit without a word of what hung.
 * Without one it stays in the test's group, where a Ctrl-C on the test run reaches it.
 */
export async function cli(args: string[], opts: { input?: string; env?: Record<string, string>; timeout?: number } = {}): Promise<Out> {
  if (!canRunLab) throw new Error('lab tests need root on Linux (PROVISION_LAB_REQUIRED=1 is set)');
  if (!existsSync(CLI)) throw new Error(`build first: ${CLI} is missing (npm run build)`);
  const sub = execa(process.execPath, [CLI, ...args.map(checkoutPath)], { reject: false, input: opts.input, env: opts.env, cwd: workDir(), detached: opts.timeout !== undefined });
  let timedOut = false;
  let force: NodeJS.Timeout | undefined;
  const bound =
    opts.timeout === undefined
      ? undefined
      : setTimeout(() => {
          timedOut = true;
          killGroup(sub.pid, 'SIGTERM');
          force = setTimeout(() => killGroup(sub.pid, 'SIGKILL'), 3000);
        }, opts.timeout);
  const r = await sub;
  clearTimeout(bound);
  clearTimeout(force);
  return outOf({ ...r, timedOut }, args.join(' '));
}

function killGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  try {
    if (pid) process.kill(-pid, signal);
  } catch {
    /* the group is gone */
  }
}

function outOf(r: { exitCode?: number; timedOut?: boolean; stdout?: unknown; stderr?: unknown }, what: string): Out {
  if (r.timedOut) return { code: 124, stdout: String(r.stdout ?? ''), stderr: `${String(r.stderr ?? '')}\n[lab-support] timed out: ${what}` };
  return { code: r.exitCode ?? 1, stdout: String(r.stdout), stderr: String(r.stderr) };
}

/**
 * Bounds for the lab client's commands: a host that reboots under load can take a connection and never answer it
 * (sshd killed mid-handshake, a namespace being torn down), and an unbounded await then hangs the test until
 * vitest's own timeout, with no word of what hung. Generous: only a hang reaches them.
 */
const EXEC_TIMEOUT = 120_000;
const SSH_TIMEOUT = 30_000;
/** How long a held session's command sleeps: whatever is to cut it must do so well within this. */
export const HOLD_MS = 90_000;

export function labClient(name: string) {
  /** `ip` argv: OpenSSH from the lab's laptop namespace with the lab's config, bounded in connect and keepalive. */
  const sshArgv = (target: string, cmd: string) => ['netns', 'exec', `pl-${name}_laptop`, 'ssh', '-F', `/var/lib/provision-lab/${name}/ssh/ssh_config`, '-o', 'BatchMode=yes', '-o', 'ConnectTimeout=5', '-o', 'ServerAliveInterval=5', '-o', 'ServerAliveCountMax=2', target, cmd];
  return {
    exec: (host: string, cmd: string, input?: string) => cli(['lab', 'exec', '--name', name, host, '--', 'sh', '-c', cmd], { input, timeout: EXEC_TIMEOUT }),
    ssh: (target: string, cmd: string) => execa('ip', sshArgv(target, cmd), { reject: false, timeout: SSH_TIMEOUT }).then((r) => outOf(r, `ssh ${target} ${cmd}`)),
    /**
     * An ssh session held open on target (its command sleeps HOLD_MS): `open` settles once the session runs, `ended`
     * when it ends, for whatever reason (a reboot cuts it).
     */
    hold: (target: string) => {
      const sub = execa('ip', sshArgv(target, `echo open; exec sleep ${HOLD_MS / 1000}`), { reject: false, timeout: HOLD_MS + SSH_TIMEOUT });
      const ended = sub.then((r) => outOf(r, `ssh ${target} (held)`));
      const open = new Promise<void>((res, rej) => {
        sub.stdout?.on('data', (d: Buffer) => String(d).includes('open') && res());
        void ended.then((r) => rej(new Error(`the held session to ${target} ended before it opened (exit ${r.code}): ${r.stderr}`)));
      });
      return { open, ended };
    },
    /** The last lines the host's console printed (systemd's boot and shutdown), for a failure's message. */
    consoleTail: (host: string) => consoleTail({ dir: `/var/lib/provision-lab/${name}` }, host, 40),
    up: (inventory: string, extra: string[] = []) => cli(['lab', 'up', '-i', inventory, '--name', name, ...extra]),
    down: () => cli(['lab', 'down', '--name', name]),
  };
}

export const prepNode = readFileSync(resolve(ROOT, 'test/fixtures/lab/prep-node.sh'), 'utf8');

/** What is left of a lab on the machine: namespaces, processes, mounts, its directory. */
export async function leftovers(name: string): Promise<string[]> {
  const found: string[] = [];
  const ns = await execa('ip', ['netns', 'list'], { reject: false });
  for (const l of String(ns.stdout).split('\n')) if (l.startsWith(`pl-${name}.`) || l.startsWith(`pl-${name}_`)) found.push(`netns ${l.split(' ')[0]}`);
  if (existsSync(`/var/lib/provision-lab/${name}`)) found.push(`dir /var/lib/provision-lab/${name}`);
  const mounts = readFileSync('/proc/self/mountinfo', 'utf8').split('\n').filter((l) => l.includes(`/provision-lab/${name}/`) || l.includes(`/netns/pl-${name}`));
  found.push(...mounts.map((m) => `mount ${m.split(' ')[4]}`));
  const ps = await execa('ps', ['-eo', 'pid,args'], { reject: false });
  for (const l of String(ps.stdout).split('\n')) if (l.includes(`/provision-lab/${name}/`)) found.push(`process ${l.trim()}`);
  return found;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function until<T>(what: string, fn: () => Promise<T | undefined>, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(300);
  }
}
