// Errors the user should see as one clear message (no stack trace), with the exit code to use.
export class UserError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'UserError';
  }
}

/** Bad flags or arguments: exit code 2, like the usage errors of most Unix tools. */
export class UsageError extends UserError {
  constructor(message: string) {
    super(message, 2, "run 'provision help' for usage");
    this.name = 'UsageError';
  }
}
