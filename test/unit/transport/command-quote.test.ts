// quote() fuzzed with hostile strings: a real `sh -c 'printf %s "$1"'` must print each one back unchanged.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { quote, renderCommand } from '../../../src/core/command.js';

/** Deterministic PRNG so a failure can be reproduced from the seed. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

const NASTY = ["'", '"', '`', '$(', ')', '$', '\\', '\n', ' ', '\t', ';', '&', '|', '*', '?', '~', '#', '!', '{', '}', '<', '>', '%', "'\\''", 'é', '💥', '\r', '\u0001', '-n', '--'];

function hostile(random: () => number): string {
  const len = Math.floor(random() * 24);
  let s = '';
  for (let i = 0; i < len; i++) {
    const r = random();
    if (r < 0.5) s += NASTY[Math.floor(random() * NASTY.length)];
    else s += String.fromCharCode(1 + Math.floor(random() * 254)); // any byte but NUL
  }
  return s;
}

const FIXED = ['', "'", "''", "a'b", '$(touch /tmp/pwned)', '`id`', '${HOME}', 'a\nb', '-e', '*', 'x y', '\\', "'$(id)'"];

describe('quote', () => {
  const random = rng(20240601);
  const inputs = [...FIXED, ...Array.from({ length: 300 }, () => hostile(random))];

  it('round-trips every string through a real POSIX shell', () => {
    // Batch all strings into one shell to keep this fast: printf each argument NUL-terminated.
    const script = `for a in ${inputs.map(quote).join(' ')}; do printf '%s\\0' "$a"; done`;
    const out = execFileSync('sh', ['-c', script]).toString('utf8');
    expect(out.split('\0').slice(0, -1)).toEqual(inputs);
  });

  it.each(FIXED)('one argument via sh -c printf: %j', (s) => {
    const out = execFileSync('sh', ['-c', `sh -c 'printf %s "$1"' sh ${quote(s)}`]).toString('utf8');
    expect(out).toBe(s);
  });

  it('renderCommand quotes argv and env values, rejects bad env names', () => {
    const out = execFileSync('sh', ['-c', renderCommand({ argv: ['sh', '-c', 'printf "%s|%s" "$X" "$1"', 'sh', '$(id)'], env: { X: "a'b `c`" } })]);
    expect(out.toString()).toBe("a'b `c`|$(id)");
    expect(() => renderCommand({ argv: ['true'], env: { 'A;B': 'x' } })).toThrow(/invalid environment variable/);
  });
});
