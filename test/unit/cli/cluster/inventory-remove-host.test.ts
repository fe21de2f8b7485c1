// --write-inventory deletes one host's lines and nothing else, on the real inventories' layouts.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { removeHostFromText } from '../../../../src/cli/cluster/inventory-remove-host.js';

const ROOT = join(import.meta.dirname, '../../../..');

describe('removeHostFromText', () => {
  it('goldentooth (flow maps, comments): only that host line goes', () => {
    const text = readFileSync(join(ROOT, 'inventory/goldentooth.yaml'), 'utf8');
    const out = removeHostFromText(text, 'dalt');
    const before = parse(text) as { hosts: Record<string, unknown> };
    const after = parse(out) as { hosts: Record<string, unknown> };
    expect(Object.keys(after.hosts)).toEqual(Object.keys(before.hosts).filter((h) => h !== 'dalt'));
    expect(text.split('\n').length - out.split('\n').length).toBe(1);
    expect(out).toContain('# HAProxy, NFS server');
  });
  it('a block-style host spanning lines', () => {
    const text = 'cluster: { name: x }\nhosts:\n  a:\n    address: 10.0.0.1 # first\n    role: control-plane\n  b:\n    address: 10.0.0.2\n    role: worker\n# end\n';
    expect(removeHostFromText(text, 'a')).toBe('cluster: { name: x }\nhosts:\n  b:\n    address: 10.0.0.2\n    role: worker\n# end\n');
    expect(removeHostFromText(text, 'b')).toBe('cluster: { name: x }\nhosts:\n  a:\n    address: 10.0.0.1 # first\n    role: control-plane\n# end\n');
  });
  it('throws for a host that is not there', () => {
    expect(() => removeHostFromText('hosts:\n  a: { address: 10.0.0.1 }\n', 'b')).toThrow(/hosts.b not found/);
  });
});
