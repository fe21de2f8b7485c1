// Takes the run lock on a host before this run first changes it: one small exec (flock, generation check, holder).
import { shell } from '../core/command.js';
import { buildProbe } from '../facts/probe.js';
import { splitSections } from '../facts/parse-sections.js';
import type { HostPlayContext } from './host-context.js';
import { HostFailure } from './host-errors.js';
import { holdLockLines, lockHolderMessage, movedMessage } from './lock.js';
import { trimOutput } from './step-context.js';

/**
 * Holds the lock on ctx.host from here to the end of the connection (no-op when this run already holds it). The
 * generation must still be what this run's last probe of the host read; `afterReboot`: the host booted since (its
 * /run is new), so only none or this run's own is accepted.
 */
export async function ensureHeld(ctx: HostPlayContext, o: { afterReboot?: boolean } = {}): Promise<void> {
  const { run } = ctx;
  const name = ctx.host.name;
  if (run.pool.holding.has(name)) return;
  const seen = o.afterReboot ? '' : (run.pool.generations.get(name) ?? '');
  const lines = holdLockLines({ owner: run.lock.owner, since: run.lock.since, seen, mine: run.lock.generation, ...(run.lock.file ? { file: run.lock.file } : {}) });
  // A probe of nothing but these lines: the probe's own section helper and marker, no base facts.
  const hold = buildProbe({ items: [], marker: run.marker, skipBase: true, prelude: lines });
  let session = await run.pool.get(name);
  if (session.kept) {
    // The lock lives as long as the connection that took it: not one the keeper holds after this run.
    session = await run.pool.connector.connect(ctx.host, run.pool.inventory, { fresh: true });
    run.pool.replace(name, session);
  }
  const r = await session.exec(shell(hold.script, { sudo: true }));
  const sections = splitSections(r.stdout, run.marker);
  if (sections.has('lock.busy')) throw new HostFailure(lockHolderMessage(sections.get('lock.busy')));
  if (sections.has('lock.moved')) throw new HostFailure(movedMessage());
  if (!sections.has('lock.ok')) throw new HostFailure(`could not take the run lock (exit ${r.code})${r.stderr.trim() ? `: ${trimOutput(r.stderr)}` : ''}`);
  run.pool.holding.add(name);
}
