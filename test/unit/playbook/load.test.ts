// Playbook loading: valid files become plays; every mistake is a finding at file:line:col, before any connection.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPlaybook } from '../../../src/playbook/load.js';
import { memoryModuleSource } from '../../../src/playbook/modules.js';
import { fakeInventory } from '../../support/fake-inventory.js';
import { fakeModules } from './fake-modules.js';
import { tempDir } from '../../support/temp-dir.js';

const dir = tempDir('provision-playbook-');
const modules = memoryModuleSource(fakeModules);
const inventory = fakeInventory();

async function load(text: string, extra: Record<string, string> = {}) {
  for (const [name, body] of Object.entries(extra)) writeFileSync(join(dir, name), body);
  const path = join(dir, `pb-${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(path, text);
  return loadPlaybook({ path, inventory, modules });
}

const GOOD = `name: demo
plays:
  - name: files
    hosts: all,!worker
    serial: 1
    tasks:
      - name: motd
        file: { path: /etc/motd, content: "hi\\n" }
        notify: reload
      - command: { argv: [touch, /x], creates: /x }
        when: "host.role == 'control-plane'"
    handlers:
      - name: reload
        command: { argv: ["true"] }
`;

describe('loadPlaybook', () => {
  it('loads a valid playbook with imports', async () => {
    const r = await load(`name: top\nplays:\n  - import: good.yaml\n  - name: second\n    hosts: worker\n    tasks: []\n`, { 'good.yaml': GOOD });
    expect(r.findings).toEqual([]);
    const pb = r.playbook!;
    expect(pb.plays.map((p) => p.name)).toEqual(['files', 'second']);
    const [motd, cmd] = pb.plays[0]!.tasks;
    expect(motd).toMatchObject({ name: 'motd', notify: ['reload'], params: { path: '/etc/motd', content: 'hi\n' } });
    expect(motd!.where).toMatchObject({ line: 8, col: 9 });
    expect(cmd).toMatchObject({ name: 'command /x', when: { source: "host.role == 'control-plane'" } });
    expect(pb.plays[0]!.handlers.map((h) => h.name)).toEqual(['reload']);
    expect(pb.plays[0]!.serial).toBe(1);
  });

  const bad: Array<[string, string, RegExp, number, number]> = [
    ['unknown module', 'name: x\nplays:\n  - name: p\n    hosts: all\n    tasks:\n      - fiel: { path: /a, content: b }\n', /unknown module 'fiel'.*did you mean 'file'/s, 6, 9],
    ['bad params', 'name: x\nplays:\n  - name: p\n    hosts: all\n    tasks:\n      - file:\n          path: relative\n          content: b\n', /path/, 7, 17],
    ['unknown param', 'name: x\nplays:\n  - name: p\n    hosts: all\n    tasks:\n      - file: { path: /a, content: b, mdoe: 1 }\n', /unknown key 'mdoe'.*did you mean 'mode'/s, 6, 39],
    ['two modules', 'name: x\nplays:\n  - name: p\n    hosts: all\n    tasks:\n      - file: { path: /a, content: b }\n        command: { argv: [x] }\n', /2 modules/, 6, 9],
    ['unknown host', 'name: x\nplays:\n  - name: p\n    hosts: k8s-cp-1\n    tasks: []\n', /unknown host or role 'k8s-cp-1'.*did you mean 'k8s-cp-01'/s, 4, 12],
    ['task name with a newline and an ANSI escape', 'name: x\nplays:\n  - name: p\n    hosts: all\n    tasks:\n      - name: "motd\\n\\u001b[2Jall OK"\n        file: { path: /a, content: b }\n', /no newlines, tabs or control characters/, 6, 15],
    ['play name with a newline', 'name: x\nplays:\n  - name: "p\\nPLAY 2/2"\n    hosts: all\n    tasks: []\n', /no newlines, tabs or control characters/, 3, 11],
    ['bad selector', 'name: x\nplays:\n  - name: p\n    hosts: "all;rm -rf"\n    tasks: []\n', /invalid host selector/, 4, 12],
    ['bad when', 'name: x\nplays:\n  - name: p\n    hosts: all\n    tasks:\n      - file: { path: /a, content: b }\n        when: "host.role = 1"\n', /unexpected character/, 7, 15],
    ['missing handler', 'name: x\nplays:\n  - name: p\n    hosts: all\n    tasks:\n      - file: { path: /a, content: b }\n        notify: [restrat]\n    handlers:\n      - name: restart\n        command: { argv: [x] }\n', /no handler named 'restrat'.*did you mean 'restart'/s, 7, 17],
    ['unknown play key', 'name: x\nplays:\n  - name: p\n    hosts: all\n    tsks: []\n', /unknown key 'tsks'|tasks/, 3, 5],
    ['bad serial', 'name: x\nplays:\n  - name: p\n    hosts: all\n    serial: 0\n    tasks: []\n', /serial/, 5, 13],
    ['duplicate key', 'name: x\nname: y\nplays: []\n', /[Dd]uplicate|unique/, 2, 1],
    ['import cycle', 'name: x\nplays:\n  - import: cyc.yaml\n', /import cycle/, 3, 13],
  ];
  it.each(bad)('%s → finding at line:col', async (_label, text, msg, line, col) => {
    const r = await load(text, { 'cyc.yaml': 'name: c\nplays:\n  - import: cyc.yaml\n' });
    expect(r.playbook).toBeUndefined();
    const f = r.findings[0]!;
    expect(`${f.message}\n${f.hint ?? ''}`).toMatch(msg);
    expect([f.line, f.col]).toEqual([line, col]);
  });
});

// Issue 19 item 8: a play whose selector can only select nothing is an error at its hosts: line.
describe('selectors that match no host', () => {
  const pb = (hosts: string) => `name: x\nplays:\n  - name: p\n    hosts: "${hosts}"\n    tasks: []\n`;
  it.each([
    ['all,!all', /matches no host/],
    ['worker,!worker', /matches no host/],
    ['worker[99]', /'worker\[99\]' is past the end: 'worker' has 1 host/],
    ['control-plane[-5]', /past the end/],
    ['all,&worker,!k8s-worker-01', /matches no host/],
  ])('%s → error at the hosts: line', async (hosts, msg) => {
    const r = await load(pb(hosts));
    expect(r.playbook).toBeUndefined();
    expect(r.findings[0]).toMatchObject({ code: 'hosts', line: 4, col: 12, message: expect.stringMatching(msg) });
  });

  it.each(['lb', 'control-plane[1:]', 'worker[-1]', 'all,!lb', 'control-plane[0]'])('%s is fine (a role empty here, an empty slice)', async (hosts) => {
    expect((await load(pb(hosts))).findings).toEqual([]);
  });
});
