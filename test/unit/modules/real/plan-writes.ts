// Plans a module for one inventory host on fake facts and returns the files it would write (path → content).
import type { Change, Module, Step } from '../../../../src/core/types.js';
import type { Inventory } from '../../../../src/inventory/types.js';
import { fakeFacts, type FakeFactsSpec } from '../../../support/fake-facts.js';

export function planChanges<P>(mod: Module<P>, o: { inventory: Inventory; host: string; params?: unknown; facts?: FakeFactsSpec }): Change[] {
  const host = o.inventory.hosts.find((h) => h.name === o.host);
  if (!host) throw new Error(`no host ${o.host}`);
  const params = mod.schema.parse(o.params ?? {}) as P;
  const out = mod.plan(params, { host, inventory: o.inventory, facts: fakeFacts(o.facts), peers: new Map(), task: mod.name });
  return Array.isArray(out) ? out : [out];
}

export function planSteps<P>(mod: Module<P>, o: Parameters<typeof planChanges<P>>[1]): Step[] {
  return planChanges(mod, o).flatMap((c) => c.steps);
}

export function planWrites<P>(mod: Module<P>, o: Parameters<typeof planChanges<P>>[1]): Map<string, string> {
  const files = new Map<string, string>();
  for (const s of planSteps(mod, o)) if (s.kind === 'write' && typeof s.content === 'string') files.set(s.path, s.content);
  return files;
}
