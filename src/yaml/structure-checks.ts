// YAML features provision's files never need, refused with our own message at their position (before toJS).
import { isAlias, isCollection, isNode, isPair, isScalar, visit, type Document, type LineCounter, type Node } from 'yaml';
import type { Finding } from '../core/finding.js';

/** Nodes of the document once every alias is expanded: real files have a few thousand; an alias bomb has billions. */
export const MAX_YAML_EXPANDED_NODES = 100_000;

/** Tags that only restate what the plain value already is. */
const PLAIN_TAGS = new Set(['str', 'int', 'float', 'bool', 'null', 'map', 'seq'].map((t) => `tag:yaml.org,2002:${t}`));

interface Problem {
  node: Node;
  message: string;
  hint?: string;
}

/** Nodes of `root` once aliases are expanded (memoised per node, so it is linear in the file, not in the expansion). */
function expandedSize(root: Node, anchors: Map<string, Node>, limit: number): number | 'cycle' {
  const memo = new Map<Node, number>();
  const active = new Set<Node>();
  const size = (node: unknown): number | 'cycle' => {
    if (!isNode(node)) return 1;
    const known = memo.get(node);
    if (known !== undefined) return known;
    if (active.has(node)) return 'cycle';
    active.add(node);
    let n = 1;
    if (isAlias(node)) {
      const target = anchors.get(node.source);
      const s = target ? size(target) : 1;
      if (s === 'cycle') return s;
      n = s;
    } else if (isCollection(node)) {
      for (const item of node.items as unknown[]) {
        const parts = isPair(item) ? [item.key, item.value] : [item];
        for (const p of parts) {
          const s = size(p);
          if (s === 'cycle') return s;
          n += s;
        }
        if (n > limit) break;
      }
    }
    active.delete(node);
    memo.set(node, n);
    return n;
  };
  return size(root);
}

export function structureProblems(doc: Document, maxNodes = MAX_YAML_EXPANDED_NODES): Problem[] {
  const problems: Problem[] = [];
  const anchors = new Map<string, Node>();
  visit(doc, {
    Node(_, node) {
      if (node.tag && !PLAIN_TAGS.has(node.tag)) problems.push({ node, message: `tag '${node.tag.replace(/^tag:yaml.org,2002:/, '!!')}' is not supported`, hint: 'write the plain value (quote it to make it a string)' });
      if (isAlias(node)) {
        if (!anchors.has(node.source)) problems.push({ node, message: `alias *${node.source} refers to no anchor`, hint: `define &${node.source} before it is used (anchors only work within one file)` });
      } else if (node.anchor) anchors.set(node.anchor, node);
    },
    Pair(_, pair) {
      const key = pair.key;
      if (!isNode(key)) return;
      if (isScalar(key) && key.value === '<<' && !key.tag && key.type === 'PLAIN') {
        problems.push({ node: key, message: "merge keys ('<<') are not supported", hint: 'write the keys out (an alias *name can still repeat a whole value)' });
      } else if (isScalar(key) && key.value === '__proto__') {
        problems.push({ node: key, message: "the key '__proto__' is not allowed", hint: 'rename it; __proto__ has a special meaning in JavaScript objects' });
      } else if (!isScalar(key)) {
        problems.push({ node: key, message: 'a mapping key must be a plain string or number', hint: isAlias(key) ? 'write the key itself, not an alias' : 'a list or mapping cannot be a key' });
      }
    },
  });
  if (problems.length === 0 && doc.contents) {
    const n = expandedSize(doc.contents, anchors, maxNodes);
    const firstAlias = (): Node => {
      let found: Node = doc.contents!;
      visit(doc, { Alias: (_, a) => ((found = a), visit.BREAK) });
      return found;
    };
    if (n === 'cycle') problems.push({ node: firstAlias(), message: 'an alias refers to a value that contains it', hint: 'aliases cannot make loops' });
    else if (n > maxNodes) problems.push({ node: firstAlias(), message: `aliases expand to more than ${maxNodes} values: refusing a possible alias bomb`, hint: 'use fewer anchors/aliases (*name)' });
  }
  return problems;
}

export function structureFindings(doc: Document, counter: LineCounter, file: string, maxNodes?: number): Finding[] {
  return structureProblems(doc, maxNodes).map(({ node, message, hint }) => {
    const pos = node.range ? counter.linePos(node.range[0]) : { line: 1, col: 1 };
    return { level: 'error', code: 'yaml', message, file, line: pos.line, col: pos.col, ...(hint ? { hint } : {}) };
  });
}
