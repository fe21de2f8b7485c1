// The `sysctl` module: a kernel parameter persisted in /etc/sysctl.d and applied live with `sysctl -w`.
import { z } from 'zod';
import type { Change, Module, Step } from '../../core/types.js';
import { quote } from '../../core/command.js';
import { change, noop } from '../support/change.js';
import { execStep } from '../support/command.js';
import { ensureLine } from '../support/ensure-line.js';
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

const fileOf = (p: SysctlParams) => p.file ?? `/etc/sysctl.d/90-provision-${p.name.replace(/\//g, '.')}.conf`;
const liveKey = (name: string) => `sysctl:${name}`;
const normalize = (s: string) => s.trim().split(/\s+/).join(' ');
const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

function planPersist(p: SysctlParams, ctx: Parameters<Module['plan']>[1]): Change {
  const path = fileOf(p);
  const fact = ctx.facts.file(path);
  const line = `${p.name} = ${p.value}`;
  if (fact.exists && fact.content === undefined) throw new Error(`${path} is too large (or not text) to edit`);
  const want = p.file
    ? ensureLine({ current: fact.content ?? '', line, regexp: new RegExp(`^\\s*${escapeRe(p.name)}\\s*=`) })
    : `# managed by provision\n${line}\n`;
  return planFile({ ctx, path, want, fact });
}

const sysctl: Module<SysctlParams> = {
  name: 'sysctl',
  schema,
  probe: (p) => [
    { kind: 'file', path: fileOf(p) },
    { kind: 'command', key: liveKey(p.name), script: `sysctl -n ${quote(p.name)}` },
  ],
  plan: (p, ctx) => {
    const persist = planPersist(p, ctx);
    const live = ctx.facts.command(liveKey(p.name));
    const liveOk = live.code === 0 && normalize(live.stdout) === p.value;
    const where = `${p.name} = ${p.value}`;
    if (persist.action === 'noop' && liveOk) return noop(ctx, `sysctl ${where} (live, and persisted in ${fileOf(p)})`);
    const steps: Step[] = [...persist.steps];
    const what: string[] = [];
    if (persist.action !== 'noop') what.push(`persist in ${fileOf(p)}`);
    if (!liveOk) {
      steps.push(execStep(['sysctl', '-w', `${p.name}=${p.value}`]));
      what.push(live.code === 0 ? `apply live (now ${normalize(live.stdout)})` : 'apply live (key not readable when probed)');
    }
    return change(ctx, {
      action: persist.action === 'create' ? 'create' : 'update',
      summary: `sysctl ${where}: ${what.join(', ')}`,
      steps,
      ...(persist.diff ? { diff: persist.diff } : {}),
    });
  },
};

export default sysctl;
