// Deletes one host's entry from the inventory file as a person would: its lines only, comments and layout elsewhere untouched.
import { readFile, rename, writeFile } from 'node:fs/promises';
import { isMap, isScalar, parseDocument } from 'yaml';

/** The text without hosts.NAME (the lines from its key to the end of its value); throws when it is not there. */
export function removeHostFromText(text: string, name: string): string {
  const doc = parseDocument(text, { keepSourceTokens: true });
  const hosts = doc.get('hosts', true);
  if (!isMap(hosts)) throw new Error('hosts: not found in the inventory');
  const pair = hosts.items.find((p) => isScalar(p.key) && p.key.value === name);
  const keyRange = isScalar(pair?.key) ? pair.key.range : undefined;
  const valueRange = (pair?.value as { range?: [number, number, number] } | null | undefined)?.range;
  if (!pair || !keyRange || !valueRange) throw new Error(`hosts.${name} not found in the inventory`);
  const start = text.lastIndexOf('\n', keyRange[0] - 1) + 1;
  const lastChar = Math.max(valueRange[1] - 1, keyRange[1]);
  const nl = text.indexOf('\n', lastChar);
  const end = nl < 0 ? text.length : nl + 1;
  const out = text.slice(0, start) + text.slice(end);
  const check = parseDocument(out).toJS() as { hosts?: Record<string, unknown> };
  const before = parseDocument(text).toJS() as { hosts: Record<string, unknown> };
  const expected = Object.keys(before.hosts).filter((h) => h !== name);
  if (!check.hosts || JSON.stringify(Object.keys(check.hosts)) !== JSON.stringify(expected)) throw new Error(`could not delete hosts.${name} from the inventory by lines: delete it by hand`);
  return out;
}

export async function removeHostFromInventoryFile(file: string, name: string): Promise<void> {
  const text = await readFile(file, 'utf8');
  const out = removeHostFromText(text, name);
  await writeFile(`${file}.provision-tmp`, out);
  await rename(`${file}.provision-tmp`, file);
}
