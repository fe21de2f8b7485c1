// --events: the run as JSON Lines on stdout, one object per event, for CI (schema in docs/events.md).
// Field names are stable; a change that breaks a reader bumps EVENTS_SCHEMA_VERSION. Secrets print as "<secret>".
import type { RunObserver } from '../engine/events.js';
import type { RunReport } from '../engine/report-model.js';
import { jsonDocument } from './json.js';
import type { RunProgress } from './progress.js';

export const EVENTS_SCHEMA_VERSION = 1;

export interface EventStreamOptions {
  write(line: string): void;
  progress: RunProgress;
  /** Include diffs in task-result events and in run-end (--diff). */
  diff?: boolean;
}

export interface EventStream {
  observer: RunObserver;
  /** The last event: run-end, with the --json document's fields and the recap's timings. */
  end(report: RunReport): void;
}

export function eventStream(o: EventStreamOptions): EventStream {
  const pr = o.progress;
  const emit = (type: string, fields: Record<string, unknown>) =>
    // JSON.stringify calls Secret.toJSON: a secret anywhere in an event prints as "<secret>".
    o.write(`${JSON.stringify({ schemaVersion: EVENTS_SCHEMA_VERSION, type, time: new Date(pr.now()).toISOString(), ...fields })}\n`);
  const current = () => pr.plays[pr.plays.length - 1];
  return {
    observer: {
      runStart: (e) => emit('run-start', { playbook: e.playbook, check: e.check, plays: e.plays }),
      playStart: (e) => emit('play-start', { play: e.play, index: e.index, total: e.total, hosts: e.hosts }),
      change: ({ host, record: r }) =>
        emit('task-result', {
          play: r.play, host, task: r.task, action: r.action, summary: r.summary, applied: r.applied,
          ...(r.error ? { error: r.error } : {}),
          ...(r.provides ? { provides: r.provides } : {}),
          ...(o.diff && r.diff ? { diff: r.diff } : {}),
        }),
      // The value itself never reaches an observer: only which provider ran, where, and for whom.
      provided: (e) => emit('provide', { play: e.play, host: e.host, provider: e.provider, on: e.on, command: e.command }),
      hostEnd: (e) => {
        if (e.error) emit('host-failure', { play: e.play, host: e.host, error: e.error, unreachable: e.report.unreachable });
      },
      playEnd: (e) => {
        const p = current();
        emit('play-end', {
          play: e.play,
          ...(p ? { index: p.index, hosts: pr.hostCount(p), changed: p.changed, failed: p.failed.size, elapsedMs: pr.elapsed(p) } : {}),
        });
      },
    },
    end(report) {
      emit('run-end', {
        ...jsonDocument(report, { diff: o.diff }),
        elapsedMs: pr.startedAt === undefined ? 0 : pr.now() - pr.startedAt,
        recap: {
          plays: pr.plays.map((p) => ({ play: p.name, hosts: pr.hostCount(p), changed: p.changed, failed: p.failed.size, elapsedMs: pr.elapsed(p) })),
          slowest: pr.slowest(3),
        },
      });
    },
  };
}
