// Refuses absurd nesting before the parser recurses into it: deep flow brackets can exhaust V8's stack fatally.
import { CST, Lexer } from 'yaml';

/** No real inventory or playbook nests anywhere near this deep. */
export const MAX_YAML_NESTING = 64;

export interface TooDeep {
  line: number;
  col: number;
  depth: number;
}

/** The lexer's markers that stand for no source text (document, flow end, scalar). */
const MARKERS = new Set([CST.DOCUMENT, CST.FLOW_END, CST.SCALAR]);

function positionAt(text: string, offset: number): { line: number; col: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, col: offset - lineStart + 1 };
}

/**
 * Measures nesting with YAML's own lexer (it is iterative and knows quotes, escapes, block scalars and comments,
 * so nothing can hide brackets from it): open flow collections, plus block collections by indentation, plus
 * compact entries on one line ("- - - x", "? ? x"). Returns where the limit is first exceeded.
 */
export function findExcessiveNesting(text: string, limit = MAX_YAML_NESTING): TooDeep | undefined {
  let offset = 0;
  let flow = 0;
  let compact = 0;
  let lineStart = true;
  let indent = 0;
  let scalarNext = false;
  const indents: number[] = [];
  const tooDeep = (at: number, depth: number): TooDeep | undefined => (depth > limit ? { ...positionAt(text, at), depth } : undefined);
  /** The first token of a line outside flow collections: its indentation closes or opens block levels. */
  const startLine = (at: number): TooDeep | undefined => {
    lineStart = false;
    if (flow > 0) return undefined;
    while (indents.length && indents[indents.length - 1]! >= indent) indents.pop();
    indents.push(indent);
    return tooDeep(at, indents.length - 1);
  };
  for (const tok of new Lexer().lex(text)) {
    if (MARKERS.has(tok)) {
      scalarNext = tok === CST.SCALAR;
      continue;
    }
    const at = offset;
    offset += tok.length;
    if (scalarNext) {
      scalarNext = false; // a scalar's own text: quotes, block scalars, brackets inside strings
      const deep = lineStart ? startLine(at) : undefined;
      if (deep) return deep;
      lineStart = tok.endsWith('\n');
      continue;
    }
    const type = CST.tokenType(tok);
    if (type === 'newline') {
      lineStart = true;
      indent = 0;
      compact = 0;
      continue;
    }
    if (lineStart) {
      if (type === 'space') {
        indent = tok.length;
        continue;
      }
      if (type === 'comment' || type === 'doc-start' || type === 'doc-end' || type === 'directive-line') continue;
      const deep = startLine(at);
      if (deep) return deep;
    }
    if (type === 'flow-seq-start' || type === 'flow-map-start') flow++;
    else if ((type === 'flow-seq-end' || type === 'flow-map-end') && flow > 0) flow--;
    else if (type === 'seq-item-ind' || type === 'explicit-key-ind') compact++;
    else continue;
    const deep = tooDeep(at, Math.max(0, indents.length - 1) + compact + flow);
    if (deep) return deep;
  }
  return undefined;
}
