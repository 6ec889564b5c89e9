// JSONata templates as Step Functions evaluates them: `{% %}` strings, $states, variables, the functions AWS adds.
// https://docs.aws.amazon.com/step-functions/latest/dg/transforming-data.html
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  evaluateJsonataCondition,
  evaluateJsonataTemplate,
  isJsonataTemplate,
  type JsonataBindings,
  StatesErrorNames,
} from '#local/stepfunctions/lang/index.ts';

const NOW = Date.UTC(2023, 1, 1, 8, 30, 0);
const env = { random: () => 0.25, uuid: () => 'b7a1c3d2-0000-4000-8000-000000000002', now: () => NOW };
const bindings: JsonataBindings = {
  states: {
    input: { title: 'Doctor', scores: [3, 4, 5], json: '{"pilot":"古城社区"}' },
    context: { Execution: { Name: 'e1' } },
  },
  variables: { customerName: 'María' },
};

async function failureOf(value: unknown, field = 'Output'): Promise<{ error: string; cause: string }> {
  try {
    await evaluateJsonataTemplate(value, bindings, env, field);
  } catch (error) {
    return error as { error: string; cause: string };
  }
  throw new Error('did not fail');
}

describe('evaluateJsonataTemplate', () => {
  it('evaluates {% %} strings and copies everything else (the documented conversion example)', async () => {
    const args = {
      static: 'Hello',
      title: '{% $states.input.title %}',
      name: '{% $customerName %}',
      'not-evaluated': '$customerName',
    };
    expect(await evaluateJsonataTemplate(args, bindings, env, 'Arguments')).toEqual({
      static: 'Hello',
      title: 'Doctor',
      name: 'María',
      'not-evaluated': '$customerName',
    });
  });

  it('walks nested objects and arrays and keeps non-string values', async () => {
    const value = {
      a: [1, '{% $sum($states.input.scores) %}', { b: true, c: null }],
      d: '{% $states.context.Execution.Name %}',
    };
    expect(await evaluateJsonataTemplate(value, bindings, env)).toEqual({
      a: [1, 12, { b: true, c: null }],
      d: 'e1',
    });
  });

  it('evaluates a whole-value template to any JSON type', async () => {
    expect(await evaluateJsonataTemplate('{% $states.input.scores %}', bindings, env)).toEqual([3, 4, 5]);
    expect(await evaluateJsonataTemplate('{% {"n": $count($states.input.scores)} %}', bindings, env)).toEqual(
      { n: 3 },
    );
  });

  it('recognises only strings that are wholly {% … %}', () => {
    expect(isJsonataTemplate('{% 1 %}')).toBe(true);
    expect(isJsonataTemplate('x {% 1 %}')).toBe(false);
    expect(isJsonataTemplate('{% 1 %} ')).toBe(false);
  });

  it('exposes $states.result and $states.errorOutput only when given', async () => {
    const withResult: JsonataBindings = { ...bindings, states: { ...bindings.states, result: { ok: 1 } } };
    expect(await evaluateJsonataTemplate('{% $states.result.ok %}', withResult, env)).toBe(1);
    expect((await failureOf('{% $states.result %}')).cause).toMatch(/returned nothing/);
  });
});

describe('Step Functions JSONata functions', () => {
  it('partitions, ranges and hashes', async () => {
    expect(await evaluateJsonataTemplate('{% $partition([1,2,3,4,5,6,7,8,9], 3) %}', bindings, env)).toEqual([
      [1, 2, 3],
      [4, 5, 6],
      [7, 8, 9],
    ]);
    expect(await evaluateJsonataTemplate('{% $range(0, 10, 2) %}', bindings, env)).toEqual([
      0, 2, 4, 6, 8, 10,
    ]);
    expect(await evaluateJsonataTemplate("{% $hash('input data', 'SHA-256') %}", bindings, env)).toBe(
      createHash('sha256').update('input data').digest('hex'),
    );
  });

  it('draws $random from the injected source, and repeats it for a seed', async () => {
    expect(await evaluateJsonataTemplate('{% $random() %}', bindings, env)).toBe(0.25);
    const a = await evaluateJsonataTemplate('{% $random(42) %}', bindings, env);
    const b = await evaluateJsonataTemplate('{% $random(42) %}', bindings, { ...env, random: () => 0.9 });
    expect(a).toBe(b);
    expect(a).toBeGreaterThanOrEqual(0);
    expect(a).toBeLessThan(1);
  });

  it('takes $uuid from the injected source and parses JSON text with $parse', async () => {
    expect(await evaluateJsonataTemplate('{% $uuid() %}', bindings, env)).toBe(env.uuid());
    expect(await evaluateJsonataTemplate('{% $parse($states.input.json).pilot %}', bindings, env)).toBe(
      '古城社区',
    );
  });

  it('reads the injected clock in $now and $millis', async () => {
    expect(await evaluateJsonataTemplate('{% $now() %}', bindings, env)).toBe('2023-02-01T08:30:00.000Z');
    expect(await evaluateJsonataTemplate('{% $millis() %}', bindings, env)).toBe(NOW);
    expect(await evaluateJsonataTemplate("{% $now('[Y0001]-[M01]-[D01]') %}", bindings, env)).toBe(
      '2023-02-01',
    );
  });

  it('does not offer $eval', async () => {
    expect(await failureOf("{% $eval('1 + 1') %}")).toEqual(
      expect.objectContaining({ error: StatesErrorNames.QueryEvaluationError }),
    );
  });

  it('rejects the ?? operator that jsonata 2.0.6 (the version AWS implements) does not have', async () => {
    expect(await failureOf('{% $states.input.none ?? 1 %}')).toEqual(
      expect.objectContaining({ error: StatesErrorNames.QueryEvaluationError }),
    );
  });
});

describe('errors', () => {
  it('reports an expression that returns nothing with the field it was in, as AWS does', async () => {
    expect(
      await failureOf({ Input: { pushLocation: '{% $states.input.pushLocation %}' } }, 'Arguments'),
    ).toMatchObject({
      error: StatesErrorNames.QueryEvaluationError,
      cause:
        "The JSONata expression '$states.input.pushLocation' specified for the field 'Arguments/Input/pushLocation' returned nothing (undefined).",
    });
  });

  it('names array positions in the field', async () => {
    expect((await failureOf({ list: [1, '{% $nope %}'] })).cause).toContain("'Output/list[1]'");
  });

  it('turns evaluation and syntax errors into States.QueryEvaluationError with jsonata’s message', async () => {
    const evaluation = await failureOf("{% 1 + 'a' %}");
    expect(evaluation.error).toBe(StatesErrorNames.QueryEvaluationError);
    expect(evaluation.cause).toContain('T2002');
    const syntax = await failureOf('{% $states.input.scores[ %}');
    expect(syntax.error).toBe(StatesErrorNames.QueryEvaluationError);
  });
});

describe('evaluateJsonataCondition', () => {
  it('returns the boolean a Condition evaluates to', async () => {
    expect(await evaluateJsonataCondition("{% $states.input.title = 'Doctor' %}", bindings, env)).toBe(true);
    expect(await evaluateJsonataCondition('{% $count($states.input.scores) > 5 %}', bindings, env)).toBe(
      false,
    );
    expect(await evaluateJsonataCondition(true, bindings, env)).toBe(true);
  });

  it('fails when a Condition is not a boolean', async () => {
    await expect(evaluateJsonataCondition('{% 1 %}', bindings, env)).rejects.toMatchObject({
      error: StatesErrorNames.QueryEvaluationError,
    });
  });
});
