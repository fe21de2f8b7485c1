// The lab's record on the machine (state.json in the lab dir): what `lab up` built, read by every other lab verb.
import { existsSync, readFileSync, writeFileSync, readdirSync } from 'node:fs';
import { UserError } from '../core/errors.js';
import { LAB_BASE, type LabPlan } from './plan.js';

export interface LabState {
  plan: LabPlan;
  inventoryFile: string;
  createdAt: string;
  sudoPassword: boolean;
  aptBaseUrl: string;
  packagesUrl: string;
  packagesKey: string;
  /** Machine pid of the HTTP server in the router namespace. */
  repoPid?: number;
}

export function statePath(dir: string): string {
  return `${dir}/state.json`;
}

export function writeState(state: LabState): void {
  writeFileSync(statePath(state.plan.dir), JSON.stringify(state, null, 2));
}

export function readState(dir: string): LabState | undefined {
  if (!existsSync(statePath(dir))) return undefined;
  return JSON.parse(readFileSync(statePath(dir), 'utf8')) as LabState;
}

export function listLabs(base = LAB_BASE): string[] {
  if (!existsSync(base)) return [];
  return readdirSync(base).filter((n) => !n.startsWith('.'));
}

/** The lab to act on: --name, else the only lab that exists. */
export function resolveLab(name: string | undefined, base = LAB_BASE): LabState {
  const labs = listLabs(base);
  const chosen = name ?? (labs.length === 1 ? labs[0] : undefined);
  if (!chosen) {
    throw new UserError(labs.length === 0 ? 'no lab is up' : `several labs are up (${labs.join(', ')}): pick one with --name`, 1, labs.length === 0 ? 'start one: provision lab up -i INVENTORY' : undefined);
  }
  const st = readState(`${base}/${chosen}`);
  if (!st) throw new UserError(`lab '${chosen}' is not up (or half-built)`, 1, `provision lab down --name ${chosen}, then lab up again`);
  return st;
}
