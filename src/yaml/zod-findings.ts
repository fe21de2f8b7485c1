// Turns zod validation issues into findings at the line:col of the offending YAML value (code `schema`).
import type { z } from 'zod';
import type { Finding } from '../core/finding.js';
import { didYouMean } from './did-you-mean.js';
import type { YamlDocument, YamlPath } from './document.js';
import { allowedKeysAt } from './schema-keys.js';

export interface IssueMappingOptions {
  /** The schema that produced the issues: enables "did you mean" for unknown keys. */
  schema?: z.ZodType;
  /** The code for findings whose issue carries no `params.code` (default `schema`). */
  code?: string;
}

type Issue = z.core.$ZodIssue;

function pathOf(issue: Issue): (string | number)[] {
  return issue.path.filter((p): p is string | number => typeof p !== 'symbol');
}

function showPath(path: YamlPath): string {
  return path.length === 0 ? '(top level)' : path.map((p) => (typeof p === 'number' ? `[${p}]` : p)).join('.').replace(/\.\[/g, '[');
}

function unknownKeyFindings(issue: Issue & { keys: string[] }, doc: YamlDocument, opts: IssueMappingOptions): Finding[] {
  const path = pathOf(issue);
  const allowed = opts.schema ? allowedKeysAt(opts.schema, path) : [];
  return issue.keys.map((key) => {
    const pos = doc.keyPositionOf([...path, key]);
    const guess = didYouMean(key, allowed);
    const where = path.length ? ` in ${showPath(path)}` : '';
    const hint = guess ? `did you mean '${guess}'?` : allowed.length ? `allowed keys: ${allowed.join(', ')}` : undefined;
    return { level: 'error' as const, code: opts.code ?? 'schema', message: `unknown key '${key}'${where}`, file: doc.file, ...pos, ...(hint ? { hint } : {}) };
  });
}

function messageOf(issue: Issue, path: YamlPath): string {
  const where = showPath(path);
  if (issue.code === 'custom' && (issue.params as { at?: string } | undefined)?.at === 'key') return issue.message;
  if (issue.code === 'invalid_type' && /received undefined$/.test(issue.message)) return `missing required field '${where}'`;
  const text = issue.message.replace(/^Invalid input: /, '');
  return `${where}: ${text}`;
}

/**
 * A union's own message is just "Invalid input": use the issues of the branch whose basic type the
 * input matched (its first issue is not a type mismatch at the union itself), with paths made absolute.
 */
function unwrapUnion(issue: Issue): Issue[] | undefined {
  if (issue.code !== 'invalid_union') return undefined;
  const branches = (issue as { errors?: Issue[][] }).errors ?? [];
  const typeMismatch = (i: Issue | undefined) => i?.code === 'invalid_type' && i.path.length === 0;
  const matched = branches.find((b) => b.length > 0 && !typeMismatch(b[0]));
  if (matched) return matched.map((i) => ({ ...i, path: [...issue.path, ...i.path] }) as Issue);
  const expected = branches.map((b) => (b[0] as { expected?: string } | undefined)?.expected).filter(Boolean);
  if (expected.length === 0) return undefined;
  return [{ ...issue, message: `expected ${[...new Set(expected)].join(' or ')}` } as Issue];
}

/** One finding per issue (per key for unknown keys), each at the position of the value it is about. */
export function zodIssuesToFindings(issues: readonly Issue[], doc: YamlDocument, opts: IssueMappingOptions = {}): Finding[] {
  return issues.flatMap((issue): Finding[] => {
    const inner = unwrapUnion(issue);
    if (inner && !(inner.length === 1 && inner[0]!.code === 'invalid_union')) return zodIssuesToFindings(inner, doc, opts);
    if (issue.code === 'unrecognized_keys') return unknownKeyFindings(issue, doc, opts);
    const path = pathOf(issue);
    const params = (issue as { params?: { code?: string; hint?: string; at?: 'key' } }).params;
    const pos = params?.at === 'key' ? doc.keyPositionOf(path) : doc.positionOf(path);
    return [{
      level: 'error',
      code: params?.code ?? opts.code ?? 'schema',
      message: messageOf(issue, path),
      file: doc.file,
      ...pos,
      ...(params?.hint ? { hint: params.hint } : {}),
    }];
  });
}
