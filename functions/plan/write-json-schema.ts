// `npm run schema`: regenerates plans/plan.schema.json from the zod schema (a unit test fails when it is stale).
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { PLAN_JSON_SCHEMA_FILE, planJsonSchemaText } from './json-schema.ts';

const target = fileURLToPath(new URL(`../../${PLAN_JSON_SCHEMA_FILE}`, import.meta.url));
await writeFile(target, planJsonSchemaText());
console.log(`wrote ${PLAN_JSON_SCHEMA_FILE}`);
