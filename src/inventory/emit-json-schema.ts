// Writes schema/inventory.schema.json from the zod source (`npm run schema`; no npm-only tooling needed).
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { PACKAGE_ROOT } from '../package-root.js';
import { inventoryJsonSchema } from './json-schema.js';

export const SCHEMA_FILE = resolve(PACKAGE_ROOT, 'schema', 'inventory.schema.json');

export function renderJsonSchema(): string {
  return `${JSON.stringify(inventoryJsonSchema(), null, 2)}\n`;
}

export async function emitJsonSchema(file = SCHEMA_FILE): Promise<string> {
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, renderJsonSchema());
  return file;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const target = process.argv[2] ? resolve(process.argv[2]) : SCHEMA_FILE;
  emitJsonSchema(target).then((f) => process.stdout.write(`wrote ${f}\n`), (err: Error) => {
    process.stderr.write(`emit-json-schema: ${err.message}\n`);
    process.exitCode = 1;
  });
}
