// The batched file read: one process for any number of files, and the facts it yields (races included).
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, linkSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildProbe } from '../../../src/facts/probe.js';
import { parseProbe } from '../../../src/facts/parse-probe.js';
import { FILE_CONTENT_CAP, parseFileBatch } from '../../../src/facts/probe-files.js';
import { tempDir } from '../../support/temp-dir.js';

const sha = (b: string | Buffer) => createHash('sha256').update(b).digest('hex');

function probeFiles(paths: string[], env: NodeJS.ProcessEnv = process.env) {
  const probe = buildProbe({ marker: 'B4TCH', skipBase: true, items: paths.map((path) => ({ kind: 'file' as const, path })) });
  // The bytes, as the SSH session keeps them: the batch is a raw tar stream.
  return parseProbe(execFileSync('sh', ['-c', probe.script], { env, maxBuffer: 64 << 20 }), probe).tables.files!;
}

describe('batched file probe', () => {
  it('reads any number of files with one tar, its raw stream in the output', () => {
    const dir = tempDir('batch-');
    const bin = tempDir('batch-bin-');
    const calls = join(bin, 'calls');
    for (const tool of ['stat', 'tar', 'base64', 'sha256sum']) {
      const real = execFileSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).trim();
      writeFileSync(join(bin, tool), `#!/bin/sh\necho ${tool} >> ${calls}\nexec ${real} "$@"\n`, { mode: 0o755 });
    }
    const paths = Array.from({ length: 12 }, (_, i) => join(dir, `f${i} with space`));
    paths.forEach((p, i) => writeFileSync(p, `file ${i}\n`));
    const files = probeFiles([...paths, join(dir, 'absent')], { ...process.env, PATH: `${bin}:${process.env.PATH}` });
    paths.forEach((p, i) => expect(files.get(p)).toMatchObject({ exists: true, content: `file ${i}\n`, sha256: sha(`file ${i}\n`) }));
    expect(files.get(join(dir, 'absent'))).toEqual({ exists: false });
    expect(readFileSync(calls, 'utf8').trim().split('\n').sort()).toEqual(['tar']);
  });

  it('follows symlinks, reads hard-linked paths whole, and keeps quoting-hostile names literal', () => {
    const dir = tempDir('batch-');
    writeFileSync(join(dir, 'target'), 'T\n', { mode: 0o600 });
    symlinkSync(join(dir, 'target'), join(dir, 'link'));
    linkSync(join(dir, 'target'), join(dir, 'hard'));
    const odd = join(dir, "it's $(id) `x` |pipe| \\ * ?");
    writeFileSync(odd, 'odd\n');
    symlinkSync(join(dir, 'nowhere'), join(dir, 'dangling'));
    const files = probeFiles(['target', 'link', 'hard', 'dangling'].map((n) => join(dir, n)).concat(odd));
    for (const n of ['target', 'link', 'hard']) expect(files.get(join(dir, n))).toMatchObject({ exists: true, content: 'T\n', mode: 0o600 });
    expect(files.get(odd)).toMatchObject({ exists: true, content: 'odd\n' });
    expect(files.get(join(dir, 'dangling'))).toEqual({ exists: false });
  });

  it('gives a directory its mode and owner, a file over the cap its hash only, and no batch when the probe stopped', () => {
    const dir = tempDir('batch-');
    mkdirSync(join(dir, 'sub'), { mode: 0o750 });
    chmodSync(join(dir, 'sub'), 0o750);
    const big = Buffer.alloc(FILE_CONTENT_CAP + 1, 'b');
    writeFileSync(join(dir, 'big'), big, { mode: 0o600 });
    chmodSync(join(dir, 'big'), 0o600);
    const files = probeFiles(['sub', 'big', 'never'].map((n) => join(dir, n)));
    const me = execFileSync('id', ['-un'], { encoding: 'utf8' }).trim();
    expect(files.get(join(dir, 'sub'))).toEqual({ exists: true, mode: 0o750, owner: me, group: expect.any(String) });
    expect(files.get(join(dir, 'big'))).toEqual({ exists: true, mode: 0o600, owner: me, group: expect.any(String), sha256: sha(big) });
    expect(files.get(join(dir, 'never'))).toEqual({ exists: false });
    expect(parseFileBatch(undefined, ['/x'])).toBeUndefined();
    // Binary content (not UTF-8) hashed exactly, and text around it still parsed.
    const bin = Buffer.from([0, 0xff, 0xfe, 10, 0x80, 0]);
    writeFileSync(join(dir, 'bin'), bin);
    writeFileSync(join(dir, 'after'), 'ü\n');
    const both = probeFiles([join(dir, 'bin'), join(dir, 'after')]);
    expect(both.get(join(dir, 'bin'))!.sha256).toBe(sha(bin));
    expect(both.get(join(dir, 'after'))).toMatchObject({ content: 'ü\n', sha256: sha('ü\n') });
  });
});
