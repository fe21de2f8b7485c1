// ssh -G's answers kept between runs: a re-run starts no `ssh -G` (one process a host on the laptop, and the
// start of each host's connection waits for it) while nothing that ssh -G reads has changed.
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { resolveBuiltin, type BuiltinContext, type ConfigTrace } from './ssh-config.js';
import { sshGArgs, type SshLookup, type SshOptions } from './ssh-g.js';
import { provisionCacheDir } from '../core/cache-dir.js';

/** Bump when the key's recipe or the stored shape changes. */
const VERSION = 1;
/** Answers kept; past this many the oldest half goes (each is a few hundred bytes). */
const MAX_ENTRIES = 512;

/** ~/.cache/provision/ssh-g (XDG_CACHE_HOME when set), as the add-on cache. */
export function sshGCacheDir(env: NodeJS.ProcessEnv, home: string): string {
  return provisionCacheDir('ssh-g', env, home);
}

/**
 * The key of what `ssh -G` would answer for this lookup: the ssh program (path, size, mtime, inode), its arguments,
 * the local user, home and host name (%u, %d, %l), every config file it reads (Include globs followed; absent files
 * and listed directories too, so a new file counts) and the value of every ${VAR} they name. Undefined when the
 * answer may change with none of these (Match exec, Match localnetwork, CanonicalizeHostname's DNS), or when the
 * built-in reader cannot follow the config: then ssh -G runs every time.
 * `probe` gets the same reading's verdict on whether the answer depends on the address dialled (true when the reader
 * failed), so the resolver need not read the config again to ask.
 */
export async function sshGCacheKey(ssh: string, l: SshLookup, ctx: Omit<BuiltinContext, 'probe' | 'trace'>, probe = { hostDependent: false }): Promise<string | undefined> {
  const trace: ConfigTrace = { files: new Map(), dirs: new Map(), vars: new Set() };
  try {
    await resolveBuiltin(l, { ...ctx, probe, trace });
  } catch {
    probe.hostDependent = true;
    return undefined;
  }
  if (trace.volatile) return undefined;
  let program: [string, number, number, number];
  try {
    const st = statSync(ssh);
    program = [ssh, st.size, st.mtimeMs, st.ino];
  } catch {
    return undefined;
  }
  const inputs = {
    v: VERSION,
    program,
    args: sshGArgs(l),
    user: ctx.localUser,
    home: ctx.home,
    host: hostname(),
    files: [...trace.files],
    dirs: [...trace.dirs],
    vars: [...trace.vars].sort().map((v) => [v, ctx.env[v] ?? null]),
  };
  return createHash('sha256').update(JSON.stringify(inputs)).digest('hex');
}

/** The stored answer for key, or undefined (none, or not ssh -G's shape: then it is asked again). */
export function readSshGCache(dir: string, key: string): SshOptions | undefined {
  try {
    const v: unknown = JSON.parse(readFileSync(join(dir, `${key}.json`), 'utf8'));
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return undefined;
    const entries = Object.entries(v);
    if (entries.length === 0 || !entries.every(([, xs]) => Array.isArray(xs) && xs.every((x) => typeof x === 'string'))) return undefined;
    return v as SshOptions;
  } catch {
    return undefined;
  }
}

/** Stores an answer (atomically: a concurrent run reads the old file or the new one); a failure only costs the next run an ssh -G. */
export function writeSshGCache(dir: string, key: string, opts: SshOptions): void {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const tmp = join(dir, `.${key}.${process.pid}.tmp`);
    writeFileSync(tmp, JSON.stringify(opts), { mode: 0o600 });
    renameSync(tmp, join(dir, `${key}.json`));
    prune(dir);
  } catch {
    /* read-only or full home: no cache */
  }
}

function prune(dir: string): void {
  const names = readdirSync(dir).filter((n) => n.endsWith('.json'));
  if (names.length <= MAX_ENTRIES) return;
  const byAge = names.map((n) => ({ n, t: statSync(join(dir, n)).mtimeMs })).sort((a, b) => a.t - b.t);
  for (const { n } of byAge.slice(0, names.length - MAX_ENTRIES / 2)) unlinkSync(join(dir, n));
}
