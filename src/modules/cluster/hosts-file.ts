// The `hosts-file` module: every inventory host and the API name in a managed /etc/hosts block, and the hostname.
import { z } from 'zod';
import type { Change, Module, PlanContext } from '../../core/types.js';
import { execStep } from '../support/command.js';
import { change, combineChanges, noop } from '../support/change.js';
import { findBlock, managedBlock, markerLines } from '../support/managed-block.js';
import { planFile } from '../support/plan-file.js';
import { joinLines, splitLines } from '../support/text-lines.js';
import { findConflicts, hostsEntries, HOSTS_MARKER, renderHostsBlock } from '../../cluster/hosts-block.js';

const HOSTS = '/etc/hosts';
const HOSTNAME = '/etc/hostname';

const schema = z.strictObject({
  /** Also set /etc/hostname and the live hostname to the inventory name. `provision join` refreshes only the block. */
  hostname: z.boolean().default(true),
});

export type HostsFileParams = z.output<typeof schema>;

/** The lines outside our block (for conflict reports). */
function outsideBlock(content: string): string {
  const lines = splitLines(content);
  const { begin, end } = markerLines(HOSTS_MARKER);
  const at = findBlock(lines, begin, end);
  return joinLines(at ? [...lines.slice(0, at.begin), ...lines.slice(at.end + 1)] : lines);
}

/**
 * A new block goes FIRST in the file: glibc answers with the first matching line, so a leftover
 * `127.0.1.1 NAME` (Debian's installer writes one) must not shadow the node's real address. An existing
 * block is replaced where it is; other lines keep their bytes.
 */
function wantedHosts(current: string, block: string): string {
  const { begin, end } = markerLines(HOSTS_MARKER);
  if (findBlock(splitLines(current), begin, end)) return managedBlock({ current, block, marker: HOSTS_MARKER });
  return managedBlock({ current: '', block, marker: HOSTS_MARKER }) + current;
}

function planBlock(ctx: PlanContext): Change {
  const fact = ctx.facts.file(HOSTS);
  const current = fact.content ?? '';
  const entries = hostsEntries(ctx.inventory);
  const label = `/etc/hosts block (${ctx.inventory.hosts.length} hosts + ${entries.at(-1)!.names[0]})`;
  const planned = planFile({ ctx, path: HOSTS, want: wantedHosts(current, renderHostsBlock(ctx.inventory)), fact, label });
  const conflicts = findConflicts(outsideBlock(current), entries);
  if (conflicts.length === 0) return planned;
  const note = conflicts.map((c) => `'${c.line}' maps ${c.name} elsewhere (block says ${c.wanted})`).join('; ');
  return { ...planned, summary: `${planned.summary}; warning: outside the block ${note}` };
}

function planHostname(ctx: PlanContext): Change {
  const name = ctx.host.name;
  const fileChange = planFile({ ctx, path: HOSTNAME, want: `${name}\n`, fact: ctx.facts.file(HOSTNAME), label: `/etc/hostname (${name})` });
  const live = ctx.facts.base.hostname.split('.')[0];
  const liveOk = live === name;
  if (fileChange.action === 'noop' && liveOk) return noop(ctx, `hostname ${name}`);
  const steps = [...fileChange.steps, ...(liveOk ? [] : [execStep(['hostname', name])])];
  const what = [fileChange.action === 'noop' ? '' : 'in /etc/hostname', liveOk ? '' : `live (was ${ctx.facts.base.hostname || 'unset'})`].filter(Boolean);
  const out = change(ctx, { action: 'update', summary: `hostname ${name} ${what.join(' and ')}`, steps });
  if (fileChange.diff) out.diff = fileChange.diff;
  return out;
}

const hostsFile: Module<HostsFileParams> = {
  name: 'hosts-file',
  schema,
  probe: (p) => [{ kind: 'file', path: HOSTS }, ...(p.hostname ? [{ kind: 'file' as const, path: HOSTNAME }] : [])],
  plan: (p, ctx) => combineChanges(ctx, [planBlock(ctx), ...(p.hostname ? [planHostname(ctx)] : [])]),
};

export default hostsFile;
