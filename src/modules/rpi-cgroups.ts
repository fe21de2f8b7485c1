// The `rpi-cgroups` module: on a Raspberry Pi, the cgroup flags kubelet needs in cmdline.txt, then one reboot.
import { z } from 'zod';
import type { FileFact, Module } from '../engine/types.js';
import { change, noop } from './support/change.js';
import { CMDLINE_PATHS, looksLikeCmdline, withCgroupFlags } from './host-setup/kernel-cmdline.js';

const schema = z.strictObject({
  /** How long to wait for the host to come back with a new boot id. */
  rebootTimeoutSeconds: z.number().int().min(30).max(3600).default(600),
});
export type RpiCgroupsParams = z.output<typeof schema>;

const MEMCG_KEY = 'rpi-cgroups:memory-cgroup';
// /proc/cgroups' 4th column says whether the running kernel enabled the controller (v1 and v2 alike).
const MEMCG_SCRIPT = "awk '$1==\"memory\"{print $4}' /proc/cgroups 2>/dev/null";

/** The real command line file: the first candidate that exists and is a command line (not Bookworm's stub). */
function cmdlineFile(get: (path: string) => FileFact): { path: string; fact: FileFact } | undefined {
  const found = CMDLINE_PATHS.map((path) => ({ path, fact: get(path) })).filter((c) => c.fact.exists && c.fact.content !== undefined);
  return found.find((c) => looksLikeCmdline(c.fact.content!)) ?? found[0];
}

const rpiCgroups: Module<RpiCgroupsParams> = {
  name: 'rpi-cgroups',
  schema,
  probe: () => [...CMDLINE_PATHS.map((path) => ({ kind: 'file' as const, path })), { kind: 'command', key: MEMCG_KEY, script: MEMCG_SCRIPT }],
  plan: (p, ctx) => {
    const board = ctx.host.board ?? ctx.facts.base.board;
    if (board !== 'raspberry-pi') return noop(ctx, `not a Raspberry Pi (board ${board}): kernel command line untouched`);
    const file = cmdlineFile((path) => ctx.facts.file(path));
    if (!file) throw new Error(`no kernel command line found (looked for ${CMDLINE_PATHS.join(', ')}); is the boot partition mounted?`);
    const before = file.fact.content!;
    const next = withCgroupFlags(before);
    const reboot = { kind: 'reboot' as const, timeoutMs: p.rebootTimeoutSeconds * 1000 };
    if (next.added.length > 0 || next.removed.length > 0) {
      const what = [next.added.length ? `add ${next.added.join(' ')}` : '', next.removed.length ? `remove ${next.removed.join(' ')}` : ''].filter(Boolean).join(', ');
      const out = change(ctx, {
        action: 'update',
        summary: `${file.path}: ${what}, then reboot`,
        steps: [{ kind: 'write', path: file.path, content: next.content, backup: true }, reboot],
      });
      out.diff = { path: file.path, before, after: next.content };
      return out;
    }
    // Flags in the file but the running kernel has no memory cgroup: the edit is waiting for its reboot.
    if (ctx.facts.command(MEMCG_KEY).stdout.trim() === '0') {
      return change(ctx, { action: 'run', summary: `cgroup flags in ${file.path} but the running kernel has the memory cgroup disabled: reboot`, steps: [reboot] });
    }
    return noop(ctx, `cgroup flags present in ${file.path}, memory cgroup enabled`);
  },
};

export default rpiCgroups;
