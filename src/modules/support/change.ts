// Builders for Change values so every module fills host, task and summary the same way.
import type { Action, Change, Step } from '../../core/types.js';

/** Where a change happens: a PlanContext satisfies this. */
export interface Where {
  host: { name: string };
  task: string;
}

/** Nothing to do: the summary says what is already true ("line 'X' present in /etc/foo"). */
export function noop(where: Where, summary: string): Change {
  return { host: where.host.name, task: where.task, action: 'noop', summary, steps: [] };
}

export interface ChangeSpec {
  action: Exclude<Action, 'noop'>;
  summary: string;
  steps: Step[];
  diff?: Change['diff'];
}

/** Something to do: the summary says what will be true once the steps ran. */
export function change(where: Where, spec: ChangeSpec): Change {
  if (spec.steps.length === 0) throw new Error(`change '${spec.summary}' has no steps (use noop)`);
  const out: Change = { host: where.host.name, task: where.task, action: spec.action, summary: spec.summary, steps: spec.steps };
  if (spec.diff) out.diff = spec.diff;
  return out;
}

/**
 * Several partial changes of one task as the task's result: one noop joining the summaries when all
 * are noops, else only the changes that do something (each keeps its own diff).
 */
export function combineChanges(where: Where, changes: Change[]): Change[] {
  const active = changes.filter((c) => c.action !== 'noop');
  if (active.length > 0) return active;
  return [noop(where, changes.map((c) => c.summary).join('; '))];
}
