// The YAML-with-positions loader and zod issue mapping, driven by tables of inputs and expected findings.
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { didYouMean, parseYamlFile, parseYamlText, zodIssuesToFindings, MAX_YAML_BYTES } from '../../../src/yaml/index.js';
import { decodeUtf8 } from '../../../src/yaml/document.js';
import { tempDir } from '../../support/temp-dir.js';

const tmp = tempDir('provision-yaml-');
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function aliasBomb(levels: number): string {
  let s = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n';
  let prev = 'a';
  for (let i = 0; i < levels; i++) {
    const k = `l${i}`;
    s += `${k}: &${k} [${Array(9).fill(`*${prev}`).join(', ')}]\n`;
    prev = k;
  }
  return s;
}

const parseCases: { name: string; text: string | (() => string); error?: RegExp; at?: [number, number]; value?: unknown }[] = [
  { name: 'plain mapping', text: 'a: 1\nb: [x, y]\n', value: { a: 1, b: ['x', 'y'] } },
  { name: 'mac stays a string (YAML 1.2)', text: 'mac: 88:d7:f6:49:0d:46\n', value: { mac: '88:d7:f6:49:0d:46' } },
  { name: 'a few aliases are fine', text: 'a: &x [1]\nb: *x\nc: *x\n', value: { a: [1], b: [1], c: [1] } },
  { name: 'duplicate key', text: 'a: 1\nb:\n  c: 1\n  c: 2\n', error: /unique/, at: [4, 3] },
  { name: 'syntax error', text: 'a: 1\nb: {\n', error: /./, at: [3, 1] },
  { name: 'tab indentation', text: 'a:\n\tb: 1\n', error: /./, at: [2, 1] },
  { name: 'alias bomb', text: () => aliasBomb(8), error: /alias bomb/ },
  { name: 'two documents', text: 'a: 1\n---\nb: 2\n', error: /^a second YAML document \('---'\): a file holds one inventory or playbook$/, at: [2, 1] },
  // Issue 19 item 6: our own positioned messages, and the expansion size (not the alias count) is what is limited.
  { name: 'an undefined anchor is not called a bomb', text: 'a: 1\nb: *nope\n', error: /^alias \*nope refers to no anchor$/, at: [2, 4] },
  { name: 'one scalar anchor used 101 times is fine', text: () => `x: &s v\nl: [${Array(101).fill('*s').join(', ')}]\n`, value: 'any' },
  { name: 'a small list anchor used 500 times is fine', text: () => `x: &s [a, b, c]\nl: [${Array(500).fill('*s').join(', ')}]\n`, value: 'any' },
  { name: 'a short but wide alias bomb', text: () => aliasBomb(5), error: /expand to more than 100000 values: refusing a possible alias bomb/, at: [2, 10] },
  { name: 'an alias inside its own anchor', text: 'a: &a [1, *a]\n', error: /alias refers to a value that contains it/, at: [1, 11] },
  { name: 'a merge key', text: 'base: &b {a: 1}\nc:\n  <<: *b\n  d: 2\n', error: /^merge keys \('<<'\) are not supported$/, at: [3, 3] },
  { name: 'a quoted << is an ordinary key', text: 'c: { "<<": 1 }\n', value: { c: { '<<': 1 } } },
  { name: 'a complex key', text: '? [a, b]\n: 1\n', error: /^a mapping key must be a plain string or number$/, at: [1, 3] },
  { name: 'a flow complex key', text: 'x: {[a]: 1}\n', error: /a mapping key must be a plain string or number/, at: [1, 5] },
  { name: 'an alias as a key', text: 'k: &k name\n*k : 1\n', error: /a mapping key must be a plain string or number/, at: [2, 1] },
  { name: 'a custom tag', text: 'a: !foo x\n', error: /^tag '!foo' is not supported$/ },
  { name: 'a binary tag', text: 'a: !!binary aGk=\n', error: /tag '!!binary' is not supported/ },
  { name: 'plain tags are fine', text: 'a: !!str 1\nb: !!int "2"\n', value: { a: '1', b: 2 } },
  { name: 'oversized file', text: () => `x: "${'a'.repeat(MAX_YAML_BYTES)}"\n`, error: /limit/ },
  { name: 'deep flow nesting', text: () => '['.repeat(100_000), error: /nesting deeper/, at: [1, 65] },
  { name: 'deep compact sequence', text: () => '- '.repeat(5_000) + 'x\n', error: /nesting deeper/ },
  // Issue 19 item 6: the guard covers all nesting (block levels too), and nothing hides brackets from it.
  { name: 'deep indentation within the size cap', text: () => Array.from({ length: 700 }, (_, i) => `${' '.repeat(i)}a:`).join('\n') + ' 1\n', error: /nesting deeper/, at: [66, 66] },
  { name: 'brackets after a block scalar with an unbalanced quote', text: () => `a: |\n  say "hi\nb: ${'['.repeat(5000)}${']'.repeat(5000)}\n`, error: /nesting deeper/, at: [3, 68] },
  { name: 'brackets after an escaped backslash in double quotes', text: () => `a: ["\\\\", ${'['.repeat(5000)}${']'.repeat(5000)}]\n`, error: /nesting deeper/ },
  { name: 'brackets after a doubled single quote', text: () => `a: ['it''s', ${'{a: '.repeat(3000)}1${'}'.repeat(3000)}]\n`, error: /nesting deeper/ },
  { name: 'sequences of mappings nested by indentation', text: () => Array.from({ length: 100 }, (_, i) => `${'  '.repeat(i)}- a:`).join('\n') + ' 1\n', error: /nesting deeper/ },
  { name: 'brackets in quotes and block scalars', text: 'a: "[[[[{{{{"\nb: |\n  if [ -f x ]; then { echo; }; fi\nc: [1, {d: 2}]\n', value: { a: '[[[[{{{{', b: 'if [ -f x ]; then { echo; }; fi\n', c: [1, { d: 2 }] } },
];

