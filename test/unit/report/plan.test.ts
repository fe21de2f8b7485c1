// The plan grouped by host, each change with its action, and the counts line; the same counts in --json.
import { describe, expect, it } from 'vitest';
import type { ChangeRecord, RunReport } from '../../../src/engine/report-model.js';
import { paint } from '../../../src/report/color.js';
import { toJson } from '../../../src/report/json.js';
import { countActions, countsLine, renderPlan } from '../../../src/report/plan.js';

const rec = (task: string, action: ChangeRecord['action'], extra: Partial<ChangeRecord> = {}): ChangeRecord => ({ play: 'p', task, action, summary: `${action} ${task}`, applied: false, ...extra });

const plan = (): RunReport => ({
  playbook: 'up', check: true, changed: 6, failed: 0,
  hosts: {
    cp1: { ok: 1, changed: 4, failed: 0, unreachable: false, changes: [rec('hosts', 'update', { diff: { path: '/etc/hosts', before: 'a\n', after: 'b\n' } }), rec('kubeadm init', 'run'), rec('firewall', 'create'), rec('old', 'delete')] },
    w1: { ok: 2, changed: 2, failed: 0, unreachable: false, changes: [rec('hosts', 'update'), rec('containerd', 'create')] },
    w2: { ok: 5, changed: 0, failed: 0, unreachable: false, changes: [] },
  },
});

describe('plan', () => {
  it('counts each action and the hosts that have changes', () => {
    expect(countActions(plan())).toEqual({ create: 2, update: 2, run: 1, delete: 1, hosts: 2 });
    expect(countsLine(countActions(plan()), true)).toBe('2 to create, 2 to update, 1 to run, 1 to delete on 2 hosts');
    expect(countsLine({ create: 0, update: 1, run: 0, delete: 0, hosts: 1 }, true)).toBe('0 to create, 1 to update, 0 to run, 0 to delete on 1 host');
  });

  it("lists a change's provide steps under it, in --json too (what runs where, never a value)", () => {
    const provides = ['sudo kubeadm token create --print-join-command --ttl 30m on the first ready of cp1, cp2 (secret output, made once per run)'];
    const r: RunReport = { playbook: 'up', check: true, changed: 1, failed: 0, hosts: { w1: { ok: 0, changed: 1, failed: 0, unreachable: false, changes: [rec('join', 'run', { provides })] } } };
    expect(renderPlan(r, { paint: paint(false) }).split('\n').slice(1, 4)).toEqual(['w1', '  > run     join: run join', `             first: ${provides[0]}`]);
    expect(toJson(r)).toContain('"provides":["sudo kubeadm token create');
  });

  it('groups changes by host, in order, each with its action; hosts without changes are left out', () => {
    const out = renderPlan(plan(), { paint: paint(false) });
    expect(out).toBe(
      [
        'PLAN',
        'cp1',
        '  ~ update  hosts: update hosts',
        '  > run     kubeadm init: run kubeadm init',
        '  + create  firewall: create firewall',
        '  - delete  old: delete old',
        'w1',
        '  ~ update  hosts: update hosts',
        '  + create  containerd: create containerd',
        '2 to create, 2 to update, 1 to run, 1 to delete on 2 hosts',
        '',
      ].join('\n'),
    );
  });

  it('--diff puts each diff under its change', () => {
    const out = renderPlan(plan(), { paint: paint(false), diff: true }).split('\n');
    const at = out.indexOf('  ~ update  hosts: update hosts');
    expect(out.slice(at + 1, at + 3)).toEqual(['    --- cp1:/etc/hosts\t', '    +++ cp1:/etc/hosts\t']);
    expect(out).toContain('    -a');
    expect(out).toContain('    +b');
  });

  it('after a real run it counts what was applied, not failed changes', () => {
    const r: RunReport = {
      playbook: 'up', check: false, changed: 1, failed: 1,
      hosts: {
        a: { ok: 0, changed: 1, failed: 0, unreachable: false, changes: [rec('f', 'create', { applied: true })] },
        b: { ok: 0, changed: 0, failed: 1, unreachable: false, error: 'x', changes: [rec('f', 'create', { error: 'disk full' })] },
      },
    };
    expect(countActions(r)).toEqual({ create: 1, update: 0, run: 0, delete: 0, hosts: 1 });
    expect(renderPlan(r, { paint: paint(false) })).toMatch(/^CHANGES\na\n {2}\+ create {2}f: create f\n1 created, 0 updated, 0 run, 0 deleted on 1 host\n$/);
  });

  it('--json carries the same counts as `actions`, next to the fields it always had', () => {
    const doc = JSON.parse(toJson(plan())) as Record<string, unknown>;
    expect(doc).toMatchObject({ changed: 6, failed: 0, check: true, actions: countActions(plan()) });
    expect(Object.keys(doc.hosts as object)).toEqual(['cp1', 'w1', 'w2']);
  });
});
