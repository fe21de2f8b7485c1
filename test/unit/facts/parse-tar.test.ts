// The tar reader against archives made by this machine's GNU tar, exactly as the probe makes them.
import { execFileSync } from 'node:child_process';
import { symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readTarFiles } from '../../../src/facts/parse-tar.js';
import { tempDir } from '../../support/temp-dir.js';

const dir = tempDir('tar-');
const longName = join(dir, `${'d'.repeat(150)}.conf`);
writeFileSync(join(dir, 'a'), 'alpha\n');
writeFileSync(join(dir, 'empty'), '');
writeFileSync(join(dir, 'block'), Buffer.alloc(512, 'x'));
writeFileSync(longName, 'long\n');
writeFileSync(join(dir, 'bin'), Buffer.from([0, 1, 2, 255]));
symlinkSync(join(dir, 'a'), join(dir, 'link'));

const tar = (...paths: string[]) =>
  execFileSync('tar', ['-c', '-h', '--hard-dereference', '-P', '--no-recursion', '-b', '1', '--format=gnu', '-f', '-', '--', ...paths]);

describe('readTarFiles', () => {
  const cases: { name: string; paths: string[]; expected: Record<string, string | Buffer> }[] = [
    { name: 'plain, empty and block-sized files', paths: ['a', 'empty', 'block'], expected: { a: 'alpha\n', empty: '', block: 'x'.repeat(512) } },
    { name: 'a GNU long name (over 100 bytes)', paths: [longName.slice(dir.length + 1)], expected: { [longName.slice(dir.length + 1)]: 'long\n' } },
    { name: 'a symlink and its target both stored whole (no hard-link member)', paths: ['link', 'a'], expected: { link: 'alpha\n', a: 'alpha\n' } },
    { name: 'binary content', paths: ['bin'], expected: { bin: Buffer.from([0, 1, 2, 255]) } },
  ];
  it.each(cases)('$name', ({ paths, expected }) => {
    const files = readTarFiles(tar(...paths.map((p) => join(dir, p))));
    expect([...files.keys()]).toEqual(Object.keys(expected).map((p) => join(dir, p)));
    for (const [p, v] of Object.entries(expected)) expect(files.get(join(dir, p))).toEqual(Buffer.from(v));
  });

  it('keeps the members before a cut or a garbled header, and never misreads what follows', () => {
    const whole = tar(join(dir, 'a'), join(dir, 'block'));
    expect([...readTarFiles(whole.subarray(0, 1024 + 100)).keys()]).toEqual([join(dir, 'a')]);
    const garbled = Buffer.from(whole);
    garbled[1024 + 10] = garbled[1024 + 10]! ^ 0xff;
    expect([...readTarFiles(garbled).keys()]).toEqual([join(dir, 'a')]);
    expect(readTarFiles(Buffer.alloc(0)).size).toBe(0);
  });
});
