// The Facts a module sees: typed lookups over what one probe read (also built directly in tests).
import { factKey } from '../core/fact-key.js';
import type { BaseFacts, CommandFact, Facts, FileFact, PackageFact, ServiceFact } from '../core/types.js';

export interface FactTables {
  base: BaseFacts;
  files?: Map<string, FileFact>;
  packages?: Map<string, PackageFact>;
  services?: Map<string, ServiceFact>;
  commands?: Map<string, CommandFact>;
  /** Declared fact kinds: factKey(name, args) → the kind script's stdout and exit code (parsed on lookup). */
  facts?: Map<string, CommandFact>;
}

function lookup<T>(table: Map<string, T> | undefined, key: string, kind: string): T {
  const value = table?.get(key);
  // A module asking for something it did not declare in probe() is a bug in the module, not a host state.
  if (value === undefined) throw new Error(`${kind} fact '${key}' was not probed (declare it in the module's probe())`);
  return value;
}

export function createFacts(tables: FactTables): Facts {
  return {
    base: tables.base,
    file: (path) => lookup(tables.files, path, 'file'),
    package: (name) => lookup(tables.packages, name, 'package'),
    service: (name) => lookup(tables.services, name, 'service'),
    command: (key) => lookup(tables.commands, key, 'command'),
    fact: (kind, args) => kind.parse(lookup(tables.facts, factKey(kind.name, args), 'fact'), args),
  };
}
