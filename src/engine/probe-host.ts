// The one probe of a host for a play: every task's probe items in one exec, the run lock's checks first (engine/lock.ts).
import { createFacts } from '../facts/facts.js';
import { parseProbe } from '../facts/parse-probe.js';
import { buildProbe } from '../facts/probe.js';
import { firstAddress } from '../inventory/ipv4.js';
import type { Task } from '../playbook/types.js';
import { shell } from '../core/command.js';
import type { Facts, ProbeItem } from '../core/types.js';
import { HostFailure } from './host-errors.js';
import type { HostPlayContext } from './host-context.js';
import { LOCK_GENERATION_SECTION, lockHolderMessage, orphanMessage, probeLockLines } from './lock.js';
import { trimOutput } from './step-context.js';

function probeItems(tasks: Task[], ctx: HostPlayContext): ProbeItem[] {
  return tasks.flatMap((t) => {
    try {
      return t.module.probe(t.params, { host: ctx.host, inventory: ctx.run.inventory });
    } catch (e) {
      throw new HostFailure(`task '${t.name}': cannot list its probe items: ${(e as Error).message}`);
    }
  });
}

export interface HostProbeResult {
  facts: Facts;
  sections: ReadonlyMap<string, string>;
  /** The laptop's clock (seconds) when the probe left and when its answer came back. */
  sentAt: number;
  answeredAt: number;
}

/**
 * Runs the play's single probe (checking the run lock first if this run does not hold it on the host: busy, a
 * leftover command, the generation); `extra` adds a gate's items and lines (up's preflight) to the same exec.
 */
export async function probeHost(ctx: HostPlayContext, extra?: { items: ProbeItem[]; lines: string[] }): Promise<HostProbeResult> {
  const { run } = ctx;
  run.observer?.hostPhase?.({ play: ctx.play.name, host: ctx.host.name, phase: 'probing' });
  const probe = buildProbe({
    items: [...probeItems([...ctx.play.tasks, ...ctx.play.handlers], ctx), ...(extra?.items ?? [])],
    marker: run.marker,
    nodesProbeAddress: firstAddress(run.inventory.network.nodes),
    prelude: run.pool.holding.has(ctx.host.name) ? [] : probeLockLines({ file: run.lock.file, ...(run.lock.marker ? { orphanMarker: run.lock.marker } : {}) }),
    ...(extra?.lines.length ? { lines: extra.lines } : {}),
  });
  const session = await run.pool.get(ctx.host.name);
  const sentAt = Date.now() / 1000;
  const r = await session.exec(shell(probe.script, { sudo: true }));
  const answeredAt = Date.now() / 1000;
  const parsed = parseProbe(r.stdoutBytes ?? r.stdout, probe);
  if (parsed.sections.has('lock.busy')) throw new HostFailure(lockHolderMessage(parsed.sections.get('lock.busy')));
  if (parsed.sections.has('lock.orphan')) throw new HostFailure(orphanMessage(parsed.sections.get('lock.orphan')));
  if (!parsed.complete) throw new HostFailure(`the probe did not complete (exit ${r.code}${r.signal ? `, ${r.signal}` : ''})${r.stderr.trim() ? `: ${trimOutput(r.stderr)}` : ''}`);
  const generation = parsed.sections.get(LOCK_GENERATION_SECTION);
  if (generation !== undefined) run.pool.generations.set(ctx.host.name, generation.trim());
  return { facts: createFacts(parsed.tables), sections: parsed.sections, sentAt, answeredAt };
}
