// Line edits: one line present (replacing the lines a regexp matches) or absent, other lines untouched.
import { appendLines, joinLines, splitLines } from './text-lines.js';

export interface EnsureLineOptions {
  /** The file's current content ('' when the file does not exist). */
  current: string;
  /** The wanted line, without newline. With state absent and no regexp: the line to remove. */
  line?: string;
  /** Lines matching this (tested per line, without its ending) are the ones `line` replaces or absent removes. */
  regexp?: RegExp;
  state?: 'present' | 'absent';
}

/**
 * present: every line the regexp matches becomes `line` (so first-wins and last-wins formats both
 * end up with the wanted value); with no match and no identical line, `line` is appended.
 * absent: removes every line the regexp matches, or every line identical to `line`.
 */
export function ensureLine(opts: EnsureLineOptions): string {
  const state = opts.state ?? 'present';
  const lines = splitLines(opts.current);
  const matches = (text: string) => (opts.regexp ? testRegexp(opts.regexp, text) : text === opts.line);
  if (state === 'absent') {
    if (!opts.regexp && opts.line === undefined) throw new Error('ensureLine absent needs a line or a regexp');
    const kept = lines.filter((l) => !matches(l.text));
    return kept.length === lines.length ? opts.current : joinLines(kept);
  }
  const line = opts.line;
  if (line === undefined || /[\r\n]/.test(line)) throw new Error('ensureLine present needs a single line');
  if (opts.regexp && lines.some((l) => testRegexp(opts.regexp!, l.text))) {
    return joinLines(lines.map((l) => (testRegexp(opts.regexp!, l.text) ? { ...l, text: line } : l)));
  }
  if (lines.some((l) => l.text === line)) return opts.current;
  return joinLines(appendLines(lines, [line]));
}

/** RegExp.test without the `g`/`y` lastIndex trap. */
function testRegexp(re: RegExp, text: string): boolean {
  re.lastIndex = 0;
  return re.test(text);
}
