// The probe script: items deduped, hostile paths quoted, and the real script parses on this machine's sh.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { buildProbe, dedupeItems } from '../../../src/facts/probe.js';
import { parseProbe } from '../../../src/facts/parse-probe.js';
import { createFacts } from '../../../src/facts/facts.js';
import { newMarker } from '../../../src/facts/parse-sections.js';

describe('buildProbe', () => {
  it('dedupes items across tasks and rejects one command key with two scripts', () => {
    expect(dedupeItems([
      { kind: 'file', path: '/a' }, { kind: 'file', path: '/a' }, { kind: 'package', name: 'a' },
      { kind: 'command', key: 'k', script: 'x' }, { kind: 'command', key: 'k', script: 'x' },
    ])).toHaveLength(3);
    expect(() => dedupeItems([{ kind: 'command', key: 'k', script: 'x' }, { kind: 'command', key: 'k', script: 'y' }])).toThrow(/twice/);
  });

  const hostile = ["/tmp/a'b", '/tmp/$(touch /tmp/pwned)', '/tmp/`id`', '/tmp/a b;c', '/tmp/new\nline'];
  it.each(hostile)('runs with a hostile path %j without executing it', (path) => {
    const marker = newMarker();
    const probe = buildProbe({ items: [{ kind: 'file', path }, { kind: 'command', key: 'c', script: "echo 'q' \"$HOME\" | tr q Q; exit 4" }], marker, skipBase: true });
    expect(probe.script).toContain(marker);
    const out = execFileSync('sh', ['-c', probe.script], { encoding: 'utf8' });
    const facts = createFacts(parseProbe(out, probe).tables);
    expect(facts.file(path)).toEqual({ exists: false });
    expect(facts.command('c').code).toBe(4);
    expect(facts.command('c').stdout).toMatch(/^Q /);
  });

  it('reads this machine: base sections parse and the probe completes', () => {
    const probe = buildProbe({ items: [{ kind: 'file', path: '/etc/os-release' }], marker: newMarker(), nodesProbeAddress: '127.0.0.1' });
    const parsed = parseProbe(execFileSync('sh', ['-c', probe.script], { encoding: 'utf8' }), probe);
    expect(parsed.complete).toBe(true);
    expect(parsed.tables.base.hostname.length).toBeGreaterThan(0);
    expect(parsed.tables.files?.get('/etc/os-release')?.exists).toBe(true);
  });
});
