// Data-driven module tests: params + facts → expected Change(s), with the same checks for every module.
//
// Usage (one file per module, test/unit/modules/<module>.test.ts):
//
//   import mod from '../../../src/modules/generic/file.js';
//   import { runModuleCases } from './harness.js';
//   runModuleCases(mod, [
//     { name: 'creates a missing file', params: { path: '/etc/x', content: 'a\n' },
//       expect: { action: 'create', summary: /create \/etc\/x/, steps: [{ kind: 'write', path: '/etc/x' }], diff: true } },
//     { name: 'noop when equal', params: { path: '/etc/x', content: 'a\n' }, facts: { files: { '/etc/x': 'a\n' } },
//       expect: { action: 'noop', summary: '/etc/x up to date' } },
//     { name: 'rejects unknown params', params: { path: '/etc/x', bogus: 1 }, expect: { error: /bogus/ } },
//   ]);
//
// A case: { name, params, facts?: FakeFactsSpec (test/support/fake-facts.ts), host?: host name,
//   inventory?: Inventory (default fakeInventory()), peers?: { NAME: FakeFactsSpec }, expect }.
// expect is one of:
//   { error: string | RegExp }             schema (zod) or plan error; the message must match
//   { action, summary?, steps?, diff?, probe?, converges? }   exactly one Change
//   { changes: [{ action, summary?, steps?, diff? }, ...], probe?, converges? }   several Changes, in order
// summary: exact string or RegExp. steps: partial objects matched in order (toMatchObject; same length).
// diff: true/false (present or not) or partial { path?, before?, after? }. probe: partial ProbeItems, same length.
//
// Checked for EVERY case, whatever expect says:
// - plan() reads only facts its probe() declared (like the real engine), and the case's facts spec
//   lists only items the module probes (a typo in a case is an error, not a silently absent file);
// - every Change has a summary, and steps exactly when its action is not noop;
// - convergence: when all steps are file writes/deletes (or chmod/chown), the harness applies them to
//   the facts and plans again: that second plan must be all noop. `converges: false` opts out.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Action, Change, Facts, FileFact, Module, ProbeItem, Step } from '../../../src/core/types.js';
import type { Inventory } from '../../../src/inventory/types.js';
import { factKey } from '../../../src/core/fact-key.js';
import { fakeFacts, type FakeFactsSpec } from '../../support/fake-facts.js';
import { fakeInventory } from '../../support/fake-inventory.js';

export interface ChangeExpect {
  action: Action;
  summary?: string | RegExp;
  steps?: Array<Record<string, unknown>>;
  diff?: boolean | { path?: string; before?: string; after?: string };
}

export type CaseExpect =
  | { error: string | RegExp }
  | (ChangeExpect & { probe?: Array<Record<string, unknown>>; converges?: boolean })
  | { changes: ChangeExpect[]; probe?: Array<Record<string, unknown>>; converges?: boolean };

export interface ModuleCase {
  name: string;
  params: unknown;
  facts?: FakeFactsSpec;
  host?: string;
  inventory?: Inventory;
  peers?: Record<string, FakeFactsSpec>;
  task?: string;
  expect: CaseExpect;
}

const probeId = (p: ProbeItem) => `${p.kind}:${p.kind === 'command' ? p.key : p.kind === 'file' ? p.path : p.kind === 'fact' ? factKey(p.fact, p.args) : p.name}`;

/** Facts that throw when plan() reads what probe() did not declare, as the real engine's facts do. */
function guardFacts(facts: Facts, probe: ProbeItem[]): Facts {
  const ids = new Set(probe.map(probeId));
  const guard = <T>(kind: string, get: (k: string) => T) => (k: string) => {
    if (!ids.has(`${kind}:${k}`)) throw new Error(`${kind} fact '${k}' was not probed (declare it in the module's probe())`);
    return get(k);
  };
  return {
    base: facts.base, file: guard('file', facts.file), package: guard('package', facts.package), service: guard('service', facts.service), command: guard('command', facts.command),
    fact: (kind, args) => {
      guard('fact', () => undefined)(factKey(kind.name, args));
      return facts.fact(kind, args);
    },
  };
}

function checkSpecIsProbed(spec: FakeFactsSpec, probe: ProbeItem[]): void {
  const ids = new Set(probe.map(probeId));
  const listed = [
    ...Object.keys(spec.files ?? {}).map((k) => `file:${k}`),
    ...Object.keys(spec.packages ?? {}).map((k) => `package:${k}`),
    ...Object.keys(spec.services ?? {}).map((k) => `service:${k}`),
    ...Object.keys(spec.commands ?? {}).map((k) => `command:${k}`),
    ...Object.keys(spec.facts ?? {}).map((k) => `fact:${k}`),
  ];
  const stray = listed.filter((id) => !ids.has(id));
  if (stray.length) throw new Error(`the case lists facts the module never probes: ${stray.join(', ')} (probed: ${[...ids].join(', ')})`);
}

export interface PlanResult {
  params: unknown;
  probe: ProbeItem[];
  changes: Change[];
}

