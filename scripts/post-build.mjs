// Makes the compiled CLI executable, copies non-TypeScript assets (lab stand-ins, CNI manifests) into dist/, and
// bundles zod and yaml into one file each (dist/vendor/): Node 20 loads ~170 small files for them otherwise, about
// 50 ms of every run's start-up (docs/bench.md). dist's imports are pointed at the bundles; src/ and tests keep
// importing the packages themselves.
import { chmodSync, cpSync, existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

if (existsSync('dist/cli/main.js')) chmodSync('dist/cli/main.js', 0o755);
for (const dir of ['lab/assets', 'modules/assets']) {
  if (existsSync(`src/${dir}`)) cpSync(`src/${dir}`, `dist/${dir}`, { recursive: true });
}

const VENDORED = ['zod', 'yaml'];

async function bundleVendors() {
  let esbuild;
  try {
    esbuild = await import('esbuild');
  } catch {
    process.stderr.write('post-build: esbuild is not installed; dist imports zod and yaml from node_modules (slower start-up)\n');
    return false;
  }
  const { createRequire } = await import('node:module');
  const require = createRequire(join(process.cwd(), 'package.json'));
  for (const pkg of VENDORED) {
    // Named exports spelled out: `export *` from a CommonJS package (yaml) would export nothing by name.
    const names = Object.keys(require(pkg)).filter((k) => /^[A-Za-z_$][\w$]*$/.test(k) && k !== 'default');
    await esbuild.build({
      stdin: { contents: `import * as m from '${pkg}';\nexport const { ${names.join(', ')} } = m;\n`, resolveDir: process.cwd(), loader: 'js' },
      bundle: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      outfile: `dist/vendor/${pkg}.js`,
      logLevel: 'error',
      legalComments: 'inline',
      // A bundled CommonJS package still require()s Node's built-ins (yaml: process).
      banner: { js: "import { createRequire as __vendorRequire } from 'node:module'; const require = __vendorRequire(import.meta.url);" },
    });
  }
  return true;
}

function* jsFiles(dir) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) {
      if (p !== 'dist/vendor' && p !== 'dist/lab/assets') yield* jsFiles(p);
    } else if (p.endsWith('.js')) yield p;
  }
}

/** `from 'zod'` / `import('zod')` → the bundle, by a path relative to the importing file. */
function pointAtVendors() {
  for (const file of jsFiles('dist')) {
    const text = readFileSync(file, 'utf8');
    let out = text;
    for (const pkg of VENDORED) {
      let rel = relative(dirname(file), `dist/vendor/${pkg}.js`);
      if (!rel.startsWith('.')) rel = `./${rel}`;
      out = out.replace(new RegExp(`(from\\s+|import\\s*\\(\\s*)(['"])${pkg}\\2`, 'g'), `$1'${rel}'`);
    }
    if (out !== text) writeFileSync(file, out);
  }
}

/**
 * The CLI as one ES module graph in dist/bundle/ (entry + a chunk per lazily imported verb and module), and
 * dist/cli/main.js a two-line launcher for it: Node 20 resolves, reads and compiles ~150 files of dist/ on every
 * run otherwise (~30 ms). Left outside: ssh2 (its native crypto binding is found relative to its own files),
 * and what only some runs load (execa, listr2, diff, zx). The rest of dist/ stays as tsc wrote it (the lab's
 * stand-ins run from there, tests import it).
 */
async function bundleCli() {
  const esbuild = await import('esbuild');
  const { renameSync, rmSync } = await import('node:fs');
  // tsc rewrote dist/cli/main.js; if it did not (post-build run twice), it is the launcher and the entry is kept.
  // Either way it must be gone while esbuild runs: main.js loads verbs by `./${verb}.js`, a glob over dist/cli/.
  const launcher = "import '../bundle/main.js';";
  if (readFileSync('dist/cli/main.js', 'utf8').includes(launcher)) rmSync('dist/cli/main.js');
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
    banner: { js: "import { createRequire as __bundleRequire } from 'node:module'; const require = __bundleRequire(import.meta.url);" },
  });
  writeFileSync('dist/cli/main.js', `#!/usr/bin/env node\n// The CLI, bundled by scripts/post-build.mjs (dist/cli/main.unbundled.js is its unbundled entry).\n${launcher}\n`);
  chmodSync('dist/cli/main.js', 0o755);
}

if (existsSync('dist') && (await bundleVendors())) {
  pointAtVendors();
  await bundleCli();
}
