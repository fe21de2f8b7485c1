// Shared schema pieces from data: modes as users write them, paths, names.
import { describe, expect, it } from 'vitest';
import { absolutePath, accountName, fileMode, formatMode, parseMode } from '../../../../src/modules/support/schema.js';

describe('parseMode / formatMode', () => {
  it.each([
    ['0644', 0o644], ['644', 0o644], ['0o600', 0o600], ['0755', 0o755], ['1777', 0o1777], ['04755', 0o4755],
    [644, 0o644], [600, 0o600], [755, 0o755], [0, 0],
    ['0648', undefined], ['rw-r--r--', undefined], [648, undefined], [77777, undefined], [-1, undefined], [6.4, undefined], ['', undefined],
  ] as Array<[string | number, number | undefined]>)('%j → %s', (input, want) => {
    expect(parseMode(input)).toBe(want);
    if (want !== undefined) expect(parseMode(formatMode(want))).toBe(want);
  });
  it('zod: bad modes say how to write one', () => {
    expect(fileMode.safeParse(648).error?.issues[0]?.message).toMatch(/octal string like '0644'/);
    expect(fileMode.parse('0600')).toBe(0o600);
  });
});

describe('absolutePath', () => {
  it.each([
    ['/etc/hosts', true], ['/etc/with space/it\'s "q"', true], ['etc/hosts', false], ['/', false], ['/etc/', false],
    ['/etc/a\nb', false], ['/etc/a\0b', false], ['/etc/../shadow', false], ['/etc/..x', true],
  ] as Array<[string, boolean]>)('%j valid=%s', (p, ok) => expect(absolutePath.safeParse(p).success).toBe(ok));
});

describe('accountName', () => {
  it.each([
    ['root', true], ['www-data', true], ['_apt', true], ['1000', true], ['machine$', true], ['Bad Name', false], ['-x', false], ['a;b', false], ['', false],
  ] as Array<[string, boolean]>)('%j valid=%s', (n, ok) => expect(accountName.safeParse(n).success).toBe(ok));
});
