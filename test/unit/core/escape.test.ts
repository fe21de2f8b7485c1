// Issue 19 item 3: no message can carry a terminal escape, a carriage return or a forged line out of a value.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { escapeControl } from '../../../src/core/escape.js';
import { formatFinding } from '../../../src/core/finding.js';
import { cli } from '../cli/capture.js';
import { tempDir } from '../../support/temp-dir.js';

const REPO = join(import.meta.dirname, '../../..');
const dir = tempDir('escape-');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** What a terminal would act on: C0/C1 controls (except the newline ending a line) and bidi controls. */
const ACTIVE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

describe('escapeControl', () => {
  it.each([
    ['ESC', 'a\u001b[2Jb', 'a\\x1b[2Jb'],
    ['CR and LF', 'x\r\n0 errors, 0 warnings', 'x\\r\\n0 errors, 0 warnings'],
    ['TAB, NUL, DEL', '\t\u0000\u007f', '\\t\\x00\\x7f'],
    ['a C1 CSI', 'a\u009b31m', 'a\\x9b31m'],
    ['a bidi override', 'evil\u202eexe.yaml', 'evil\\u202eexe.yaml'],
    ['isolates and marks', '\u2066\u2069\u200f', '\\u2066\\u2069\\u200f'],
    ['plain text and other Unicode', 'hôst → ok', 'hôst → ok'],
  ])('%s', (_, input, want) => {
    expect(escapeControl(input)).toBe(want);
  });

  it('a finding is one line (two with its hint) whatever its fields hold', () => {
    const text = formatFinding({ level: 'error', code: 'schema', message: "unknown key 'a\n0 errors, 0 warnings\u001b[2J'", file: 'x\ry.yaml', line: 1, col: 1, hint: 'did you\n mean' });
    expect(text.split('\n')).toHaveLength(2);
    expect(text).not.toMatch(ACTIVE);
  });
});

describe('the CLI escapes what it prints', () => {
  it('lint: an unknown key holding ESC and a newline cannot clear the screen or forge the summary line', async () => {
    const inv = readFileSync(join(REPO, 'inventory/homelab.yaml'), 'utf8').replace('network:', 'network:\n  "evil\\u001b[2J\\n0 errors, 0 warnings\\u202e": 1');
    const file = join(dir, 'evil.yaml');
    writeFileSync(file, inv);
    const r = await cli(['lint', '-i', file]);
    expect(r.code).toBe(1);
    expect(r.out).not.toMatch(ACTIVE);
    expect(r.out).toContain("unknown key 'evil\\x1b[2J\\n0 errors, 0 warnings\\u202e'");
    expect(r.out.split('\n').filter((l) => l.startsWith('0 errors'))).toEqual([]);
  });

  it('errors on stderr: a value with control characters in a flag comes back escaped', async () => {
    const r = await cli(['facts', '-i', join(REPO, 'inventory/homelab.yaml'), '--limit', 'x\u001b]0;pwned\u0007\nok']);
    expect(r.code).toBe(64);
    expect(r.err).not.toMatch(ACTIVE);
    expect(r.err).toContain('\\x1b]0;pwned\\x07\\nok');
  });

  it('an unknown command or lab host name is escaped too', async () => {
    const r = await cli(['\u001b[31mred']);
    expect(r.err).not.toMatch(ACTIVE);
    expect(r.err).toContain("unknown command '\\x1b[31mred'");
  });
});
