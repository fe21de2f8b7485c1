// Managed block edits from data: current text + block → wanted text, or the error it must raise.
import { describe, expect, it } from 'vitest';
import { managedBlock, type ManagedBlockOptions } from '../../../../src/modules/support/managed-block.js';

const B = '# BEGIN provision';
const E = '# END provision';

const cases: Array<{ name: string; in: ManagedBlockOptions; out?: string; error?: RegExp }> = [
  { name: 'empty file gets the block', in: { current: '', block: 'a\nb' }, out: `${B}\na\nb\n${E}\n` },
  { name: 'appends after other lines', in: { current: 'x\ny\n', block: 'a' }, out: `x\ny\n${B}\na\n${E}\n` },
  { name: 'no trailing newline: adds one before the block', in: { current: 'x', block: 'a' }, out: `x\n${B}\na\n${E}\n` },
  { name: 'replaces in place, keeps lines around', in: { current: `x\n${B}\nold\n${E}\ny\n`, block: 'new1\nnew2\n' }, out: `x\n${B}\nnew1\nnew2\n${E}\ny\n` },
  { name: 'same block: same text', in: { current: `x\n${B}\na\n${E}\ny\n`, block: 'a' }, out: `x\n${B}\na\n${E}\ny\n` },
  { name: 'CRLF file: keeps CRLF, block lines in CRLF', in: { current: `x\r\n${B}\r\nold\r\n${E}\r\ny\r\n`, block: 'a' }, out: `x\r\n${B}\r\na\r\n${E}\r\ny\r\n` },
  { name: 'CRLF file: appended block uses CRLF', in: { current: 'x\r\n', block: 'a' }, out: `x\r\n${B}\r\na\r\n${E}\r\n` },
  { name: 'block at end without newline stays without', in: { current: `x\n${B}\nold\n${E}`, block: 'a' }, out: `x\n${B}\na\n${E}` },
  { name: 'other markers untouched', in: { current: `# BEGIN other\nq\n# END other\n`, block: 'a' }, out: `# BEGIN other\nq\n# END other\n${B}\na\n${E}\n` },
  { name: 'custom marker and comment', in: { current: '[x]\n', block: 'k=v', marker: 'kube', comment: ';' }, out: '[x]\n; BEGIN kube\nk=v\n; END kube\n' },
  { name: 'empty block: just markers', in: { current: '', block: '' }, out: `${B}\n${E}\n` },
  { name: 'null removes the block', in: { current: `x\n${B}\na\n${E}\ny\n`, block: null }, out: 'x\ny\n' },
  { name: 'null with no block: unchanged', in: { current: 'x\ny', block: null }, out: 'x\ny' },
  { name: 'marker with trailing spaces still found', in: { current: `${B}  \nold\n${E}\n`, block: 'a' }, out: `${B}\na\n${E}\n` },
  { name: 'duplicate BEGIN refused', in: { current: `${B}\n${B}\n${E}\n`, block: 'a' }, error: /duplicate '# BEGIN provision'/ },
  { name: 'two blocks refused', in: { current: `${B}\n${E}\n${B}\n${E}\n`, block: 'a' }, error: /duplicate/ },
  { name: 'BEGIN without END refused', in: { current: `${B}\nold\n`, block: 'a' }, error: /unbalanced/ },
  { name: 'END without BEGIN refused', in: { current: `old\n${E}\n`, block: null }, error: /unbalanced/ },
  { name: 'END before BEGIN refused', in: { current: `${E}\n${B}\n`, block: 'a' }, error: /comes before/ },
  { name: 'block containing its marker refused', in: { current: '', block: `a\n${E}` }, error: /own marker/ },
];

describe('managedBlock', () => {
  it.each(cases)('$name', (c) => {
    if (c.error) expect(() => managedBlock(c.in)).toThrow(c.error);
    else {
      const once = managedBlock(c.in);
      expect(once).toBe(c.out);
      // Applying the same block to the result changes nothing: the edit is idempotent.
      expect(managedBlock({ ...c.in, current: once })).toBe(once);
    }
  });
});
