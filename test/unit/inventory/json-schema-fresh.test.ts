// The published schema/inventory.schema.json must be what the zod source generates (editors read the file).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderJsonSchema, SCHEMA_FILE } from '../../../src/inventory/emit-json-schema.js';

describe('schema/inventory.schema.json', () => {
  it('is up to date with the zod schema (regenerate with `npm run build && npm run schema`)', () => {
    expect(readFileSync(SCHEMA_FILE, 'utf8')).toBe(renderJsonSchema());
  });
});
