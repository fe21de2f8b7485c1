// The built CLI loads only what a run uses: ssh2's client, no packages for terminals, diffs or local sessions,
// and zod and yaml from the one-file bundle rather than ~170 files of node_modules.
import { isAscii } from 'node:buffer';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../support/temp-dir.js';

const ROOT = resolve(import.meta.dirname, '../../..');
const CLI = join(ROOT, 'dist/cli/main.js');
const dir = tempDir('lazy-imports-');
// Names every npm package imported (ESM) from outside node_modules, and at exit every CommonJS file required
// and every Node built-in loaded.
writeFileSync(join(dir, 'hook.mjs'), [
  'export async function resolve(spec, ctx, next) {',
  '  const r = await next(spec, ctx);',
  "  const m = /node_modules\\/((?:@[^/]+\\/)?[^/]+)\\//.exec(r.url);",
  "  if (m && !/node_modules/.test(ctx.parentURL ?? '')) process.stderr.write('PKG ' + m[1] + '\\n');",
  '  return r;',
  '}',
].join('\n'));
writeFileSync(join(dir, 'register.mjs'), [
  "import { createRequire, register } from 'node:module';",
  `register(${JSON.stringify(pathToFileURL(join(dir, 'hook.mjs')).href)});`,
  'const cache = createRequire(import.meta.url).cache;',
  "process.on('exit', () => process.stderr.write('LOADED ' + JSON.stringify({ cjs: Object.keys(cache), builtins: process.moduleLoadList.filter((m) => m.startsWith('NativeModule ')).map((m) => m.slice(13)) }) + '\\n'));",
].join('\n'));

/** What `provision VERB --help` loads (the verb's whole static graph): npm packages, ssh2's files, Node built-ins. */
function loadedBy(verb: string): { packages: string[]; ssh2Files: string[]; builtins: string[] } {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first (npm test does)`);
  const r = spawnSync(process.execPath, ['--import', pathToFileURL(join(dir, 'register.mjs')).href, CLI, verb, '--help'], { encoding: 'utf8', env: { ...process.env, XDG_CACHE_HOME: join(dir, 'cache') } });
  expect(r.status, r.stderr).toBe(0);
  const loadedLine = r.stderr.split('\n').find((l) => l.startsWith('LOADED '));
  const { cjs, builtins } = JSON.parse(loadedLine!.slice(7)) as { cjs: string[]; builtins: string[] };
  const pkgOf = (p: string) => /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(p)?.[1];
  const esm = r.stderr.split('\n').filter((l) => l.startsWith('PKG ')).map((l) => l.slice(4));
  const packages = [...new Set([...esm, ...cjs.flatMap((p) => pkgOf(p) ?? [])])].sort();
  return { packages, ssh2Files: cjs.filter((p) => pkgOf(p) === 'ssh2'), builtins };
}

describe('what the built CLI loads', () => {
  it.each(['up', 'run', 'join'])("provision %s loads ssh2's client and zod and yaml from the bundle, ssh2's crypto binding, and no execa, listr2 or diff", (verb) => {
    const { packages, ssh2Files, builtins } = loadedBy(verb);
    // scripts/post-build.mjs bundles ssh2's JavaScript, zod and yaml into dist/bundle/main.cjs (instead of ~190 files):
    // of ssh2 only its native crypto binding comes from node_modules.
    expect(ssh2Files.map((f) => f.replace(/.*\/node_modules\/ssh2\//, ''))).toEqual(['lib/protocol/crypto/build/Release/sshcrypto.node']);
    for (const bundled of ['zod', 'yaml']) expect(packages).not.toContain(bundled);
    for (const lazy of ['execa', 'listr2', 'diff', 'zx']) expect(packages).not.toContain(lazy);
    for (const builtin of ['https', 'tls']) expect(builtins).not.toContain(builtin);
  });

  it("bundles ssh2's client (src/transport/ssh2-lib.ts imports its files), not its server, index or HTTP agents", () => {
    const bundled = [...readFileSync(join(ROOT, 'dist/bundle/main.cjs'), 'utf8').matchAll(/^\/\/ node_modules\/ssh2\/(lib\/\S+)$/gm)].map((m) => m[1]);
    expect(bundled).toContain('lib/client.js');
    // ASCII only (scripts/post-build.mjs escapes what esbuild left in comments): the launcher reads it as Latin-1.
    expect(isAscii(readFileSync(join(ROOT, 'dist/bundle/main.cjs')))).toBe(true);
    for (const unused of ['lib/index.js', 'lib/server.js', 'lib/http-agents.js']) expect(bundled).not.toContain(unused);
  });

  it('dist/cli/main.js turns V8\'s optimizing compiler off, then runs the one-file bundle, which runs', () => {
    const launcher = readFileSync(CLI, 'utf8');
    const flags = launcher.indexOf("setFlagsFromString('--no-turbofan')");
    expect(flags).toBeGreaterThan(0);
    expect(launcher.indexOf("launchBundle(fileURLToPath(new URL('../bundle/main.cjs'")).toBeGreaterThan(flags);
    const r = spawnSync(process.execPath, [CLI, '--version'], { encoding: 'utf8', env: { ...process.env, XDG_CACHE_HOME: join(dir, 'cache') } });
    expect(r.stdout).toBe('provision 0.1.0\n');
  });
});
