// Every preflight code is one list: what the rules can report, what docs/preflight.md's table documents, and what the
// preflight lab stages (test/lab/preflight-faults.ts), at every level a rule can give it.
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PREFLIGHT_CODES } from '../../../src/preflight/index.js';
import { preflightFaults } from '../../lab/preflight-faults.js';

const ROOT = resolve(import.meta.dirname, '../../..');
const SRC = join(ROOT, 'src/preflight');
const sources = readdirSync(SRC).map((f) => readFileSync(join(SRC, f), 'utf8')).join('\n');
const sorted = (xs: Iterable<string>) => [...new Set(xs)].sort();

/** The rows of the Rules table: the codes of the first cell, and the level cell. */
function documented(): Array<{ codes: string[]; level: string }> {
  const md = readFileSync(join(ROOT, 'docs/preflight.md'), 'utf8');
  const table = md.slice(md.indexOf('## Rules'), md.indexOf('\n## ', md.indexOf('## Rules') + 1));
  return table.split('\n').filter((l) => l.startsWith('| `')).map((l) => {
    const [codes, level] = l.split(' | ');
    return { codes: [...codes!.matchAll(/`([a-z0-9-]+)`/g)].map((m) => m[1]!), level: level! };
  });
}

describe('preflight codes', () => {
  it('every code a rule reports is in PREFLIGHT_CODES, and every listed code is reported somewhere', () => {
    const reported = [
      ...[...sources.matchAll(/report\([^,]+,\s*'([a-z0-9-]+)'/g)].map((m) => m[1]!),
      ...[...sources.matchAll(/\bcode: '([a-z0-9-]+)'/g)].map((m) => m[1]!),
      // The host that was not checked: one expression picks between the two.
      ...[...sources.matchAll(/\? '(unreachable)' : '(probe-failed)'/g)].flatMap((m) => [m[1]!, m[2]!]),
    ];
    expect(sorted(reported)).toEqual(sorted(PREFLIGHT_CODES));
  });

  it('docs/preflight.md documents every code once, with its level', () => {
    const rows = documented();
    const codes = rows.flatMap((r) => r.codes);
    expect(codes.length).toBe(new Set(codes).size);
    expect(sorted(codes)).toEqual(sorted(PREFLIGHT_CODES));
    for (const r of rows) expect(r.level, r.codes.join()).toMatch(/error|warning|info/);
  });

  it('the preflight lab stages every code, at every level docs/preflight.md gives it', () => {
    const faults = preflightFaults({ sh: async () => '', shq: async () => {}, ip: async () => '', deviceTree: async () => {} });
    const staged = new Set(faults.flatMap((f) => [f.finding, ...(f.also ?? [])]).map((e) => `${e.code} ${e.level}`));
    // time-sync is staged by the lab itself (its hosts are containers running no time-sync daemon: info; one made to
    // read as a machine: warning) in a case of its own.
    staged.add('time-sync info').add('time-sync warning');
    for (const { codes, level } of documented()) {
      // The levels a row names (the level cell starts with the main one; "error above", "warning below"... add one each).
      const levels = ['error', 'warning', 'info'].filter((l) => new RegExp(`\\b${l}\\b`).test(level.replace(/`preflight` still exits 1/, '')));
      for (const code of codes) for (const l of levels) expect([...staged], `${code} at level ${l}`).toContain(`${code} ${l}`);
    }
  });
});
