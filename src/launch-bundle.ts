// Runs the bundled CLI (one CommonJS file) with a V8 code cache: Node 20 keeps no compiled code between runs, so
// every start parsed and compiled ~1 MB of JavaScript again before the first SSH connection could open.
import { isAscii } from 'node:buffer';
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Script } from 'node:vm';
import { provisionCacheDir } from './core/cache-dir.js';

/** Caches kept in the directory (one per installed build); past this many the oldest go. */
const MAX_CACHES = 4;

export interface LaunchOptions {
  /** Where the code cache lives; null: none (NODE_DISABLE_COMPILE_CACHE, as Node 22 names it, also turns it off). */
  cacheDir?: string | null;
  env?: NodeJS.ProcessEnv;
  /** Write the cache at exit when there was none or V8 refused it (default true; tests call saveCache themselves). */
  saveAtExit?: boolean;
}

export interface Launched {
  /** The cache file of this build (undefined: no cache). */
  cacheFile: string | undefined;
  /** A cache was read and V8 took it (nothing was parsed or compiled that it held). */
  accepted: boolean;
  /** Writes the cache now (done at exit when there was none, or V8 refused it); false when it could not. */
  saveCache(): boolean;
}

/**
 * The cache's name for this build of the bundle: its identity on disk (device, inode, size, change and modification
 * times: a rebuild or an edit changes them) and the Node that compiles it. V8 checks its own version and flags,
 * but of the source only its length: the name must change with the content, and it does, without reading 1 MB to hash.
 */
export function codeCacheName(bundle: string): string {
  const st = statSync(bundle, { bigint: true });
  const id = [bundle, st.dev, st.ino, st.size, st.mtimeNs, st.ctimeNs, process.version, process.arch].join('\0');
  return `${createHash('sha256').update(id).digest('hex').slice(0, 32)}.bin`;
}

/**
 * Compiles and runs `bundle` as the main CommonJS module, with the code cache when one is there. When there was none
 * (or V8 refused it), the cache is written at exit, after the command's own work: it then holds every function the
 * run compiled, so the next run of the same command compiles almost nothing. Any cache error costs only speed.
 * The bundle may not use import(): on Node 20 a function compiled from a code cache has no dynamic-import loader
 * (scripts/post-build.mjs has esbuild turn import() into require()).
 */
export function launchBundle(bundle: string, opts: LaunchOptions = {}): Launched {
  const env = opts.env ?? process.env;
  const dir = opts.cacheDir === null || env.NODE_DISABLE_COMPILE_CACHE ? undefined : (opts.cacheDir ?? provisionCacheDir('v8', env));
  let cacheFile: string | undefined;
  let cached: Buffer | undefined;
  if (dir) {
    try {
      cacheFile = join(dir, codeCacheName(bundle));
      cached = readFileSync(cacheFile);
    } catch {
      cached = undefined;
    }
  }
  // The build writes it in ASCII: read as Latin-1, a one-byte string (UTF-8 decoding of 2.4 MB took ~5 ms).
  const bytes = readFileSync(bundle);
  const source = bytes.toString(isAscii(bytes) ? 'latin1' : 'utf8').replace(/^#!.*/, '');
  const script = new Script(Module.wrap(source), {
    filename: bundle,
    ...(cached ? { cachedData: cached } : {}),
  });
  const accepted = cached !== undefined && !script.cachedDataRejected;
  const saveCache = (): boolean => (cacheFile ? writeCache(cacheFile, script.createCachedData()) : false);
  if (cacheFile && !accepted && opts.saveAtExit !== false) process.once('exit', () => void saveCache());
  const main = new Module(bundle) as Module & { filename: string; paths: string[]; loaded: boolean };
  main.filename = bundle;
  main.paths = (Module as unknown as { _nodeModulePaths(dir: string): string[] })._nodeModulePaths(dirname(bundle));
  main.loaded = true;
  const wrapper = script.runInThisContext() as (exports: unknown, require: NodeJS.Require, module: unknown, filename: string, dirname: string) => void;
  wrapper.call(main.exports, main.exports, createRequire(bundle), main, bundle, dirname(bundle));
  return { cacheFile, accepted, saveCache };
}

/** Written whole or not at all (a temporary file renamed), the directory private; older builds' caches pruned. */
function writeCache(file: string, data: Buffer): boolean {
  try {
    const dir = dirname(file);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, data, { mode: 0o600 });
    renameSync(tmp, file);
    const others = readdirSync(dir)
      .filter((n) => n.endsWith('.bin') && join(dir, n) !== file)
      .map((n) => ({ n, t: statSync(join(dir, n)).mtimeMs }))
      .sort((a, b) => b.t - a.t);
    for (const { n } of others.slice(MAX_CACHES - 1)) unlinkSync(join(dir, n));
    return true;
  } catch {
    return false;
  }
}
