// Fills `{{provider.key}}` placeholders in write contents with provider outputs (secrets stay Secret).
import { Secret } from '../core/secret.js';
import type { Content } from '../core/types.js';

const PLACEHOLDER = /\{\{\s*([a-z][a-z0-9-]*)\.([A-Za-z0-9_-]+)\s*\}\}/g;

/** Provider names a template refers to. */
export function templateProviders(template: string): string[] {
  return [...new Set([...template.matchAll(PLACEHOLDER)].map((m) => m[1]!))];
}

export type ProviderOutputs = (name: string) => Promise<Record<string, Secret>>;

export async function fillTemplate(template: string, outputs: ProviderOutputs): Promise<Secret> {
  const values = new Map<string, Record<string, Secret>>();
  for (const name of templateProviders(template)) values.set(name, await outputs(name));
  const text = template.replace(PLACEHOLDER, (_m, name: string, key: string) => {
    const v = values.get(name)?.[key];
    if (!v) throw new Error(`template refers to {{${name}.${key}}} but provider '${name}' has no output '${key}'`);
    return v.reveal();
  });
  return new Secret(text);
}

/** The bytes a write sends, revealed at the last moment; `secret` says whether they may be shown. */
export async function resolveContent(content: Content, outputs: ProviderOutputs): Promise<{ bytes: Buffer; secret: boolean }> {
  if (typeof content === 'string') return { bytes: Buffer.from(content, 'utf8'), secret: false };
  if (content instanceof Secret) return { bytes: Buffer.from(content.reveal(), 'utf8'), secret: true };
  return { bytes: Buffer.from((await fillTemplate(content.template, outputs)).reveal(), 'utf8'), secret: true };
}
