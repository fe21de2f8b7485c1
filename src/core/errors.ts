// Errors the user should see as one clear message (no stack trace), with the exit code to use.
import { formatFinding, type Finding } from './finding.js';
import { EXIT } from './exit-codes.js';

export class UserError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT.failure,
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'UserError';
  }
}

/** An input file with errors: a headline and the findings (each rendered, and escaped, by formatFinding). */
export class FindingsError extends UserError {
  constructor(
    readonly headline: string,
    readonly findings: Finding[],
    hint?: string,
    exitCode: number = EXIT.failure,
  ) {
    super([headline, ...findings.map(formatFinding)].join('\n'), exitCode, hint);
    this.name = 'FindingsError';
  }
}

/** Bad verb, flags or arguments: EX_USAGE (64), distinct from --check's "changes pending" (2). */
export class UsageError extends UserError {
  constructor(message: string, hint = "run 'provision help' for usage") {
    super(message, EXIT.usage, hint);
    this.name = 'UsageError';
  }
}

/** `--help` was asked for: the dispatcher prints `text` on stdout and exits 0. */
export class HelpRequest extends Error {
  constructor(readonly text: string) {
    super('help requested');
    this.name = 'HelpRequest';
  }
}
