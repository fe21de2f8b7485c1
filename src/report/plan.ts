// The plan (--check) or the changes made, grouped by host with each change's action, and the counts line
// "N to create, M to update, K to run, J to delete on H hosts" (the same counts go into --json as `actions`).
import type { ChangeRecord, RunReport } from '../engine/report-model.js';
import type { Paint } from './color.js';
import { renderDiff } from './diff.js';
import { plural } from './text.js';

export interface ActionCounts {
  create: number;
  update: number;
  run: number;
  delete: number;
  /** Hosts with at least one of these changes. */
  hosts: number;
}

/** A change that counts: planned under --check, applied otherwise (failed ones are reported as failures). */
function counted(report: RunReport, c: ChangeRecord): boolean {
  return c.action !== 'noop' && !c.error && (report.check || c.applied);
}

export function countActions(report: RunReport): ActionCounts {
  const n: ActionCounts = { create: 0, update: 0, run: 0, delete: 0, hosts: 0 };
  for (const h of Object.values(report.hosts)) {
    const mine = h.changes.filter((c) => counted(report, c));
    for (const c of mine) n[c.action as Exclude<ChangeRecord['action'], 'noop'>]++;
    if (mine.length) n.hosts++;
  }
  return n;
}

export function countsLine(n: ActionCounts, check: boolean): string {
  const tail = `on ${plural(n.hosts, 'host')}`;
  return check
    ? `${n.create} to create, ${n.update} to update, ${n.run} to run, ${n.delete} to delete ${tail}`
    : `${n.create} created, ${n.update} updated, ${n.run} run, ${n.delete} deleted ${tail}`;
}

const MARK: Record<string, string> = { create: '+', update: '~', run: '>', delete: '-' };

/** Every host with changes, then its changes in order (with diffs under --diff), then the counts line. */
export function renderPlan(report: RunReport, o: { paint: Paint; diff?: boolean }): string {
  const p = o.paint;
  const colour: Record<string, (s: string) => string> = { create: p.green, update: p.yellow, run: p.bold, delete: p.red };
  const out: string[] = [p.bold(report.check ? 'PLAN' : 'CHANGES')];
  for (const [host, h] of Object.entries(report.hosts)) {
    const mine = h.changes.filter((c) => counted(report, c));
    if (!mine.length) continue;
    out.push(p.bold(host));
    for (const c of mine) {
      out.push(`  ${colour[c.action]!(`${MARK[c.action]} ${c.action.padEnd(6)}`)}  ${c.task}: ${c.summary}`);
      for (const line of c.provides ?? []) out.push(`             first: ${line}`);
      const d = o.diff ? renderDiff(host, c, p) : undefined;
      if (d) out.push(d.replace(/^/gm, '    ').trimEnd());
    }
  }
  out.push(p.bold(countsLine(countActions(report), report.check)), '');
  return out.join('\n');
}
