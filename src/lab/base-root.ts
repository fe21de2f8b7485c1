// The Debian root that nspawn lab hosts boot: built once with debootstrap from the recipe in assets/, cached by the recipe's hash.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ASSETS, PACKAGE_ROOT } from './host-paths.js';
import { run } from './sh.js';

export const BASE_CACHE = '/var/cache/provision-lab';
export const RECIPE_FILE = resolve(ASSETS, 'base-root.recipe');

export interface Recipe {
  suite: string;
  variant: string;
  include: string[];
  /** Debian packages fetched (with what they need beyond the root) into the lab's apt mirror, not installed. */
  mirrorOnly: string[];
  disable: string[];
  /** Units masked in the base (never started on any host). */
  mask: string[];
}

/** Parses the recipe: `key word...` lines, `#` comments; keys may repeat (their words add up). */
export function parseRecipe(text: string, file = 'recipe'): Recipe {
  const r: Recipe = { suite: '', variant: '', include: [], mirrorOnly: [], disable: [], mask: [] };
  text.split('\n').forEach((raw, i) => {
    const line = raw.replace(/#.*/, '').trim();
    if (!line) return;
    const [key, ...words] = line.split(/\s+/);
    const bad = words.find((w) => !/^[A-Za-z0-9][A-Za-z0-9.+@_-]*$/.test(w));
    if (bad) throw new Error(`${file}:${i + 1}: '${bad}' is not a package or unit name`);
    if (key === 'suite' || key === 'variant') {
      if (words.length !== 1) throw new Error(`${file}:${i + 1}: ${key} takes one word`);
      r[key] = words[0]!;
    } else if (key === 'include') r.include.push(...words);
    else if (key === 'mirror-only') r.mirrorOnly.push(...words);
    else if (key === 'disable') r.disable.push(...words);
    else if (key === 'mask') r.mask.push(...words);
    else throw new Error(`${file}:${i + 1}: unknown key '${key}' (suite, variant, include, mirror-only, disable, mask)`);
  });
  if (!r.suite) throw new Error(`${file}: no suite line`);
  return r;
}

/** Identifies a build: the recipe's content without comments or spacing (editing a comment rebuilds nothing). */
export function recipeHash(text: string): string {
  return createHash('sha256').update(JSON.stringify(parseRecipe(text))).digest('hex').slice(0, 16);
}

/** The Debian mirror apt uses on this machine (deb822 or one-line sources), else deb.debian.org. */
export function debianMirror(sources: string[]): string {
  for (const text of sources) {
    const uris = /^URIs:\s*(\S+)/m.exec(text);
    if (uris && /^Suites:.*\bbookworm\b/m.test(text) && !/security/.test(uris[1]!)) return uris[1]!;
    const line = /^deb\s+(?:\[[^\]]*\]\s+)?(\S+)\s+bookworm\s/m.exec(text);
    if (line) return line[1]!;
  }
  return 'http://deb.debian.org/debian';
}

function machineSources(): string[] {
  const out: string[] = [];
  if (existsSync('/etc/apt/sources.list')) out.push(readFileSync('/etc/apt/sources.list', 'utf8'));
  const d = '/etc/apt/sources.list.d';
  if (existsSync(d)) for (const f of readdirSync(d).sort()) out.push(readFileSync(`${d}/${f}`, 'utf8'));
  return out;
}

export interface BaseRoot {
  /** The root directory (an overlay's lower layer: never written after the build). */
  root: string;
  /** Real Debian .debs for the lab's mirror (mirror-only packages and what they need beyond the root). */
  debs: string;
}

export function baseRootPaths(text: string, cache = BASE_CACHE): BaseRoot & { dir: string } {
  const dir = `${cache}/base-${recipeHash(text)}`;
  return { dir, root: `${dir}/root`, debs: `${dir}/debs` };
}

/**
 * Returns the cached base root for the recipe, building it first if needed (debootstrap, ~3 min). A lock file
 * makes concurrent builders wait for one build; a build that died leaves only a temp dir, removed by the next.
 */
