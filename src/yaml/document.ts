// YAML with source positions: parse once, keep the node tree so any value can be traced back to line:col.
import { readFile, stat } from 'node:fs/promises';
import { LineCounter, parseDocument, isMap, isScalar, visit, type Document, type Node } from 'yaml';
import type { Finding } from '../diagnostics/finding.js';
import { findExcessiveNesting, MAX_YAML_NESTING } from './depth-guard.js';

/** Files larger than this are refused before parsing (an inventory of hundreds of hosts is ~50 KiB). */
export const MAX_YAML_BYTES = 256 * 1024;
/** At most this many YAML errors are reported: after the first few, the parser's errors are mostly echoes. */
export const MAX_YAML_FINDINGS = 5;
/** Alias expansions allowed per document: enough for real anchors, far too few for a "billion laughs". */
export const MAX_YAML_ALIASES = 100;

export type YamlPath = readonly (string | number)[];
export interface Position {
  line: number;
  col: number;
}

export interface YamlDocument {
  file: string;
  /** Plain JS value; undefined when the YAML had errors (see findings). */
  value: unknown;
  /** `yaml` findings (syntax, duplicate keys, alias bombs, size). */
  findings: Finding[];
  /** line:col of the value at `path`, or of its deepest existing ancestor (1:1 for the root). */
  positionOf(path: YamlPath): Position;
  /** line:col of the key of the entry at `path` (for unknown keys); falls back to positionOf. */
  keyPositionOf(path: YamlPath): Position;
}

export interface ParseYamlOptions {
  maxBytes?: number;
  maxAliases?: number;
}

const START: Position = { line: 1, col: 1 };

function yamlFinding(file: string, message: string, pos: Position = START, hint?: string): Finding {
  return { level: 'error', code: 'yaml', message, file, line: pos.line, col: pos.col, ...(hint ? { hint } : {}) };
}

function failed(file: string, findings: Finding[]): YamlDocument {
  return { file, value: undefined, findings, positionOf: () => START, keyPositionOf: () => START };
}

/** The `yaml` package appends " at line N, column M:" and a code excerpt; we report line:col ourselves. */
function cleanMessage(message: string): string {
  return (message.split('\n')[0] ?? message).replace(/ at line \d+, column \d+:?\s*$/, '');
}

function keyMatches(key: unknown, want: string | number): boolean {
  const k = isScalar(key) ? key.value : key;
  return String(k) === String(want);
}

function makeLocator(doc: Document, counter: LineCounter) {
  const at = (node: Node | null | undefined): Position | undefined =>
    node?.range ? counter.linePos(node.range[0]) : undefined;

  const deepest = (path: YamlPath): Node | undefined => {
    for (let n = path.length; n >= 0; n--) {
      const node = n === 0 ? doc.contents : doc.getIn(path.slice(0, n), true);
      if (node && typeof node === 'object' && 'range' in (node as object)) return node as Node;
    }
    return undefined;
  };

  const positionOf = (path: YamlPath): Position => at(deepest(path)) ?? START;

  const keyPositionOf = (path: YamlPath): Position => {
    const last = path[path.length - 1];
    const parent = path.length === 0 ? undefined : doc.getIn(path.slice(0, -1), true);
    if (last !== undefined && isMap(parent)) {
      const pair = parent.items.find((p) => keyMatches(p.key, last));
      const pos = pair && isScalar(pair.key) ? at(pair.key) : undefined;
      if (pos) return pos;
    }
    return positionOf(path);
  };
  return { positionOf, keyPositionOf };
}

/**
 * `__proto__` as a mapping key: JavaScript objects built from the YAML would drop it silently or treat it as the
 * prototype; it is refused where it stands. (`constructor` and `prototype` are ordinary keys and names.)
 */
function protoKeys(doc: Document, counter: LineCounter, file: string): Finding[] {
  const found: Finding[] = [];
  visit(doc, {
    Pair(_, pair) {
      if (isScalar(pair.key) && pair.key.value === '__proto__') {
        const pos = pair.key.range ? counter.linePos(pair.key.range[0]) : START;
        found.push(yamlFinding(file, "the key '__proto__' is not allowed", pos, 'rename it; __proto__ has a special meaning in JavaScript objects'));
      }
    },
  });
  return found;
}

function firstAlias(doc: Document, counter: LineCounter): Position {
  let pos = START;
  visit(doc, {
    Alias(_, node) {
      if (node.range) pos = counter.linePos(node.range[0]);
      return visit.BREAK;
    },
  });
  return pos;
}

export function parseYamlText(text: string, file: string, opts: ParseYamlOptions = {}): YamlDocument {
  const maxBytes = opts.maxBytes ?? MAX_YAML_BYTES;
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > maxBytes) {
    return failed(file, [yamlFinding(file, `file is ${bytes} bytes; the limit is ${maxBytes} bytes`, START, 'split the file or remove generated content')]);
  }
  const deep = findExcessiveNesting(text);
  if (deep) {
    return failed(file, [yamlFinding(file, `nesting deeper than ${MAX_YAML_NESTING} levels`, deep, 'flatten the structure; real inventories and playbooks nest a few levels')]);
  }
  const counter = new LineCounter();
  let doc: Document;
  try {
    doc = parseDocument(text, { lineCounter: counter, prettyErrors: true, uniqueKeys: true, merge: false });
  } catch (err) {
    return failed(file, [yamlFinding(file, `cannot parse: ${(err as Error).message}`)]);
  }
  const locator = makeLocator(doc, counter);
  const findings: Finding[] = doc.errors.slice(0, MAX_YAML_FINDINGS).map((e) => {
    const pos = e.linePos?.[0] ?? START;
    const hint = e.code === 'DUPLICATE_KEY' ? 'each key may appear once per mapping; remove or rename one' : undefined;
    return yamlFinding(file, cleanMessage(e.message), pos, hint);
  });
  if (findings.length === 0) findings.push(...protoKeys(doc, counter, file).slice(0, MAX_YAML_FINDINGS));
  if (findings.length > 0) return { file, value: undefined, findings, ...locator };
  try {
    const value = doc.toJS({ maxAliasCount: opts.maxAliases ?? MAX_YAML_ALIASES });
    return { file, value, findings, ...locator };
  } catch (err) {
    const message = err instanceof ReferenceError && /alias/i.test(err.message)
      ? `too many alias expansions (limit ${opts.maxAliases ?? MAX_YAML_ALIASES}): refusing a possible alias bomb`
      : `cannot read value: ${(err as Error).message}`;
    return { file, value: undefined, findings: [yamlFinding(file, message, firstAlias(doc, counter), 'use fewer anchors/aliases (*name)')], ...locator };
  }
}

/** Reads and parses a YAML file; a missing or oversized file becomes a finding, never a throw. */
export async function parseYamlFile(path: string, opts: ParseYamlOptions = {}): Promise<YamlDocument> {
  const maxBytes = opts.maxBytes ?? MAX_YAML_BYTES;
  try {
    const info = await stat(path);
    if (!info.isFile()) return failed(path, [yamlFinding(path, 'not a regular file')]);
    if (info.size > maxBytes) {
      return failed(path, [yamlFinding(path, `file is ${info.size} bytes; the limit is ${maxBytes} bytes`, START, 'split the file or remove generated content')]);
    }
    return parseYamlText(await readFile(path, 'utf8'), path, opts);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const why = e.code === 'ENOENT' ? 'no such file' : e.code === 'EACCES' ? 'permission denied' : e.message;
    return failed(path, [yamlFinding(path, `cannot read file: ${why}`)]);
  }
}
