// One host in one play: probe once, plan every task (pure), then (unless --check) apply the changes in order.
import { createFacts } from '../facts/facts.js';
import { parseProbe } from '../facts/parse-probe.js';
import { buildProbe } from '../facts/probe.js';
import type { Host } from '../inventory/types.js';
import type { Play, Task } from '../playbook/types.js';
import { whenHolds } from '../playbook/when.js';
import { displayCommand, shell } from '../core/command.js';
import type { Session } from '../core/session.js';
import { applyStep } from './apply.js';
import { StepError, trimOutput } from './step-context.js';
import { lockHolderMessage, lockPrelude, orphanMessage } from './lock.js';
import { firstAddress } from '../inventory/ipv4.js';
import type { RunScope } from './run-scope.js';
import { templateProviders } from './templates.js';
import { describeProvide, type ProvideStep } from '../core/provide-step.js';
import type { ChangeRecord, HostReport } from './report-model.js';
import type { Change, Facts, ProbeItem } from '../core/types.js';

/** One host in one play of a run: what the run shares, and this host's own part. */
export interface HostPlayContext {
  run: RunScope;
  play: Play;
  host: Host;
  report: HostReport;
  /** This run's lock is already held on the host (taken by an earlier probe on this connection). */
  locked: boolean;
}

/** The run is stopping (--max-fail, Ctrl-C) and this host had not changed anything yet: it is skipped. */
export class HostStopped extends Error {
  constructor(readonly reason: string) {
    super(`not run: ${reason}`);
    this.name = 'HostStopped';
  }
}

/** A failure that ends this host's run; `unreachable` when the host could not be talked to. */
export class HostFailure extends Error {
  constructor(
    message: string,
    readonly unreachable = false,
  ) {
    super(message);
    this.name = 'HostFailure';
  }
}

function probeItems(tasks: Task[], ctx: HostPlayContext): ProbeItem[] {
  return tasks.flatMap((t) => {
    try {
      return t.module.probe(t.params, { host: ctx.host, inventory: ctx.run.inventory });
    } catch (e) {
      throw new HostFailure(`task '${t.name}': cannot list its probe items: ${(e as Error).message}`);
    }
  });
}

/** Runs the play's single probe (taking the run lock first if this connection does not hold it yet). */
export async function probeHost(ctx: HostPlayContext): Promise<{ facts: Facts; locked: boolean }> {
  const { run } = ctx;
  run.observer?.hostPhase?.({ play: ctx.play.name, host: ctx.host.name, phase: 'probing' });
  const probe = buildProbe({
    items: probeItems([...ctx.play.tasks, ...ctx.play.handlers], ctx),
    marker: run.marker,
    nodesProbeAddress: firstAddress(run.inventory.network.nodes),
    prelude: ctx.locked ? [] : lockPrelude({ owner: run.lock.owner, file: run.lock.file, ...(run.lock.marker ? { orphanMarker: run.lock.marker } : {}) }),
  });
  const session = await run.pool.get(ctx.host.name);
  const r = await session.exec(shell(probe.script, { sudo: true }));
  const parsed = parseProbe(r.stdout, probe);
  if (parsed.sections.has('lock.busy')) throw new HostFailure(lockHolderMessage(parsed.sections.get('lock.busy')));
  if (parsed.sections.has('lock.orphan')) throw new HostFailure(orphanMessage(parsed.sections.get('lock.orphan')));
  if (!parsed.complete) throw new HostFailure(`the probe did not complete (exit ${r.code}${r.signal ? `, ${r.signal}` : ''})${r.stderr.trim() ? `: ${trimOutput(r.stderr)}` : ''}`);
  return { facts: createFacts(parsed.tables), locked: true };
}

interface Planned {
  task: Task;
  changes: Change[];
}

function planTasks(tasks: Task[], facts: Facts, ctx: HostPlayContext): Planned[] {
  return tasks.flatMap((task) => {
    if (task.when && !whenHolds(task.when.expr, { host: ctx.host, facts: facts.base })) return [];
    try {
      const out = task.module.plan(task.params, { host: ctx.host, inventory: ctx.run.inventory, facts, peers: ctx.run.peers, task: task.name });
      return [{ task, changes: Array.isArray(out) ? out : [out] }];
    } catch (e) {
      throw new HostFailure(`task '${task.name}': planning failed: ${(e as Error).message}`);
    }
  });
}

/** A diff of content that is (or is filled from) a secret must never be shown. */
function safeDiff(change: Change): Change['diff'] {
  if (!change.diff) return undefined;
  const secret = change.steps.some((s) => s.kind === 'write' && s.path === change.diff!.path && typeof s.content !== 'string');
  return secret ? { path: change.diff.path, before: '<secret>', after: '<secret>' } : change.diff;
}

/** After a reboot: the new connection replaces the old one, and the run lock is taken again on it (it died with the old). */
async function replaceSession(ctx: HostPlayContext, session: Session): Promise<void> {
  const { pool } = ctx.run;
  pool.replace(ctx.host.name, session);
  const again = await probeHost({ ...ctx, play: { ...ctx.play, tasks: [], handlers: [] }, locked: false });
  if (again.locked) pool.locked.add(ctx.host.name);
}

async function applyChange(change: Change, task: Task, ctx: HostPlayContext, record: ChangeRecord): Promise<void> {
  const { run } = ctx;
  const outputs: string[] = [];
  for (const step of change.steps) {
    const stop = run.stopReason();
    if (stop) throw new HostFailure(`stopped before '${task.name}' finished (${stop})`);
    const res = await applyStep(step, {
      host: ctx.host,
      inventory: run.inventory,
      session: await run.pool.get(ctx.host.name),
      connector: run.connector,
      providers: run.providers.get,
      replaceSession: (s) => replaceSession(ctx, s),
      pollMs: run.pollMs,
    });
    if (res.output) outputs.push(res.output);
    if (step.kind === 'provide') reportProvided(ctx, step);
  }
  if (outputs.length) record.output = outputs.join('\n');
  record.applied = true;
}

