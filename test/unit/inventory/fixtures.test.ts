// Runs every lint fixture in test/fixtures/inventory/<code>/{fail,pass}*.yaml against its "# expect:" header.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LINT_CODES } from '../../../src/inventory/lint/index.js';
import { lintInventoryFile } from '../../../src/inventory/lint-file.js';

const ROOT = join(import.meta.dirname, '../../fixtures/inventory');

interface Expected {
  level: string;
  code: string;
  line: number;
  col: number;
}

function parseHeader(file: string): Expected[] | 'none' {
  const first = readFileSync(file, 'utf8').split('\n', 1)[0] ?? '';
  const m = /^# expect: (.+)$/.exec(first);
  if (!m) throw new Error(`${file}: first line must be '# expect: ...'`);
  if (m[1]!.trim() === 'none') return 'none';
  return m[1]!.split(',').map((part) => {
    const e = /^\s*(?:(warning|info) )?([a-z-]+)@(\d+):(\d+)\s*$/.exec(part);
    if (!e) throw new Error(`${file}: bad expectation '${part}'`);
    return { level: e[1] ?? 'error', code: e[2]!, line: Number(e[3]), col: Number(e[4]) };
  });
}

const dirs = readdirSync(ROOT, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name);
const cases = dirs.flatMap((code) =>
  readdirSync(join(ROOT, code)).filter((f) => f.endsWith('.yaml')).map((f) => ({ code, name: `${code}/${f}`, file: join(ROOT, code, f), pass: f.startsWith('pass') })),
);

describe('lint fixtures', () => {
  it('every lint code has a failing and a passing fixture', () => {
    for (const code of LINT_CODES) {
      expect(cases.some((c) => c.code === code && !c.pass), `fail fixture for ${code}`).toBe(true);
      expect(cases.some((c) => c.code === code && c.pass), `pass fixture for ${code}`).toBe(true);
    }
  });

  it.each(cases)('$name', async ({ code, file, pass }) => {
    const expected = parseHeader(file);
    const findings = await lintInventoryFile(file);
    const got = findings.map((f) => ({ level: f.level, code: f.code, line: f.line, col: f.col }));
    if (pass) {
      expect(expected).toBe('none');
      expect(got).toEqual([]);
      return;
    }
    expect(expected).not.toBe('none');
    const list = expected as Expected[];
    expect(list.some((e) => e.code === code), `a fail fixture must expect its own code ${code}`).toBe(true);
    for (const e of list) expect(got).toContainEqual(e);
    expect(new Set(got.map((g) => g.code))).toEqual(new Set(list.map((e) => e.code)));
    for (const f of findings) {
      expect(f.file).toBe(file);
      expect(f.message).not.toMatch(/\n/);
    }
  });
});
