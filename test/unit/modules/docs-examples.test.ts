// Every task example in docs/modules.md must pass its module's schema: the docs cannot rot.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { MODULES, moduleNames } from '../../../src/modules/registry.js';

const DOC = new URL('../../../docs/modules.md', import.meta.url);
const GENERIC = moduleNames('generic');

/** Tasks in a yaml example: a list of tasks, or a play-like map with tasks/handlers lists. */
function tasksOf(doc: unknown): Array<Record<string, unknown>> {
  if (Array.isArray(doc)) return doc as Array<Record<string, unknown>>;
  const d = doc as { tasks?: unknown[]; handlers?: unknown[] };
  return [...(d.tasks ?? []), ...(d.handlers ?? [])] as Array<Record<string, unknown>>;
}

const examples = [...readFileSync(DOC, 'utf8').matchAll(/```yaml\n([\s\S]*?)```/g)].flatMap((m, i) =>
  tasksOf(parse(m[1]!)).map((task, j) => {
    const mod = Object.keys(task).find((k) => GENERIC.includes(k));
    return { name: `example ${i + 1}.${j + 1} (${mod})`, mod, params: mod ? task[mod] : undefined };
  }),
);

describe('docs/modules.md examples', () => {
  it('has an example for every generic module', () => expect(new Set(examples.map((e) => e.mod))).toEqual(new Set(GENERIC)));
  it.each(examples)('$name passes the schema', async ({ mod, params }) => {
    expect(mod, 'each example task names a generic module').toBeDefined();
    const m = await MODULES[mod!]!.load();
    const r = m.default.schema.safeParse(params);
    expect(r.error?.issues ?? []).toEqual([]);
  });
});
