// Checks an object's spec against a pruned upstream CRD schema (test/fixtures/upstream-crds): names, types, enums, required.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

interface Schema {
  type?: string;
  enum?: unknown[];
  required?: string[];
  properties?: Record<string, Schema>;
  items?: Schema;
}

const DIR = resolve(import.meta.dirname, '../../../../fixtures/upstream-crds');
const load = (f: string) => (JSON.parse(readFileSync(resolve(DIR, f), 'utf8')) as { crds: Record<string, { spec: Schema }> }).crds;
export const CRDS: Record<string, { spec: Schema }> = { ...load('calico-v3.30.7.json'), ...load('metallb-v0.15.3.json') };

const typeOf = (v: unknown) => (Array.isArray(v) ? 'array' : Number.isInteger(v) ? 'integer' : typeof v);

/** Problems of `value` at `path` against `s`; an excerpt leaf ({}) accepts anything. */
export function schemaProblems(value: unknown, s: Schema, path = 'spec'): string[] {
  const out: string[] = [];
  if (s.type && typeOf(value) !== s.type && !(s.type === 'number' && typeof value === 'number')) out.push(`${path}: ${typeOf(value)}, CRD says ${s.type}`);
  if (s.enum && !s.enum.includes(value)) out.push(`${path}: ${JSON.stringify(value)} not in ${JSON.stringify(s.enum)}`);
  if (s.required) for (const r of s.required) if (!(value && typeof value === 'object' && r in value)) out.push(`${path}.${r}: required`);
  if (s.properties && value && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) {
      const sub = s.properties[k];
      if (!sub) out.push(`${path}.${k}: no such field in the CRD (fields: ${Object.keys(s.properties).join(', ')})`);
      else out.push(...schemaProblems(v, sub, `${path}.${k}`));
    }
  }
  if (s.items && Array.isArray(value)) value.forEach((v, i) => out.push(...schemaProblems(v, s.items!, `${path}[${i}]`)));
  return out;
}

/** The CRD key for an object: projectcalico.org/v3 kinds are stored as crd.projectcalico.org/v1 with the same spec. */
export function crdKey(apiVersion: string, kind: string): string {
  const av = apiVersion === 'projectcalico.org/v3' ? 'crd.projectcalico.org/v1' : apiVersion;
  return `${av}/${kind}`;
}
