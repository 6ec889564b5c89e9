import { describe, expect, it } from 'vitest';
import { PLAN_JSON_SCHEMA_FILE, planJsonSchemaText } from '#plan/json-schema.ts';
import { readProjectFile, SAMPLE_FILE } from '#test/fixtures/plans.ts';

describe('the JSON Schema for editors', () => {
  it('is up to date with the zod schema (run `npm run schema` when this fails)', () => {
    expect(readProjectFile(PLAN_JSON_SCHEMA_FILE)).toBe(planJsonSchemaText());
  });

  it('carries the field descriptions', () => {
    const schema = JSON.parse(planJsonSchemaText());
    const pilot = schema.properties.pilots.items;

    expect(pilot.properties.escalatesTo.description).toMatch(/supervises this pilot/);
    expect(schema.properties.escalation.properties.remindBeforeDue.description).toMatch(/^Remind \(催办\)/);
    expect(pilot.additionalProperties).toBe(false);
  });

  it('is referenced from the first line of the sample plan', () => {
    expect(readProjectFile(SAMPLE_FILE).split('\n')[0]).toBe(
      '# yaml-language-server: $schema=./plan.schema.json',
    );
  });
});
