// Conformance: the eight state types and JSONPath data flow, through the HTTP API with @aws-sdk/client-sfn,
// with aws-local-stepfunctions as a second opinion on outputs where it supports the feature.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventTypes, type Harness, history, run, startHarness, T0 } from './harness.ts';
import { secondOpinion } from './second-opinion.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});

/** Runs on our runtime and on aws-local-stepfunctions; both must agree and succeed. */
async function agreed(definition: object, input: unknown) {
  const ours = await run(h, definition, input);
  const theirs = await secondOpinion(definition, input);
  expect(ours.status).toBe('SUCCEEDED');
  expect(theirs.error).toBeUndefined();
  expect(ours.out).toEqual(theirs.output);
  return ours;
}

describe('Pass', () => {
  it('places Result at ResultPath inside the input and filters with OutputPath', async () => {
    const r = await agreed(
      {
        StartAt: 'P',
        States: { P: { Type: 'Pass', Result: { v: 1 }, ResultPath: '$.r', OutputPath: '$.r', End: true } },
      },
      { a: 1 },
    );
    expect(r.out).toEqual({ v: 1 });
  });

  it('builds Parameters from paths, the context object and intrinsic functions', async () => {
    const r = await run(
      h,
      {
        StartAt: 'P',
        States: {
          P: {
            Type: 'Pass',
            Parameters: {
              'name.$': '$.who',
              'greeting.$': "States.Format('hello {}', $.who)",
              'state.$': '$$.State.Name',
              'start.$': '$$.Execution.StartTime',
              'machine.$': '$$.StateMachine.Name',
            },
            End: true,
          },
        },
      },
      { who: 'XX县' },
    );
    expect(r.out).toMatchObject({ name: 'XX县', greeting: 'hello XX县', state: 'P' });
    expect(r.out.start).toBe(new Date(T0).toISOString());
    expect(r.stateMachineArn.endsWith(`:${r.out.machine}`)).toBe(true);
  });

  it('discards the result with ResultPath null and passes the input through', async () => {
    await agreed(
      { StartAt: 'P', States: { P: { Type: 'Pass', Result: 1, ResultPath: null, End: true } } },
      { k: 'v' },
    );
  });

  it('selects part of the input with InputPath', async () => {
    const r = await agreed(
      { StartAt: 'P', States: { P: { Type: 'Pass', InputPath: '$.inner', End: true } } },
      {
        inner: { x: [1, 2] },
      },
    );
    expect(r.out).toEqual({ x: [1, 2] });
  });

  it('records PassStateEntered and PassStateExited with the state name, input and output', async () => {
    const r = await run(
      h,
      { StartAt: 'P', States: { P: { Type: 'Pass', Result: 'out', End: true } } },
      { i: 1 },
    );
    const events = await history(h.sfn, r.executionArn);
    expect(events.map((e) => e.type)).toEqual([
      'ExecutionStarted',
      'PassStateEntered',
      'PassStateExited',
      'ExecutionSucceeded',
    ]);
    expect(events[1]!.stateEnteredEventDetails).toMatchObject({ name: 'P', input: '{"i":1}' });
    expect(events[2]!.stateExitedEventDetails).toMatchObject({ name: 'P', output: '"out"' });
    expect(events.map((e) => [e.id, e.previousEventId])).toEqual([
      [1, 0],
      [2, 1],
      [3, 2],
      [4, 3],
    ]);
  });
});

