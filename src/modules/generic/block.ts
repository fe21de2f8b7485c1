// The `block` module: a managed block (between BEGIN/END marker lines) inside a file others also edit.
import { z } from 'zod';
import type { Module } from '../../core/types.js';
import { planEdit } from '../support/edit-file.js';
import { managedBlock } from '../support/managed-block.js';
import { absolutePath, singleLine } from '../support/schema.js';

const schema = z
  .strictObject({
    path: absolutePath,
    block: z.string().optional(),
    /** The marker lines are `<comment> BEGIN <marker>` and `<comment> END <marker>`. */
    marker: singleLine.pipe(z.string().min(1)).default('provision'),
    comment: singleLine.pipe(z.string().min(1)).default('#'),
    /** Create the file when it is missing. */
    create: z.boolean().default(true),
    state: z.enum(['present', 'absent']).default('present'),
    validate: z.array(z.string()).min(1).refine((a) => a.some((x) => x.includes('%s')), "must contain '%s' (the temp file)").optional(),
    backup: z.boolean().default(false),
  })
  .superRefine((p, ctx) => {
    if (p.state === 'present' && p.block === undefined) ctx.addIssue({ code: 'custom', path: ['block'], message: 'is required unless state is absent' });
    if (p.state === 'absent' && p.block !== undefined) ctx.addIssue({ code: 'custom', path: ['block'], message: 'makes no sense with state: absent' });
  });

export type BlockParams = z.output<typeof schema>;

const block: Module<BlockParams> = {
  name: 'block',
  schema,
  probe: (p) => [{ kind: 'file', path: p.path }],
  plan: (p, ctx) => {
    const name = `block '${p.marker}'`;
    const present = p.state === 'present';
    return planEdit({
      ctx,
      path: p.path,
      fact: ctx.facts.file(p.path),
      edit: (current) => managedBlock({ current, block: present ? p.block! : null, marker: p.marker, comment: p.comment }),
      create: p.create,
      summaries: present
        ? { done: `${name} up to date in ${p.path}`, todo: `write ${name} in ${p.path}`, missing: `${p.path} does not exist; ${name} not added (create: false)` }
        : { done: `no ${name} in ${p.path}`, todo: `remove ${name} from ${p.path}`, missing: `${p.path} does not exist; no ${name}` },
      ...(p.validate ? { validate: p.validate } : {}),
      backup: p.backup,
    });
  },
};

export default block;
