// Builds Facts from a compact description, for data-driven module tests (no SSH).
import { createHash } from 'node:crypto';
import { factKey } from '../../src/core/fact-key.js';
import type { BaseFacts, CommandFact, FactKind, Facts, FileFact, PackageFact, ServiceFact } from '../../src/core/types.js';
import { createFacts } from '../../src/facts/facts.js';

export interface FakeFactsSpec {
  base?: Partial<BaseFacts>;
  /** path → content (exists), null (absent), or a full FileFact. Unlisted files are absent. */
  files?: Record<string, string | null | FileFact>;
  /** name → version string (installed), 'held:VERSION', null (absent). Unlisted: absent. */
  packages?: Record<string, string | null | PackageFact>;
  /** name → 'active+enabled' style, or a ServiceFact. Unlisted: not present. */
  services?: Record<string, ServiceFact | 'active' | 'inactive' | 'active+enabled' | 'inactive+enabled' | 'missing'>;
  /** key → stdout (exit 0) or a CommandFact. Unlisted: exit 1, empty stdout. */
  commands?: Record<string, string | CommandFact>;
  /** Declared fact kinds: factKey(kind name, args) → the kind script's stdout (exit 0) or a CommandFact. Unlisted: exit 1, empty. */
  facts?: Record<string, string | CommandFact>;
}

export const DEFAULT_BASE: BaseFacts = {
  hostname: 'node',
  bootId: '00000000-0000-0000-0000-000000000001',
  os: { id: 'debian', versionId: '12', prettyName: 'Debian GNU/Linux 12 (bookworm)', codename: 'bookworm' },
  arch: 'amd64',
  kernel: '6.1.0',
  initSystem: 'systemd',
  networkStack: 'ifupdown',
  primaryInterface: 'eth0',
  primaryAddress: '192.168.1.51',
  routes: [],
  board: 'generic',
};

function toFile(v: string | null | FileFact): FileFact {
  if (v === null) return { exists: false };
  if (typeof v !== 'string') return v;
  return { exists: true, content: v, sha256: createHash('sha256').update(v).digest('hex'), mode: 0o644, owner: 'root', group: 'root' };
}

function toPackage(v: string | null | PackageFact): PackageFact {
  if (v === null) return { installed: false, held: false };
  if (typeof v !== 'string') return v;
  const held = v.startsWith('held:');
  return { installed: true, version: held ? v.slice(5) : v, held };
}

function toService(v: NonNullable<FakeFactsSpec['services']>[string]): ServiceFact {
  if (typeof v !== 'string') return v;
  if (v === 'missing') return { exists: false, active: false, enabled: false };
  return { exists: true, active: v.startsWith('active'), enabled: v.endsWith('+enabled') };
}

const toCommand = (v: string | CommandFact): CommandFact => (typeof v === 'string' ? { code: 0, stdout: v } : v);

/** Unlisted files/packages/services read as absent and unlisted commands as exit 1, like a bare host. */
function withDefault<T>(entries: Map<string, T>, fallback: T): Map<string, T> {
  const get = entries.get.bind(entries);
  entries.get = (k: string) => get(k) ?? fallback;
  return entries;
}

export function fakeFacts(spec: FakeFactsSpec = {}): Facts {
  const map = <V, T>(rec: Record<string, V> | undefined, f: (v: V) => T) => new Map(Object.entries(rec ?? {}).map(([k, v]) => [k, f(v)]));
  return createFacts({
    base: { ...DEFAULT_BASE, ...spec.base },
    files: withDefault(map(spec.files, toFile), { exists: false }),
    packages: withDefault(map(spec.packages, toPackage), { installed: false, held: false }),
    services: withDefault(map(spec.services, toService), { exists: false, active: false, enabled: false }),
    commands: withDefault(map(spec.commands, toCommand), { code: 1, stdout: '' }),
    facts: withDefault(map(spec.facts, toCommand), { code: 1, stdout: '' }),
  });
}

/** The FakeFactsSpec `facts` key of a declared fact kind: `{ facts: { [factOf(swap)]: '/dev/sda3\n' } }`. */
export function factOf<A>(kind: FactKind<A, unknown>, ...rest: A extends undefined ? [] : [args: A]): string {
  return factKey(kind.name, rest[0]);
}
