// The examples in docs/plan-format.md stay true to the schema: each section example has the shape the validator
// expects (cross-references are left out: an example shows one section alone).
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { PlanShapeSchema } from '#plan/schema.ts';
import { readProjectFile } from '#test/fixtures/plans.ts';

const blocks = [...readProjectFile('docs/plan-format.md').matchAll(/```yaml\n([\s\S]*?)```/g)]
  .map((m) => m[1]!)
  .filter((text) => !text.startsWith('# yaml-language-server'));
const shape = PlanShapeSchema.shape as Record<
  string,
  { safeParse(v: unknown): { success: boolean; error?: unknown } }
>;

describe('the plan format document', () => {
  it('shows an example of every section', () => {
    const sections = blocks.flatMap((text) => Object.keys(parse(text)));

    expect(sections.sort()).toEqual(Object.keys(shape).sort());
  });

  it.each(blocks.map((text) => [Object.keys(parse(text))[0], text]))(
    'has a valid %s example',
    (_section, text) => {
      for (const [section, value] of Object.entries(parse(text as string))) {
        const result = shape[section]!.safeParse(value);
        expect(result.error).toBeUndefined();
      }
    },
  );
});
