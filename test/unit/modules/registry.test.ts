// The static module registry: each name loads the module of that name, from the folder of its group.
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MODULES, moduleNames } from '../../../src/modules/registry.js';

const DIR = new URL('../../../src/modules/', import.meta.url);
const filesOf = (group: string) => readdirSync(new URL(`${group}/`, DIR)).filter((f) => f.endsWith('.ts')).map((f) => f.slice(0, -3)).sort();

describe('module registry', () => {
  it.each(['generic', 'cluster'] as const)('lists exactly the files of modules/%s/', (group) => {
    expect(moduleNames(group)).toEqual(filesOf(group));
  });
  it.each(moduleNames())('%s loads a Module of that name', async (name) => {
    const m = await MODULES[name]!.load();
    expect(m.default.name).toBe(name);
    expect(typeof m.default.plan).toBe('function');
  });
  it('all.ts (the one chunk they load from) exports each module once and nothing else', async () => {
    expect(Object.keys(await import('../../../src/modules/all.js')).length).toBe(moduleNames().length);
  });
  it('the two groups make the whole', () => expect(moduleNames('generic').length + moduleNames('cluster').length).toBe(moduleNames().length));
});
