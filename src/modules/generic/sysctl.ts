// The `sysctl` module: kernel parameters persisted in /etc/sysctl.d and applied live with `sysctl -w`.
// planSysctls is the planner other modules compose (k8s-prereqs: kubelet's keys in one file).
import { z } from 'zod';
import type { Change, Module, PlanContext, ProbeItem, Step } from '../../core/types.js';
import { declareFact } from '../../facts/declare.js';
import { sysctl as sysctlFact } from '../../facts/kinds/sysctl.js';
import { execStep } from '../support/command.js';
import { ensureLine } from '../support/ensure-line.js';
import { planPersistLive } from '../support/persist-live.js';
import { planFile } from '../support/plan-file.js';
import { absolutePath } from '../support/schema.js';

const schema = z.strictObject({
  name: z.string().regex(/^[A-Za-z0-9_][A-Za-z0-9_.\/-]*$/, 'must be a sysctl key like net.ipv4.ip_forward'),
  /** Compared after collapsing whitespace, as `sysctl -n` prints multi-value keys with tabs. */
  value: z
    .union([z.string().refine((v) => !/[\0\n\r]/.test(v), 'must be a single-line value'), z.number(), z.boolean()])
    .transform((v) => (typeof v === 'boolean' ? (v ? '1' : '0') : String(v)).trim().split(/\s+/).join(' '))
    .refine((v) => v !== '', 'must be a non-empty value'),
  /**
   * Default: a file of its own, /etc/sysctl.d/90-provision-<name>.conf, so any number of sysctl tasks stay
   * independent. A shared file given here is edited line by line (`name = value`, replacing the key's lines).
   */
  file: absolutePath.optional(),
});

export type SysctlParams = z.output<typeof schema>;

export interface SysctlsSpec {
  /** Keys and values, in file order. */
  values: Array<{ name: string; value: string }>;
  path: string;
  /**
   * The file is provision's own: exactly this comment line, then `name = value` lines. Without it the file is
   * someone's: each key's lines are replaced (or one appended), the rest kept.
   */
  header?: string;
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
const names = (s: SysctlsSpec) => s.values.map((v) => v.name);

export function sysctlsProbe(s: SysctlsSpec): ProbeItem[] {
  return [{ kind: 'file', path: s.path }, declareFact(sysctlFact, { names: names(s) })];
}

/** The file that sets the values at boot, and `sysctl -w` for each key whose live value differs. */
export function planSysctls(ctx: PlanContext, s: SysctlsSpec): Change {
  const fact = ctx.facts.file(s.path);
  if (fact.exists && fact.content === undefined) throw new Error(`${s.path} is too large (or not text) to edit`);
  const lines = s.values.map((v) => `${v.name} = ${v.value}`);
  const want = s.header !== undefined
    ? [s.header, ...lines, ''].join('\n')
    : s.values.reduce((text, v, i) => ensureLine({ current: text, line: lines[i]!, regexp: new RegExp(`^\\s*${escapeRe(v.name)}\\s*=`) }), fact.content ?? '');
  const live = ctx.facts.fact(sysctlFact, { names: names(s) });
  const wrong = s.values.filter((v) => live[v.name] !== v.value);
  const steps: Step[] = wrong.map((v) => execStep(['sysctl', '-w', `${v.name}=${v.value}`]));
  const now = wrong.map((v) => (live[v.name] === null ? `${v.name} (not readable when probed)` : `${v.name} (now ${live[v.name]})`));
  return planPersistLive({
    ctx,
    subject: `sysctl ${lines.join(', ')}`,
    persist: planFile({ ctx, path: s.path, want, fact }),
    live: steps,
    liveWhat: `apply live ${now.join(', ')}`,
    holds: `(live, and persisted in ${s.path})`,
  });
}

const specOf = (p: SysctlParams): SysctlsSpec => ({
  values: [{ name: p.name, value: p.value }],
  path: p.file ?? `/etc/sysctl.d/90-provision-${p.name.replace(/\//g, '.')}.conf`,
  ...(p.file ? {} : { header: '# managed by provision' }),
});

const sysctl: Module<SysctlParams> = {
  name: 'sysctl',
  schema,
  probe: (p) => sysctlsProbe(specOf(p)),
  plan: (p, ctx) => planSysctls(ctx, specOf(p)),
};

export default sysctl;
