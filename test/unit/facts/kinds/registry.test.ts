// The fact-kind registry: every file in src/facts/kinds/ is listed once, each script is valid sh, and the probe runs each.
import { sysctl } from '../../../../src/facts/kinds/sysctl.js';
import { execa } from 'execa';
import { readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FACT_KINDS, factKind } from '../../../../src/facts/kinds/index.js';
import { buildProbe, dedupeItems } from '../../../../src/facts/probe.js';
import { parseProbe } from '../../../../src/facts/parse-probe.js';
import { factKey } from '../../../../src/core/fact-key.js';
import { fakeInventory } from '../../../support/fake-inventory.js';

const DIR = resolve(import.meta.dirname, '../../../../src/facts/kinds');
const inventory = fakeInventory();

describe('fact kinds', () => {
  it('lists one kind per file of src/facts/kinds/, each name once', () => {
    const files = readdirSync(DIR).filter((f) => f.endsWith('.ts') && f !== 'index.ts').map((f) => f.replace(/\.ts$/, ''));
    expect(FACT_KINDS.map((k) => k.name).sort()).toEqual(files.sort());
    expect(new Set(FACT_KINDS.map((k) => k.name)).size).toBe(FACT_KINDS.length);
  });

  it.each(FACT_KINDS.map((k) => [k.name, k] as const))('%s: its script parses as POSIX sh (sh -n)', async (_name, kind) => {
    const r = await execa('sh', ['-n', '-c', kind.script(kind.shown(inventory))], { reject: false });
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
  });

  it('an unknown kind fails before a probe is built', () => {
    expect(() => factKind('no-such-kind')).toThrow(/unknown fact kind 'no-such-kind'/);
    expect(() => buildProbe({ items: [{ kind: 'fact', fact: 'no-such-kind' }], marker: '@@m@@' })).toThrow(/unknown fact kind/);
  });

  it('the same kind with the same args from two tasks is one item; other args are another', () => {
    const a = { kind: 'fact' as const, fact: 'sysctl', args: { names: ['net.ipv4.ip_forward'] } };
    const b = { kind: 'fact' as const, fact: 'sysctl', args: { names: ['vm.swappiness'] } };
    expect(dedupeItems([a, { ...a, args: { names: ['net.ipv4.ip_forward'] } }, b])).toEqual([a, b]);
  });

  it('runs in the one probe script (real sh): output and exit code land under the fact key', async () => {
    const names = ['kernel.no_such_key_for_provision', 'kernel/pid_max'];
    const items = [{ kind: 'fact' as const, fact: 'net-links' }, { kind: 'fact' as const, fact: 'sysctl', args: { names } }];
    const probe = buildProbe({ items, marker: '@@m@@', skipBase: true });
    const r = await execa('sh', ['-c', probe.script]);
    const { tables } = parseProbe(r.stdout, probe);
    expect(tables.facts?.get(factKey('net-links'))?.stdout.split('\n')).toContain('lo');
    const out = tables.facts!.get(factKey('sysctl', { names }))!;
    expect(out.stdout).toMatch(/^kernel\.pid_max = \d+\n$/);
    // One sysctl call for every key: a missing key is null, a key given with '/' is found under sysctl's dotted name.
    const parsed = sysctl.parse(out, { names });
    expect(parsed['kernel.no_such_key_for_provision']).toBeNull();
    expect(Number(parsed['kernel/pid_max'])).toBeGreaterThan(0);
  });
});
