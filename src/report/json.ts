// The --json document: {changed, failed, hosts: {NAME: {ok, changed, failed, unreachable, changes}}, actions} (+ error fields).
import type { RunReport } from '../engine/report-model.js';
import { countActions, type ActionCounts } from './plan.js';

export interface JsonOptions {
  /** Include each change's diff (--diff). */
  diff?: boolean;
}

export interface JsonDocument {
  changed: number;
  failed: number;
  hosts: Record<string, unknown>;
  /** The counts line of the plan (or of what was changed): create, update, run, delete, hosts. */
  actions: ActionCounts;
  aborted?: string;
  check?: true;
}

/** The document as data; --json prints it and the last --events line carries the same fields. */
export function jsonDocument(report: RunReport, opts: JsonOptions = {}): JsonDocument {
  const hosts: Record<string, unknown> = {};
  for (const [name, h] of Object.entries(report.hosts)) {
    hosts[name] = {
      ok: h.ok,
      changed: h.changed,
      failed: h.failed,
      unreachable: h.unreachable,
      changes: h.changes.map((c) => ({
        task: c.task,
        action: c.action,
        summary: c.summary,
        ...(c.provides ? { provides: c.provides } : {}),
        ...(c.error ? { error: c.error } : {}),
        ...(opts.diff && c.diff ? { diff: c.diff } : {}),
      })),
      ...(h.error ? { error: h.error } : {}),
      ...(h.skipped ? { skipped: true } : {}),
    };
  }
  return {
    changed: report.changed,
    failed: report.failed,
    hosts,
    actions: countActions(report),
    ...(report.aborted ? { aborted: report.aborted } : {}),
    ...(report.check ? { check: true as const } : {}),
  };
}

export function toJson(report: RunReport, opts: JsonOptions = {}): string {
  // Secret values serialise as "<secret>" (Secret.toJSON), whatever a module put where.
  return `${JSON.stringify(jsonDocument(report, opts))}\n`;
}
