// The lab's stand-in add-on releases as `lab up` writes them: the versions table pins each file's real sha256 (as the
// real table does), names only the components provision knows, every file parses as objects with kind and name,
// and the flannel defaults differ from every seed's plan (so provision's own net-conf is seen to win).
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { loadInventory } from '../../../src/inventory/load.js';
import { artifactTable } from '../../../src/modules/cluster/addons/artifacts.js';
import { ARTIFACTS } from '../../../src/modules/cluster/addons/versions.js';
import { LAB_FLANNEL_NETWORK } from '../../../src/lab/standin-addons/flannel.js';
import { writeStandinAddons } from '../../../src/lab/standin-addons/write.js';
import { tempDir } from '../../support/temp-dir.js';

const DIR = tempDir('standin-addons-');
afterAll(() => rmSync(DIR, { recursive: true, force: true }));

describe('lab stand-in add-ons', () => {
  const written = writeStandinAddons(DIR);
  const table = artifactTable({ PROVISION_ADDONS_TABLE: join(DIR, 'versions.json') });

  it('pins the sha256 of every file written, and every file is pinned', () => {
    expect(table).toEqual(written);
    for (const a of table) expect(createHash('sha256').update(readFileSync(join(DIR, a.file))).digest('hex'), a.file).toBe(a.sha256);
    expect(table.map((a) => a.file).sort()).toEqual(readdirSync(DIR).filter((f) => f !== 'versions.json').sort());
    expect([...new Set(table.map((a) => a.component))].sort()).toEqual(['calico', 'flannel', 'metallb']);
  });

  it('versions are lab- versions of the real table, component by component, in the same order', () => {
    expect(table.map((a) => `${a.component} ${a.version}`)).toEqual(ARTIFACTS.map((a) => `${a.component} lab-${a.version}`));
    for (const a of table) expect(ARTIFACTS.some((r) => r.sha256 === a.sha256), a.file).toBe(false);
  });

  it('writing twice gives the same bytes (a stable table across labs)', () => {
    const again = tempDir('standin-addons-');
    try {
      expect(writeStandinAddons(again)).toEqual(written);
    } finally {
      rmSync(again, { recursive: true, force: true });
    }
  });

  it('every file is valid YAML of objects with kind and name', () => {
    for (const a of table) {
      const docs = parseAllDocuments(readFileSync(join(DIR, a.file), 'utf8'));
      expect(docs.flatMap((d) => d.errors), a.file).toEqual([]);
      const objs = docs.map((d) => d.toJS()).filter(Boolean);
      expect(objs.length, a.file).toBeGreaterThan(0);
      for (const o of objs) expect(o.kind && o.metadata?.name, a.file).toBeTruthy();
    }
  });

  it("flannel's stand-in network is no seed's pod network", async () => {
    for (const seed of ['homelab', 'goldentooth', 'flat-bgp']) {
      const inv = (await loadInventory(resolve(import.meta.dirname, `../../../inventory/${seed}.yaml`))).inventory!;
      expect(inv.network.pods, seed).not.toBe(LAB_FLANNEL_NETWORK);
    }
  });
});
