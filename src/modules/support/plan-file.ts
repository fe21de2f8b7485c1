// The one way modules manage a whole file: compare wanted content and metadata with the fact, then plan.
import { createHash } from 'node:crypto';
import type { Change, FileFact, Step } from '../../core/types.js';
import { Secret } from '../../core/secret.js';
import { change, noop, type Where } from './change.js';
import { execStep } from './command.js';
import { formatMode } from './schema.js';

export interface PlanFileOptions {
  ctx: Where;
  path: string;
  /** Whole wanted content; a Secret is compared by hash and never diffed; null means the file must be absent. */
  want: string | Secret | null;
  fact: FileFact;
  /** Unset: keep the existing file's value (new files: 0644 root:root, the runner's default). */
  mode?: number;
  owner?: string;
  group?: string;
  /** argv run on the temp file before the rename; '%s' is the temp path. */
  validate?: string[];
  backup?: boolean;
  /** Words for summaries, e.g. "sysctl net.ipv4.ip_forward = 1 in /etc/sysctl.d/…". Default: the path. */
  label?: string;
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

function sameContent(fact: FileFact, want: string | Secret): boolean {
  const text = want instanceof Secret ? want.reveal() : want;
  if (fact.content !== undefined) return fact.content === text;
  return fact.sha256 !== undefined && fact.sha256 === sha256(text);
}

/** Metadata the file has but should not: ["mode 0600 → 0644", "owner pi → root"]. */
function metadataDrift(o: PlanFileOptions): string[] {
  const out: string[] = [];
  const f = o.fact;
  if (o.mode !== undefined && f.mode !== undefined && (f.mode & 0o7777) !== o.mode) out.push(`mode ${formatMode(f.mode)} → ${formatMode(o.mode)}`);
  if (o.owner !== undefined && f.owner !== undefined && f.owner !== o.owner) out.push(`owner ${f.owner} → ${o.owner}`);
  if (o.group !== undefined && f.group !== undefined && f.group !== o.group) out.push(`group ${f.group} → ${o.group}`);
  return out;
}

function metadataSteps(o: PlanFileOptions): Step[] {
  const f = o.fact;
  const steps: Step[] = [];
  if (o.mode !== undefined && f.mode !== undefined && (f.mode & 0o7777) !== o.mode) steps.push(execStep(['chmod', formatMode(o.mode), o.path]));
  const owner = o.owner !== undefined && f.owner !== undefined && f.owner !== o.owner ? o.owner : '';
  const group = o.group !== undefined && f.group !== undefined && f.group !== o.group ? o.group : '';
  if (owner || group) steps.push(execStep(['chown', group ? `${owner}:${group}` : owner, o.path]));
  return steps;
}

function writeStep(o: PlanFileOptions, content: string | Secret): Step {
  const step: Step = { kind: 'write', path: o.path, content };
  if (o.mode !== undefined) step.mode = o.mode;
  if (o.owner !== undefined) step.owner = o.owner;
  if (o.group !== undefined) step.group = o.group;
  if (o.validate) step.validate = o.validate;
  if (o.backup) step.backup = true;
  return step;
}

function describeMeta(o: PlanFileOptions): string {
  const parts = [o.mode !== undefined ? `mode ${formatMode(o.mode)}` : '', o.owner ?? '', o.group ? `group ${o.group}` : ''].filter(Boolean);
  return parts.length ? ` (${parts.join(', ')})` : '';
}

/** noop / create / update (content diff, or metadata only) / delete for one whole file. */
export function planFile(o: PlanFileOptions): Change {
  const label = o.label ?? o.path;
  const { fact, want } = o;
  if (want === null) {
    if (!fact.exists) return noop(o.ctx, `${label} absent`);
    const diff = fact.content !== undefined ? { diff: { path: o.path, before: fact.content, after: '' } } : {};
    return change(o.ctx, { action: 'delete', summary: `delete ${label}`, steps: [{ kind: 'delete', path: o.path }], ...diff });
  }
  const secret = want instanceof Secret;
  const after = secret ? '' : want;
  if (!fact.exists) {
    return change(o.ctx, {
      action: 'create',
      summary: `create ${label}${describeMeta(o)}${secret ? ' (secret content)' : ''}`,
      steps: [writeStep(o, want)],
      ...(secret ? {} : { diff: { path: o.path, before: '', after } }),
    });
  }
  if (!sameContent(fact, want)) {
    const diff = !secret && fact.content !== undefined ? { diff: { path: o.path, before: fact.content, after } } : {};
    return change(o.ctx, { action: 'update', summary: `update ${label}${secret ? ' (secret content)' : ''}`, steps: [writeStep(o, want)], ...diff });
  }
  const drift = metadataDrift(o);
  if (drift.length > 0) return change(o.ctx, { action: 'update', summary: `${label}: ${drift.join(', ')}`, steps: metadataSteps(o) });
  return noop(o.ctx, `${label} up to date${describeMeta(o)}`);
}
