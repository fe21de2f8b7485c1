// Gets each pinned add-on artifact onto the laptop once (cache by sha256), from upstream or addons.mirror,
// and refuses any whose sha256 differs from the versions table: nothing is applied from an unchecked file.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { provisionCacheDir } from '../../../core/cache-dir.js';
import { UserError } from '../../../core/errors.js';
import type { Inventory } from '../../../inventory/types.js';
import { withoutObjects } from './bundle.js';
import { ARTIFACTS, type Artifact } from './versions.js';

/** A JSON file replacing the versions table (the lab's stand-in artifacts have their own checksums). */
export const ADDONS_TABLE_ENV = 'PROVISION_ADDONS_TABLE';

const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');

const tableSchema = z.array(z.strictObject({
  component: z.enum(['calico', 'flannel', 'metallb']),
  version: z.string().min(1),
  file: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/),
  url: z.string().min(1),
  sha256: z.string().regex(/^[a-f0-9]{64}$/),
}));

/** The versions table in force: the built-in one, or the file named by PROVISION_ADDONS_TABLE. */
export function artifactTable(env: NodeJS.ProcessEnv = process.env): readonly Artifact[] {
  const file = env[ADDONS_TABLE_ENV];
  if (!file) return ARTIFACTS;
  let raw: unknown;
  const hint = `unset ${ADDONS_TABLE_ENV} for the built-in versions table, or name a JSON file of {component, version, file, url, sha256} entries`;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    const why = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message;
    throw new UserError(`${ADDONS_TABLE_ENV}=${file}: ${why}`, undefined, hint);
  }
  const r = tableSchema.safeParse(raw);
  if (!r.success) throw new UserError(`${ADDONS_TABLE_ENV}=${file}: not a versions table: ${r.error.issues[0]?.message ?? 'invalid'} at ${r.error.issues[0]?.path.join('.') ?? ''}`, undefined, hint);
  return r.data;
}

export function cacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return provisionCacheDir('addons', env);
}

/** Where an artifact comes from: the mirror (directory or URL) by file name, else its upstream URL. */
export function sourceOf(a: Artifact, inv: Inventory): string {
  const m = inv.addons?.mirror;
  if (!m) return a.url;
  if (/^https?:\/\//.test(m)) return `${m.replace(/\/+$/, '')}/${a.file}`;
  return join(resolve(inv.file, '..', m), a.file);
}

async function download(source: string): Promise<Buffer> {
  if (!/^https?:\/\//.test(source)) {
    try {
      return readFileSync(source);
    } catch (e) {
      throw new Error(`cannot read ${source}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
  }
  let res: Response;
  try {
    res = await fetch(source, { signal: AbortSignal.timeout(120_000) });
  } catch (e) {
    const cause = (e as { cause?: { code?: string; message?: string } }).cause;
    throw new Error(`cannot download ${source}: ${cause?.code ?? cause?.message ?? (e as Error).message} (no internet? set addons.mirror to a directory or URL holding the file)`);
  }
  if (!res.ok) throw new Error(`cannot download ${source}: HTTP ${res.status}`);
  return Buffer.from(await res.arrayBuffer());
}

export interface FetchResult {
  artifact: Artifact;
  path: string;
  /** false: it was in the cache already. */
  downloaded: boolean;
}

/**
 * Puts every artifact in the laptop's cache, checking its sha256 against the table first: a wrong checksum
 * is an error naming the file, where it came from, and both hashes; the bad bytes never enter the cache.
 */
export async function ensureArtifacts(list: readonly Artifact[], inv: Inventory, env: NodeJS.ProcessEnv = process.env): Promise<FetchResult[]> {
  const dir = cacheDir(env);
  const out: FetchResult[] = [];
  for (const a of list) {
    const path = join(dir, a.sha256);
    if (existsSync(path) && sha256(readFileSync(path)) === a.sha256) {
      out.push({ artifact: a, path, downloaded: false });
      continue;
    }
    const source = sourceOf(a, inv);
    const data = await download(source);
    const got = sha256(data);
    if (got !== a.sha256) throw new ChecksumError(a, source, got);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    writeFileSync(`${path}.tmp`, data, { mode: 0o600 });
    renameSync(`${path}.tmp`, path);
    out.push({ artifact: a, path, downloaded: true });
  }
  return out;
}

export class ChecksumError extends Error {
  constructor(a: Artifact, source: string, got: string) {
    super(`${a.component} ${a.version} ${a.file} from ${source} has sha256 ${got}, but the versions table pins ${a.sha256}: refusing it (nothing was applied)`);
  }
}

/** The cached artifact's text, re-checked (a cache edited after download is refused too). */
export function readArtifact(a: Artifact, env: NodeJS.ProcessEnv = process.env): string {
  const path = join(cacheDir(env), a.sha256);
  if (!existsSync(path)) throw new Error(`${a.component} ${a.version} ${a.file} is not in the cache ${cacheDir(env)}: 'provision up' downloads it (or set addons.mirror)`);
  const data = readFileSync(path);
  const got = sha256(data);
  if (got !== a.sha256) throw new ChecksumError(a, path, got);
  return data.toString('utf8');
}

/** Render mode: artifacts are named, not read (render writes what provision itself produces, offline). */
let placeholders = false;
export function useArtifactPlaceholders(on = true): void {
  placeholders = on;
}

/** The text applied for an artifact (minus `exclude`d objects): the verified cached file, or in render mode a note naming it. */
export function artifactText(a: Artifact, exclude: string[] = []): string {
  if (placeholders) {
    const without = exclude.length ? `# applied without ${exclude.join(', ')}\n` : '';
    return `# upstream artifact, not copied: ${a.component} ${a.version}\n# ${a.url}\n# sha256 ${a.sha256}\n${without}`;
  }
  return withoutObjects(readArtifact(a), exclude);
}
