// Where the package lives, found from this file: the same answer from src/ (vitest), dist/ and dist/bundle/main.cjs.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findRoot(start: string): string {
  for (let dir = start; ; dir = dirname(dir)) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'provision') return dir;
    if (dirname(dir) === dir) throw new Error(`provision: no package.json of provision above ${start}`);
  }
}

const here = dirname(fileURLToPath(import.meta.url));

/** The package root: package.json, playbooks/, dist/, node_modules/. */
export const PACKAGE_ROOT = findRoot(here);

/** The compiled tree (dist/) when running built code, the source tree (src/) under vitest: modules and assets live there. */
export const CODE_ROOT = join(PACKAGE_ROOT, here.startsWith(join(PACKAGE_ROOT, 'src')) ? 'src' : 'dist');
