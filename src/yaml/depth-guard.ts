// Refuses absurd nesting before the parser recurses into it: deep flow brackets can exhaust V8's stack fatally.

/** No real inventory or playbook nests anywhere near this deep. */
export const MAX_YAML_NESTING = 64;

export interface TooDeep {
  line: number;
  col: number;
  depth: number;
}

/**
 * A conservative scan: counts open flow brackets ([ {) outside quotes and comments, and
 * compact block entries ("- - - x") on one line. Returns where the limit is first exceeded.
 */
export function findExcessiveNesting(text: string, limit = MAX_YAML_NESTING): TooDeep | undefined {
  let line = 1;
  let col = 0;
  let depth = 0;
  let quote: '"' | "'" | undefined;
  let comment = false;
  let atLineStart = true;
  let dashes = 0;
  let prev = '\n';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    col++;
    if (ch === '\n') {
      line++;
      col = 0;
      comment = false;
      atLineStart = true;
      dashes = 0;
      if (quote === "'" && depth === 0) quote = undefined; // unterminated plain-context quote: stop guessing
      prev = ch;
      continue;
    }
    if (comment) continue;
    if (quote) {
      if (ch === quote && !(quote === '"' && prev === '\\')) quote = undefined;
      prev = ch;
      continue;
    }
    const afterSpace = /[\s[{,:]/.test(prev);
    if ((ch === '"' || ch === "'") && afterSpace) quote = ch;
    else if (ch === '#' && /\s/.test(prev)) comment = true;
    else if (ch === '[' || ch === '{') {
      depth++;
      if (depth > limit) return { line, col, depth };
    } else if ((ch === ']' || ch === '}') && depth > 0) depth--;
    if (atLineStart) {
      if ((ch === '-' || ch === '?') && /\s/.test(text[i + 1] ?? '\n')) {
        dashes++;
        if (dashes > limit) return { line, col, depth: dashes };
      } else if (ch !== ' ') atLineStart = false;
    }
    prev = ch;
  }
  return undefined;
}
