// The atomic write script, run by this machine's sh in a temp dir: content, mode, validate, truncation, leftovers.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { deleteScript, WRITE_EXIT, writeScript } from '../../../src/engine/write-step.js';
import { tempDir } from '../../support/temp-dir.js';

const run = (script: string, stdin: string) => spawnSync('sh', ['-c', script], { input: stdin, encoding: 'utf8' });

describe('writeScript', () => {
  const dir = tempDir('provision-write-');

  const cases = [
    { label: 'creates with mode', file: 'a.conf', before: undefined, content: 'x=1\n', mode: 0o600, wantMode: 0o600, code: 0 },
    { label: 'keeps the existing mode', file: 'b.conf', before: 'old\n', beforeMode: 0o640, content: 'new\n', wantMode: 0o640, code: 0 },
    { label: 'default 0644 for new files', file: 'c.conf', before: undefined, content: '', wantMode: 0o644, code: 0 },
    { label: 'hostile name', file: "d 'x$(id)`.conf", before: undefined, content: 'ok\n', wantMode: 0o644, code: 0 },
    { label: 'validator rejects', file: 'e.conf', before: 'live\n', content: 'bad\n', validate: ['grep', '-q', 'good', '%s'], code: WRITE_EXIT.validate },
    { label: 'validator accepts', file: 'f.conf', before: 'live\n', content: 'good\n', validate: ['sh', '-c', 'grep -q good "$1"', 'sh', '%s'], wantMode: 0o644, code: 0 },
    { label: 'truncated stdin', file: 'g.conf', before: 'live\n', content: 'full content\n', send: 'full', code: WRITE_EXIT.truncated },
  ];

  it.each(cases)('$label', (c) => {
    const path = join(dir, c.file);
    if (c.before !== undefined) writeFileSync(path, c.before, { mode: c.beforeMode ?? 0o644 });
    writeFileSync(join(dir, `.${c.file}.provision-OLD123`), 'leftover of a killed run');
    const r = run(writeScript({ path, content: Buffer.from(c.content), mode: c.mode, validate: c.validate }), c.send ?? c.content);
    expect(r.status, r.stderr).toBe(c.code);
    const live = c.code === 0 ? c.content : c.before;
    expect(readFileSync(path, 'utf8')).toBe(live);
    if (c.code === 0) expect(statSync(path).mode & 0o7777).toBe(c.wantMode);
    // No temp file survives, neither this run's nor an earlier one's.
    expect(readdirSync(dir).filter((f) => f.includes('.provision-'))).toEqual([]);
  });

  it('backs up the old file when asked, and delete removes', () => {
    const path = join(dir, 'h.conf');
    writeFileSync(path, 'v1\n');
    expect(run(writeScript({ path, content: Buffer.from('v2\n'), backup: true }), 'v2\n').status).toBe(0);
    const bak = readdirSync(dir).filter((f) => f.startsWith('h.conf.') && f.endsWith('.bak'));
    expect(bak).toHaveLength(1);
    expect(readFileSync(join(dir, bak[0]!), 'utf8')).toBe('v1\n');
    execFileSync('sh', ['-c', deleteScript(path)]);
    expect(existsSync(path)).toBe(false);
  });

  it('refuses relative paths', () => {
    expect(() => writeScript({ path: 'etc/x', content: Buffer.from('') })).toThrow(/absolute/);
  });
});
