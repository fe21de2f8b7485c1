// The kubelet stand-in's steady loop: a parsed file is read again only when it changed, and a node status is sent
// again only when it has news or is 10 s old (the lab's hosts all share the machine's cores).
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

const load = async <T>(p: string): Promise<T> => (await import(/* @vite-ignore */ new URL(`../../../src/lab/assets/standins/lib/${p}`, import.meta.url).href)) as T;
const { fileCache } = await load<{ fileCache(): (file: string, read: (f: string) => Promise<unknown>) => Promise<unknown> }>('file-cache.mjs');
type Last = { body: string; kc: object; at: number } | undefined;
const { statusDue, STATUS_EVERY_MS } = await load<{ statusDue(last: Last, now: { body: string; kc: object; now: number }): boolean; STATUS_EVERY_MS: number }>('node-status.mjs');

const dirs: string[] = [];
afterEach(() => { for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true }); });

describe('kubelet stand-in: file cache', () => {
  it('parses a file once while it is unchanged, and again when its content or time changes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'file-cache-'));
    dirs.push(dir);
    const file = join(dir, 'kubelet.conf');
    writeFileSync(file, 'a: 1\n');
    let reads = 0;
    const read = async (f: string) => { reads++; return { f, n: reads }; };
    const cached = fileCache();
    const first = await cached(file, read);
    expect(await cached(file, read)).toBe(first);
    expect(reads).toBe(1);
    writeFileSync(file, 'a: 22\n');
    expect(await cached(file, read)).not.toBe(first);
    expect(reads).toBe(2);
    utimesSync(file, new Date(2020, 0, 1), new Date(2020, 0, 1));
    await cached(file, read);
    expect(reads).toBe(3);
    await expect(cached(join(dir, 'missing'), read)).rejects.toThrow(/ENOENT/);
  });
});

describe('kubelet stand-in: node status cadence', () => {
  const kc = {};
  const last = { body: '{"cni":["10-calico.conflist"]}', kc, at: 1_000 };
  it('sends the first status, and again after a refused one', () => {
    expect(statusDue(undefined, { body: last.body, kc, now: 1_000 })).toBe(true);
  });
  it('holds an unchanged status until it is STATUS_EVERY_MS old', () => {
    expect(STATUS_EVERY_MS).toBe(10_000);
    expect(statusDue(last, { body: last.body, kc, now: 1_000 + STATUS_EVERY_MS - 1 })).toBe(false);
    expect(statusDue(last, { body: last.body, kc, now: 1_000 + STATUS_EVERY_MS })).toBe(true);
  });
  it('sends at once when the status or the kubeconfig (a new join) changed', () => {
    expect(statusDue(last, { body: '{"cni":[]}', kc, now: 1_001 })).toBe(true);
    expect(statusDue(last, { body: last.body, kc: {}, now: 1_001 })).toBe(true);
  });
});
