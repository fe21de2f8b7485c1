// The bench's start figure: milliseconds from the spawn to the run-start event of an --events stream.
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain ES module of the bench, without types
import { runStartMs } from '../../../bench/run-start.mjs';

const line = (o: object) => JSON.stringify({ schemaVersion: 1, ...o });

describe('runStartMs', () => {
  it('reads the run-start event, not a line that only mentions it', () => {
    const events = [
      line({ type: 'task-result', time: '2026-12-04T19:45:01.000Z', summary: 'said "run-start" in passing' }),
      line({ type: 'run-start', time: '2026-12-04T19:45:02.305Z', playbook: 'up' }),
      line({ type: 'play-start', time: '2026-12-04T19:45:03.861Z' }),
    ].join('\n');
    expect(runStartMs(events, Date.parse('2026-12-04T19:45:01.900Z'))).toBe(405);
  });

  it('fails a stream without one', () => {
    expect(() => runStartMs(line({ type: 'run-end', time: '2026-12-04T19:45:02.305Z' }), 0)).toThrow(/no run-start event/);
  });
});
