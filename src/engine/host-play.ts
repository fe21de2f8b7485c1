// One host in one play: probe once, plan every task (pure), then (unless --check) apply the changes in order.
import type { Task } from '../playbook/types.js';
import { whenHolds } from '../playbook/when.js';
import { displayCommand } from '../core/command.js';
import type { Session } from '../core/session.js';
import { applyStep } from './apply.js';
import { StepError } from './step-context.js';
import { describeProvide, type ProvideStep } from '../core/provide-step.js';
import type { ChangeRecord } from './report-model.js';
import type { Change, Facts } from '../core/types.js';
import type { HostPlayContext, Planned } from './host-context.js';
import { HostFailure, HostStopped } from './host-errors.js';
import { checkConflicts, checkProvides } from './plan-checks.js';
import { probeHost } from './probe-host.js';
import { ensureHeld } from './hold-lock.js';
import { shutdownNote } from './shutdown-note.js';

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
  ctx.run.pool.replace(ctx.host.name, session);
  await ensureHeld(ctx, { afterReboot: true });
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
          // The run lock is taken before the first change on the host (a converged host never takes it).
          await ensureHeld(ctx);
          await applyChange(change, task, ctx, record);
        } catch (e) {
          // A command that failed on a host still answering: was the host going down under it? (Not asked when
          // the failure already says so.)
          const open = ctx.run.pool.existing(ctx.host.name);
          const after = open && e instanceof StepError && !e.hostGoingDown ? await shutdownNote(open) : {};
          const message = after.note ? `${(e as Error).message}\n${after.note}` : (e as Error).message;
          record.error = message;
          if (e instanceof StepError && e.output) record.output = e.output;
          ctx.report.changed--;
          ctx.run.observer?.change?.({ host: ctx.host.name, record });
          throw e instanceof HostFailure ? e : new HostFailure(`task '${task.name}': ${message}`, (e as Error).name === 'ConnectError' || after.unreachable === true);
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
    current = (await probeHost({ ...ctx, play: { ...ctx.play, tasks, handlers: ctx.play.handlers } })).facts;
  }
  const handlers = ctx.play.handlers.filter((h) => notified.has(h.name));
  if (handlers.length) await runPlanned(planTasks(handlers, current, ctx), ctx, new Set(), 'handlers');
}
