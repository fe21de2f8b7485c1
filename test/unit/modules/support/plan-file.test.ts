// planFile cases the file module cannot reach: secret content (hash compare, never a diff), unknown metadata.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { FileFact } from '../../../../src/core/types.js';
import { planFile, type PlanFileOptions } from '../../../../src/modules/support/plan-file.js';
import { Secret } from '../../../../src/core/secret.js';

const ctx = { host: { name: 'n1' }, task: 't' };
const sha = (s: string) => createHash('sha256').update(s).digest('hex');
const token = new Secret('abcdef.0123456789abcdef');
const existing = (content: string, over: Partial<FileFact> = {}): FileFact => ({ exists: true, content, sha256: sha(content), mode: 0o600, owner: 'root', group: 'root', ...over });

const cases: Array<{ name: string; o: Omit<PlanFileOptions, 'ctx' | 'path'>; action: string; summary: RegExp; diff: boolean }> = [
  { name: 'secret, missing file: create without diff', o: { want: token, fact: { exists: false }, mode: 0o600 }, action: 'create', summary: /^create \/etc\/x \(mode 0600\) \(secret content\)$/, diff: false },
  { name: 'secret, same content: noop', o: { want: token, fact: existing(token.reveal()) }, action: 'noop', summary: /up to date/, diff: false },
  { name: 'secret, same hash but content not read: noop', o: { want: token, fact: { exists: true, sha256: sha(token.reveal()) } }, action: 'noop', summary: /up to date/, diff: false },
  { name: 'secret, other content: update without diff', o: { want: token, fact: existing('old') }, action: 'update', summary: /secret content/, diff: false },
  { name: 'metadata unknown in the fact: no drift invented', o: { want: 'a', fact: { exists: true, content: 'a' }, mode: 0o644, owner: 'root' }, action: 'noop', summary: /up to date/, diff: false },
  { name: 'label replaces the path in summaries', o: { want: 'a', fact: { exists: false }, label: 'boot list /etc/x' }, action: 'create', summary: /^create boot list \/etc\/x$/, diff: true },
];

describe('planFile', () => {
  it.each(cases)('$name', ({ o, action, summary, diff }) => {
    const c = planFile({ ctx, path: '/etc/x', ...o });
    expect(c.action).toBe(action);
    expect(c.summary).toMatch(summary);
    expect(c.diff !== undefined).toBe(diff);
    // The secret never appears in anything printable.
    expect(JSON.stringify(c)).not.toContain(token.reveal());
    if (action !== 'noop' && o.want instanceof Secret) expect(c.steps[0]).toMatchObject({ kind: 'write', content: token });
  });
});