describe('parseYamlText', () => {
  it.each(parseCases)('$name', ({ text, error, at, value }) => {
    const doc = parseYamlText(typeof text === 'function' ? text() : text, 'f.yaml');
    if (!error) {
      expect(doc.findings).toEqual([]);
      if (value === 'any') expect(doc.value).toBeDefined();
      else expect(doc.value).toEqual(value);
      return;
    }
    expect(doc.value).toBeUndefined();
    expect(doc.findings.length).toBeGreaterThan(0);
    const f = doc.findings[0]!;
    expect(f).toMatchObject({ level: 'error', code: 'yaml', file: 'f.yaml' });
    expect(f.message).toMatch(error);
    expect(f.message).not.toContain('\n');
    if (at) expect([f.line, f.col]).toEqual(at);
  });

  const posText = 'top:\n  list:\n    - one\n    - { k: v }\n  scalar: 42\n';
  it.each([
    { path: ['top'], pos: [2, 3] },
    { path: ['top', 'list', 0], pos: [3, 7] },
    { path: ['top', 'list', 1, 'k'], pos: [4, 12] },
    { path: ['top', 'scalar'], pos: [5, 11] },
    { path: ['top', 'missing', 'deeper'], pos: [2, 3] },
    { path: [], pos: [1, 1] },
  ])('positionOf $path', ({ path, pos }) => {
    const doc = parseYamlText(posText, 'p.yaml');
    const p = doc.positionOf(path);
    expect([p.line, p.col]).toEqual(pos);
  });

  it('keyPositionOf points at the key', () => {
    const doc = parseYamlText(posText, 'p.yaml');
    expect(doc.keyPositionOf(['top', 'scalar'])).toEqual({ line: 5, col: 3 });
  });
});

