// Modules for runner tests: they act inside each fake host's directory (host.vars.dir).
import { z } from 'zod';
import type { Change, Module } from '../../../src/core/types.js';
import { Secret } from '../../../src/core/secret.js';
import { shell } from '../../../src/core/command.js';
import type { Host } from '../../../src/inventory/types.js';

const dirOf = (h: Host) => String(h.vars?.dir);
const base = (host: Host, task: string) => ({ host: host.name, task });

const fileP = z.object({ name: z.string(), content: z.string() }).strict();
export const tfile: Module<z.infer<typeof fileP>> = {
  name: 'tfile',
  schema: fileP,
  probe: (p, ctx) => [{ kind: 'file', path: `${dirOf(ctx.host)}/${p.name}` }],
  plan(p, ctx): Change {
    const path = `${dirOf(ctx.host)}/${p.name}`;
    const f = ctx.facts.file(path);
    if (f.content === p.content) return { ...base(ctx.host, ctx.task), action: 'noop', summary: `${p.name} up to date`, steps: [] };
    return { ...base(ctx.host, ctx.task), action: f.exists ? 'update' : 'create', summary: `write ${p.name}`, diff: { path, before: f.content ?? '', after: p.content }, steps: [{ kind: 'write', path, content: p.content }] };
  },
};

const cmdP = z.object({ script: z.string(), creates: z.string().optional() }).strict();
export const tcmd: Module<z.infer<typeof cmdP>> = {
  name: 'tcmd',
  schema: cmdP,
  probe: (p, ctx) => (p.creates ? [{ kind: 'file', path: `${dirOf(ctx.host)}/${p.creates}` }] : []),
  plan(p, ctx): Change {
    if (p.creates && ctx.facts.file(`${dirOf(ctx.host)}/${p.creates}`).exists) return { ...base(ctx.host, ctx.task), action: 'noop', summary: `${p.creates} exists`, steps: [] };
    return { ...base(ctx.host, ctx.task), action: 'run', summary: `run ${p.script}`, steps: [{ kind: 'exec', command: shell(`cd "$HOST_DIR" && ${p.script}`) }] };
  },
};

/** Writes a file from a provider template (like kubeadm-join's config). */
const secretP = z.object({ name: z.string(), template: z.string(), provide: z.boolean().default(true) }).strict();
export const tsecret: Module<z.infer<typeof secretP>> = {
  name: 'tsecret',
  schema: secretP,
  probe: (p, ctx) => [{ kind: 'file', path: `${dirOf(ctx.host)}/${p.name}` }],
  plan(p, ctx): Change {
    const path = `${dirOf(ctx.host)}/${p.name}`;
    if (ctx.facts.file(path).exists) return { ...base(ctx.host, ctx.task), action: 'noop', summary: 'joined', steps: [] };
    return {
      ...base(ctx.host, ctx.task), action: 'create', summary: `write ${p.name} from a template`,
      diff: { path, before: '', after: p.template },
      steps: [
        // The value is made by a planned step (shown by --check); `provide: false` leaves it out (a planning error).
        ...(p.provide ? [{ kind: 'provide' as const, provider: 'tok', command: TOK_COMMAND, on: ['h1', 'h2', 'h3'] }] : []),
        { kind: 'write', path, content: { template: p.template, secret: true }, mode: 0o600 },
      ],
    };
  },
};

const guardP = z.object({ marker: z.string() }).strict();
export const tguard: Module<z.infer<typeof guardP>> = {
  name: 'tguard',
  schema: guardP,
  probe: (p, ctx) => [{ kind: 'file', path: `${dirOf(ctx.host)}/${p.marker}` }],
  plan(p, ctx): Change {
    if (ctx.facts.file(`${dirOf(ctx.host)}/${p.marker}`).exists) return { ...base(ctx.host, ctx.task), action: 'noop', summary: 'in place', steps: [] };
    const sh = (s: string) => shell(`cd "$HOST_DIR" && ${s}`);
    return { ...base(ctx.host, ctx.task), action: 'update', summary: 'guarded change', steps: [{ kind: 'guarded', arm: sh('touch armed'), apply: sh(`touch ${p.marker}`), disarm: sh('rm armed'), confirmTimeoutMs: 2000 }] };
  },
};

// The value is printed as 's' + '3cr3t-HOST', so the command's text (which --check shows) never holds it whole.
const TOK_COMMAND = shell('cd "$HOST_DIR" && printf "s%s-%s\\n" 3cr3t "$(basename "$HOST_DIR")" && touch provided');
export const tproviders = [{ name: 'tok', candidates: () => ['h1', 'h2', 'h3'], ready: shell('cd "$HOST_DIR" && test -f ready'), command: TOK_COMMAND, parse: (out: string) => ({ value: new Secret(out.trim()) }) }];

const rebootP = z.object({ timeoutMs: z.number() }).strict();
/** Reboots when the host's `needs-reboot` file exists (like rpi-cgroups after editing cmdline.txt). */
export const treboot: Module<z.infer<typeof rebootP>> = {
  name: 'treboot',
  schema: rebootP,
  probe: (_p, ctx) => [{ kind: 'file', path: `${dirOf(ctx.host)}/needs-reboot` }],
  plan(p, ctx): Change {
    if (!ctx.facts.file(`${dirOf(ctx.host)}/needs-reboot`).exists) return { ...base(ctx.host, ctx.task), action: 'noop', summary: 'no reboot needed', steps: [] };
    return { ...base(ctx.host, ctx.task), action: 'run', summary: 'reboot', steps: [{ kind: 'reboot', timeoutMs: p.timeoutMs }] };
  },
};

export const runnerModules = [tfile, tcmd, tsecret, tguard, treboot];
