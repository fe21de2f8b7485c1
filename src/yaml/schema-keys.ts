// The keys a zod object schema allows at a given input path (for "did you mean" on unknown keys).
import type { z } from 'zod';
import type { YamlPath } from './document.js';

interface Def {
  type: string;
  shape?: Record<string, unknown>;
  innerType?: unknown;
  in?: unknown;
  valueType?: unknown;
  element?: unknown;
  options?: unknown[];
  getter?: () => unknown;
}

function defOf(schema: unknown): Def | undefined {
  return (schema as { _zod?: { def?: Def } } | undefined)?._zod?.def;
}

/** Wrappers that do not change the input shape: optional, default, pipe (input side), lazy... */
function unwrap(schema: unknown, depth = 0): unknown[] {
  const def = defOf(schema);
  if (!def || depth > 20) return [];
  switch (def.type) {
    case 'optional': case 'nullable': case 'default': case 'prefault': case 'catch': case 'readonly': case 'nonoptional':
      return unwrap(def.innerType, depth + 1);
    case 'pipe':
      return unwrap(def.in, depth + 1);
    case 'lazy':
      return def.getter ? unwrap(def.getter(), depth + 1) : [];
    case 'union':
      return (def.options ?? []).flatMap((o) => unwrap(o, depth + 1));
    default:
      return [schema];
  }
}

function child(schema: unknown, key: string | number): unknown[] {
  const def = defOf(schema);
  if (!def) return [];
  if (def.type === 'object' && typeof key === 'string' && def.shape && key in def.shape) return [def.shape[key]];
  if (def.type === 'record') return [def.valueType];
  if (def.type === 'array' && typeof key === 'number') return [def.element];
  return [];
}

/** Allowed keys of the object schema(s) reachable at `path` (input side); empty when unknown. */
export function allowedKeysAt(schema: z.ZodType, path: YamlPath): string[] {
  let current = unwrap(schema);
  for (const key of path) current = current.flatMap((s) => child(s, key)).flatMap((s) => unwrap(s));
  const keys = new Set<string>();
  for (const s of current) {
    const def = defOf(s);
    if (def?.type === 'object' && def.shape) for (const k of Object.keys(def.shape)) keys.add(k);
  }
  return [...keys];
}
