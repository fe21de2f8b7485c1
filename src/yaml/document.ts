// YAML with source positions: parse once, keep the node tree so any value can be traced back to line:col.
import { readFileSync, statSync } from 'node:fs';
import { LineCounter, parseDocument, isMap, isScalar, type Document, type Node } from 'yaml';
import type { Finding } from '../core/finding.js';
import { findExcessiveNesting, MAX_YAML_NESTING } from './depth-guard.js';
import { structureFindings } from './structure-checks.js';

/** Files larger than this are refused before parsing (an inventory of hundreds of hosts is ~50 KiB). */
export const MAX_YAML_BYTES = 256 * 1024;
/** At most this many YAML errors are reported: after the first few, the parser's errors are mostly echoes. */
export const MAX_YAML_FINDINGS = 5;

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
  /** Values in the document once aliases are expanded (default MAX_YAML_EXPANDED_NODES). */
  maxExpandedNodes?: number;
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
    if (e.code === 'MULTIPLE_DOCS') return yamlFinding(file, "a second YAML document ('---'): a file holds one inventory or playbook", pos, "remove the '---' line and what follows, or split the file");
    const hint = e.code === 'DUPLICATE_KEY' ? 'each key may appear once per mapping; remove or rename one' : undefined;
    return yamlFinding(file, cleanMessage(e.message), pos, hint);
  });
  if (findings.length === 0) findings.push(...structureFindings(doc, counter, file, opts.maxExpandedNodes).slice(0, MAX_YAML_FINDINGS));
  if (findings.length > 0) return { file, value: undefined, findings, ...locator };
  try {
    // The expansion was measured above: the library's alias count (which refuses 101 uses of one scalar) is not needed.
    const value = doc.toJS({ maxAliasCount: -1 });
    return { file, value, findings, ...locator };
  } catch (err) {
    return { file, value: undefined, findings: [yamlFinding(file, `cannot read value: ${(err as Error).message}`)], ...locator };
  }
}

/** UTF-8 text (a UTF-8 BOM is fine), or why not: UTF-16/32 (by BOM or NUL bytes), other binary, invalid UTF-8. */
export function decodeUtf8(bytes: Uint8Array): { text: string } | { problem: string; at?: Position } {
  const [a, b, c, d] = bytes;
  if ((a === 0xff && b === 0xfe) || (a === 0xfe && b === 0xff) || (a === 0 && b === 0 && c === 0xfe && d === 0xff)) {
    return { problem: `the file is UTF-${a === 0 || (a === 0xff && c === 0 && d === 0) ? 32 : 16} (it starts with a byte-order mark); provision reads UTF-8` };
  }
  const nul = bytes.indexOf(0);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    return { problem: 'the file is not valid UTF-8 text' };
  }
  if (nul >= 0) {
    const before = text.slice(0, text.indexOf('\u0000'));
    const lines = before.split('\n');
    return { problem: 'the file contains NUL bytes: it is binary, or UTF-16/32 without a byte-order mark', at: { line: lines.length, col: lines[lines.length - 1]!.length + 1 } };
  }
  return { text };
}

/**
 * Reads and parses a YAML file; a missing or oversized file becomes a finding, never a throw. Read synchronously:
 * a small local file, and an awaited read waits for a libuv thread, which on a machine busy with SSH handshakes
 * (up reads its playbook while they run) is where the time went.
 */
export async function parseYamlFile(path: string, opts: ParseYamlOptions = {}): Promise<YamlDocument> {
  const maxBytes = opts.maxBytes ?? MAX_YAML_BYTES;
  try {
    const info = statSync(path);
    if (!info.isFile()) return failed(path, [yamlFinding(path, 'not a regular file')]);
    if (info.size > maxBytes) {
      return failed(path, [yamlFinding(path, `file is ${info.size} bytes; the limit is ${maxBytes} bytes`, START, 'split the file or remove generated content')]);
    }
    const decoded = decodeUtf8(readFileSync(path));
    if ('problem' in decoded) return failed(path, [yamlFinding(path, decoded.problem, decoded.at, 'save the file as UTF-8 text')]);
    return parseYamlText(decoded.text, path, opts);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const why = e.code === 'ENOENT' ? 'no such file' : e.code === 'EACCES' ? 'permission denied' : e.message;
    return failed(path, [yamlFinding(path, `cannot read file: ${why}`)]);
  }
}
