// What a run produced, per host and in total: the data behind --json, plain lines and the TTY view.
import type { Action, Change } from '../core/types.js';

export interface ChangeRecord {
  play: string;
  task: string;
  action: Action;
  summary: string;
  /** Applied to the host (false under --check, or when a step failed). */
  applied: boolean;
  diff?: Change['diff'];
  /** The change's `provide` steps in words (token, certificate key): what runs on which host; never the values. */
  provides?: string[];
  /** Output of exec steps (never of secret ones), trimmed. */
  output?: string;
  error?: string;
}

export interface HostReport {
  ok: number;
  changed: number;
  failed: number;
  unreachable: boolean;
  /** Not run at all: --max-fail or an interrupt stopped the run first. */
  skipped?: boolean;
  error?: string;
  changes: ChangeRecord[];
}

export interface RunReport {
  playbook: string;
  check: boolean;
  changed: number;
  failed: number;
  hosts: Record<string, HostReport>;
  /** Why the run stopped early (max-fail, interrupt), if it did. */
  aborted?: string;
}

export function emptyHostReport(): HostReport {
  return { ok: 0, changed: 0, failed: 0, unreachable: false, changes: [] };
}

export function totals(report: RunReport): RunReport {
  const hosts = Object.values(report.hosts);
  report.changed = hosts.reduce((n, h) => n + h.changed, 0);
  report.failed = hosts.filter((h) => h.failed > 0 || h.unreachable).length;
  return report;
}
