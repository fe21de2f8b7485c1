// Small in-memory modules for playbook and runner tests (the real ones live in src/modules/).
import { z } from 'zod';
import type { Change, Module, Step } from '../../../src/core/types.js';

const fileParams = z.object({ path: z.string().startsWith('/'), content: z.string(), mode: z.number().int().optional() }).strict();

/** Like the real `file` module: writes `content` to `path` when it differs. */
export const fakeFile: Module<z.infer<typeof fileParams>> = {
  name: 'file',
  schema: fileParams,
  probe: (p) => [{ kind: 'file', path: p.path }],
  plan(p, ctx): Change {
    const f = ctx.facts.file(p.path);
    const base = { host: ctx.host.name, task: ctx.task };
    if (f.exists && f.content === p.content) return { ...base, action: 'noop', summary: `${p.path} up to date`, steps: [] };
    const step: Step = { kind: 'write', path: p.path, content: p.content, ...(p.mode !== undefined ? { mode: p.mode } : {}) };
    return { ...base, action: f.exists ? 'update' : 'create', summary: `${f.exists ? 'update' : 'create'} ${p.path}`, diff: { path: p.path, before: f.content ?? '', after: p.content }, steps: [step] };
  },
};

const cmdParams = z.object({ argv: z.array(z.string()).min(1), creates: z.string().optional() }).strict();

/** Like the real `command` module: runs argv unless `creates` exists. */
export const fakeCommand: Module<z.infer<typeof cmdParams>> = {
  name: 'command',
  schema: cmdParams,
  probe: (p) => (p.creates ? [{ kind: 'file', path: p.creates }] : []),
  plan(p, ctx): Change {
    const base = { host: ctx.host.name, task: ctx.task };
    if (p.creates && ctx.facts.file(p.creates).exists) return { ...base, action: 'noop', summary: `${p.creates} exists`, steps: [] };
    return { ...base, action: 'run', summary: `run ${p.argv.join(' ')}`, steps: [{ kind: 'exec', command: { argv: p.argv, sudo: true } }] };
  },
};

export const fakeModules = [fakeFile, fakeCommand];
