// Checks of a host's whole plan before anything is applied: one writer per file per play, providers made by a step.
import { HostFailure } from './host-errors.js';
import type { Planned } from './host-context.js';
import type { Task } from '../playbook/types.js';
import { templateProviders } from './templates.js';

/** Two tasks of one play writing one file would both plan from the same facts: the second would undo the first. */
export function checkConflicts(planned: Planned[]): void {
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
export function checkProvides(planned: Planned[]): void {
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
