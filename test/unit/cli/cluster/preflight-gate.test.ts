// up's preflight gate on an lb host: it reads no container runtime (no containerd items), and its check needs none.
import { describe, expect, it } from 'vitest';
import { preflightGate } from '../../../../src/cli/cluster/preflight-run.js';
import { createFacts } from '../../../../src/facts/facts.js';
import type { FactTables } from '../../../../src/facts/facts.js';
import { loadRealInventory } from '../../../support/real-inventories.js';

describe('preflightGate', () => {
  it('asks an lb host for no containerd, and checks its answer without one (no internal error)', async () => {
    const inv = await loadRealInventory('goldentooth');
    const lb = inv.hosts.find((h) => h.role === 'lb')!;
    const node = inv.hosts.find((h) => h.role === 'worker')!;
    const gate = preflightGate(inv, () => undefined);
    expect(gate.probe(lb).items).toEqual([]);
    expect(gate.probe(node).items.map((i) => (i.kind === 'fact' ? i.fact : `${i.kind}:${'name' in i ? i.name : ''}`))).toContain('containerd');
    // An answer with no package, file or fact at all: what an lb host's probe holds for preflight.
    const empty = { base: {}, files: new Map(), packages: new Map(), services: new Map(), commands: new Map(), facts: new Map() } as unknown as FactTables;
    const sections = new Map([['pf.clock', `${Date.now() / 1000} 1\n`], ['pf.hostname', `${lb.name}\n`], ['pf.end', '']]);
    const now = Date.now() / 1000;
    // The rules run (this bare answer has no address, so they find that), not an internal error over containerd.
    expect(() => gate.check([{ host: lb, sections, facts: createFacts(empty), sentAt: now, answeredAt: now }])).toThrow(/^preflight found errors[^]*allyrion: error address-missing/);
  });
});
