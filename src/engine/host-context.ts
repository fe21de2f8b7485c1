// What one host's part of a play works with: the run's shared scope plus this host's play and report.
import type { Host } from '../inventory/types.js';
import type { Play, Task } from '../playbook/types.js';
import type { Change } from '../core/types.js';
import type { HostReport } from './report-model.js';
import type { RunScope } from './run-scope.js';

/** One host in one play of a run: what the run shares, and this host's own part. */
export interface HostPlayContext {
  run: RunScope;
  play: Play;
  host: Host;
  report: HostReport;
}

/** A task's planned changes (planned from one probe's facts). */
export interface Planned {
  task: Task;
  changes: Change[];
}