describe('file encodings (issue 19 item 6)', () => {
  const enc = (s: string) => new TextEncoder().encode(s);
  it.each([
    ['UTF-16 LE with BOM', Uint8Array.from([0xff, 0xfe, ...Buffer.from('a: 1\n', 'utf16le')]), /UTF-16 \(it starts with a byte-order mark\); provision reads UTF-8/],
    ['UTF-16 BE with BOM', Uint8Array.from([0xfe, 0xff, 0, 0x61]), /UTF-16/],
    ['UTF-32 BE with BOM', Uint8Array.from([0, 0, 0xfe, 0xff, 0, 0, 0, 0x61]), /UTF-32/],
    ['UTF-16 without a BOM', Uint8Array.from(Buffer.from('a: 1\n', 'utf16le')), /NUL bytes/],
    ['Latin-1', Uint8Array.from([0x61, 0x3a, 0x20, 0xe9, 0x0a]), /not valid UTF-8/],
  ])('%s is refused with our message', async (_, bytes, msg) => {
    const r = decodeUtf8(bytes);
    expect('problem' in r && r.problem).toMatch(msg);
    const file = join(tmp, `${Math.random().toString(36).slice(2)}.yaml`);
    writeFileSync(file, bytes);
    const doc = await parseYamlFile(file);
    expect(doc.value).toBeUndefined();
    expect(doc.findings[0]).toMatchObject({ code: 'yaml', file, hint: 'save the file as UTF-8 text' });
  });

  it('a UTF-8 byte-order mark is fine', async () => {
    expect(decodeUtf8(enc('\ufeffa: 1\n'))).toEqual({ text: 'a: 1\n' });
    const file = join(tmp, 'bom.yaml');
    writeFileSync(file, enc('\ufeffa: 1\n'));
    expect((await parseYamlFile(file)).value).toEqual({ a: 1 });
  });
});

describe('zodIssuesToFindings', () => {
  const schema = z.strictObject({
    name: z.string(),
    port: z.number().optional(),
    hosts: z.record(z.string(), z.strictObject({ address: z.string(), role: z.enum(['a', 'b']) })),
  });
  const cases = [
    { name: 'unknown key with suggestion', text: 'name: x\nprot: 1\nhosts: {}\n', msg: /unknown key 'prot'/, hint: /did you mean 'port'/, at: [2, 1] },
    { name: 'unknown nested key', text: 'name: x\nhosts:\n  h1: { adress: 1.2.3.4, address: x, role: a }\n', msg: /adress/, hint: /address/, at: [3, 9] },
    { name: 'unknown key far from all', text: 'name: x\nzzzzzzzz: 1\nhosts: {}\n', msg: /zzzzzzzz/, hint: /allowed keys: name, port, hosts/, at: [2, 1] },
    { name: 'wrong type', text: 'name: 5\nhosts: {}\n', msg: /name: expected string/, at: [1, 7] },
    { name: 'missing field points at the parent', text: 'name: x\nhosts:\n  h1: { role: a }\n', msg: /missing required field 'hosts.h1.address'/, at: [3, 7] },
    { name: 'bad enum', text: 'name: x\nhosts:\n  h1: { address: y, role: c }\n', msg: /hosts.h1.role/, at: [3, 27] },
  ];
  it.each(cases)('$name', ({ text, msg, hint, at }) => {
    const doc = parseYamlText(text, 'z.yaml');
    const r = schema.safeParse(doc.value);
    expect(r.success).toBe(false);
    const findings = zodIssuesToFindings(r.error!.issues, doc, { schema });
    expect(findings).toHaveLength(1);
    const f = findings[0]!;
    expect(f).toMatchObject({ level: 'error', code: 'schema', file: 'z.yaml' });
    expect(f.message).toMatch(msg);
    if (hint) expect(f.hint).toMatch(hint);
    expect([f.line, f.col]).toEqual(at);
  });
});

describe('didYouMean', () => {
  it.each([
    { word: 'adress', cands: ['address', 'role'], want: 'address' },
    { word: 'Role', cands: ['address', 'role'], want: 'role' },
    { word: 'metalb', cands: ['metallb', 'pods'], want: 'metallb' },
    { word: 'xyz', cands: ['address', 'role'], want: undefined },
  ])('$word → $want', ({ word, cands, want }) => expect(didYouMean(word, cands)).toBe(want));
});
