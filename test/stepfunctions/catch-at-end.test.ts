// Conformance: a Catch on a state that ends its branch goes to the catcher's Next — the state's own End only
// applies when it succeeds (https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html).
// The workflows rely on it: a human task is the last state of a countersign's Map iteration, and its timeout
// must reach the stalled-task report.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InvokeLambda } from '#local/stepfunctions/types.ts';
import { type Harness, run, startHarness } from './harness.ts';

const FN = 'arn:aws:lambda:us-east-1:123456789012:function:';
const invokeLambda: InvokeLambda = async () => ({
  functionError: 'Unhandled',
  payload: { errorType: 'Broken', errorMessage: 'no' },
});

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ invokeLambda });
});
afterAll(async () => {
  await h.close();
});

describe('a Catch on the last state of a branch', () => {
  it('goes to the catcher, at the top level', async () => {
    const r = await run(h, {
      StartAt: 'T',
      States: {
        T: {
          Type: 'Task',
          Resource: `${FN}broken`,
          Catch: [{ ErrorEquals: ['Broken'], Next: 'Handled' }],
          End: true,
        },
        Handled: { Type: 'Fail', Error: 'Handled', Cause: 'the catcher ran' },
      },
    });
    expect(r.status).toBe('FAILED');
  });

  it('goes to the catcher inside a Map iteration, whose failure then fails the Map', async () => {
    const r = await run(
      h,
      {
        StartAt: 'M',
        States: {
          M: {
            Type: 'Map',
            ItemsPath: '$.items',
            ItemProcessor: {
              ProcessorConfig: { Mode: 'INLINE' },
              StartAt: 'T',
              States: {
                T: {
                  Type: 'Task',
                  Resource: `${FN}broken`,
                  Catch: [{ ErrorEquals: ['Broken'], Next: 'Stalled' }],
                  End: true,
                },
                Stalled: { Type: 'Fail', Error: 'Stalled', Cause: 'caught' },
              },
            },
            Catch: [{ ErrorEquals: ['Stalled'], Next: 'Reported' }],
            End: true,
          },
          Reported: { Type: 'Pass', Result: 'reported', End: true },
        },
      },
      { items: [1, 2] },
    );
    expect(r.status).toBe('SUCCEEDED');
    expect(r.out).toBe('reported');
  });
});
