// Reporters from data: the exact --json shape, plain lines, diffs, NO_COLOR, and secrets that never print.
import { describe, expect, it } from 'vitest';
import type { RunReport } from '../../../src/engine/report-model.js';
import { paint, usesColor } from '../../../src/report/color.js';
import { renderDiff } from '../../../src/report/diff.js';
import { toJson } from '../../../src/report/json.js';
import { plainObserver } from '../../../src/report/plain.js';
import { createReporter } from '../../../src/report/reporter.js';
import { Secret } from '../../../src/core/secret.js';

const report = (): RunReport => ({
  playbook: 'p', check: false, changed: 1, failed: 1,
  hosts: {
    a: { ok: 2, changed: 1, failed: 0, unreachable: false, changes: [{ play: 'x', task: 'motd', action: 'update', summary: 'update /etc/motd', applied: true, diff: { path: '/etc/motd', before: 'a\nb\n', after: 'a\nc\n' } }] },
    b: { ok: 0, changed: 0, failed: 1, unreachable: true, error: 'connect b: connection refused', changes: [] },
  },
});

describe('json', () => {
  it('prints exactly the documented shape', () => {
    expect(JSON.parse(toJson(report()))).toEqual({
      changed: 1, failed: 1,
      hosts: {
        a: { ok: 2, changed: 1, failed: 0, unreachable: false, changes: [{ task: 'motd', action: 'update', summary: 'update /etc/motd' }] },
        b: { ok: 0, changed: 0, failed: 1, unreachable: true, changes: [], error: 'connect b: connection refused' },
      },
      actions: { create: 0, update: 1, run: 0, delete: 0, hosts: 1 },
    });
  });
  it('never reveals a Secret that slipped into a summary', () => {
    const r = report();
    (r.hosts.a!.changes[0] as { summary: unknown }).summary = new Secret('hunter2');
    expect(toJson(r)).not.toContain('hunter2');
    expect(toJson(r)).toContain('<secret>');
  });
});

describe('colour and diffs', () => {
  const cases: Array<[NodeJS.ProcessEnv, boolean, boolean]> = [
    [{}, true, true],
    [{ NO_COLOR: '1' }, true, false],
    [{}, false, false],
    [{ FORCE_COLOR: '1' }, false, true],
    [{ TERM: 'dumb' }, true, false],
  ];
  it.each(cases)('env %j tty=%s → colour %s', (env, isTTY, want) => expect(usesColor({ isTTY }, env)).toBe(want));

  it('renders a unified diff and hides secrets', () => {
    const d = renderDiff('a', report().hosts.a!.changes[0]!, paint(false))!;
    expect(d).toContain('--- a:/etc/motd');
    expect(d).toMatch(/^-b$/m);
    expect(d).toMatch(/^\+c$/m);
    const s = renderDiff('a', { play: 'x', task: 't', action: 'create', summary: 's', applied: true, diff: { path: '/k', before: '<secret>', after: '<secret>' } }, paint(false))!;
    expect(s).toContain('secret content: not shown');
  });
});

describe('plain output', () => {
  it('prints changes, failures and the recap without colour when NO_COLOR is set', async () => {
    let out = '';
    const stdout = { isTTY: false, write: (s: string) => (out += s) };
    const rep = createReporter({ stdout, env: { NO_COLOR: '1' }, diff: true });
    const r = report();
    rep.observer.playStart?.({ play: 'x', index: 0, total: 1, hosts: ['a', 'b'] });
    rep.observer.change?.({ host: 'a', record: r.hosts.a!.changes[0]! });
    rep.observer.hostEnd?.({ play: 'x', host: 'b', report: r.hosts.b!, error: r.hosts.b!.error });
    await rep.finish(r);
    expect(out).not.toContain('\u001b[');
    expect(out).toContain('a  update  motd: update /etc/motd');
    expect(out).toContain('b  FAILED  connect b: connection refused');
    expect(out).toMatch(/RECAP\na\s+ok=2 changed=1 failed=0\s+changed\nb\s+ok=0 changed=0 failed=1\s+UNREACHABLE/);
    expect(out).toContain('total: changed 1, failed hosts 1');
  });
  it('shows noops only with -v', () => {
    let out = '';
    const o = plainObserver({ write: (s) => (out += s), paint: paint(false) });
    o.change?.({ host: 'a', record: { play: 'x', task: 't', action: 'noop', summary: 'fine', applied: false } });
    expect(out).toBe('');
    const v = plainObserver({ write: (s) => (out += s), paint: paint(false), verbose: true });
    v.change?.({ host: 'a', record: { play: 'x', task: 't', action: 'noop', summary: 'fine', applied: false } });
    expect(out).toContain('t: fine');
  });
  it('--json prints one JSON document and nothing else', async () => {
    let out = '';
    const rep = createReporter({ json: true, stdout: { isTTY: true, write: (s: string) => (out += s) } });
    rep.observer.playStart?.({ play: 'x', index: 0, total: 1, hosts: ['a'] });
    await rep.finish(report());
    expect(out.trim().split('\n')).toHaveLength(1);
    expect(JSON.parse(out).changed).toBe(1);
  });
});
