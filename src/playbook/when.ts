// `when:` conditions: a tiny safe expression language (no eval) over host fields, vars and base facts.
import type { BaseFacts } from '../core/types.js';
import type { Host } from '../inventory/types.js';

/**
 * Grammar:
 *   expr    := and ('or' and)*
 *   and     := unary ('and' unary)*
 *   unary   := 'not' unary | compare
 *   compare := value [('==' | '!=') value | ['not'] 'in' (list | path)]
 *   value   := path | STRING ('..' or "..") | NUMBER | true | false | null | '(' expr ')'
 *   list    := '[' [value (',' value)*] ']'
 *   path    := ('host' | 'vars' | 'facts') ('.' IDENT)*      IDENT: [A-Za-z_][A-Za-z0-9_-]*
 * host.* is the inventory host (name, role, address, arch, board, labels.X, vars.X); vars.X is
 * host.vars.X; facts.* are the base facts (facts.os.id, facts.networkStack, facts.board, facts.arch...).
 * A missing path is null. A bare value is true unless null, false, 0 or ''.
 */
export type Expr =
  | { t: 'lit'; v: unknown }
  | { t: 'path'; root: 'host' | 'vars' | 'facts'; keys: string[] }
  | { t: 'list'; items: Expr[] }
  | { t: 'not'; e: Expr }
  | { t: 'and' | 'or'; a: Expr; b: Expr }
  | { t: 'eq' | 'ne' | 'in' | 'notin'; a: Expr; b: Expr };

export class WhenError extends Error {
  constructor(message: string, readonly offset: number) {
    super(message);
  }
}