export async function ensureBaseRoot(opts: { cache?: string; log?: (l: string) => void } = {}): Promise<BaseRoot> {
  const text = readFileSync(RECIPE_FILE, 'utf8');
  const p = baseRootPaths(text, opts.cache);
  if (existsSync(`${p.dir}/done`)) return p;
  const cache = opts.cache ?? BASE_CACHE;
  mkdirSync(cache, { recursive: true, mode: 0o755 });
  // flock(1) holds the lock for the whole build script; a second builder blocks, then finds `done`. The builder is
  // this module as tsc compiled it (dist/lab/): the CLI's bundle is one file, not a module with this one's exports.
  const self = pathToFileURL(resolve(PACKAGE_ROOT, 'dist/lab/base-root.js')).href;
  await run(['flock', `${cache}/.lock`, process.execPath, '--input-type=module', '-e', `import(${JSON.stringify(self)}).then((m) => m.buildBaseRoot(${JSON.stringify(p.dir)}))`], {
    env: { ...process.env, PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin' } as Record<string, string>,
  });
  if (!existsSync(`${p.dir}/done`)) throw new Error(`the lab's base root was not built (${p.dir})`);
  return p;
}

/** The build itself (runs under the lock; a no-op when another builder finished first). */
export async function buildBaseRoot(dir: string): Promise<void> {
  if (existsSync(`${dir}/done`)) return;
  const text = readFileSync(RECIPE_FILE, 'utf8');
  const recipe = parseRecipe(text, RECIPE_FILE);
  const tmp = `${dir}.tmp`;
  const root = `${tmp}/root`;
  const say = (l: string) => process.stderr.write(`base root: ${l}\n`);
  // A build that died after debootstrap resumes from there (the marker is written only once debootstrap succeeded).
  if (!existsSync(`${tmp}/debootstrapped`)) {
    rmSync(tmp, { recursive: true, force: true });
    mkdirSync(tmp, { recursive: true });
    const mirror = debianMirror(machineSources());
    say(`debootstrap ${recipe.suite} from ${mirror} into ${root} (a few minutes, once)`);
    await run(['debootstrap', `--variant=${recipe.variant || 'minbase'}`, `--include=${recipe.include.join(',')}`, recipe.suite, root, mirror]);
    writeFileSync(`${tmp}/debootstrapped`, '');
  }
  rmSync(`${tmp}/debs`, { recursive: true, force: true });
  const chroot = (argv: string[]) => run(['chroot', root, ...argv], { env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', LANG: 'C.UTF-8', DEBIAN_FRONTEND: 'noninteractive' } });
  if (recipe.disable.length) await run(['systemctl', `--root=${root}`, 'disable', ...recipe.disable], { nothrow: true });
  if (recipe.mask.length) await run(['systemctl', `--root=${root}`, 'mask', ...recipe.mask]);
  if (recipe.mirrorOnly.length) {
    // Resolve and fetch against the root's own dpkg database, so the mirror has exactly what a host lacks.
    writeFileSync(`${root}/etc/resolv.conf`, readFileSync('/etc/resolv.conf'));
    await chroot(['apt-get', 'clean']);
    await chroot(['apt-get', 'update', '-qq']);
    await chroot(['apt-get', 'install', '-y', '-qq', '--download-only', '--no-install-recommends', ...recipe.mirrorOnly]);
    mkdirSync(`${tmp}/debs`);
    const archives = `${root}/var/cache/apt/archives`;
    for (const f of readdirSync(archives).filter((f) => f.endsWith('.deb'))) renameSync(`${archives}/${f}`, `${tmp}/debs/${f}`);
    await chroot(['apt-get', 'clean']);
    rmSync(`${root}/var/lib/apt/lists`, { recursive: true, force: true });
    mkdirSync(`${root}/var/lib/apt/lists/partial`, { recursive: true });
  } else mkdirSync(`${tmp}/debs`);
  writeFileSync(`${root}/etc/resolv.conf`, '');
  writeFileSync(`${tmp}/recipe`, text);
  writeFileSync(`${tmp}/done`, `${new Date().toISOString()}\n`);
  rmSync(dir, { recursive: true, force: true });
  renameSync(tmp, dir);
  say(`ready: ${dir}`);
}
