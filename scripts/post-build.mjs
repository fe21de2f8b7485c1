// Copies non-TypeScript assets (lab stand-ins) into dist/, then bundles the CLI into dist/bundle/main.cjs
// with dist/cli/main.js a short launcher for it (docs/bench.md: start-up is most of a converged run's cost).
import { chmodSync, cpSync, existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

for (const dir of ['lab/assets']) {
  if (existsSync(`src/${dir}`)) cpSync(`src/${dir}`, `dist/${dir}`, { recursive: true });
}

/** The launcher's mark: a dist/cli/main.js holding it is ours (post-build ran before), not tsc's entry. */
const LAUNCHER_MARK = "launchBundle(";

/**
 * dist/cli/main.js: turns V8's optimizing compiler off, then runs the bundle through src/launch-bundle.ts (a V8 code
 * cache). TurboFan off before any of the CLI's code compiles: a run is short and its JavaScript runs in bursts (parse
 * a host's answer, plan, report), so TurboFan's compiles (on threads of their own) cost more CPU than its code saved:
 * a converged `up` of 100 hosts took 1.42 s of controller CPU with it and 1.0-1.1 s without (docs/bench.md).
 * Sparkplug's baseline code stays.
 */
const LAUNCHER = [
  '#!/usr/bin/env node',
  '// The CLI, bundled by scripts/post-build.mjs into dist/bundle/main.cjs (dist/cli/main.unbundled.js is its unbundled entry).',
  "import { fileURLToPath } from 'node:url';",
  "import { setFlagsFromString } from 'node:v8';",
  "import { launchBundle } from '../launch-bundle.js';",
  '',
  "setFlagsFromString('--no-turbofan');",
  "launchBundle(fileURLToPath(new URL('../bundle/main.cjs', import.meta.url)));",
  '',
].join('\n');

/**
 * The CLI as ONE CommonJS file, dist/bundle/main.cjs (zod, yaml, ssh2's client and execa inlined; verbs and modules
 * initialized only when used), so that src/launch-bundle.ts can compile it with a V8 code cache: Node 20 keeps no
 * compiled code for ES modules, and resolving, reading and compiling ~320 small files (or 60 chunks) cost most of a
 * converged run's start. Left outside: native code (ssh2's crypto binding, cpu-features) and what only some runs
 * require (listr2, diff, zx). The rest of dist/ stays as tsc wrote it (the lab's stand-ins run from there, tests
 * import it).
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

/**
 * A native binding a bundled package requires by a relative path (ssh2's ./crypto/build/Release/sshcrypto.node): left
 * outside the bundle as that package's own subpath, which the bundle's require() finds in node_modules at run time.
 */
const nativeBindingsOutside = {
  name: 'native-bindings-outside',
  setup(build) {
    build.onResolve({ filter: /\.node$/ }, (args) => {
      const m = /^(.*[\\/]node_modules[\\/])((?:@[^\\/]+[\\/])?[^\\/]+)([\\/].*)$/.exec(join(args.resolveDir, args.path));
      if (!m) return undefined;
      return { path: `${m[2].replace(/\\/g, '/')}${m[3].replace(/\\/g, '/')}`, external: true };
    });
  },
};

async function bundleCli(esbuild) {
  // tsc rewrote dist/cli/main.js; if it did not (post-build run twice), it is the launcher and the entry is kept.
  // Either way it must be gone while esbuild runs: main.js loads verbs by `./${verb}.js`, a glob over dist/cli/.
  if (readFileSync('dist/cli/main.js', 'utf8').includes(LAUNCHER_MARK)) rmSync('dist/cli/main.js');
  else renameSync('dist/cli/main.js', 'dist/cli/main.unbundled.js');
  rmSync('dist/bundle', { recursive: true, force: true });
  await esbuild.build({
    entryPoints: ['dist/cli/main.unbundled.js'],
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    outfile: 'dist/bundle/main.cjs',
    external: ['cpu-features', 'listr2', 'diff', 'zx', 'esbuild'],
    logLevel: 'error',
    legalComments: 'inline',
    plugins: [zodEnglishOnly, nativeBindingsOutside],
    // import() becomes require(): a function compiled from a V8 code cache loses the Script's dynamic-import loader
    // on Node 20 (ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING), and Node's own loader for it is experimental (a warning).
    supported: { 'dynamic-import': false },
    // import.meta.url in CommonJS: the bundle's own URL (package-root.ts finds the package from it, createRequire
    // resolves ssh2 from it), as each chunk's own URL was in the ES module bundle.
    define: { 'import.meta.url': '__bundleUrl' },
    banner: { js: "const __bundleUrl = require('node:url').pathToFileURL(__filename).href;" },
  });
  // ASCII only, so the launcher can read it as Latin-1 (0.5 ms, not 5 for UTF-8 decoding into a two-byte string):
  // esbuild escapes code, not the comments it keeps; an escape there (or anywhere) means the same character.
  const text = readFileSync('dist/bundle/main.cjs', 'utf8');
  writeFileSync('dist/bundle/main.cjs', text.replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`));
  writeFileSync('dist/cli/main.js', LAUNCHER);
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
