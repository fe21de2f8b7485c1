// The `kernel-module` module: modules listed in /etc/modules-load.d (loaded at boot) and loaded now (modprobe).
import { z } from 'zod';
import type { Change, Module } from '../../core/types.js';
import { change, combineChanges, noop } from '../support/change.js';
import { execStep } from '../support/command.js';
import { planFile } from '../support/plan-file.js';
import { nameList } from '../support/schema.js';

const schema = z.strictObject({
  names: nameList(z.string().regex(/^[A-Za-z0-9_][A-Za-z0-9_-]*$/, 'must be a kernel module name like br_netfilter')),
  /** One file /etc/modules-load.d/<file>.conf listing all names; default: one file per module, <name>.conf. */
  file: z.string().regex(/^[A-Za-z0-9_.-]+$/, 'must be a plain file name (without .conf), like k8s').optional(),
});

export type KernelModuleParams = z.output<typeof schema>;

export const LOADED_KEY = 'kernel-module:loaded';
/** Loaded modules (lsmod, the lab's stand-in, else /proc/modules) and the modules built into the kernel. */
export const LOADED_SCRIPT = `lsmod 2>/dev/null || cat /proc/modules; echo '--- builtin'; cat "/lib/modules/$(uname -r)/modules.builtin" 2>/dev/null`;

/** modprobe treats '-' and '_' alike; lsmod prints '_'. */
const canon = (name: string) => name.replace(/-/g, '_');

/** Names of loaded or built-in modules from LOADED_SCRIPT's output. */
export function parseLoaded(stdout: string): Set<string> {
  const out = new Set<string>();
  let builtin = false;
  for (const line of stdout.split('\n')) {
    const text = line.trim();
    if (text === '--- builtin') builtin = true;
    else if (!text || (!builtin && text.startsWith('Module '))) continue;
    else if (builtin) out.add(canon(text.split('/').pop()!.replace(/\.ko(\.\w+)?$/, '')));
    else out.add(canon(text.split(/\s+/)[0]!));
  }
  return out;
}

const files = (p: KernelModuleParams) =>
  p.file ? [{ path: `/etc/modules-load.d/${p.file}.conf`, names: p.names }] : p.names.map((n) => ({ path: `/etc/modules-load.d/${n}.conf`, names: [n] }));

const kernelModule: Module<KernelModuleParams> = {
  name: 'kernel-module',
  schema,
  probe: (p) => [...files(p).map((f) => ({ kind: 'file' as const, path: f.path })), { kind: 'command', key: LOADED_KEY, script: LOADED_SCRIPT }],
  plan: (p, ctx) => {
    const changes: Change[] = files(p).map((f) =>
      planFile({ ctx, path: f.path, want: `# loaded at boot; managed by provision\n${f.names.join('\n')}\n`, fact: ctx.facts.file(f.path), label: `boot list ${f.path}` }),
    );
    const loaded = parseLoaded(ctx.facts.command(LOADED_KEY).stdout);
    const missing = p.names.filter((n) => !loaded.has(canon(n)));
    if (missing.length > 0) changes.push(change(ctx, { action: 'update', summary: `load kernel modules ${missing.join(', ')}`, steps: missing.map((n) => execStep(['modprobe', n])) }));
    else changes.push(noop(ctx, `loaded: ${p.names.join(', ')}`));
    return combineChanges(ctx, changes);
  },
};

export default kernelModule;
