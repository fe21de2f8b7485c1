// A converged run loads only what it uses: the packages for terminals, diffs and local sessions stay unloaded,
// and zod and yaml come from their single-file bundles.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
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

function packagesLoadedBy(entry: string): string[] {
  const file = join(ROOT, 'dist', entry);
  if (!existsSync(file)) throw new Error(`${file} is missing: run \`npm run build\` first (npm test does)`);
  const r = spawnSync(process.execPath, ['--import', pathToFileURL(join(dir, 'register.mjs')).href, '-e', `await import(${JSON.stringify(pathToFileURL(file).href)})`], { encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  return [...new Set(r.stderr.split('\n').filter((l) => l.startsWith('PKG ')).map((l) => l.slice(4)))].sort();
}

describe('lazy imports on the hot path', () => {
  it.each(['cli/up.js', 'cli/run.js', 'cli/join.js'])('%s loads ssh2 from node_modules, zod and yaml as one bundle each, and no execa, listr2 or diff', (entry) => {
    const loaded = packagesLoadedBy(entry);
    expect(loaded).toContain('ssh2');
    // scripts/post-build.mjs bundles these two into dist/vendor/ (one file each instead of ~170).
    for (const vendored of ['zod', 'yaml']) {
      expect(loaded).not.toContain(vendored);
      expect(existsSync(join(ROOT, 'dist/vendor', `${vendored}.js`))).toBe(true);
    }
    for (const lazy of ['execa', 'listr2', 'diff', 'zx']) expect(loaded).not.toContain(lazy);
  });
});
