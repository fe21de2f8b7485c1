// The layering of src/ (docs/architecture.md), read from the real import graph: arrows point down only, no cycles.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findCycles, importsAcross, readImportGraph } from './import-graph.js';
import { tempDir } from '../../support/temp-dir.js';

const SRC = resolve(import.meta.dirname, '../../../src');
const graph = readImportGraph(SRC);

/** Below the engine: contracts, facts, the cluster model and the (pure) modules never reach up. */
const LOWER = ['core', 'facts', 'cluster', 'preflight', 'modules'];
const UPPER = ['engine', 'cli', 'report', 'render', 'playbook', 'lab', 'transport'];

/** None: the lab runtimes' shared constants moved to lab/host-paths.ts, the last cycle. */
const KNOWN_CYCLES: string[][] = [];

describe('the import graph of src/', () => {
  it('reads the real tree (the scan finds the engine importing the contracts)', () => {
    expect(graph.size).toBeGreaterThan(100);
    expect(graph.get('engine/apply.ts')).toContain('core/types.ts');
  });

  it('has no import cycle between files', () => {
    expect(findCycles(graph)).toEqual(KNOWN_CYCLES);
  });

  it('core, facts, cluster, preflight and modules import nothing from the engine, the CLI, the report, the transport or the lab', () => {
    expect(importsAcross(graph, LOWER, UPPER)).toEqual([]);
  });

  it('core imports only core (and the inventory types it names in PlanContext)', () => {
    const others = [...new Set([...graph.keys()].map((f) => f.split('/')[0]!))].filter((d) => d !== 'core' && d !== 'inventory');
    expect(importsAcross(graph, ['core'], [...others, 'inventory'])).toEqual(['core/connector.ts -> inventory/types.ts', 'core/types.ts -> inventory/types.ts']);
  });

  it('facts never import modules (modules declare facts, not the other way round)', () => {
    expect(importsAcross(graph, ['facts', 'core'], ['modules'])).toEqual([]);
  });
});

describe('the checks can fail', () => {
  const dir = tempDir('import-graph-');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const write = (file: string, text: string) => {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    writeFileSync(join(dir, file), text);
  };

  it('finds a cycle, a self-import and an import up the layers (static, type-only and dynamic imports)', () => {
    write('engine/apply.ts', "import { x } from './special-steps.js';\nexport const a = 1;\n");
    write('engine/special-steps.ts', "import type { A } from './apply.js';\nexport const x = 2;\n");
    write('engine/self.ts', "export { y } from './self.js';\n");
    write('modules/file.ts', "import type { Step } from '../core/types.js';\nconst m = () => import('../engine/apply.js');\n");
    write('core/types.ts', 'export type Step = string;\n');
    const g = readImportGraph(dir);
    expect(findCycles(g)).toEqual([['engine/apply.ts', 'engine/special-steps.ts'], ['engine/self.ts']]);
    expect(importsAcross(g, LOWER, UPPER)).toEqual(['modules/file.ts -> engine/apply.ts']);
  });
});
