// A converged run loads only what it uses: the packages for terminals, diffs and local sessions stay unloaded,
// and zod and yaml come from their single-file bundles.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../../..');
const dir = mkdtempSync(join(tmpdir(), 'lazy-imports-'));
// A module resolve hook that names every npm package imported from outside node_modules.
writeFileSync(join(dir, 'hook.mjs'), [
  'export async function resolve(spec, ctx, next) {',
  '  const r = await next(spec, ctx);',
  "  const m = /node_modules\\/((?:@[^/]+\\/)?[^/]+)\\//.exec(r.url);",
  "  if (m && !/node_modules/.test(ctx.parentURL ?? '')) process.stderr.write('PKG ' + m[1] + '\\n');",
  '  return r;',
  '}',
].join('\n'));
writeFileSync(join(dir, 'register.mjs'), `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(join(dir, 'hook.mjs')).href)});\n`);

/** What importing a dist entry point loads: npm packages imported (ESM) or required (CommonJS), and Node built-ins. */
function loadedBy(entry: string): { packages: string[]; ssh2Files: string[]; builtins: string[] } {
  const file = join(ROOT, 'dist', entry);
  if (!existsSync(file)) throw new Error(`${file} is missing: run \`npm run build\` first (npm test does)`);
  const report = [
    `await import(${JSON.stringify(pathToFileURL(file).href)});`,
    "const { createRequire } = await import('node:module');",
    'const cache = Object.keys(createRequire(import.meta.url).cache);',
    "process.stdout.write(JSON.stringify({ cjs: cache, builtins: process.moduleLoadList.filter((m) => m.startsWith('NativeModule ')).map((m) => m.slice(13)) }));",
  ].join('\n');
  const r = spawnSync(process.execPath, ['--import', pathToFileURL(join(dir, 'register.mjs')).href, '--input-type=module', '-e', report], { encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  const { cjs, builtins } = JSON.parse(r.stdout) as { cjs: string[]; builtins: string[] };
  const pkgOf = (p: string) => /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(p)?.[1];
  const esm = r.stderr.split('\n').filter((l) => l.startsWith('PKG ')).map((l) => l.slice(4));
  const packages = [...new Set([...esm, ...cjs.flatMap((p) => pkgOf(p) ?? [])])].sort();
  return { packages, ssh2Files: cjs.filter((p) => pkgOf(p) === 'ssh2'), builtins };
}

describe('lazy imports on the hot path', () => {
  it.each(['cli/up.js', 'cli/run.js', 'cli/join.js'])('%s loads ssh2\'s client only, zod and yaml as one bundle each, and no execa, listr2 or diff', (entry) => {
    const { packages, ssh2Files, builtins } = loadedBy(entry);
    expect(packages).toContain('ssh2');
    // src/transport/ssh2-lib.ts requires the client itself: not ssh2's server, SFTP helpers or HTTP agents.
    expect(ssh2Files.some((f) => f.endsWith('/lib/client.js'))).toBe(true);
    for (const unused of ['/lib/index.js', '/lib/server.js', '/lib/http-agents.js']) expect(ssh2Files.some((f) => f.endsWith(unused))).toBe(false);
    for (const builtin of ['https', 'tls']) expect(builtins).not.toContain(builtin);
    // scripts/post-build.mjs bundles these two into dist/vendor/ (one file each instead of ~170).
    for (const vendored of ['zod', 'yaml']) {
      expect(packages).not.toContain(vendored);
      expect(existsSync(join(ROOT, 'dist/vendor', `${vendored}.js`))).toBe(true);
    }
    for (const lazy of ['execa', 'listr2', 'diff', 'zx']) expect(packages).not.toContain(lazy);
  });

  it('dist/cli/main.js launches the bundled CLI (dist/bundle), which runs', () => {
    expect(readFileSync(join(ROOT, 'dist/cli/main.js'), 'utf8')).toContain("import '../bundle/main.js'");
    const r = spawnSync(process.execPath, [join(ROOT, 'dist/cli/main.js'), '--version'], { encoding: 'utf8' });
    expect(r.stdout).toBe('provision 0.1.0\n');
  });
});
