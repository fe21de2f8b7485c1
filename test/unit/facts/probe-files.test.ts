// The batched file read: three processes for any number of files, and the facts it yields (races included).
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { linkSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildProbe } from '../../../src/facts/probe.js';
import { parseProbe } from '../../../src/facts/parse-probe.js';
import { FILES_STAT, parseFileBatch } from '../../../src/facts/probe-files.js';

const sha = (b: string | Buffer) => createHash('sha256').update(b).digest('hex');

function probeFiles(paths: string[], env: NodeJS.ProcessEnv = process.env) {
  const probe = buildProbe({ marker: 'B4TCH', skipBase: true, items: paths.map((path) => ({ kind: 'file' as const, path })) });
  return parseProbe(execFileSync('sh', ['-c', probe.script], { encoding: 'utf8', env }), probe).tables.files!;
}

describe('batched file probe', () => {
  it('reads any number of files with one stat, one tar and one base64', () => {
    const dir = mkdtempSync(join(tmpdir(), 'batch-'));
    const bin = mkdtempSync(join(tmpdir(), 'batch-bin-'));
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
    expect(readFileSync(calls, 'utf8').trim().split('\n').sort()).toEqual(['base64', 'stat', 'tar']);
  });

  it('follows symlinks, reads hard-linked paths whole, and keeps quoting-hostile names literal', () => {
    const dir = mkdtempSync(join(tmpdir(), 'batch-'));
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

  it('reports a small file that vanished between stat and tar as absent, and one over the cap by hash only', () => {
    const bigSha = sha('b');
    const sections = new Map([
      [FILES_STAT, '3 644 root root regular file|/gone\n2000000 600 root adm regular file|/big\n4096 755 root root directory|/dir\n'],
      ['files.big', `${bigSha} /big\n`],
      ['files.tar', ''],
    ]);
    const facts = parseFileBatch(sections, ['/gone', '/big', '/dir', '/never'])!;
    expect(Object.fromEntries(facts)).toEqual({
      '/gone': { exists: false },
      '/big': { exists: true, mode: 0o600, owner: 'root', group: 'adm', sha256: bigSha },
      '/dir': { exists: true, mode: 0o755, owner: 'root', group: 'root' },
      '/never': { exists: false },
    });
    expect(parseFileBatch(new Map(), ['/x'])).toBeUndefined();
  });
});
