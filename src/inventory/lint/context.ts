// What every lint check gets: the inventory, a way to report a finding, and the YAML path of any value.
import type { Finding, Level } from '../../core/finding.js';
import type { YamlDocument, YamlPath } from '../../yaml/index.js';
import type { Host, Inventory } from '../types.js';
import { cidrSpan, type Span } from '../ipv4.js';

export interface LintContext {
  inv: Inventory;
  /** The node LAN as a span of integers. */
  lan: Span;
  report(level: Level, code: string, message: string, path: YamlPath, hint?: string): void;
  hostPath(h: Host, field?: string): YamlPath;
  /** YAML path of metallb.pool entry i (the scalar itself when the pool was not a list). */
  poolPath(i: number): YamlPath;
  routePath(i: number): YamlPath;
}

export type LintCheck = (ctx: LintContext) => void;

function isList(value: unknown, path: string[]): boolean {
  let v = value;
  for (const k of path) v = v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined;
  return Array.isArray(v);
}

export function createLintContext(inv: Inventory, source: YamlDocument, findings: Finding[]): LintContext {
  const listPath = (key: string) => (i: number): YamlPath =>
    isList(source.value, ['network', 'metallb', key]) ? ['network', 'metallb', key, i] : ['network', 'metallb', key];
  return {
    inv,
    lan: cidrSpan(inv.network.nodes),
    report(level, code, message, path, hint) {
      const pos = source.positionOf(path);
      findings.push({ level, code, message, file: source.file, line: pos.line, col: pos.col, ...(hint ? { hint } : {}) });
    },
    hostPath: (h, field) => (field ? ['hosts', h.name, field] : ['hosts', h.name]),
    poolPath: listPath('pool'),
    routePath: listPath('route'),
  };
}
