// Typed transport errors: each names the host, keeps its cause, and says what to do next.

export interface TransportErrorOptions {
  /** Inventory host name (or the hop's name for ProxyJump hops). */
  host: string;
  cause?: unknown;
  /** One line telling the user what to do. */
  hint?: string;
}

/** Base of every error the transport raises on purpose. */
export class TransportError extends Error {
  readonly host: string;
  readonly hint?: string;
  constructor(message: string, opts: TransportErrorOptions) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'TransportError';
    this.host = opts.host;
    this.hint = opts.hint;
  }
}

/** The host could not be reached: refused, timed out, unreachable, or the connection dropped. */
export class ConnectError extends TransportError {
  /** True when a retry might succeed (refused while sshd restarts, reset, timeout). */
  readonly transient: boolean;
  /** The command never reached the host (the connection was gone before its channel opened): it may run elsewhere. */
  readonly notStarted: boolean;
  constructor(message: string, opts: TransportErrorOptions & { transient?: boolean; notStarted?: boolean }) {
    super(message, opts);
    this.name = 'ConnectError';
    this.transient = opts.transient ?? false;
    this.notStarted = opts.notStarted ?? false;
  }
}

/** sshd rejected every key we offered (never retried). */
export class AuthError extends TransportError {
  constructor(message: string, opts: TransportErrorOptions) {
    super(message, opts);
    this.name = 'AuthError';
  }
}

export type HostKeyProblem = 'unknown' | 'changed' | 'revoked' | 'other-type';

/** The host's key is unknown under `strict`, changed, or revoked (never retried). */
export class HostKeyError extends TransportError {
  readonly problem: HostKeyProblem;
  /** known_hosts file and line that hold the conflicting key, when there is one. */
  readonly file?: string;
  readonly line?: number;
  constructor(message: string, opts: TransportErrorOptions & { problem: HostKeyProblem; file?: string; line?: number }) {
    super(message, opts);
    this.name = 'HostKeyError';
    this.problem = opts.problem;
    this.file = opts.file;
    this.line = opts.line;
  }
}

export type SudoErrorKind = 'wrong-password' | 'password-required' | 'password-expired' | 'not-allowed';

/** sudo refused: the message never contains the password. */
export class SudoError extends TransportError {
  readonly kind: SudoErrorKind;
  constructor(message: string, opts: TransportErrorOptions & { kind: SudoErrorKind }) {
    super(message, opts);
    this.name = 'SudoError';
    this.kind = opts.kind;
  }
}

/** A command ran longer than ExecOptions.timeoutMs; its channel was closed. */
export class ExecTimeoutError extends TransportError {
  readonly timeoutMs: number;
  constructor(message: string, opts: TransportErrorOptions & { timeoutMs: number }) {
    super(message, opts);
    this.name = 'ExecTimeoutError';
    this.timeoutMs = opts.timeoutMs;
  }
}
