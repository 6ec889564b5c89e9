// Limits AWS applies and the runtime applies the same way: a Map's tolerated failures
// (https://docs.aws.amazon.com/step-functions/latest/dg/maprun-fail-threshold.html), the 25,000-event history
// (https://docs.aws.amazon.com/step-functions/latest/dg/bp-history-limit.html) and the 256 KiB of an Assign
// (https://docs.aws.amazon.com/step-functions/latest/dg/workflow-variables.html).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, history, run, startHarness } from './harness.ts';

let h: Harness;
let calls = 0;

beforeAll(async () => {
  h = await startHarness({
    invokeLambda: async () => {
      calls++;
      return { payload: {} };
    },
  });
});

afterAll(async () => {
  await h.close();
});

/** Each item fails (Fail ItemFailed) unless `ok`; a succeeding item outputs 'done'. */
function itemsMap(extra: object, language: 'JSONPath' | 'JSONata' = 'JSONPath') {
  const check =
    language === 'JSONPath'
      ? {
          Type: 'Choice',
          Choices: [{ Variable: '$.ok', BooleanEquals: false, Next: 'Bad' }],
          Default: 'Good',
        }
      : {
          Type: 'Choice',
          Choices: [{ Condition: '{% $states.input.ok = false %}', Next: 'Bad' }],
          Default: 'Good',
        };
  const good =
    language === 'JSONPath'
      ? { Type: 'Pass', Result: 'done', End: true }
      : { Type: 'Pass', Output: 'done', End: true };
  return {
    ...(language === 'JSONata' ? { QueryLanguage: 'JSONata' } : {}),
    StartAt: 'Each',
    States: {
      Each: {
        Type: 'Map',
        ...(language === 'JSONPath' ? { ItemsPath: '$.items' } : { Items: '{% $states.input.items %}' }),
        ...extra,
        ItemProcessor: {
          StartAt: 'Check',
          States: { Check: check, Bad: { Type: 'Fail', Error: 'ItemFailed', Cause: 'not ok' }, Good: good },
        },
        End: true,
      },
    },
  };
}

const twoOfFour = { items: [{ ok: true }, { ok: false }, { ok: true }, { ok: false }] };
const failedItem = { Error: 'ItemFailed', Cause: 'not ok' };

describe('a Map with a tolerated failure threshold', () => {
  it('fails at the first failed item without one', async () => {
    const r = await run(h, itemsMap({}), twoOfFour);
    expect([r.status, r.error]).toEqual(['FAILED', 'ItemFailed']);
  });

  it('succeeds when 2 of 4 items fail at ToleratedFailurePercentage 50, each failure in its place', async () => {
    const r = await run(h, itemsMap({ ToleratedFailurePercentage: 50 }), twoOfFour);
    expect(r.status).toBe('SUCCEEDED');
    expect(r.out).toEqual(['done', failedItem, 'done', failedItem]);
  });

  it('fails with States.ExceedToleratedFailureThreshold when more fail than the percentage', async () => {
    const r = await run(h, itemsMap({ ToleratedFailurePercentage: 25 }), twoOfFour);
    expect([r.status, r.error]).toEqual(['FAILED', 'States.ExceedToleratedFailureThreshold']);
    expect(r.cause).toContain('ToleratedFailurePercentage of 25');
  });

  it('counts failures against ToleratedFailureCount', async () => {
    expect((await run(h, itemsMap({ ToleratedFailureCount: 2 }), twoOfFour)).status).toBe('SUCCEEDED');
    const r = await run(h, itemsMap({ ToleratedFailureCount: 1 }), twoOfFour);
    expect([r.status, r.error]).toEqual(['FAILED', 'States.ExceedToleratedFailureThreshold']);
  });

  it('fails when either threshold is exceeded', async () => {
    const r = await run(h, itemsMap({ ToleratedFailureCount: 3, ToleratedFailurePercentage: 25 }), twoOfFour);
    expect(r.error).toBe('States.ExceedToleratedFailureThreshold');
  });

  it('reads the threshold from ToleratedFailurePercentagePath and from a JSONata expression', async () => {
    const input = { ...twoOfFour, tolerance: 50 };
    const byPath = await run(h, itemsMap({ ToleratedFailurePercentagePath: '$.tolerance' }), input);
    expect(byPath.status).toBe('SUCCEEDED');
    const jsonata = itemsMap({ ToleratedFailurePercentage: '{% $states.input.tolerance %}' }, 'JSONata');
    const byExpression = await run(h, jsonata, input);
    expect([byExpression.status, byExpression.out]).toEqual([
      'SUCCEEDED',
      ['done', failedItem, 'done', failedItem],
    ]);
  });

  it('lets a Catcher take States.ExceedToleratedFailureThreshold', async () => {
    const definition = itemsMap({
      ToleratedFailureCount: 0,
      Catch: [{ ErrorEquals: ['States.ExceedToleratedFailureThreshold'], Next: 'Handled' }],
    });
    (definition.States as Record<string, object>).Handled = { Type: 'Pass', Result: 'handled', End: true };
    const r = await run(h, definition, twoOfFour);
    expect([r.status, r.out]).toEqual(['SUCCEEDED', 'handled']);
  });
});

