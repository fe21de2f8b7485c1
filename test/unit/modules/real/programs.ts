// Finding the real programs that judge rendered files: skip when absent, fail when CI requires them (PROVISION_LAB_REQUIRED=1).
import { access, constants, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, it } from 'vitest';

export const REQUIRED = process.env.PROVISION_LAB_REQUIRED === '1';

async function locate(program: string): Promise<string | undefined> {
  if (program.includes('/')) return access(program, constants.X_OK).then(() => program, () => undefined);
  const r = await execa('sh', ['-c', 'command -v "$1"', 'sh', program], { reject: false });
  return r.exitCode === 0 ? r.stdout.trim() : undefined;
}

/**
 * True when `program` runs here. When it is missing and CI requires the real programs, registers a failing
 * test naming the Debian package to install (listed in .ci/run), so the suite cannot pass by skipping.
 */
export async function requireProgram(program: string, debianPackage: string): Promise<boolean> {
  if (await locate(program)) return true;
  if (REQUIRED) it(`${program} is installed (Debian package ${debianPackage}; PROVISION_LAB_REQUIRED=1)`, () => { throw new Error(`${program} missing: apt-get install ${debianPackage}`); });
  return false;
}

export const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

/** A scratch directory for the file's tests, made before and removed after them: call `dir()` inside a test. */
export function scratchDir(prefix: string): () => string {
  let dir = '';
  beforeAll(async () => { dir = await mkdtemp(join(tmpdir(), `provision-${prefix}-`)); });
  afterAll(async () => rm(dir, { recursive: true, force: true }));
  return () => dir;
}
