// The lab's stand-in add-on artifacts: its versions table pins each file's real sha256 (as the real table does),
// names only the components provision knows, and every manifest parses.
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { artifactTable } from '../../../src/modules/cluster/addons/artifacts.js';

const DIR = resolve(import.meta.dirname, '../../../src/lab/assets/standins/addons');

describe('lab stand-in add-ons', () => {
  const table = artifactTable({ PROVISION_ADDONS_TABLE: join(DIR, 'versions.json') });

  it('pins the sha256 of every file in the directory, and every file is pinned', () => {
    for (const a of table) expect(createHash('sha256').update(readFileSync(join(DIR, a.file))).digest('hex'), a.file).toBe(a.sha256);
    expect(table.map((a) => a.file).sort()).toEqual(readdirSync(DIR).filter((f) => f !== 'versions.json').sort());
    expect([...new Set(table.map((a) => a.component))].sort()).toEqual(['calico', 'flannel', 'metallb']);
  });

  it('every manifest is valid YAML of objects with kind and name', () => {
    for (const a of table) {
      const docs = parseAllDocuments(readFileSync(join(DIR, a.file), 'utf8'));
      expect(docs.flatMap((d) => d.errors), a.file).toEqual([]);
      for (const o of docs.map((d) => d.toJS()).filter(Boolean)) expect(o.kind && o.metadata?.name, a.file).toBeTruthy();
    }
  });
});