/** A loop of `rounds` rounds: 4 events a round, plus ExecutionStarted, Done's two and ExecutionSucceeded. */
function loop(rounds: number) {
  return {
    definition: {
      StartAt: 'Count',
      States: {
        Count: { Type: 'Pass', Parameters: { 'i.$': 'States.MathAdd($.i, 1)' }, Next: 'Again' },
        Again: {
          Type: 'Choice',
          Choices: [{ Variable: '$.i', NumericLessThan: rounds, Next: 'Count' }],
          Default: 'Done',
        },
        Done: { Type: 'Succeed' },
      },
    },
    input: { i: 0 },
    events: 4 * rounds + 4,
  };
}

describe('the history limit of 25,000 events', () => {
  it('fails an execution whose event 25,000 would not end it, with States.Runtime, at 25,000 events', async () => {
    const { definition, input, events } = loop(7000);
    expect(events).toBe(28_004);
    const r = await run(h, definition, input);
    expect([r.status, r.error, r.cause]).toEqual([
      'FAILED',
      'States.Runtime',
      'The execution reached the maximum number of history events (25000).',
    ]);
    const all = await history(h.sfn, r.executionArn);
    expect(all).toHaveLength(25_000);
    expect(all.at(-1)).toMatchObject({ id: 25_000, type: 'ExecutionFailed' });
  }, 60_000);

  it('calls no task whose scheduling the limit cut off', async () => {
    // 7 events a round (TaskStateEntered, LambdaFunctionScheduled, …Started, …Succeeded, TaskStateExited and
    // the Choice's two) after ExecutionStarted: event 25,000 is the LambdaFunctionScheduled of round 3,572.
    const definition = {
      StartAt: 'Call',
      States: {
        Call: {
          Type: 'Task',
          Resource: 'arn:aws:lambda:us-east-1:123456789012:function:step',
          ResultPath: null,
          Next: 'Again',
        },
        Again: {
          Type: 'Choice',
          Choices: [{ Variable: '$.go', BooleanEquals: true, Next: 'Call' }],
          Default: 'Done',
        },
        Done: { Type: 'Succeed' },
      },
    };
    calls = 0;
    const r = await run(h, definition, { go: true });
    expect([r.status, r.error]).toEqual(['FAILED', 'States.Runtime']);
    const last = (await history(h.sfn, r.executionArn)).slice(-2);
    expect(last.map((e) => [e.id, e.type])).toEqual([
      [24_999, 'TaskStateEntered'],
      [25_000, 'ExecutionFailed'],
    ]);
    expect(calls).toBe(3571);
  }, 60_000);

  it('lets an execution succeed whose event 25,000 is ExecutionSucceeded', async () => {
    const { definition, input, events } = loop(6249);
    expect(events).toBe(25_000);
    const r = await run(h, definition, input);
    expect(r.status).toBe('SUCCEEDED');
    expect((await history(h.sfn, r.executionArn)).at(-1)).toMatchObject({
      id: 25_000,
      type: 'ExecutionSucceeded',
    });
  }, 60_000);
});

describe('the 256 KiB limit of an Assign', () => {
  const big = 'x'.repeat(200_000);
  const assigning = (assign: object) => ({
    StartAt: 'Keep',
    States: {
      Keep: {
        Type: 'Pass',
        Assign: assign,
        Next: 'Done',
      },
      Done: { Type: 'Pass', End: true },
    },
  });

  it('takes variables up to 256 KiB', async () => {
    const r = await run(h, assigning({ 'text.$': '$.s' }), { s: big });
    expect(r.status).toBe('SUCCEEDED');
  });

  it('fails with States.DataLimitExceeded when one variable is larger', async () => {
    const r = await run(h, assigning({ 'both.$': 'States.Array($.s, $.s)' }), { s: big });
    expect([r.status, r.error]).toEqual(['FAILED', 'States.DataLimitExceeded']);
    expect(r.cause).toContain("'both'");
  });

  it('fails with States.DataLimitExceeded when the variables of one Assign are larger together', async () => {
    const r = await run(h, assigning({ 'a.$': '$.s', 'b.$': '$.s' }), { s: big });
    expect([r.status, r.error]).toEqual(['FAILED', 'States.DataLimitExceeded']);
    expect(r.cause).toContain('combined size');
  });
});
