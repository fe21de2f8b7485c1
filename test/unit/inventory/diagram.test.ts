// The Mermaid diagram of each real inventory shows every host, the API endpoint and the address ranges.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderMermaid } from '../../../src/inventory/diagram.js';
import { loadInventoryOrThrow } from '../../../src/inventory/load.js';
import { showRange } from '../../../src/inventory/ipv4.js';

const REPO = join(import.meta.dirname, '../../..');

describe('renderMermaid', () => {
  it.each(['homelab.yaml', 'goldentooth.yaml', 'flat-bgp.yaml'])('%s', async (file) => {
    const inv = await loadInventoryOrThrow(join(REPO, 'inventory', file));
    const chart = renderMermaid(inv);
    expect(chart.startsWith('flowchart TB\n')).toBe(true);
    const n = inv.network;
    const wanted = [n.nodes, n.gateway, n.pods, n.services, `${n.api.address}:${n.api.port}`, ...(n.metallb?.pool.map(showRange) ?? []),
      ...inv.hosts.flatMap((h) => [h.name, h.address])];
    for (const w of wanted) expect(chart).toContain(w);
    // every control plane is wired to the API endpoint; ids are Mermaid-safe
    for (const cp of inv.hosts.filter((h) => h.role === 'control-plane')) expect(chart).toMatch(new RegExp(`api -->\\|${n.api.port}\\| h_${cp.name.replace(/-/g, '_')}\\n`));
    expect(chart).not.toMatch(/\bh_[a-z0-9_]*-/);
    // subgraphs are balanced
    expect(chart.match(/subgraph /g)?.length).toBe(chart.match(/^\s*end$/gm)?.length);
  });
});
