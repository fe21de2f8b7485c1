// `when:` expressions as a table: expression → value for a host and its base facts, or a parse error.
import { describe, expect, it } from 'vitest';
import { parseWhen, usesFacts, WhenError, whenHolds } from '../../../src/playbook/when.js';
import { DEFAULT_BASE } from '../../support/fake-facts.js';
import type { Host } from '../../../src/inventory/types.js';

const host: Host = { name: 'cp1', role: 'control-plane', address: '10.0.0.1', arch: 'arm64', board: 'raspberry-pi', labels: { zone: 'a' }, vars: { gpu: true, n: 3 } };
const facts = { ...DEFAULT_BASE, networkStack: 'netplan' as const };

const cases: Array<[string, boolean | RegExp]> = [
  ["host.role == 'control-plane'", true],
  ['host.role == "worker"', false],
  ["host.role != 'worker'", true],
  ["host.board == 'raspberry-pi' and host.arch == 'arm64'", true],
  ["host.role in ['worker', 'lb']", false],
  ["host.role not in ['worker', 'lb']", true],
  ["host.labels.zone == 'a'", true],
  ['host.labels.missing', false],
  ['host.labels.missing == null', true],
  ['vars.gpu', true],
  ['vars.n == 3', true],
  ['not vars.gpu or vars.n == 3', true],
  ['not (vars.gpu or vars.n == 3)', false],
  ["facts.networkStack == 'netplan'", true],
  ["facts.os.id in ['debian', 'ubuntu']", true],
  ["'deb' in facts.os.id", true],
  ["a == 'b'", /unknown name/],
  ["host.role ==", /expected a value/],
  ["host.role == 'x' extra", /unexpected token/],
  ['process.exit()', /unknown name/],
  ['host.role = 1', /unexpected character/],
  ['', /empty expression/],
];

describe('when expressions', () => {
  it.each(cases)('%j', (src, want) => {
    if (want instanceof RegExp) expect(() => parseWhen(src)).toThrow(want);
    else expect(whenHolds(parseWhen(src), { host, facts })).toBe(want);
  });
  it('knows which expressions need facts', () => {
    expect(usesFacts(parseWhen("host.role == 'lb' or facts.board == 'generic'"))).toBe(true);
    expect(usesFacts(parseWhen("host.role == 'lb'"))).toBe(false);
  });
});

// Issue 19 item 6: absurd nesting in `when:` is a positioned error, never a stack overflow.
describe('when: nesting limits', () => {
  it.each([
    ['500 parentheses', '('.repeat(500), /nesting deeper than 32 levels/, 32],
    ['500 nots', 'not '.repeat(500) + 'true', /nesting deeper than 32 levels/, 128],
    ['a chain of 30 000 ands', Array(30_000).fill('true').join(' and '), /longer than 1000 tokens/, 4500],
  ])('%s', (_, src, msg, offset) => {
    let caught: unknown;
    try {
      parseWhen(src);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(WhenError);
    expect((caught as WhenError).message).toMatch(msg);
    expect((caught as WhenError).offset).toBe(offset);
  });

  it('32 levels are fine', () => {
    expect(() => parseWhen(`${'('.repeat(32)}true${')'.repeat(32)}`)).not.toThrow();
  });
});
