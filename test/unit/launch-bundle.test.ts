// The bundle's launcher: the code cache is written, taken, refused when damaged, and never serves a changed bundle.
import { readdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { codeCacheName, launchBundle } from '../../src/launch-bundle.js';
import { tempDir } from '../support/temp-dir.js';

const dir = tempDir('launch-bundle-');
const cacheDir = join(dir, 'v8');
const bundle = join(dir, 'main.cjs');
const ran = () => (globalThis as { __launched?: string[] }).__launched ?? [];

/** A bundle that records what it saw: its value, __filename, and that require() resolves from its own directory. */
function writeBundle(value: string, mtime: number): void {
  writeFileSync(bundle, `#!/usr/bin/env node\n(globalThis.__launched ??= []).push(${JSON.stringify(value)} + ' ' + (__filename === ${JSON.stringify(bundle)}) + ' ' + typeof require('node:path').join + ' ' + (module.exports === exports));\n`);
  utimesSync(bundle, mtime, mtime);
}

describe('launchBundle', () => {
  it('runs the bundle as a CommonJS main module, writes its cache, then compiles from it', () => {
    writeBundle('one', 1_700_000_000);
    const first = launchBundle(bundle, { cacheDir, saveAtExit: false });
    expect(first.accepted).toBe(false);
    expect(ran().at(-1)).toBe('one true function true');
    expect(first.saveCache()).toBe(true);
    expect(statSync(first.cacheFile!).mode & 0o777).toBe(0o600);
    expect(statSync(cacheDir).mode & 0o777).toBe(0o700);
    const second = launchBundle(bundle, { cacheDir, saveAtExit: false });
    expect(second.cacheFile).toBe(first.cacheFile);
    expect(second.accepted).toBe(true);
    expect(ran().at(-1)).toBe('one true function true');
  });

  it('never runs a cache of other content, even of the same length (V8 checks only the length)', () => {
    writeBundle('aaa', 1_700_000_100);
    const a = launchBundle(bundle, { cacheDir, saveAtExit: false });
    a.saveCache();
    writeBundle('bbb', 1_700_000_200);
    const b = launchBundle(bundle, { cacheDir, saveAtExit: false });
    expect(b.cacheFile).not.toBe(a.cacheFile);
    expect(b.accepted).toBe(false);
    expect(ran().at(-1)).toBe('bbb true function true');
  });

  it('a damaged cache is refused, the bundle still runs, and the cache is written anew', () => {
    writeBundle('two', 1_700_000_300);
    writeFileSync(join(cacheDir, codeCacheName(bundle)), 'not a code cache');
    const r = launchBundle(bundle, { cacheDir, saveAtExit: false });
    expect(r.accepted).toBe(false);
    expect(ran().at(-1)).toBe('two true function true');
    expect(r.saveCache()).toBe(true);
    expect(launchBundle(bundle, { cacheDir, saveAtExit: false }).accepted).toBe(true);
  });

  it('a bundle that is not ASCII is read as UTF-8', () => {
    writeFileSync(bundle, `(globalThis.__launched ??= []).push('caf\u00e9 \u2014 ' + (__filename === ${JSON.stringify(bundle)}));\n`);
    utimesSync(bundle, 1_700_000_400, 1_700_000_400);
    launchBundle(bundle, { cacheDir: null });
    expect(ran().at(-1)).toBe('caf\u00e9 \u2014 true');
  });

  it('keeps the caches of the last four builds, and none with NODE_DISABLE_COMPILE_CACHE or no directory', () => {
    for (let i = 0; i < 6; i++) {
      writeBundle(`build ${i}`, 1_700_001_000 + i);
      launchBundle(bundle, { cacheDir, saveAtExit: false }).saveCache();
    }
    expect(readdirSync(cacheDir).filter((n) => n.endsWith('.bin'))).toHaveLength(4);
    expect(launchBundle(bundle, { cacheDir, env: { NODE_DISABLE_COMPILE_CACHE: '1' } }).cacheFile).toBeUndefined();
    expect(launchBundle(bundle, { cacheDir: null }).cacheFile).toBeUndefined();
    expect(ran().at(-1)).toBe('build 5 true function true');
  });
});
