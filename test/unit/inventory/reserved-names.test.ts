// Issue 19 item 4: `__proto__`, `constructor` and `prototype` as host names or keys are never silently dropped.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { inventoryFromYaml } from '../../../src/inventory/load.js';
import { lintInventory } from '../../../src/inventory/lint/index.js';
import { renderMermaid } from '../../../src/inventory/diagram.js';
import { selectHosts } from '../../../src/playbook/selector.js';
import { runPlaybook } from '../../../src/engine/run.js';
import { parseYamlText } from '../../../src/yaml/index.js';
import { fakeInventory } from '../../support/fake-inventory.js';
import { LocalHosts, LOCK_TOKEN } from '../engine/local-hosts.js';
import { loadYamlPlaybook } from '../engine/run-fixture.js';

const HOMELAB = readFileSync(join(import.meta.dirname, '../../../inventory/homelab.yaml'), 'utf8');
const load = (text: string) => inventoryFromYaml(parseYamlText(text, 'inv.yaml'));
const lineOf = (text: string, needle: string) => text.split('\n').findIndex((l) => l.includes(needle)) + 1;

describe('__proto__', () => {
  it.each([
    ['a host name', HOMELAB.replace('k8s-worker-01:', '__proto__:'), '__proto__:'],
    ['a quoted host name', HOMELAB.replace('k8s-worker-01:', '"__proto__":'), '"__proto__":'],
    ['a key in vars', HOMELAB.replace('    role: worker\n', '    role: worker\n    vars: { __proto__: { admin: true } }\n'), 'vars: {'],
    ['a top-level key', `__proto__: {}\n${HOMELAB}`, '__proto__: {}'],
  ])('as %s is an error at its position', (_, text, needle) => {
    const r = load(text);
    expect(r.inventory).toBeUndefined();
    expect(r.findings[0]).toMatchObject({ level: 'error', message: "the key '__proto__' is not allowed", line: lineOf(text, needle) });
  });
});

describe('constructor and prototype', () => {
  const text = `${HOMELAB.replace('k8s-worker-01:', 'constructor:').trimEnd()}\n  prototype: { address: 192.168.1.53, role: worker, arch: amd64 }\n`;

  it('are ordinary host names: loaded, linted, drawn and selected', () => {
    const r = load(text);
    expect(r.findings).toEqual([]);
    const inv = r.inventory!;
    expect(inv.hosts.map((h) => h.name)).toEqual(['k8s-cp-01', 'constructor', 'prototype']);
    expect(lintInventory(inv, r.source).filter((f) => f.level === 'error')).toEqual([]);
    const chart = renderMermaid(inv);
    for (const n of ['constructor', 'prototype']) expect(chart).toContain(n);
    expect(selectHosts('constructor,prototype', inv).map((h) => h.name)).toEqual(['constructor', 'prototype']);
  });

  it('get their own entry in a run report', async () => {
    const hosts = new LocalHosts();
    const inventory = fakeInventory({
      hosts: ['constructor', 'prototype'].map((name, i) => ({ name, address: `192.168.1.${11 + i}`, role: i === 0 ? 'control-plane' : 'worker', vars: { dir: hosts.dir(name) } })),
    });
    const playbook = await loadYamlPlaybook('name: t\nplays:\n  - name: p\n    hosts: all\n    tasks:\n      - tfile: { name: motd, content: "hi" }\n', inventory);
    const report = await runPlaybook({ playbook, inventory, options: { connector: hosts, lockFile: LOCK_TOKEN, lockMarker: `provision-become-ok-r${process.pid}x`, pollMs: 10 } });
    expect(report).toMatchObject({ changed: 2, failed: 0 });
    expect(Object.keys(report.hosts).sort()).toEqual(['constructor', 'prototype']);
    expect(report.hosts.constructor).toMatchObject({ changed: 1, failed: 0 });
  });
});
