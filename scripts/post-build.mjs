// Copies non-TypeScript assets (lab stand-ins) into dist/, then bundles the CLI into dist/bundle/
// with dist/cli/main.js a two-line launcher for it (docs/bench.md: start-up is most of a converged run's cost).
import { chmodSync, cpSync, existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

for (const dir of ['lab/assets']) {
  if (existsSync(`src/${dir}`)) cpSync(`src/${dir}`, `dist/${dir}`, { recursive: true });
}

const LAUNCHER = "await import('../bundle/main.js');";

/**
 * V8's optimizing compiler off, before any of the CLI's code loads: a run is short and its JavaScript runs in bursts
 * (parse a host's answer, plan, report), so TurboFan's compiles (on threads of their own) cost more CPU than its code
 * saved: a converged `up` of 100 hosts took 1.42 s of controller CPU with it and 1.0-1.1 s without (docs/bench.md).
 * Sparkplug's baseline code stays. Set at start, before any function could have been optimized.
 */
const V8_FLAGS = "import { setFlagsFromString } from 'node:v8';\nsetFlagsFromString('--no-turbofan');";

/**
 * The CLI as one ES module graph in dist/bundle/ (entry + a chunk per lazily imported verb and module; zod and
 * yaml inlined): Node 20 resolves, reads and compiles ~320 small files of dist/ and node_modules on every run
 * otherwise. Left outside: ssh2 (its native crypto binding is found relative to its own files) and what only
 * some runs load (execa, listr2, diff, zx). The rest of dist/ stays as tsc wrote it (the lab's stand-ins run
 * from there, tests import it).
 */
/**
 * zod's 64 translations of its messages (~360 KiB of the bundle, parsed on every run): provision shows only English,
 * which zod registers from its own locales/en.js, so its `locales` namespace is bundled with English alone.
 */
const zodEnglishOnly = {
  name: 'zod-english-only',
  setup(build) {
    build.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      /[\\/]zod[\\/]v4[\\/](classic|core)[\\/]/.test(args.importer) ? { path: join(dirname(args.importer), '../locales/en.js'), namespace: 'zod-locales' } : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'zod-locales' }, (args) => ({
      contents: `export { default as en } from ${JSON.stringify(args.path)};`,
      resolveDir: dirname(args.path),
    }));
  },
};

async function bundleCli(esbuild) {
  // tsc rewrote dist/cli/main.js; if it did not (post-build run twice), it is the launcher and the entry is kept.
  // Either way it must be gone while esbuild runs: main.js loads verbs by `./${verb}.js`, a glob over dist/cli/.
  if (readFileSync('dist/cli/main.js', 'utf8').includes(LAUNCHER)) rmSync('dist/cli/main.js');
  else renameSync('dist/cli/main.js', 'dist/cli/main.unbundled.js');
  rmSync('dist/bundle', { recursive: true, force: true });
  await esbuild.build({
    entryPoints: { main: 'dist/cli/main.unbundled.js' },
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    outdir: 'dist/bundle',
    external: ['ssh2', 'ssh2/*', 'cpu-features', 'execa', 'listr2', 'diff', 'zx', 'esbuild'],
    logLevel: 'error',
    legalComments: 'inline',
    plugins: [zodEnglishOnly],
    // Bundled CommonJS packages (yaml) still require() Node's built-ins.
    banner: { js: "import { createRequire as __bundleRequire } from 'node:module'; const require = __bundleRequire(import.meta.url);" },
  });
  writeFileSync('dist/cli/main.js', `#!/usr/bin/env node\n// The CLI, bundled by scripts/post-build.mjs (dist/cli/main.unbundled.js is its unbundled entry).\n${V8_FLAGS}\n${LAUNCHER}\n`);
}

if (existsSync('dist/cli/main.js')) {
  let esbuild;
  try {
    esbuild = await import('esbuild');
  } catch {
    process.stderr.write('post-build: esbuild is not installed; dist/cli/main.js stays unbundled (slower start-up)\n');
  }
  if (esbuild) await bundleCli(esbuild);
  chmodSync('dist/cli/main.js', 0o755);
}