describe('Choice', () => {
  const choice = (rule: object) => ({
    StartAt: 'C',
    States: {
      C: { Type: 'Choice', Choices: [{ ...rule, Next: 'Yes' }], Default: 'No' },
      Yes: { Type: 'Pass', Result: 'yes', End: true },
      No: { Type: 'Pass', Result: 'no', End: true },
    },
  });
  const cases: Array<[string, object, unknown, string]> = [
    ['StringEquals', { Variable: '$.s', StringEquals: 'a' }, { s: 'a' }, 'yes'],
    ['StringLessThan', { Variable: '$.s', StringLessThan: 'b' }, { s: 'a' }, 'yes'],
    ['StringGreaterThanEquals', { Variable: '$.s', StringGreaterThanEquals: 'b' }, { s: 'a' }, 'no'],
    ['StringMatches', { Variable: '$.s', StringMatches: 'pilot-*' }, { s: 'pilot-7' }, 'yes'],
    ['StringEqualsPath', { Variable: '$.s', StringEqualsPath: '$.t' }, { s: 'x', t: 'x' }, 'yes'],
    ['NumericEquals', { Variable: '$.n', NumericEquals: 3 }, { n: 3 }, 'yes'],
    ['NumericLessThanEquals', { Variable: '$.n', NumericLessThanEquals: 2 }, { n: 3 }, 'no'],
    ['NumericGreaterThanPath', { Variable: '$.n', NumericGreaterThanPath: '$.m' }, { n: 3, m: 2 }, 'yes'],
    ['BooleanEquals', { Variable: '$.b', BooleanEquals: false }, { b: false }, 'yes'],
    [
      'TimestampLessThan',
      { Variable: '$.t', TimestampLessThan: '2023-02-01T00:00:00Z' },
      { t: '2023-01-15T08:00:00Z' },
      'yes',
    ],
    ['IsNull', { Variable: '$.x', IsNull: true }, { x: null }, 'yes'],
    ['IsNumeric', { Variable: '$.x', IsNumeric: true }, { x: '3' }, 'no'],
    ['IsTimestamp', { Variable: '$.x', IsTimestamp: true }, { x: '2023-01-01T00:00:00Z' }, 'yes'],
    [
      'And',
      {
        And: [
          { Variable: '$.n', NumericGreaterThan: 1 },
          { Variable: '$.n', NumericLessThan: 5 },
        ],
      },
      { n: 3 },
      'yes',
    ],
    [
      'Or',
      {
        Or: [
          { Variable: '$.n', NumericEquals: 1 },
          { Variable: '$.n', NumericEquals: 2 },
        ],
      },
      { n: 3 },
      'no',
    ],
    ['Not', { Not: { Variable: '$.s', StringEquals: 'a' } }, { s: 'b' }, 'yes'],
  ];
  it.each(cases)('evaluates %s as both interpreters do', async (_name, rule, input, expected) => {
    const r = await agreed(choice(rule), input);
    expect(r.out).toBe(expected);
  });

  it('treats IsPresent false on a missing field as a match (the spec; aws-local-stepfunctions disagrees)', async () => {
    // https://states-language.net/spec.html#choice-state: IsPresent tests whether the Variable field exists.
    const r = await run(h, choice({ Variable: '$.missing', IsPresent: false }), {});
    expect(r.out).toBe('yes');
  });

  it('fails with States.NoChoiceMatched when nothing matches and there is no Default', async () => {
    const r = await run(
      h,
      {
        StartAt: 'C',
        States: {
          C: { Type: 'Choice', Choices: [{ Variable: '$.n', NumericEquals: 1, Next: 'E' }] },
          E: { Type: 'Succeed' },
        },
      },
      { n: 2 },
    );
    expect(r.status).toBe('FAILED');
    expect(r.error).toBe('States.NoChoiceMatched');
  });
});

describe('Wait', () => {
  it('waits Seconds on the clock and records WaitStateEntered/Exited at the right times', async () => {
    const r = await run(
      h,
      { StartAt: 'W', States: { W: { Type: 'Wait', Seconds: 86_400, End: true } } },
      { a: 1 },
    );
    expect(r.status).toBe('SUCCEEDED');
    const events = await history(h.sfn, r.executionArn);
    const entered = events.find((e) => e.type === 'WaitStateEntered')!.timestamp!.getTime();
    const exited = events.find((e) => e.type === 'WaitStateExited')!.timestamp!.getTime();
    expect(exited - entered).toBe(86_400_000);
  });

  it('waits until a Timestamp, a TimestampPath and a SecondsPath', async () => {
    const at = new Date(h.clock.now() + 3_600_000).toISOString();
    for (const state of [
      { Type: 'Wait', Timestamp: at, End: true },
      { Type: 'Wait', TimestampPath: '$.at', End: true },
      { Type: 'Wait', SecondsPath: '$.s', End: true },
    ]) {
      const before = h.clock.now();
      const r = await run(h, { StartAt: 'W', States: { W: state } }, { at, s: 3600 });
      expect(r.status).toBe('SUCCEEDED');
      expect(r.stopDate!.getTime() - before).toBeGreaterThanOrEqual(
        state.Timestamp || state.TimestampPath ? Date.parse(at) - before : 3_600_000,
      );
    }
  });

  it('does not wait for a Timestamp in the past', async () => {
    const r = await run(h, {
      StartAt: 'W',
      States: { W: { Type: 'Wait', Timestamp: '2000-01-01T00:00:00Z', End: true } },
    });
    expect(r.status).toBe('SUCCEEDED');
    expect(r.stopDate!.getTime()).toBe(r.startDate!.getTime());
  });
});

