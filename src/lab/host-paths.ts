// Where a lab host's files live, and the constants its host is started and entered with.
import { resolve } from 'node:path';
import type { LabPlan } from './plan.js';
import { CODE_ROOT, PACKAGE_ROOT } from '../package-root.js';

/** The package root (dist/, node_modules/), bind-mounted read-only into every host. */
export { PACKAGE_ROOT };
export const ASSETS = resolve(CODE_ROOT, 'lab', 'assets');
export const CAPS_DROPPED = '-sys_module,-sys_time,-sys_boot,-sys_rawio,-wake_alarm';
export const HOST_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

export interface HostDirs {
  dir: string;
  upper: string;
  work: string;
  root: string;
  env: string;
  console: string;
  /** A bind mount of the host's user namespace (host-userns.ts), which nspawn enters. */
  userns: string;
}

export function hostDirs(plan: LabPlan, host: string): HostDirs {
  const dir = `${plan.dir}/hosts/${host}`;
  return { dir, upper: `${dir}/upper`, work: `${dir}/work`, root: `${dir}/root`, env: `${dir}/env`, console: `${dir}/console.log`, userns: `${dir}/userns` };
}

/** KEY='value' lines a shell script sources (each value single-quoted). */
export function shellEnv(vars: Record<string, string>): string {
  return Object.entries(vars).map(([k, v]) => `${k}='${v.replace(/'/g, `'\\''`)}'\n`).join('');
}
