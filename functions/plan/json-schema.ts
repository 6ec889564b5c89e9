// The JSON Schema that editors use to check and complete plan files, generated from the zod schema.
import * as z from 'zod';
import { PlanSchema } from './schema.ts';

/** Where the generated schema is committed, relative to the project root (sample.yaml refers to it). */
export const PLAN_JSON_SCHEMA_FILE = 'plans/plan.schema.json';

/**
 * The schema as the file's text. Draft-07, because the YAML language server and most editors read it fully;
 * the cross-field rules (references, dates, weights) cannot be expressed there and stay with the validator.
 */
export function planJsonSchemaText(): string {
  const schema = z.toJSONSchema(PlanSchema, { target: 'draft-07', io: 'input' });
  return `${JSON.stringify(schema, null, 2)}\n`;
}
