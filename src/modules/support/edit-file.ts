// Plans an in-place text edit (block, line) of a file: the edit runs on the fact's content, planFile decides.
import type { Change, FileFact } from '../../core/types.js';
import { noop, type Where } from './change.js';
import { planFile } from './plan-file.js';

export interface EditFileOptions {
  ctx: Where;
  path: string;
  fact: FileFact;
  /** The new whole content from the current one ('' for a missing file); may throw on a broken file. */
  edit: (current: string) => string;
  /** Create the file when it is missing (and the edit adds something). */
  create: boolean;
  /** What is true when nothing changes, and what the change does. */
  summaries: { done: string; todo: string; missing: string };
  validate?: string[];
  backup?: boolean;
}

export function planEdit(o: EditFileOptions): Change {
  if (o.fact.exists && o.fact.content === undefined) throw new Error(`${o.path} is too large (or not text) to edit in place`);
  const current = o.fact.content ?? '';
  let next: string;
  try {
    next = o.edit(current);
  } catch (e) {
    throw new Error(`${o.path}: ${(e as Error).message}`);
  }
  if (next === current) return noop(o.ctx, o.fact.exists ? o.summaries.done : o.summaries.missing);
  if (!o.fact.exists && !o.create) return noop(o.ctx, o.summaries.missing);
  const planned = planFile({ ctx: o.ctx, path: o.path, want: next, fact: o.fact, ...(o.validate ? { validate: o.validate } : {}), ...(o.backup ? { backup: true } : {}) });
  return { ...planned, summary: o.summaries.todo };
}