describe('Succeed and Fail', () => {
  it('fails the execution with the Fail state Error and Cause', async () => {
    const r = await run(h, {
      StartAt: 'F',
      States: { F: { Type: 'Fail', Error: 'Rejected', Cause: 'returned by the bureau' } },
    });
    expect([r.status, r.error, r.cause]).toEqual(['FAILED', 'Rejected', 'returned by the bureau']);
    expect(await eventTypes(h.sfn, r.executionArn)).toEqual([
      'ExecutionStarted',
      'FailStateEntered',
      'ExecutionFailed',
    ]);
  });

  it('reads ErrorPath and CausePath from the input', async () => {
    const r = await run(
      h,
      {
        StartAt: 'F',
        States: { F: { Type: 'Fail', ErrorPath: '$.e', CausePath: "States.Format('bad {}', $.c)" } },
      },
      { e: 'E1', c: 'x' },
    );
    expect([r.error, r.cause]).toEqual(['E1', 'bad x']);
  });

  it('ends with the Succeed state output filtered by OutputPath', async () => {
    await agreed(
      { StartAt: 'S', States: { S: { Type: 'Succeed', OutputPath: '$.keep' } } },
      { keep: { k: 1 }, drop: 2 },
    );
  });
});

describe('Parallel', () => {
  const definition = {
    StartAt: 'P',
    States: {
      P: {
        Type: 'Parallel',
        Branches: [
          { StartAt: 'A', States: { A: { Type: 'Pass', Parameters: { 'a.$': '$.x' }, End: true } } },
          {
            StartAt: 'B',
            States: {
              B: { Type: 'Wait', Seconds: 5, Next: 'B2' },
              B2: { Type: 'Pass', Result: 'b', End: true },
            },
          },
        ],
        ResultSelector: { 'first.$': '$[0].a', 'second.$': '$[1]' },
        ResultPath: '$.r',
        End: true,
      },
    },
  };

  it('outputs the branch results in branch order through ResultSelector and ResultPath', async () => {
    const r = await agreed(definition, { x: 7 });
    expect(r.out).toEqual({ x: 7, r: { first: 7, second: 'b' } });
  });

  it('records ParallelStateEntered, Started, the branch states, Succeeded and Exited', async () => {
    const r = await run(h, definition, { x: 1 });
    const types = await eventTypes(h.sfn, r.executionArn);
    expect(types[1]).toBe('ParallelStateEntered');
    expect(types[2]).toBe('ParallelStateStarted');
    expect(types.slice(-3)).toEqual(['ParallelStateSucceeded', 'ParallelStateExited', 'ExecutionSucceeded']);
    expect(types.filter((t) => t.endsWith('StateEntered'))).toHaveLength(4);
  });

  it('fails as a whole when one branch fails', async () => {
    const r = await run(h, {
      StartAt: 'P',
      States: {
        P: {
          Type: 'Parallel',
          Branches: [
            { StartAt: 'W', States: { W: { Type: 'Wait', Seconds: 60, End: true } } },
            { StartAt: 'F', States: { F: { Type: 'Fail', Error: 'BranchBroke' } } },
          ],
          End: true,
        },
      },
    });
    expect([r.status, r.error]).toEqual(['FAILED', 'BranchBroke']);
    expect(await eventTypes(h.sfn, r.executionArn)).toContain('ParallelStateFailed');
  });
});