/** A provide step ran: the event stream says which host made the value (never the value). */
function reportProvided(ctx: HostPlayContext, step: ProvideStep): void {
  const on = ctx.run.providers.madeOn(step.provider);
  if (on) ctx.run.observer?.provided?.({ play: ctx.play.name, host: ctx.host.name, provider: step.provider, on, command: displayCommand(step.command) });
}

/** Applies planned changes in order; returns the task whose applied change rebooted the host (the rest is stale). */
async function runPlanned(planned: Planned[], ctx: HostPlayContext, notified: Set<string>, phase: 'applying' | 'handlers'): Promise<Task | undefined> {
  for (const { task, changes } of planned) {
    let rebooted = false;
    for (const change of changes) {
      const record: ChangeRecord = { play: ctx.play.name, task: task.name, action: change.action, summary: change.summary, applied: false };
      const diff = safeDiff(change);
      if (diff) record.diff = diff;
      const provides = change.steps.flatMap((s) => (s.kind === 'provide' ? [describeProvide(s)] : []));
      if (provides.length) record.provides = provides;
      if (change.action === 'noop') {
        ctx.report.ok++;
        ctx.run.observer?.change?.({ host: ctx.host.name, record });
        continue;
      }
      ctx.report.changed++;
      ctx.report.changes.push(record);
      if (!ctx.run.check) {
        const stop = ctx.run.stopReason();
        if (stop && !ctx.report.changes.some((c) => c.applied)) {
          ctx.report.changed--;
          ctx.report.changes.pop();
          throw new HostStopped(stop);
        }
        ctx.run.observer?.hostPhase?.({ play: ctx.play.name, host: ctx.host.name, phase, task: task.name });
        try {
          await applyChange(change, task, ctx, record);
        } catch (e) {
          record.error = (e as Error).message;
          if (e instanceof StepError && e.output) record.output = e.output;
          ctx.report.changed--;
          ctx.run.observer?.change?.({ host: ctx.host.name, record });
          throw e instanceof HostFailure ? e : new HostFailure(`task '${task.name}': ${(e as Error).message}`, (e as Error).name === 'ConnectError');
        }
      }
      for (const n of [...task.notify, ...(change.notify ?? [])]) notified.add(n);
      ctx.run.observer?.change?.({ host: ctx.host.name, record });
      if (!ctx.run.check && change.steps.some((st) => st.kind === 'reboot')) rebooted = true;
    }
    if (rebooted) return task;
  }
  return undefined;
}

/** Two tasks of one play writing one file would both plan from the same facts: the second would undo the first. */
function checkConflicts(planned: Planned[]): void {
  const writers = new Map<string, Task>();
  for (const { task, changes } of planned) {
    for (const c of changes) {
      for (const s of c.steps) {
        if (s.kind !== 'write' && s.kind !== 'delete') continue;
        const other = writers.get(s.path);
        if (other !== undefined && other !== task) {
          throw new HostFailure(`tasks '${other.name}' and '${task.name}' both change ${s.path} in one play; each plans from the facts read before the play, so move one to a later play or merge them`);
        }
        writers.set(s.path, task);
      }
    }
  }
}

/**
 * A template may only use a provider that a `provide` step earlier in the same change made: every value one host
 * makes for another is a planned step (shown by --check), never a side effect of filling a template.
 */
function checkProvides(planned: Planned[]): void {
  for (const { task, changes } of planned) {
    for (const c of changes) {
      const made = new Set<string>();
      for (const s of c.steps) {
        if (s.kind === 'provide') made.add(s.provider);
        if (s.kind !== 'write' || typeof s.content === 'string' || !('template' in s.content)) continue;
        const missing = templateProviders(s.content.template).filter((p) => !made.has(p));
        if (missing.length) throw new HostFailure(`task '${task.name}': the content of ${s.path} uses provider ${missing.join(', ')} but no provide step before it makes that value (plan a { kind: 'provide' } step first)`);
      }
    }
  }
}

/** Plan everything first (a planning error changes nothing), then apply; handlers last, once each. */
export async function planAndApply(ctx: HostPlayContext, facts: Facts): Promise<void> {
  const notified = new Set<string>();
  let tasks = ctx.play.tasks;
  let current = facts;
  for (;;) {
    ctx.run.observer?.hostPhase?.({ play: ctx.play.name, host: ctx.host.name, phase: 'planning' });
    const planned = planTasks(tasks, current, ctx);
    checkConflicts(planned);
    checkProvides(planned);
    const rebootedBy = await runPlanned(planned, ctx, notified, 'applying');
    if (!rebootedBy) break;
    tasks = tasks.slice(tasks.indexOf(rebootedBy) + 1);
    if (!tasks.length) break;
    // The host booted from what it persisted (swap from fstab, modules, routes...): the facts read before the
    // reboot are stale, so the rest of the play is planned again from a fresh probe (the new connection holds the lock).
    current = (await probeHost({ ...ctx, play: { ...ctx.play, tasks, handlers: ctx.play.handlers }, locked: true })).facts;
  }
  const handlers = ctx.play.handlers.filter((h) => notified.has(h.name));
  if (handlers.length) await runPlanned(planTasks(handlers, current, ctx), ctx, new Set(), 'handlers');
}
