// The `file` module: a whole file with exact content, mode and owner — or a file that must not exist.
import { z } from 'zod';
import type { Module } from '../../core/types.js';
import { planFile } from '../support/plan-file.js';
import { absolutePath, accountName, fileMode } from '../support/schema.js';

const schema = z
  .strictObject({
    path: absolutePath,
    content: z.string().optional(),
    state: z.enum(['present', 'absent']).default('present'),
    mode: fileMode.optional(),
    owner: accountName.optional(),
    group: accountName.optional(),
    /** argv run against the temp file before it replaces the real one; '%s' is the temp path. */
    validate: z.array(z.string()).min(1).refine((a) => a.some((x) => x.includes('%s')), "must contain '%s' (the temp file)").optional(),
    backup: z.boolean().default(false),
  })
  .superRefine((p, ctx) => {
    if (p.state === 'present' && p.content === undefined) ctx.addIssue({ code: 'custom', path: ['content'], message: 'is required unless state is absent' });
    if (p.state === 'absent') {
      const extra = (['content', 'mode', 'owner', 'group', 'validate'] as const).filter((k) => p[k] !== undefined);
      if (extra.length) ctx.addIssue({ code: 'custom', path: [extra[0]!], message: `makes no sense with state: absent (${extra.join(', ')})` });
    }
  });

export type FileParams = z.output<typeof schema>;

const file: Module<FileParams> = {
  name: 'file',
  schema,
  probe: (p) => [{ kind: 'file', path: p.path }],
  plan: (p, ctx) =>
    planFile({
      ctx,
      path: p.path,
      want: p.state === 'absent' ? null : p.content!,
      fact: ctx.facts.file(p.path),
      ...(p.mode !== undefined ? { mode: p.mode } : {}),
      ...(p.owner !== undefined ? { owner: p.owner } : {}),
      ...(p.group !== undefined ? { group: p.group } : {}),
      ...(p.validate ? { validate: p.validate } : {}),
      backup: p.backup,
    }),
};

export default file;