describe('Map', () => {
  it('runs the ItemProcessor for each item selected by ItemsPath with ItemSelector and $$.Map.Item', async () => {
    const definition = {
      StartAt: 'M',
      States: {
        M: {
          Type: 'Map',
          ItemsPath: '$.pilots',
          ItemSelector: {
            'pilot.$': '$$.Map.Item.Value',
            'index.$': '$$.Map.Item.Index',
            'county.$': '$.county',
          },
          ItemProcessor: { StartAt: 'I', States: { I: { Type: 'Pass', End: true } } },
          ResultPath: '$.results',
          End: true,
        },
      },
    };
    const r = await agreed(definition, { county: 'XX县', pilots: ['草堂', '古城'] });
    expect(r.out.results).toEqual([
      { pilot: '草堂', index: 0, county: 'XX县' },
      { pilot: '古城', index: 1, county: 'XX县' },
    ]);
  });

  it('accepts the older Iterator and Parameters fields', async () => {
    await agreed(
      {
        StartAt: 'M',
        States: {
          M: {
            Type: 'Map',
            Parameters: { 'v.$': '$$.Map.Item.Value' },
            Iterator: { StartAt: 'I', States: { I: { Type: 'Pass', End: true } } },
            End: true,
          },
        },
      },
      [1, 2, 3],
    );
  });

  it('keeps at most MaxConcurrency iterations running at once', async () => {
    const r = await run(
      h,
      {
        StartAt: 'M',
        States: {
          M: {
            Type: 'Map',
            MaxConcurrency: 2,
            ItemProcessor: { StartAt: 'W', States: { W: { Type: 'Wait', Seconds: 10, End: true } } },
            End: true,
          },
        },
      },
      [1, 2, 3, 4, 5],
    );
    expect(r.out).toEqual([1, 2, 3, 4, 5]);
    let running = 0;
    let peak = 0;
    for (const e of await history(h.sfn, r.executionArn)) {
      if (e.type === 'MapIterationStarted') peak = Math.max(peak, ++running);
      if (e.type === 'MapIterationSucceeded') running--;
    }
    expect(peak).toBe(2);
  });

  it('records MapStateStarted with the item count and one MapIterationStarted per item', async () => {
    const r = await run(
      h,
      {
        StartAt: 'M',
        States: {
          M: {
            Type: 'Map',
            ItemProcessor: { StartAt: 'I', States: { I: { Type: 'Pass', End: true } } },
            End: true,
          },
        },
      },
      ['a', 'b'],
    );
    const events = await history(h.sfn, r.executionArn);
    expect(events.find((e) => e.type === 'MapStateStarted')!.mapStateStartedEventDetails).toEqual({
      length: 2,
    });
    expect(
      events.filter((e) => e.type === 'MapIterationStarted').map((e) => e.mapIterationStartedEventDetails),
    ).toEqual([
      { name: 'M', index: 0 },
      { name: 'M', index: 1 },
    ]);
  });

  it('fails as a whole when an iteration fails, recording MapIterationFailed and MapStateFailed', async () => {
    const r = await run(
      h,
      {
        StartAt: 'M',
        States: {
          M: {
            Type: 'Map',
            ItemProcessor: {
              StartAt: 'C',
              States: {
                C: {
                  Type: 'Choice',
                  Choices: [{ Variable: '$', NumericEquals: 2, Next: 'F' }],
                  Default: 'Ok',
                },
                F: { Type: 'Fail', Error: 'BadItem' },
                Ok: { Type: 'Succeed' },
              },
            },
            End: true,
          },
        },
      },
      [1, 2, 3],
    );
    expect([r.status, r.error]).toEqual(['FAILED', 'BadItem']);
    const types = await eventTypes(h.sfn, r.executionArn);
    expect(types).toContain('MapIterationFailed');
    expect(types.slice(-2)).toEqual(['MapStateFailed', 'ExecutionFailed']);
  });

  it('outputs an empty array for no items', async () => {
    await agreed(
      {
        StartAt: 'M',
        States: {
          M: {
            Type: 'Map',
            ItemProcessor: { StartAt: 'I', States: { I: { Type: 'Pass', End: true } } },
            End: true,
          },
        },
      },
      [],
    );
  });
});

describe('data limits and paths', () => {
  it('fails with States.Runtime when InputPath names nothing (AWS does not let Catch handle it)', async () => {
    const r = await run(
      h,
      { StartAt: 'P', States: { P: { Type: 'Pass', InputPath: '$.missing', End: true } } },
      {},
    );
    expect([r.status, r.error]).toEqual(['FAILED', 'States.Runtime']);
  });

  it('fails with States.DataLimitExceeded when a state output exceeds 256 KiB', async () => {
    const r = await run(
      h,
      {
        StartAt: 'P',
        States: { P: { Type: 'Pass', Parameters: { 'a.$': '$.s', 'b.$': '$.s' }, End: true } },
      },
      { s: 'x'.repeat(200_000) },
    );
    expect([r.status, r.error]).toEqual(['FAILED', 'States.DataLimitExceeded']);
  });
});
