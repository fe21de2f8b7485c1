// The `kernel-module` module: modules listed in /etc/modules-load.d (loaded at boot) and loaded now (modprobe).
// planKernelModules is the planner other modules compose (k8s-prereqs: overlay and br_netfilter in one file).
import { z } from 'zod';
import type { Change, Module, PlanContext, ProbeItem } from '../../core/types.js';
import { declareFact } from '../../facts/declare.js';
import { kernelModules } from '../../facts/kinds/kernel-modules.js';
import { combineChanges } from '../support/change.js';
import { execStep } from '../support/command.js';
import { planPersistLive } from '../support/persist-live.js';
import { planFile } from '../support/plan-file.js';
import { nameList } from '../support/schema.js';

const schema = z.strictObject({
  names: nameList(z.string().regex(/^[A-Za-z0-9_][A-Za-z0-9_-]*$/, 'must be a kernel module name like br_netfilter')),
  /** One file /etc/modules-load.d/<file>.conf listing all names; default: one file per module, <name>.conf. */
  file: z.string().regex(/^[A-Za-z0-9_.-]+$/, 'must be a plain file name (without .conf), like k8s').optional(),
});

export type KernelModuleParams = z.output<typeof schema>;

export interface KernelModulesSpec {
  names: string[];
  /** The modules-load.d file that lists them (read at boot), provision's own. */
  path: string;
  /** Its first line, a comment. */
  header: string;
}

export const DEFAULT_HEADER = '# loaded at boot; managed by provision';

/** `asked`: the names the kernel-modules fact is declared with (one fact for a task's names: one script in the probe). */
export function kernelModulesProbe(s: KernelModulesSpec, asked = s.names): ProbeItem[] {
  return [{ kind: 'file', path: s.path }, declareFact(kernelModules, { names: asked })];
}

/** The boot list, and `modprobe` for each module the running kernel does not have (the kernel-modules fact's meaning). */
export function planKernelModules(ctx: PlanContext, s: KernelModulesSpec, asked = s.names): Change {
  const loaded = new Set(ctx.facts.fact(kernelModules, { names: asked }).loaded);
  const missing = s.names.filter((n) => !loaded.has(n));
  return planPersistLive({
    ctx,
    subject: `kernel modules ${s.names.join(', ')}`,
    persist: planFile({ ctx, path: s.path, want: [s.header, ...s.names, ''].join('\n'), fact: ctx.facts.file(s.path), label: `boot list ${s.path}` }),
    live: missing.map((n) => execStep(['modprobe', n])),
    liveWhat: `modprobe ${missing.join(' ')}`,
    holds: `loaded and in ${s.path}`,
  });
}

const specs = (p: KernelModuleParams): KernelModulesSpec[] =>
  p.file
    ? [{ names: p.names, path: `/etc/modules-load.d/${p.file}.conf`, header: DEFAULT_HEADER }]
    : p.names.map((n) => ({ names: [n], path: `/etc/modules-load.d/${n}.conf`, header: DEFAULT_HEADER }));

const kernelModule: Module<KernelModuleParams> = {
  name: 'kernel-module',
  schema,
  probe: (p) => specs(p).flatMap((s) => kernelModulesProbe(s, p.names)),
  plan: (p, ctx) => combineChanges(ctx, specs(p).map((s) => planKernelModules(ctx, s, p.names))),
};

export default kernelModule;
