// Stable keys for command probes: the same script in two tasks yields one key, so the engine runs it once.
import { createHash } from 'node:crypto';

/** `<prefix>:<16 hex of sha256(script)>`, e.g. command:unless:3f2a…; safe in any probe format. */
export function commandKey(prefix: string, script: string): string {
  return `${prefix}:${createHash('sha256').update(script).digest('hex').slice(0, 16)}`;
}
