// The `rpi-cgroups` module: on a Raspberry Pi, the cgroup flags kubelet needs and the 4K-page kernel, then one reboot.
import { z } from 'zod';
import type { Change, FileFact, Module, PlanContext, Step } from '../../core/types.js';
import { change, noop } from '../support/change.js';
import { CGROUP_FLAGS, CMDLINE_PATHS, looksLikeCmdline, withCgroupFlags } from './host-setup/kernel-cmdline.js';
import { asksKernel8, CONFIG_TXT_PATHS, has16kPages, isStub, withKernel8 } from './host-setup/pi-kernel.js';
import { declareFact } from '../../facts/declare.js';
import { piKernel, type PiKernel } from '../../facts/kinds/pi-kernel.js';

const schema = z.strictObject({
  /** How long to wait for the host to come back with a new boot id. */
  rebootTimeoutSeconds: z.number().int().min(30).max(3600).default(600),
});
export type RpiCgroupsParams = z.output<typeof schema>;

/** The real command line file: the first candidate that exists and is a command line (not Bookworm's stub). */
function cmdlineFile(get: (path: string) => FileFact): { path: string; fact: FileFact } | undefined {
  const found = CMDLINE_PATHS.map((path) => ({ path, fact: get(path) })).filter((c) => c.fact.exists && c.fact.content !== undefined);
  return found.find((c) => looksLikeCmdline(c.fact.content!)) ?? found[0];
}

function configTxt(get: (path: string) => FileFact): { path: string; fact: FileFact } | undefined {
  return CONFIG_TXT_PATHS.map((path) => ({ path, fact: get(path) })).find((c) => c.fact.exists && c.fact.content !== undefined && !isStub(c.fact.content));
}

interface Part {
  /** File edits (each backed up). */
  steps: Step[];
  what: string;
  diff?: Change['diff'];
  /** The running kernel still lacks what the files already ask for: a reboot is due. */
  pending?: string;
  ok?: string;
}

function planCgroups(ctx: PlanContext, k: PiKernel): Part {
  const file = cmdlineFile((path) => ctx.facts.file(path));
  if (!file) throw new Error(`no kernel command line found (looked for ${CMDLINE_PATHS.join(', ')}); is the boot partition mounted?`);
  const before = file.fact.content!;
  const next = withCgroupFlags(before);
  if (next.added.length > 0 || next.removed.length > 0) {
    const what = [next.added.length ? `add ${next.added.join(' ')}` : '', next.removed.length ? `remove ${next.removed.join(' ')}` : ''].filter(Boolean).join(', ');
    return { steps: [{ kind: 'write', path: file.path, content: next.content, backup: true }], what: `${file.path}: ${what}`, diff: { path: file.path, before, after: next.content } };
  }
  if (k.memory === true) return { steps: [], what: '', ok: `cgroup flags present in ${file.path}, memory cgroup enabled` };
  const booted = CGROUP_FLAGS.every((f) => k.cmdline.includes(f));
  if (k.memory === false && booted) {
    throw new Error(`${ctx.host.name} booted with ${CGROUP_FLAGS.join(' ')} but its kernel still has no memory cgroup; check for a cgroup_disable=memory the bootloader adds, or a kernel built without it`);
  }
  if (k.memory === undefined && booted) return { steps: [], what: '', ok: `cgroup flags present in ${file.path} and on the running command line (no cgroup controller list to confirm)` };
  // Flags in the file but not on the running command line: the edit is waiting for its reboot.
  return { steps: [], what: '', pending: `cgroup flags in ${file.path} but the running kernel ${k.memory === false ? 'has the memory cgroup disabled' : 'booted without them'}` };
}

function planPageSize(ctx: PlanContext, k: PiKernel): Part {
  if (!has16kPages(k, ctx.facts.base.kernel)) return { steps: [], what: '', ok: k.pageSize ? `${k.pageSize / 1024}K pages` : `kernel ${ctx.facts.base.kernel} (not a 16k build)` };
  const file = configTxt((path) => ctx.facts.file(path));
  if (!file) throw new Error(`${ctx.host.name} runs a 16K-page kernel (Raspberry Pi 5) and no config.txt was found (looked for ${CONFIG_TXT_PATHS.join(', ')}); add kernel=kernel8.img to it by hand`);
  const before = file.fact.content!;
  if (asksKernel8(before)) return { steps: [], what: '', pending: `${file.path} selects kernel8.img but the running kernel has 16K pages` };
  const after = withKernel8(before);
  return { steps: [{ kind: 'write', path: file.path, content: after, backup: true }], what: `${file.path}: kernel=kernel8.img (the running kernel has 16K pages, which many container images cannot run on)`, diff: { path: file.path, before, after } };
}

const rpiCgroups: Module<RpiCgroupsParams> = {
  name: 'rpi-cgroups',
  schema,
  probe: () => [
    ...[...CMDLINE_PATHS, ...CONFIG_TXT_PATHS].map((path) => ({ kind: 'file' as const, path })),
    declareFact(piKernel),
  ],
  plan: (p, ctx) => {
    const board = ctx.host.board ?? ctx.facts.base.board;
    if (board !== 'raspberry-pi') return noop(ctx, `not a Raspberry Pi (board ${board}): kernel command line untouched`);
    const k = ctx.facts.fact(piKernel, undefined);
    const parts = [planCgroups(ctx, k), planPageSize(ctx, k)];
    const reboot = { kind: 'reboot' as const, timeoutMs: p.rebootTimeoutSeconds * 1000 };
    const edits = parts.filter((x) => x.steps.length > 0);
    if (edits.length > 0) {
      const out = change(ctx, { action: 'update', summary: `${edits.map((x) => x.what).join('; ')}, then reboot`, steps: [...edits.flatMap((x) => x.steps), reboot] });
      // One diff per change: the first edited file (both files are backed up).
      if (edits[0]!.diff) out.diff = edits[0]!.diff;
      return out;
    }
    const pending = parts.filter((x) => x.pending).map((x) => x.pending!);
    if (pending.length > 0) return change(ctx, { action: 'run', summary: `${pending.join('; ')}: reboot`, steps: [reboot] });
    return noop(ctx, parts.map((x) => x.ok).join('; '));
  },
};

export default rpiCgroups;
