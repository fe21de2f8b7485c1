// The --json document: exactly {changed, failed, hosts: {NAME: {ok, changed, failed, unreachable, changes}}} (+ error fields).
import type { RunReport } from '../engine/report-model.js';

export interface JsonOptions {
  /** Include each change's diff (--diff). */
  diff?: boolean;
}

export function toJson(report: RunReport, opts: JsonOptions = {}): string {
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
        ...(c.error ? { error: c.error } : {}),
        ...(opts.diff && c.diff ? { diff: c.diff } : {}),
      })),
      ...(h.error ? { error: h.error } : {}),
      ...(h.skipped ? { skipped: true } : {}),
    };
  }
  const doc = { changed: report.changed, failed: report.failed, hosts, ...(report.aborted ? { aborted: report.aborted } : {}), ...(report.check ? { check: true } : {}) };
  // Secret values serialise as "<secret>" (Secret.toJSON), whatever a module put where.
  return `${JSON.stringify(doc)}\n`;
}
