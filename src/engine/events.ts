// What the runner tells a reporter while it works (the report/ layer renders it; the engine never prints).
import type { ChangeRecord, HostReport, RunReport } from './report-model.js';

export type HostPhase = 'waiting' | 'connecting' | 'probing' | 'planning' | 'applying' | 'handlers' | 'rebooting' | 'done' | 'failed' | 'skipped';

export interface RunObserver {
  /** Before anything connects: the playbook, its plays in order, and whether this is a --check run. */
  runStart?(e: { playbook: string; check: boolean; plays: string[] }): void;
  playStart?(e: { play: string; index: number; total: number; hosts: string[] }): void;
  /** `task` is the task being applied (phase applying/handlers). 'waiting': probed up front, waiting for its play. */
  hostPhase?(e: { play: string; host: string; phase: HostPhase; task?: string }): void;
  /** A change planned (--check) or applied/failed. Noops are reported too, with action 'noop'. */
  change?(e: { host: string; record: ChangeRecord }): void;
  /** A `provide` step made its value (once per run): `on` is the host that ran `command` (in words), for `host`'s change. */
  provided?(e: { play: string; host: string; provider: string; on: string; command: string }): void;
  hostEnd?(e: { play: string; host: string; report: HostReport; error?: string }): void;
  playEnd?(e: { play: string }): void;
  runEnd?(e: { report: RunReport }): void;
}
