// Zod pieces shared by module schemas: absolute paths, file modes, account names, single-line text.
import { z } from 'zod';

/** An absolute path to a file: no NUL, no newline, no `..`, no trailing slash. */
export const absolutePath = z
  .string()
  .refine((p) => p.startsWith('/'), 'must be an absolute path (start with /)')
  .refine((p) => !/[\0\n\r]/.test(p), 'must not contain NUL or newline characters')
  .refine((p) => p.length > 1 && !p.endsWith('/'), 'must name a file, not a directory (no trailing /)')
  .refine((p) => !p.split('/').includes('..'), "must not contain '..' segments");

/**
 * A file mode as the user writes it: '0644', '644', '0o644', or a number whose digits are octal.
 * YAML 1.2 reads `mode: 0644` as the number 644, so numbers are read as octal DIGITS (644 → 0o644).
 */
export function parseMode(input: string | number): number | undefined {
  const text = typeof input === 'number' ? (Number.isInteger(input) && input >= 0 ? String(input) : '') : input.trim();
  const m = /^(?:0o|0)?([0-7]{1,4})$/.exec(text);
  return m ? parseInt(m[1]!, 8) : undefined;
}

export const fileMode = z.union([z.string(), z.number()]).transform((v, ctx) => {
  const mode = parseMode(v);
  if (mode === undefined) {
    ctx.addIssue({ code: 'custom', message: `invalid file mode ${JSON.stringify(v)}: write it as an octal string like '0644'` });
    return z.NEVER;
  }
  return mode;
});

/** '0644' for summaries and messages. */
export function formatMode(mode: number): string {
  return '0' + (mode & 0o7777).toString(8).padStart(3, '0');
}

/** A user or group name (Debian's NAME_REGEX, plus numeric ids). */
export const accountName = z
  .string()
  .regex(/^(?:[a-z_][a-z0-9_-]*\$?|[0-9]+)$/i, 'must be a user/group name like www-data, or a numeric id');

/** Text that must stay on one line (a config line, a marker, a value). */
export const singleLine = z.string().refine((s) => !/[\n\r\0]/.test(s), 'must be a single line (no newline or NUL)');

/** A program and its arguments: at least the program, no NUL anywhere. */
export const argv = z
  .array(z.string().refine((s) => !s.includes('\0'), 'must not contain NUL'))
  .min(1, 'needs at least the program')
  .refine((a) => a[0] !== '', 'the program (first item) must not be empty');

/** One name or a list of names, always handed to plan() as a non-empty list without duplicates. */
export function nameList(item: z.ZodString) {
  return z
    .union([item, z.array(item).min(1, 'needs at least one name')])
    .transform((v) => [...new Set(Array.isArray(v) ? v : [v])]);
}
