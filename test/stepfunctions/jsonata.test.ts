// Conformance: JSONata states (QueryLanguage "JSONata"): Arguments, Output, Assign and variables,
// $states.input/result/errorOutput/context (https://docs.aws.amazon.com/step-functions/latest/dg/transforming-data.html,
// https://docs.aws.amazon.com/step-functions/latest/dg/workflow-variables.html).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InvokeLambda } from '#local/stepfunctions/types.ts';
import { type Harness, history, run, startHarness } from './harness.ts';

const invokeLambda: InvokeLambda = async (arn, payload) => {
  if (arn.endsWith(':fail'))
    return { functionError: 'Unhandled', payload: { errorType: 'Nope', errorMessage: 'x' } };
  return { payload: { got: payload } };
};

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ invokeLambda });
});
afterAll(async () => {
  await h.close();
});

describe('JSONata', () => {
  it('computes Output from $states.input', async () => {
    const r = await run(
      h,
      {
        QueryLanguage: 'JSONata',
        StartAt: 'P',
        States: { P: { Type: 'Pass', Output: '{% { "total": $sum($states.input.scores) } %}', End: true } },
      },
      { scores: [60, 25, 15] },
    );
    expect(r.out).toEqual({ total: 100 });
  });

  it('passes Arguments to a task and shapes its $states.result with Output', async () => {
    const r = await run(
      h,
      {
        QueryLanguage: 'JSONata',
        StartAt: 'T',
        States: {
          T: {
            Type: 'Task',
            Resource: 'arn:aws:states:::lambda:invoke',
            Arguments: { FunctionName: 'f', Payload: { pilot: '{% $states.input.name %}' } },
            Output: '{% $states.result.Payload.got %}',
            End: true,
          },
        },
      },
      { name: '东河路' },
    );
    expect(r.out).toEqual({ pilot: '东河路' });
  });

  it('assigns variables that later states read, and records them on the Exited event', async () => {
    const r = await run(
      h,
      {
        QueryLanguage: 'JSONata',
        StartAt: 'A',
        States: {
          A: {
            Type: 'Pass',
            Assign: { stage: 'Launch', count: '{% $count($states.input.pilots) %}' },
            Next: 'B',
          },
          B: { Type: 'Pass', Output: '{% { "stage": $stage, "pilots": $count } %}', End: true },
        },
      },
      { pilots: [1, 2, 3, 4, 5, 6] },
    );
    expect(r.out).toEqual({ stage: 'Launch', pilots: 6 });
    const exited = (await history(h.sfn, r.executionArn)).find((e) => e.type === 'PassStateExited')!;
    expect(exited.stateExitedEventDetails?.assignedVariables).toEqual({ stage: '"Launch"', count: '6' });
  });

  it('decides a Choice with Condition and reads $states.context', async () => {
    const r = await run(
      h,
      {
        QueryLanguage: 'JSONata',
        StartAt: 'C',
        States: {
          C: {
            Type: 'Choice',
            Choices: [{ Condition: '{% $states.input.score >= 60 %}', Next: 'Pass' }],
            Default: 'Rectify',
          },
          Pass: { Type: 'Pass', Output: '{% $states.context.State.Name %}', End: true },
          Rectify: { Type: 'Pass', Output: '{% "rectify" %}', End: true },
        },
      },
      { score: 75 },
    );
    expect(r.out).toBe('Pass');
  });

  it('gives a Catcher $states.errorOutput', async () => {
    const r = await run(h, {
      QueryLanguage: 'JSONata',
      StartAt: 'T',
      States: {
        T: {
          Type: 'Task',
          Resource: 'arn:aws:lambda:us-east-1:123456789012:function:fail',
          Catch: [
            {
              ErrorEquals: ['States.ALL'],
              Output: '{% { "caught": $states.errorOutput.Error } %}',
              Next: 'Done',
            },
          ],
          End: true,
        },
        Done: { Type: 'Succeed' },
      },
    });
    expect(r.out).toEqual({ caught: 'Nope' });
  });

  it('mixes a JSONata state into a JSONPath machine', async () => {
    const r = await run(
      h,
      {
        StartAt: 'J',
        States: {
          J: { Type: 'Pass', QueryLanguage: 'JSONata', Output: '{% $states.input.a * 2 %}', Next: 'P' },
          P: { Type: 'Pass', Parameters: { 'v.$': '$' }, End: true },
        },
      },
      { a: 21 },
    );
    expect(r.out).toEqual({ v: 42 });
  });

  it('lets a Map iteration read outer variables but keeps its own assignments inside', async () => {
    const r = await run(
      h,
      {
        QueryLanguage: 'JSONata',
        StartAt: 'Set',
        States: {
          Set: { Type: 'Pass', Assign: { county: 'XX县' }, Next: 'M' },
          M: {
            Type: 'Map',
            Items: '{% $states.input.pilots %}',
            ItemProcessor: {
              StartAt: 'I',
              States: {
                I: {
                  Type: 'Pass',
                  Assign: { inner: 1 },
                  Output: '{% $county & "·" & $states.input %}',
                  End: true,
                },
              },
            },
            Next: 'After',
          },
          After: {
            Type: 'Pass',
            Output: '{% { "results": $states.input, "inner": $exists($inner) } %}',
            End: true,
          },
        },
      },
      { pilots: ['草堂', '古城'] },
    );
    expect(r.out).toEqual({ results: ['XX县·草堂', 'XX县·古城'], inner: false });
  });

  it('fails with States.QueryEvaluationError when an expression returns nothing', async () => {
    const r = await run(h, {
      QueryLanguage: 'JSONata',
      StartAt: 'P',
      States: { P: { Type: 'Pass', Output: '{% $states.input.missing %}', End: true } },
    });
    expect([r.status, r.error]).toEqual(['FAILED', 'States.QueryEvaluationError']);
  });
});
