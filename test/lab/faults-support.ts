// Helpers for the fault-injection lab tests (issue 8): drive a lab asynchronously and break things inside it.
import { execa } from 'execa';
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { canRunLab, checkoutPath, CLI, cli, labRequired, type Out } from './lab-support.js';
import { tempDir } from '../support/temp-dir.js';

/** Skip when not root; when PROVISION_LAB_REQUIRED=1 and the lab cannot run, register one failing test instead. */
export function labReason(what: string): string {
  const reason = !canRunLab ? 'needs root on Linux' : '';
  if (labRequired && reason) describe(what, () => it(`cannot run: ${reason} (PROVISION_LAB_REQUIRED=1)`, () => expect.fail(reason)));
  return reason;
}

export interface RunJson {
  changed: number;
  failed: number;
  aborted?: string;
  hosts: Record<string, { ok: number; changed: number; failed: number; unreachable: boolean; skipped?: boolean; error?: string; changes: Array<{ task: string; action: string; summary: string; error?: string }> }>;
}

/** A running `provision lab run -- ARGS` (the CLI runs as a child of it, in the laptop namespace). */
export interface Running {
  /** stdout + stderr so far. */
  output(): string;
  /** The provision CLI process itself (the child of `lab run`). */
  cliPid(): Promise<number>;
  done: Promise<Out & { ms: number }>;
}

export function faultLab(name: string, inventory: string, accept?: string) {
  const lint = accept ? ['--accept-lint', accept] : [];
  const must = async (args: string[]): Promise<string> => {
    const r = await cli(args);
    if (r.code !== 0) throw new Error(`provision ${args.join(' ')} exited ${r.code}\n${r.stdout}\n${r.stderr}`);
    return r.stdout;
  };
  const inHost = (host: string, script: string) => must(['lab', 'exec', '--name', name, host, '--', 'sh', '-c', script]);
  // Runs start in a directory of their own: `up` writes ./kubeconfig/<cluster>.conf, which other labs of the
  // same inventory (other test files, other engineers) would otherwise overwrite between our runs.
  const cwd = tempDir(`provision-${name}-`);
  const runArgs = (verb: string[], extra: string[]) => ['lab', 'run', '--name', name, '--', ...verb.map(checkoutPath), '-i', checkoutPath(inventory), ...lint, ...extra];
  const runCli = async (args: string[]): Promise<Out> => {
    const r = await execa(process.execPath, [CLI, ...args], { reject: false, cwd });
    return { code: r.exitCode ?? 1, stdout: String(r.stdout), stderr: String(r.stderr) };
  };
  return {
    name,
    inventory,
    /** `lab up` of the inventory; extra: more `lab up` options (e.g. `--stack netplan`). */
    up: (extra: string[] = []) => must(['lab', 'up', '-i', inventory, '--name', name, ...extra]),
    down: () => cli(['lab', 'down', '--name', name]),
    inHost,
    /** `provision VERB... -i INVENTORY EXTRA...` from the laptop namespace, to completion. */
    run: (verb: string[], extra: string[] = []) => runCli(runArgs(verb, extra)),
    /** The same with --json, parsed. */
    async runJson(verb: string[], extra: string[] = []): Promise<{ code: number; json: RunJson; stderr: string }> {
      const r = await runCli(runArgs(verb, ['--json', ...extra]));
      try {
        return { code: r.code, json: JSON.parse(r.stdout) as RunJson, stderr: r.stderr };
      } catch {
        throw new Error(`--json stdout is not one JSON document (exit ${r.code}):\n${r.stdout}\n${r.stderr}`);
      }
    },
    /** Start a run without waiting for it. */
    start: (verb: string[], extra: string[] = []): Running => {
      const started = Date.now();
      const child = spawn(process.execPath, [CLI, ...runArgs(verb, extra)], { cwd });
      let out = '';
      child.stdout.on('data', (d) => (out += d));
      child.stderr.on('data', (d) => (out += d));
      const done = new Promise<Out & { ms: number }>((resolve) =>
        child.on('close', (code, signal) => resolve({ code: code ?? (signal ? 128 : 1), stdout: out, stderr: '', ms: Date.now() - started })),
      );
      return {
        output: () => out,
        cliPid: async () => {
          for (let i = 0; i < 100; i++) {
            const kids = readChildren(child.pid!);
            if (kids.length) return kids[0]!;
            await new Promise((r) => setTimeout(r, 50));
          }
          throw new Error('the provision CLI process did not start');
        },
        done,
      };
    },
    /** The switch port (in the lab's switch namespace) whose far end is HOST's eth0. */
    async switchPort(host: string): Promise<string> {
      const peer = (await inHost(host, 'cat /sys/class/net/eth0/iflink')).trim();
      const links = await execa('ip', ['-n', `pl-${name}_switch`, '-o', 'link']);
      const line = String(links.stdout).split('\n').find((l) => l.startsWith(`${peer}: `));
      if (!line) throw new Error(`no switch port with ifindex ${peer} for ${host}`);
      return line.split(': ')[1]!.split('@')[0]!;
    },
    /** Slow the switch's port toward HOST (tbf, inside the lab's switch namespace) so content streams for seconds. */
    async throttle(host: string, kbit: number | undefined): Promise<void> {
      const port = await this.switchPort(host);
      await execa('ip', ['netns', 'exec', `pl-${name}_switch`, 'tc', 'qdisc', 'del', 'dev', port, 'root'], { reject: false });
      if (kbit) await execa('ip', ['netns', 'exec', `pl-${name}_switch`, 'tc', 'qdisc', 'add', 'dev', port, 'root', 'tbf', 'rate', `${kbit}kbit`, 'burst', '4kb', 'latency', '10s']);
    },
    /** Processes inside HOST other than init's own and this probe: "pid ppid comm args". */
    async processes(host: string): Promise<string[]> {
      const out = await inHost(host, 'ps -eo pid=,ppid=,comm=,args= | cut -c1-200');
      return out.split('\n').map((l) => l.trim()).filter((l) => l && !/^\d+\s+\d+\s+(ps|cut)\s/.test(l) && !/\bsh -c ps -eo\b/.test(l));
    },
    /** sshd's "Accepted publickey" lines inside HOST (one per SSH connection). */
    async accepted(host: string): Promise<number> {
      return Number((await inHost(host, 'grep -c "Accepted publickey" /var/log/sshd.log || true')).trim());
    },
  };
}
export type FaultLab = ReturnType<typeof faultLab>;

function readChildren(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/** Write a playbook into a fresh temp dir (the lab's laptop namespace sees the same files). */
export function tempPlaybook(yaml: string): string {
  const path = join(tempDir('provision-faults-'), 'playbook.yaml');
  writeFileSync(path, yaml);
  return path;
}

export const sha256 = async (text: string) => (await import('node:crypto')).createHash('sha256').update(text).digest('hex');

/** Processes a run may leave behind in a host (what "orphaned" means here). */
export const RUN_LEFTOVERS = /\b(sudo|flock|tail|sshd: \S+@notty|sh -c|provision)\b/;
