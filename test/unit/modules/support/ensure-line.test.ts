// Line edits from data: current text + wanted line/regexp/state → wanted text.
import { describe, expect, it } from 'vitest';
import { ensureLine, type EnsureLineOptions } from '../../../../src/modules/support/ensure-line.js';

const cases: Array<{ name: string; in: EnsureLineOptions; out?: string; error?: RegExp }> = [
  { name: 'appends to empty', in: { current: '', line: 'a=1' }, out: 'a=1\n' },
  { name: 'appends after last line', in: { current: 'x\n', line: 'a=1' }, out: 'x\na=1\n' },
  { name: 'adds newline to unterminated last line', in: { current: 'x', line: 'a=1' }, out: 'x\na=1\n' },
  { name: 'present already: unchanged', in: { current: 'x\na=1\ny', line: 'a=1' }, out: 'x\na=1\ny' },
  { name: 'regexp replaces matching line in place', in: { current: 'x\na=0\ny\n', line: 'a=1', regexp: /^a=/ }, out: 'x\na=1\ny\n' },
  { name: 'regexp replaces every match', in: { current: 'a=0\nx\na=2\n', line: 'a=1', regexp: /^a=/ }, out: 'a=1\nx\na=1\n' },
  { name: 'regexp matches commented default', in: { current: '#PermitRootLogin yes\n', line: 'PermitRootLogin no', regexp: /^#?PermitRootLogin\s/ }, out: 'PermitRootLogin no\n' },
  { name: 'regexp no match, line absent: append', in: { current: 'x\n', line: 'a=1', regexp: /^a=/ }, out: 'x\na=1\n' },
  { name: 'regexp no match but line there: unchanged', in: { current: 'a = 1\n', line: 'a = 1', regexp: /^a=/ }, out: 'a = 1\n' },
  { name: 'global regexp flag is harmless', in: { current: 'a=0\na=0\n', line: 'a=1', regexp: /^a=/g }, out: 'a=1\na=1\n' },
  { name: 'CRLF kept when replacing', in: { current: 'x\r\na=0\r\n', line: 'a=1', regexp: /^a=/ }, out: 'x\r\na=1\r\n' },
  { name: 'CRLF used when appending', in: { current: 'x\r\n', line: 'a=1' }, out: 'x\r\na=1\r\n' },
  { name: 'quotes and spaces are plain text', in: { current: '', line: `say "it's" $HOME \\n` }, out: `say "it's" $HOME \\n\n` },
  { name: 'absent removes identical lines only', in: { current: 'a=1\na=10\na=1\n', line: 'a=1', state: 'absent' }, out: 'a=10\n' },
  { name: 'absent by regexp', in: { current: 'x\na=0\na=1\ny', regexp: /^a=/, state: 'absent' }, out: 'x\ny' },
  { name: 'absent when missing: unchanged', in: { current: 'x\ny', line: 'a=1', state: 'absent' }, out: 'x\ny' },
  { name: 'multi-line line refused', in: { current: '', line: 'a\nb' }, error: /single line/ },
  { name: 'absent needs line or regexp', in: { current: 'x', state: 'absent' }, error: /needs a line or a regexp/ },
];

describe('ensureLine', () => {
  it.each(cases)('$name', (c) => {
    if (c.error) expect(() => ensureLine(c.in)).toThrow(c.error);
    else {
      const once = ensureLine(c.in);
      expect(once).toBe(c.out);
      expect(ensureLine({ ...c.in, current: once })).toBe(once);
    }
  });
});
