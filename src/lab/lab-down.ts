// `provision lab down`: stops every host, sweeps every process in the lab's namespaces, deletes them and the lab dir. Idempotent.
import { existsSync, readdirSync, readFileSync, rmdirSync, rmSync } from 'node:fs';
import { deleteNamespace, listNamespaces, namespacePids } from './network.js';
import { isLabNamespace, LAB_BASE, type LabPlan } from './plan.js';
import { haltNspawnHost } from './nspawn-runtime.js';
import { readState } from './state.js';

export interface LabDownOptions {
  name: string;
  base?: string;
  quiet?: boolean;
  log?: (line: string) => void;
}

export interface LabDownResult {
  namespaces: number;
  processes: number;
  removedDir: boolean;
}

function mountsUnder(dir: string): string[] {
  try {
    return readFileSync('/proc/self/mountinfo', 'utf8')
      .split('\n')
      .map((l) => l.split(' ')[4] ?? '')
      .filter((p) => p === dir || p.startsWith(`${dir}/`));
  } catch {
    return [];
  }
}

function kill(pid: number): boolean {
  try {
    process.kill(pid, 'SIGKILL');
    return true;
  } catch {
    return false;
  }
}

/** nspawn hosts' cgroups (name=systemd hierarchy) that a killed supervisor could not remove itself. */
function removeHostCgroups(lab: string): void {
  const base = '/sys/fs/cgroup/systemd/provision-lab';
  if (!existsSync(base)) return;
  const rmTree = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) if (e.isDirectory()) rmTree(`${dir}/${e.name}`);
    try {
      rmdirSync(dir);
    } catch {
      /* still has processes: left for the next down */
    }
  };
  for (const d of readdirSync(base)) if (isLabNamespace(lab, d)) rmTree(`${base}/${d}`);
}

export async function labDown(opts: LabDownOptions): Promise<LabDownResult> {
  const dir = `${opts.base ?? LAB_BASE}/${opts.name}`;
  const state = readState(dir);
  const hostNames = existsSync(`${dir}/hosts`) ? readdirSync(`${dir}/hosts`) : [];
  const planLike = { dir } as LabPlan;
  await Promise.all(hostNames.map((h) => haltNspawnHost(planLike, h)));
  const namespaces = (await listNamespaces()).filter((ns) => isLabNamespace(opts.name, ns));
  let processes = 0;
  for (let round = 0; round < 5; round++) {
    let found = 0;
    for (const ns of namespaces) for (const pid of await namespacePids(ns)) if (kill(pid)) found++;
    if (state?.repoPid && kill(state.repoPid)) found++;
    processes += found;
    if (found === 0) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  for (const ns of namespaces) await deleteNamespace(ns);
  const leftovers = mountsUnder(dir);
  for (const m of leftovers.reverse()) {
    const { execFileSync } = await import('node:child_process');
    try {
      execFileSync('umount', ['-l', m]);
    } catch {
      /* reported below if it stays */
    }
  }
  removeHostCgroups(opts.name);
  let removedDir = false;
  if (existsSync(dir)) {
    rmSync(dir, { recursive: true, force: true });
    removedDir = true;
  }
  if (!opts.quiet) opts.log?.(`lab '${opts.name}' down: ${namespaces.length} namespaces, ${processes} leftover processes killed, ${removedDir ? 'lab dir removed' : 'no lab dir'}`);
  return { namespaces: namespaces.length, processes, removedDir };
}
