// Secrets are a type: sudo passwords, join tokens and certificate keys print as <secret> everywhere.
import { inspect } from 'node:util';

/** A value that must never be printed: sudo passwords, join tokens, certificate keys. */
export class Secret {
  readonly #value: string;
  constructor(value: string) {
    this.#value = value;
  }
  /** The only way to read the value; call it at the last moment, never for display. */
  reveal(): string {
    return this.#value;
  }
  toString(): string {
    return '<secret>';
  }
  toJSON(): string {
    return '<secret>';
  }
  [inspect.custom](): string {
    return '<secret>';
  }
}
