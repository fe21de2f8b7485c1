// The one table of exit statuses: every verb returns one of these, the help and the README print this table.
export const EXIT = {
  ok: 0,
  /** A host failed, lint found errors, a check failed, bad input. */
  failure: 1,
  /** --check: the plan has changes (Terraform's -detailed-exitcode). */
  changes: 2,
  /** Bad verb, flag or argument (sysexits.h EX_USAGE): nothing was read or touched. */
  usage: 64,
  /** A bug in provision (sysexits.h EX_SOFTWARE). */
  internal: 70,
  /** Ctrl-C. */
  interrupted: 130,
} as const;

export const EXIT_TABLE: ReadonlyArray<readonly [number, string]> = [
  [EXIT.ok, 'success (lint: no errors; --check: nothing would change)'],
  [EXIT.failure, 'failure: a host failed or was unreachable, lint or verify found errors, bad input file'],
  [EXIT.changes, '--check only: something would change'],
  [EXIT.usage, 'usage error: unknown verb or flag, bad flag value, missing argument'],
  [EXIT.internal, 'internal error (a bug: please report it; PROVISION_DEBUG=1 shows the stack)'],
  [EXIT.interrupted, 'interrupted (Ctrl-C)'],
];

/** The table as help text. */
export function exitCodeHelp(): string {
  return ['exit status:', ...EXIT_TABLE.map(([c, d]) => `  ${String(c).padEnd(4)} ${d}`)].join('\n');
}
