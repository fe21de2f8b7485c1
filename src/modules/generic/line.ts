// The `line` module: one line present (replacing the lines a regexp matches) or absent in a file.
import { z } from 'zod';
import type { Module } from '../../core/types.js';
import { planEdit } from '../support/edit-file.js';
import { ensureLine } from '../support/ensure-line.js';
import { absolutePath, singleLine } from '../support/schema.js';

const regexpText = z.string().min(1).refine((s) => {
  try {
    new RegExp(s);
    return true;
  } catch {
    return false;
  }
}, 'must be a valid JavaScript regular expression');

const schema = z
  .strictObject({
    path: absolutePath,
    line: singleLine.optional(),
    /** Lines matching this are replaced by `line` (present) or removed (absent). */
    regexp: regexpText.optional(),
    state: z.enum(['present', 'absent']).default('present'),
    create: z.boolean().default(true),
    validate: z.array(z.string()).min(1).refine((a) => a.some((x) => x.includes('%s')), "must contain '%s' (the temp file)").optional(),
    backup: z.boolean().default(false),
  })
  .superRefine((p, ctx) => {
    if (p.state === 'present' && p.line === undefined) ctx.addIssue({ code: 'custom', path: ['line'], message: 'is required unless state is absent' });
    if (p.state === 'absent' && p.line === undefined && p.regexp === undefined) ctx.addIssue({ code: 'custom', path: ['line'], message: 'state: absent needs line or regexp' });
  });

export type LineParams = z.output<typeof schema>;

const line: Module<LineParams> = {
  name: 'line',
  schema,
  probe: (p) => [{ kind: 'file', path: p.path }],
  plan: (p, ctx) => {
    const regexp = p.regexp !== undefined ? new RegExp(p.regexp) : undefined;
    const what = p.line !== undefined && !(p.state === 'absent' && regexp) ? `line '${p.line}'` : `lines matching /${p.regexp}/`;
    const present = p.state === 'present';
    return planEdit({
      ctx,
      path: p.path,
      fact: ctx.facts.file(p.path),
      edit: (current) => ensureLine({ current, state: p.state, ...(p.line !== undefined ? { line: p.line } : {}), ...(regexp ? { regexp } : {}) }),
      create: p.create,
      summaries: present
        ? { done: `${what} present in ${p.path}`, todo: regexp ? `set ${what} in ${p.path} (lines matching /${p.regexp}/)` : `add ${what} to ${p.path}`, missing: `${p.path} does not exist; ${what} not added (create: false)` }
        : { done: `no ${what} in ${p.path}`, todo: `remove ${what} from ${p.path}`, missing: `${p.path} does not exist; no ${what}` },
      ...(p.validate ? { validate: p.validate } : {}),
      backup: p.backup,
    });
  },
};

export default line;
