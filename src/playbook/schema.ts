// The playbook file's shape (zod): plays, imports, and tasks as open maps checked by load.ts.
import { z } from 'zod';

const taskItem = z.record(z.string(), z.unknown());

/** Play, task and handler names are shown in reports: one line of text, no control characters (newlines or ANSI escapes would forge report lines). */
export const DISPLAY_NAME = /^[^\u0000-\u001f\u007f-\u009f]{1,200}$/;
export const DISPLAY_NAME_MESSAGE = 'names are one line of at most 200 characters: no newlines, tabs or control characters';
const displayName = z.string().regex(DISPLAY_NAME, DISPLAY_NAME_MESSAGE);

export const playSchema = z
  .object({
    name: displayName,
    hosts: z.string().min(1),
    serial: z.union([z.number().int().positive(), z.string().regex(/^([1-9]\d?|100)%$/, 'serial must be a positive count or a percentage like "30%"')]).optional(),
    tasks: z.array(taskItem),
    handlers: z.array(taskItem).optional(),
  })
  .strict();

export const importSchema = z.object({ import: z.string().min(1) }).strict();

export const playbookSchema = z
  .object({
    name: displayName,
    /** Each item is a play or `{ import: other.yaml }`; load.ts checks items one by one for clear errors. */
    plays: z.array(z.record(z.string(), z.unknown())),
  })
  .strict();

/** Keys of a task item that are not the module. */
export const TASK_KEYS = ['name', 'when', 'notify'] as const;

export type PlaybookFile = z.infer<typeof playbookSchema>;
export type PlayFile = z.infer<typeof playSchema>;
