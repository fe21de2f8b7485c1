// The inventory's JSON Schema (for editors), generated from the same zod schema that validates it.
import { z } from 'zod';
import { inventorySchema } from './schema.js';

export const SCHEMA_ID = 'https://github.com/provision/provision/schema/inventory.schema.json';

export function inventoryJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(inventorySchema, { io: 'input', unrepresentable: 'any', target: 'draft-2020-12' }) as Record<string, unknown>;
  return { ...schema, $id: SCHEMA_ID, title: 'provision inventory', description: 'A cluster inventory for provision: cluster, network plan, ssh settings and hosts.' };
}
