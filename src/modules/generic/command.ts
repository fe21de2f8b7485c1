// The `command` module: run a program or shell script, made idempotent by `creates` / `unless` guards.
import { z } from 'zod';
import type { Module, ProbeItem } from '../../core/types.js';
import { displayCommand } from '../../core/command.js';
import { change, noop } from '../support/change.js';
import { cmd } from '../support/command.js';
import { commandKey } from '../support/probe-key.js';
import { absolutePath, argv } from '../support/schema.js';

const schema = z
  .strictObject({
    argv: argv.optional(),
    shell: z.string().min(1).refine((s) => !s.includes('\0'), 'must not contain NUL').optional(),
    /** Noop when this path exists on the host (the command's product). */
    creates: absolutePath.optional(),
    /** A shell check run in the facts probe: noop when it exits 0. */
    unless: z.string().min(1).refine((s) => !s.includes('\0'), 'must not contain NUL').optional(),
    sudo: z.boolean().default(true),
    env: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name'), z.string()).optional(),
  })
  .refine((p) => (p.argv === undefined) !== (p.shell === undefined), { message: 'give exactly one of argv (a list) or shell (a string)', path: ['argv'] });

export type CommandParams = z.output<typeof schema>;

const unlessKey = (script: string) => commandKey('command:unless', script);

const command: Module<CommandParams> = {
  name: 'command',
  schema,
  probe: (p) => {
    const items: ProbeItem[] = [];
    if (p.creates) items.push({ kind: 'file', path: p.creates });
    if (p.unless) items.push({ kind: 'command', key: unlessKey(p.unless), script: p.unless });
    return items;
  },
  plan: (p, ctx) => {
    const c = cmd(p.argv ?? ['sh', '-c', p.shell!], { sudo: p.sudo, ...(p.env ? { env: p.env } : {}) });
    const shown = displayCommand(c);
    if (p.creates && ctx.facts.file(p.creates).exists) return noop(ctx, `${p.creates} exists; not running ${shown}`);
    if (p.unless && ctx.facts.command(unlessKey(p.unless)).code === 0) return noop(ctx, `'${p.unless}' succeeded; not running ${shown}`);
    return change(ctx, { action: 'run', summary: `run ${shown}`, steps: [{ kind: 'exec', command: c }] });
  },
};

export default command;
