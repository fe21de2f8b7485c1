// The harness itself must fail where a module or a case is wrong; these cases prove it can.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { Module } from '../../../src/core/types.js';
import file from '../../../src/modules/generic/file.js';
import { noop, change } from '../../../src/modules/support/change.js';
import { checkCase, type ModuleCase } from './harness.js';

/** Reads a file it never declared. */
const sneaky: Module<{ path: string }> = {
  name: 'sneaky',
  schema: z.strictObject({ path: z.string() }),
  probe: () => [],
  plan: (p, ctx) => noop(ctx, String(ctx.facts.file(p.path).exists)),
};

/** Always appends: never converges. */
const appender: Module<{ path: string }> = {
  name: 'appender',
  schema: z.strictObject({ path: z.string() }),
  probe: (p) => [{ kind: 'file', path: p.path }],
  plan: (p, ctx) => change(ctx, { action: 'update', summary: 'append', steps: [{ kind: 'write', path: p.path, content: (ctx.facts.file(p.path).content ?? '') + 'x' }] }),
};

/** A noop that still carries steps. */
const noisyNoop: Module<{ path: string }> = {
  name: 'noisy',
  schema: z.strictObject({ path: z.string() }),
  probe: () => [],
  plan: (_p, ctx) => ({ ...noop(ctx, 'nothing'), steps: [{ kind: 'delete', path: '/x' }] }),
};

const failing: Array<{ name: string; mod: Module<any>; c: ModuleCase; error: RegExp }> = [
  { name: 'wrong action', mod: file, c: { name: 'x', params: { path: '/a', content: 'x' }, expect: { action: 'noop' } }, error: /action/ },
  { name: 'wrong summary', mod: file, c: { name: 'x', params: { path: '/a', content: 'x' }, expect: { action: 'create', summary: 'nope' } }, error: /nope/ },
  { name: 'wrong step', mod: file, c: { name: 'x', params: { path: '/a', content: 'x' }, expect: { action: 'create', steps: [{ kind: 'delete' }] } }, error: /delete/ },
  { name: 'diff expected but absent', mod: file, c: { name: 'x', params: { path: '/a', state: 'absent' }, expect: { action: 'noop', diff: true } }, error: /a diff/ },
  { name: 'error expected, none raised', mod: file, c: { name: 'x', params: { path: '/a', content: 'x' }, expect: { error: /x/ } }, error: /throw/ },
  { name: 'case lists unprobed facts', mod: file, c: { name: 'x', params: { path: '/a', content: 'x' }, facts: { files: { '/b': 'x' } }, expect: { action: 'create' } }, error: /never probes: file:\/b/ },
  { name: 'module reads unprobed facts', mod: sneaky, c: { name: 'x', params: { path: '/a' }, expect: { action: 'noop' } }, error: /was not probed/ },
  { name: 'module does not converge', mod: appender, c: { name: 'x', params: { path: '/a' }, expect: { action: 'update' } }, error: /second plan/ },
  { name: 'noop with steps', mod: noisyNoop, c: { name: 'x', params: { path: '/a' }, expect: { action: 'noop' } }, error: /has no steps/ },
];

describe('harness catches', () => {
  it.each(failing)('$name', ({ mod, c, error }) => expect(() => checkCase(mod, c)).toThrow(error));
  it('and passes a right case', () => expect(() => checkCase(file, { name: 'ok', params: { path: '/a', content: 'x' }, expect: { action: 'create' } })).not.toThrow());
});
