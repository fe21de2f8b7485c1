// How a module declares a shared fact in probe(): `declareFact(swap)` → `{ kind: 'fact', fact: 'swap' }`, typed by the kind.
import type { FactKind, ProbeItem } from '../core/types.js';

export function declareFact<A, T>(kind: FactKind<A, T>, ...rest: A extends undefined ? [] : [args: A]): ProbeItem {
  const args = rest[0];
  return args === undefined ? { kind: 'fact', fact: kind.name } : { kind: 'fact', fact: kind.name, args };
}
