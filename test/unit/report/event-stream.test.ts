// --events from real runs (fake hosts, real sh): one JSON object per line, the documented types in order,
// secrets masked, and a last event whose totals are exactly the --json document of the same run.
import { describe, expect, it } from 'vitest';
import { runPlaybook } from '../../../src/engine/run.js';
import type { RunReport } from '../../../src/engine/report-model.js';
import { EVENTS_SCHEMA_VERSION } from '../../../src/report/event-stream.js';
import { toJson } from '../../../src/report/json.js';
import { createReporter } from '../../../src/report/reporter.js';
import { LOCK_TOKEN } from '../engine/local-hosts.js';
import { loadYamlPlaybook, threeHosts } from '../engine/run-fixture.js';

const PB = `name: t
plays:
  - name: files
    hosts: all
    tasks:
      - tfile: { name: motd, content: "hello\\n" }
      - tfile: { name: ready, content: "" }
      - tcmd: { script: 'test "$(basename "$PWD")" != h1 || { echo broken >&2; exit 3; }' }
  - name: join
    hosts: all
    tasks:
      - tsecret: { name: join.conf, template: "token: {{tok.value}}\\n" }
`;

async function runWith(opts: { events?: boolean; json?: boolean; check?: boolean; diff?: boolean }, env = threeHosts()) {
  let out = '';
  const rep = createReporter({ ...opts, stdout: { isTTY: false, write: (s: string) => (out += s) }, env: {} });
  const playbook = await loadYamlPlaybook(PB, env.inventory);
  const report: RunReport = await runPlaybook({
    playbook, inventory: env.inventory,
    options: { connector: env.hosts, lockFile: LOCK_TOKEN, lockMarker: `provision-become-ok-r${process.pid}x`, pollMs: 10, check: opts.check, observer: rep.observer },
  });
  await rep.finish(report);
  return { out, report, env };
}

const parseLines = (out: string) => out.trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);

// Fake hosts are real processes: on a loaded machine a run takes seconds.
describe('--events', { timeout: 60_000 }, () => {
  it('prints one JSON object per line: run-start, play-start, task-result, host-failure, play-end, run-end', async () => {
    const { out } = await runWith({ events: true, diff: true });
    expect(out.endsWith('\n')).toBe(true);
    const events = parseLines(out);
    for (const e of events) {
      expect(e.schemaVersion).toBe(EVENTS_SCHEMA_VERSION);
      expect(Number.isNaN(Date.parse(String(e.time)))).toBe(false);
    }
    const types = events.map((e) => e.type);
    expect(types[0]).toBe('run-start');
    expect(types.at(-1)).toBe('run-end');
    expect(types.filter((t) => t === 'play-start')).toHaveLength(2);
    expect(types.filter((t) => t === 'play-end')).toHaveLength(2);
    expect(events[0]).toMatchObject({ playbook: 't', check: false, plays: ['files', 'join'] });
    expect(events.find((e) => e.type === 'play-start')).toMatchObject({ play: 'files', index: 0, total: 2, hosts: ['h1', 'h2', 'h3'] });
    expect(events).toContainEqual(expect.objectContaining({ type: 'task-result', play: 'files', host: 'h2', action: 'create', applied: true, summary: expect.any(String) }));
    expect(events).toContainEqual(expect.objectContaining({ type: 'task-result', play: 'files', host: 'h1', action: 'run', applied: false, error: expect.stringMatching(/exit 3/) }));
    const failure = events.filter((e) => e.type === 'host-failure');
    expect(failure).toEqual([expect.objectContaining({ play: 'files', host: 'h1', unreachable: false, error: expect.stringMatching(/broken/) })]);
    // Each play-end comes after its play's results, with its counts.
    const firstEnd = types.indexOf('play-end');
    expect(types.slice(0, firstEnd)).toContain('host-failure');
    expect(events[firstEnd]).toMatchObject({ play: 'files', hosts: 3, changed: 8, failed: 1, elapsedMs: expect.any(Number) });
    // The join's provide step: listed in its task-result, and a provide event says which host made the value.
    const joins = events.filter((e) => e.type === 'task-result' && e.play === 'join');
    expect(joins.length).toBeGreaterThan(0);
    for (const j of joins) expect(j.provides).toEqual([expect.stringMatching(/ on the first ready of h1, h2, h3 \(secret output, made once per run\)$/)]);
    const provided = events.filter((e) => e.type === 'provide');
    expect(provided).toHaveLength(joins.length);
    for (const p of provided) expect(p).toMatchObject({ play: 'join', provider: 'tok', on: expect.stringMatching(/^h[123]$/), command: expect.stringContaining('touch provided') });
    expect(new Set(provided.map((p) => p.on)).size).toBe(1); // made once per run, on one host
    expect(types.indexOf('provide')).toBeLessThan(types.lastIndexOf('task-result'));
    // The provider's secret reached the hosts but no event.
    expect(out).not.toContain('s3cr3t');
    expect(out).toContain('<secret>');
  });

  it('the last event holds exactly the --json totals of the same run', async () => {
    const a = await runWith({ events: true });
    const b = await runWith({ json: true });
    const last = parseLines(a.out).at(-1)!;
    const json = JSON.parse(b.out) as Record<string, unknown>;
    const pick = Object.fromEntries(Object.keys(json).map((k) => [k, last[k]]));
    expect(pick).toEqual(json);
    expect(JSON.parse(toJson(a.report))).toEqual(json);
    expect(last).toMatchObject({ changed: 10, failed: 1, actions: { create: 8, update: 0, run: 2, delete: 0, hosts: 3 } });
    expect(last.recap).toMatchObject({ plays: [{ play: 'files', hosts: 3 }, { play: 'join', hosts: 2 }], slowest: expect.any(Array) });
    expect((last.recap as { slowest: unknown[] }).slowest).toHaveLength(3);
  });

  it('under --check the last event carries the plan counts and check: true', async () => {
    const { out } = await runWith({ events: true, check: true });
    const last = parseLines(out).at(-1)!;
    expect(last).toMatchObject({ type: 'run-end', check: true, failed: 0, actions: { create: 9, run: 3, update: 0, delete: 0, hosts: 3 } });
    expect(parseLines(out).filter((e) => e.type === 'task-result').every((e) => e.applied === false)).toBe(true);
    // --check lists each join's provide step in its task-result; nothing is made, so no provide event.
    expect(parseLines(out).filter((e) => e.type === 'task-result' && e.play === 'join').map((e) => e.provides)).toEqual([0, 1, 2].map(() => [expect.stringContaining('touch provided')]));
    expect(parseLines(out).filter((e) => e.type === 'provide')).toEqual([]);
  });
});