/** Parses params, probes and plans one case (throws schema/plan errors). Usable outside runModuleCases. */
export function planCase<P>(mod: Module<P>, c: Omit<ModuleCase, 'expect'>): PlanResult {
  const inventory = c.inventory ?? fakeInventory();
  const host = c.host ? inventory.hosts.find((h) => h.name === c.host) : inventory.hosts[0];
  if (!host) throw new Error(`case '${c.name}': no host ${c.host ?? '(first)'} in the inventory`);
  const params = mod.schema.parse(c.params);
  const probe = mod.probe(params, { host, inventory });
  const spec = c.facts ?? {};
  checkSpecIsProbed(spec, probe);
  const peers = new Map(Object.entries(c.peers ?? {}).map(([name, s]) => [name, fakeFacts(s)]));
  const result = mod.plan(params, { host, inventory, facts: guardFacts(fakeFacts(spec), probe), peers, task: c.task ?? c.name });
  return { params, probe, changes: Array.isArray(result) ? result : [result] };
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/** The files spec after the steps ran, or undefined when a step is not a file operation we can simulate. */
export function applyFileSteps(spec: FakeFactsSpec, facts: Facts, steps: Step[]): FakeFactsSpec | undefined {
  const files: Record<string, string | null | FileFact> = { ...(spec.files ?? {}) };
  const current = (path: string): FileFact => {
    const v = files[path];
    if (v === undefined) return facts.file(path);
    if (v === null) return { exists: false };
    return typeof v === 'string' ? { exists: true, content: v, sha256: sha256(v), mode: 0o644, owner: 'root', group: 'root' } : v;
  };
  for (const s of steps) {
    if (s.kind === 'write') {
      if (typeof s.content !== 'string') return undefined;
      const prev = current(s.path);
      const keep = prev.exists ? prev : { mode: 0o644, owner: 'root', group: 'root' };
      files[s.path] = { exists: true, content: s.content, sha256: sha256(s.content), mode: s.mode ?? keep.mode, owner: s.owner ?? keep.owner, group: s.group ?? keep.group };
    } else if (s.kind === 'delete') {
      files[s.path] = null;
    } else if (s.kind === 'exec' && (s.command.argv[0] === 'chmod' || s.command.argv[0] === 'chown') && s.command.argv.length === 3) {
      const [prog, arg, path] = s.command.argv as [string, string, string];
      const prev = current(path);
      if (prog === 'chmod') files[path] = { ...prev, mode: parseInt(arg, 8) };
      else {
        const [owner, group] = arg.split(':');
        files[path] = { ...prev, ...(owner ? { owner } : {}), ...(group ? { group } : {}) };
      }
    } else return undefined;
  }
  return { ...spec, files };
}

function matchText(actual: string, want: string | RegExp): void {
  if (typeof want === 'string') expect(actual).toBe(want);
  else expect(actual).toMatch(want);
}

function checkChange(actual: Change, want: ChangeExpect): void {
  expect(actual.action, `action of '${actual.summary}'`).toBe(want.action);
  if (want.summary !== undefined) matchText(actual.summary, want.summary);
  if (want.steps !== undefined) expect(actual.steps).toMatchObject(want.steps);
  if (want.diff === true) expect(actual.diff, 'a diff').toBeDefined();
  else if (want.diff === false) expect(actual.diff, 'no diff').toBeUndefined();
  else if (want.diff) expect(actual.diff).toMatchObject(want.diff);
}

function checkInvariants(changes: Change[]): void {
  expect(changes.length, 'plan() returns at least one Change').toBeGreaterThan(0);
  for (const ch of changes) {
    expect(ch.summary.trim(), 'every change has a summary').not.toBe('');
    if (ch.action === 'noop') expect(ch.steps, `noop '${ch.summary}' has no steps`).toEqual([]);
    else expect(ch.steps.length, `'${ch.summary}' has steps`).toBeGreaterThan(0);
  }
}

/** Runs one case's checks (inside an `it`). */
export function checkCase<P>(mod: Module<P>, c: ModuleCase): void {
  const want = c.expect;
  if ('error' in want) {
    expect(() => planCase(mod, c)).toThrow(want.error);
    return;
  }
  const { probe, changes } = planCase(mod, c);
  checkInvariants(changes);
  if (want.probe) expect(probe).toMatchObject(want.probe);
  const wanted = 'changes' in want ? want.changes : [want];
  expect(changes.map((x) => `${x.action}: ${x.summary}`), 'actions of the changes').toEqual(changes.map((x, i) => `${wanted[i]?.action ?? '(none expected)'}: ${x.summary}`));
  expect(changes.length, 'number of changes').toBe(wanted.length);
  changes.forEach((ch, i) => checkChange(ch, wanted[i]!));
  if (want.converges === false) return;
  const steps = changes.flatMap((x) => x.steps);
  if (steps.length === 0) return;
  const spec = c.facts ?? {};
  const after = applyFileSteps(spec, fakeFacts(spec), steps);
  if (want.converges === true && !after) throw new Error('converges: true, but the steps are not all file operations the harness can apply');
  if (!after) return;
  const again = planCase(mod, { ...c, facts: after });
  expect(again.changes.map((x) => `${x.action}: ${x.summary}`), 'a second plan after applying the steps').toEqual(again.changes.map((x) => `noop: ${x.summary}`));
}

/** One `describe(module.name)` with one `it` per case. */
export function runModuleCases<P>(mod: Module<P>, cases: ModuleCase[]): void {
  describe(`module ${mod.name}`, () => {
    const names = new Set<string>();
    for (const c of cases) {
      if (names.has(c.name)) throw new Error(`duplicate case name '${c.name}'`);
      names.add(c.name);
      it(c.name, () => checkCase(mod, c));
    }
  });
}
