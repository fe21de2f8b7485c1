// Issue 19 items 1, 2 and 8: imports are loaded once per file, capped, confined to the playbook's tree,
// never echo a foreign file, and every import error points at the `import:` line of the importing file.
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import * as yamlIndex from '../../../src/yaml/index.js';
import { loadPlaybook, MAX_PLAYS } from '../../../src/playbook/load.js';
import { memoryModuleSource } from '../../../src/playbook/modules.js';
import { fakeInventory } from '../../support/fake-inventory.js';
import { fakeModules } from './fake-modules.js';
import { tempDir } from '../../support/temp-dir.js';

const base = tempDir('provision-imports-');
afterAll(() => rmSync(base, { recursive: true, force: true }));
const modules = memoryModuleSource(fakeModules);
const inventory = fakeInventory();
let n = 0;

/** A fresh directory holding `files`; returns the path of the first one. */
function tree(files: Record<string, string>): { dir: string; top: string } {
  const dir = join(base, `t${n++}`);
  for (const [name, body] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), body);
  }
  return { dir, top: join(dir, Object.keys(files)[0]!) };
}

const play = (name: string) => `  - name: ${name}\n    hosts: all\n    tasks: []\n`;
const importing = (name: string, targets: string[]) => `name: ${name}\nplays:\n${targets.map((t) => `  - import: ${t}\n`).join('')}`;

describe('imports fan out without cost', () => {
  it('a file imported 8 times by each of 6 levels is parsed once per file and refused by the play cap at the import line', async () => {
    const files: Record<string, string> = {};
    for (let l = 0; l < 6; l++) files[`l${l}.yaml`] = importing(`l${l}`, Array(8).fill(`l${l + 1}.yaml`));
    files['l6.yaml'] = `name: leaf\nplays:\n${play('leaf')}`;
    const { top, dir } = tree(files);
    const r = await loadPlaybook({ path: top, inventory, modules });
    expect(r.playbook).toBeUndefined();
    const f = r.findings.find((x) => x.code === 'import')!;
    expect(f.message).toMatch(new RegExp(`more than ${MAX_PLAYS} plays`));
    expect(f.file.startsWith(dir)).toBe(true);
    expect(f.col).toBe(13); // the value of `- import: ...`
  });

  it('a file imported twice gives its plays twice but is read once', async () => {
    const { top } = tree({ 'top.yaml': importing('top', ['a.yaml', 'a.yaml']), 'a.yaml': `name: a\nplays:\n${play('p')}` });
    const r = await loadPlaybook({ path: top, inventory, modules });
    expect(r.findings).toEqual([]);
    expect(r.playbook!.plays.map((p) => p.name)).toEqual(['p', 'p']);
  });

  it('a cycle through a symlink is still a cycle', async () => {
    const { top, dir } = tree({ 'top.yaml': importing('top', ['b.yaml']), 'b.yaml': importing('b', ['link.yaml']) });
    symlinkSync(join(dir, 'top.yaml'), join(dir, 'link.yaml'));
    const r = await loadPlaybook({ path: top, inventory, modules });
    expect(r.findings[0]).toMatchObject({ code: 'import', line: 3, col: 13, message: expect.stringMatching(/import cycle/) });
  });
});

describe('imports stay in the playbook tree', () => {
  it.each([
    ['/etc/passwd', '/etc/passwd', /only \.yaml or \.yml/],
    ['../../../../etc/passwd', '../../../../etc/passwd', /only \.yaml or \.yml/],
    ['a YAML file outside the tree', '../outside.yaml', /outside the playbook's directory/],
    ['a symlink that leads outside', 'escape.yaml', /outside the playbook's directory/],
    ['a missing file', 'nope.yaml', /cannot import 'nope.yaml': no such file/],
    ['a directory', 'sub.yaml', /not a playbook|cannot read|not a regular file/],
  ])('%s → an error at the import line, nothing of the file shown', async (_, spec, msg) => {
    const { top, dir } = tree({ 'pb/top.yaml': `name: top\nplays:\n${play('a')}  - import: ${spec}\n`, 'outside.yaml': 'name: out\nplays: []\nsecret-root:*:20228: 1\n' });
    symlinkSync(join(dir, 'outside.yaml'), join(dir, 'pb/escape.yaml'));
    mkdirSync(join(dir, 'pb/sub.yaml'));
    const r = await loadPlaybook({ path: top, inventory, modules });
    expect(r.playbook).toBeUndefined();
    expect(r.findings).toHaveLength(1);
    expect(r.findings[0]).toMatchObject({ file: top, line: 6, col: 13, code: 'import', message: expect.stringMatching(msg) });
    expect(JSON.stringify(r.findings)).not.toMatch(/root:|secret|20228/);
  });

  it('--allow-import-outside lets a YAML playbook outside the tree in', async () => {
    const { top } = tree({ 'pb/top.yaml': importing('top', ['../shared/common.yaml']), 'shared/common.yaml': `name: c\nplays:\n${play('common')}` });
    expect((await loadPlaybook({ path: top, inventory, modules })).findings[0]?.message).toMatch(/outside/);
    const r = await loadPlaybook({ path: top, inventory, modules, allowImportOutside: true });
    expect(r.findings).toEqual([]);
    expect(r.playbook!.plays.map((p) => p.name)).toEqual(['common']);
  });

  it('a YAML file that is not a playbook is refused at the import line without echoing its keys', async () => {
    const { top } = tree({ 'top.yaml': importing('top', ['shadow.yaml']), 'shadow.yaml': "root:*:20228:0:99999:7::: x\n'daemon:*:20228': y\n" });
    const r = await loadPlaybook({ path: top, inventory, modules });
    expect(r.findings).toEqual([expect.objectContaining({ file: top, line: 3, col: 13, message: "cannot import 'shadow.yaml': it is not a playbook (a mapping with name: and plays:)" })]);
  });
});

describe('each file is parsed once', () => {
  it('parseYamlFile runs once per distinct file', async () => {
    const { top } = tree({ 'top.yaml': importing('top', ['a.yaml', 'b.yaml', 'a.yaml']), 'a.yaml': importing('a', ['c.yaml']), 'b.yaml': importing('b', ['c.yaml']), 'c.yaml': `name: c\nplays:\n${play('c')}` });
    const seen: string[] = [];
    const real = yamlIndex.parseYamlFile;
    const spy = (await import('vitest')).vi.spyOn(await import('../../../src/yaml/document.js'), 'parseYamlFile');
    spy.mockImplementation(async (p, o) => (seen.push(p), real(p, o)));
    try {
      const r = await loadPlaybook({ path: top, inventory, modules });
      expect(r.playbook!.plays).toHaveLength(3);
    } finally {
      spy.mockRestore();
    }
    expect(seen.map((p) => p.split('/').pop()).sort()).toEqual(['a.yaml', 'b.yaml', 'c.yaml', 'top.yaml']);
  });
});