const TOKEN = /\s*(?:(==|!=|\(|\)|\[|\]|,)|('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")|(-?\d+(?:\.\d+)?)|([A-Za-z_][A-Za-z0-9_-]*(?:\.[A-Za-z_][A-Za-z0-9_-]*)*))/y;

interface Tok {
  kind: 'op' | 'str' | 'num' | 'word';
  text: string;
  at: number;
}

function tokenize(src: string): Tok[] {
  const toks: Tok[] = [];
  let pos = 0;
  while (pos < src.length) {
    if (/^\s*$/.test(src.slice(pos))) break;
    TOKEN.lastIndex = pos;
    const m = TOKEN.exec(src);
    if (!m) throw new WhenError(`unexpected character '${src.slice(pos).trim()[0]}'`, pos);
    const at = pos + (m[0].length - m[0].trimStart().length);
    if (m[1]) toks.push({ kind: 'op', text: m[1], at });
    else if (m[2]) toks.push({ kind: 'str', text: m[2].slice(1, -1).replace(/\\(.)/g, '$1'), at });
    else if (m[3]) toks.push({ kind: 'num', text: m[3], at });
    else toks.push({ kind: 'word', text: m[4]!, at });
    pos = TOKEN.lastIndex;
  }
  return toks;
}

/** Parentheses, lists and `not`s nested deeper than this are refused (the parser recurses once per level). */
export const MAX_WHEN_NESTING = 32;

/** Tokens in one expression: `a and b and ...` builds a tree this deep, which evaluation walks recursively. */
export const MAX_WHEN_TOKENS = 1000;

export function parseWhen(src: string): Expr {
  const toks = tokenize(src);
  if (toks.length > MAX_WHEN_TOKENS) throw new WhenError(`expression longer than ${MAX_WHEN_TOKENS} tokens`, toks[MAX_WHEN_TOKENS]!.at);
  let i = 0;
  let depth = 0;
  /** Runs `f` one level deeper; refuses absurd nesting where it starts, before the stack can run out. */
  const nested = <T>(at: number, f: () => T): T => {
    if (++depth > MAX_WHEN_NESTING) throw new WhenError(`nesting deeper than ${MAX_WHEN_NESTING} levels`, at);
    try {
      return f();
    } finally {
      depth--;
    }
  };
  const peek = () => toks[i];
  const isWord = (w: string) => peek()?.kind === 'word' && peek()!.text === w;
  const isOp = (o: string) => peek()?.kind === 'op' && peek()!.text === o;
  const fail = (what: string): never => {
    throw new WhenError(`${what}${peek() ? ` at '${peek()!.text}'` : ' at end of expression'}`, peek()?.at ?? src.length);
  };
  const expect = (o: string) => (isOp(o) ? (i++, undefined) : fail(`expected '${o}'`));

  const value = (): Expr => {
    const t = peek();
    if (!t) return fail('expected a value');
    if (t.kind === 'op' && t.text === '(') {
      i++;
      const e = nested(t.at, or);
      expect(')');
      return e;
    }
    if (t.kind === 'str') return i++, { t: 'lit', v: t.text };
    if (t.kind === 'num') return i++, { t: 'lit', v: Number(t.text) };
    if (t.kind === 'word') {
      if (t.text === 'true' || t.text === 'false') return i++, { t: 'lit', v: t.text === 'true' };
      if (t.text === 'null') return i++, { t: 'lit', v: null };
      const [root, ...keys] = t.text.split('.');
      if (root !== 'host' && root !== 'vars' && root !== 'facts') return fail(`unknown name (use host.X, vars.X or facts.X)`);
      i++;
      return { t: 'path', root, keys };
    }
    return fail('expected a value');
  };
  const list = (): Expr => {
    if (!isOp('[')) return value();
    i++;
    const items: Expr[] = [];
    while (!isOp(']')) {
      items.push(value());
      if (!isOp(',')) break;
      i++;
    }
    expect(']');
    return { t: 'list', items };
  };
  const compare = (): Expr => {
    const a = value();
    if (isOp('==') || isOp('!=')) {
      const op = peek()!.text === '==' ? 'eq' : 'ne';
      i++;
      return { t: op, a, b: value() };
    }
    if (isWord('in')) return i++, { t: 'in', a, b: list() };
    if (isWord('not') && toks[i + 1]?.kind === 'word' && toks[i + 1]!.text === 'in') return (i += 2), { t: 'notin', a, b: list() };
    return a;
  };
  const unary = (): Expr => {
    if (!isWord('not')) return compare();
    const at = peek()!.at;
    i++;
    return { t: 'not', e: nested(at, unary) };
  };
  const and = (): Expr => {
    let e = unary();
    while (isWord('and')) i++, (e = { t: 'and', a: e, b: unary() });
    return e;
  };
  const or = (): Expr => {
    let e = and();
    while (isWord('or')) i++, (e = { t: 'or', a: e, b: and() });
    return e;
  };
  if (toks.length === 0) throw new WhenError('empty expression', 0);
  const e = or();
  if (i < toks.length) fail('unexpected token');
  return e;
}

export interface WhenScope {
  host: Host;
  facts?: BaseFacts;
}

function dig(obj: unknown, keys: string[]): unknown {
  let cur = obj;
  for (const k of keys) {
    if (cur === null || typeof cur !== 'object' || !Object.hasOwn(cur, k)) return null;
    cur = (cur as Record<string, unknown>)[k];
  }
  return cur ?? null;
}

const truthy = (v: unknown) => !(v === null || v === undefined || v === false || v === 0 || v === '');

export function evalWhen(e: Expr, scope: WhenScope): unknown {
  switch (e.t) {
    case 'lit':
      return e.v;
    case 'path':
      return e.root === 'host' ? dig(scope.host, e.keys) : e.root === 'vars' ? dig(scope.host.vars ?? {}, e.keys) : dig(scope.facts ?? {}, e.keys);
    case 'list':
      return e.items.map((x) => evalWhen(x, scope));
    case 'not':
      return !truthy(evalWhen(e.e, scope));
    case 'and':
      return truthy(evalWhen(e.a, scope)) && truthy(evalWhen(e.b, scope));
    case 'or':
      return truthy(evalWhen(e.a, scope)) || truthy(evalWhen(e.b, scope));
    case 'eq':
    case 'ne': {
      const same = JSON.stringify(evalWhen(e.a, scope)) === JSON.stringify(evalWhen(e.b, scope));
      return e.t === 'eq' ? same : !same;
    }
    case 'in':
    case 'notin': {
      const hay = evalWhen(e.b, scope);
      const needle = JSON.stringify(evalWhen(e.a, scope));
      const found = Array.isArray(hay) ? hay.some((x) => JSON.stringify(x) === needle) : typeof hay === 'string' && typeof evalWhen(e.a, scope) === 'string' && hay.includes(evalWhen(e.a, scope) as string);
      return e.t === 'in' ? found : !found;
    }
  }
}

export function whenHolds(e: Expr, scope: WhenScope): boolean {
  return truthy(evalWhen(e, scope));
}

/** Whether an expression reads facts (then it can only be decided after the probe). */
export function usesFacts(e: Expr): boolean {
  switch (e.t) {
    case 'path':
      return e.root === 'facts';
    case 'list':
      return e.items.some(usesFacts);
    case 'not':
      return usesFacts(e.e);
    case 'lit':
      return false;
    default:
      return usesFacts(e.a) || usesFacts(e.b);
  }
}
