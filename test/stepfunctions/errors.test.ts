// Conformance: Retry, Catch, timeouts and heartbeats, and the predefined error names
// (https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html).
import { SendTaskHeartbeatCommand } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InvokeLambda } from '#local/stepfunctions/types.ts';
import {
  createMachine,
  describe as describeExecution,
  eventTypes,
  type Harness,
  history,
  run,
  settle,
  start,
  startHarness,
} from './harness.ts';
import { secondOpinion } from './second-opinion.ts';

const FN = 'arn:aws:lambda:us-east-1:123456789012:function:';
const calls = new Map<string, number>();
const tokens: string[] = [];

/**
 * In-process functions: `flaky-N` fails N times then succeeds; `sequence` fails with the errors of the guide's
 * complex retry scenario; `broken` always throws; `token` keeps its token.
 */
const invokeLambda: InvokeLambda = async (arn, payload) => {
  const name = arn.slice(FN.length);
  const n = (calls.get(name) ?? 0) + 1;
  calls.set(name, n);
  if (name.startsWith('flaky-') && n <= Number(name.slice(6))) {
    return {
      functionError: 'Unhandled',
      payload: { errorType: 'TransientError', errorMessage: `call ${n}` },
    };
  }
  if (name === 'sequence') {
    const error = ['ErrorA', 'ErrorB', 'ErrorC', 'ErrorB', 'ErrorB'][n - 1] ?? 'ErrorB';
    return { functionError: 'Unhandled', payload: { errorType: error, errorMessage: `call ${n}` } };
  }
  if (name === 'broken')
    return { functionError: 'Unhandled', payload: { errorType: 'Broken', errorMessage: 'no' } };
  if (name === 'token') tokens.push((payload as { token: string }).token);
  return { payload: { ok: true, call: n } };
};

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ invokeLambda });
});
afterAll(async () => {
  await h.close();
});

const task = (fn: string, extra: object = {}) => ({ Type: 'Task', Resource: `${FN}${fn}`, ...extra });

describe('Retry', () => {
  it('retries after IntervalSeconds × BackoffRate^n and then succeeds', async () => {
    const r = await run(h, {
      StartAt: 'T',
      States: {
        T: task('flaky-2', {
          Retry: [{ ErrorEquals: ['TransientError'], IntervalSeconds: 3, BackoffRate: 2, MaxAttempts: 3 }],
          End: true,
        }),
      },
    });
    expect(r.status).toBe('SUCCEEDED');
    const events = await history(h.sfn, r.executionArn);
    const scheduled = events
      .filter((e) => e.type === 'LambdaFunctionScheduled')
      .map((e) => e.timestamp!.getTime());
    expect(scheduled.map((t) => t - scheduled[0]!)).toEqual([0, 3_000, 9_000]);
    expect(
      events
        .filter((e) => e.type === 'LambdaFunctionFailed')
        .map((e) => e.lambdaFunctionFailedEventDetails?.error),
    ).toEqual(['TransientError', 'TransientError']);
  });

  it('gives up after MaxAttempts and fails with the last error', async () => {
    const r = await run(h, {
      StartAt: 'T',
      States: {
        T: task('broken', {
          Retry: [{ ErrorEquals: ['States.ALL'], IntervalSeconds: 1, MaxAttempts: 2 }],
          End: true,
        }),
      },
    });
    expect([r.status, r.error]).toEqual(['FAILED', 'Broken']);
    expect(
      (await eventTypes(h.sfn, r.executionArn)).filter((t) => t === 'LambdaFunctionScheduled'),
    ).toHaveLength(3);
  });

  it('caps the delay at MaxDelaySeconds and scales it by the jitter with JitterStrategy FULL', async () => {
    // The harness's random() is 0.5: FULL jitter waits half of min(10 × 4^n, 15) seconds.
    const r = await run(h, {
      StartAt: 'T',
      States: {
        T: task('broken', {
          Retry: [
            {
              ErrorEquals: ['Broken'],
              IntervalSeconds: 10,
              BackoffRate: 4,
              MaxAttempts: 2,
              MaxDelaySeconds: 15,
              JitterStrategy: 'FULL',
            },
          ],
          End: true,
        }),
      },
    });
    const scheduled = (await history(h.sfn, r.executionArn))
      .filter((e) => e.type === 'LambdaFunctionScheduled')
      .map((e) => e.timestamp!.getTime());
    expect(scheduled.map((t) => t - scheduled[0]!)).toEqual([0, 5_000, 12_500]);
  });

  it("follows the guide's complex retry scenario: the interval grows per Retrier, MaxAttempts counts per error", async () => {
    // https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html ("complex retry scenario"):
    // ErrorA, ErrorB, ErrorC, ErrorB, ErrorB wait 1, 2, 5 and 4 seconds, and the last ErrorB fails the state.
    const r = await run(h, {
      StartAt: 'T',
      States: {
        T: task('sequence', {
          Retry: [
            { ErrorEquals: ['ErrorA', 'ErrorB'], IntervalSeconds: 1, BackoffRate: 2, MaxAttempts: 2 },
            { ErrorEquals: ['ErrorC'], IntervalSeconds: 5 },
          ],
          End: true,
        }),
      },
    });
    expect([r.status, r.error]).toEqual(['FAILED', 'ErrorB']);
    const events = await history(h.sfn, r.executionArn);
    const scheduled = events
      .filter((e) => e.type === 'LambdaFunctionScheduled')
      .map((e) => e.timestamp!.getTime());
    expect(scheduled.slice(1).map((t, i) => t - scheduled[i]!)).toEqual([1_000, 2_000, 5_000, 4_000]);
  });

  it('never retries States.Runtime, even with States.ALL', async () => {
    const r = await run(h, {
      StartAt: 'T',
      States: {
        T: task('ok', { InputPath: '$.missing', Retry: [{ ErrorEquals: ['States.ALL'] }], End: true }),
      },
    });
    expect([r.status, r.error]).toEqual(['FAILED', 'States.Runtime']);
  });
});

describe('Catch', () => {
  it('routes a caught error to Next with { Error, Cause } at ResultPath, as aws-local-stepfunctions does', async () => {
    const definition = {
      StartAt: 'T',
      States: {
        T: {
          ...task('broken'),
          Catch: [{ ErrorEquals: ['Broken'], ResultPath: '$.failure', Next: 'Handled' }],
          End: true,
        },
        Handled: { Type: 'Pass', End: true },
      },
    };
    const r = await run(h, definition, { pilot: '古城' });
    expect(r.status).toBe('SUCCEEDED');
    expect(r.out.pilot).toBe('古城');
    expect(r.out.failure.Error).toBe('Broken');
    expect(JSON.parse(r.out.failure.Cause)).toMatchObject({ errorType: 'Broken', errorMessage: 'no' });
    const theirs = await secondOpinion(
      definition,
      { pilot: '古城' },
      {
        T: () => {
          const e = new Error('no');
          e.name = 'Broken';
          throw e;
        },
      },
    );
    expect((theirs.output as { failure: { Error: string } }).failure.Error).toBe('Broken');
  });

  it('lets States.ALL catch a custom error but not States.Runtime', async () => {
    const caught = await run(h, {
      StartAt: 'F',
      States: {
        F: {
          Type: 'Parallel',
          Branches: [{ StartAt: 'X', States: { X: { Type: 'Fail', Error: 'Custom' } } }],
          Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Ok' }],
          End: true,
        },
        Ok: { Type: 'Succeed' },
      },
    });
    expect(caught.out).toEqual({ Error: 'Custom' });
    const uncaught = await run(h, {
      StartAt: 'F',
      States: {
        F: {
          Type: 'Parallel',
          Branches: [{ StartAt: 'X', States: { X: { Type: 'Pass', InputPath: '$.nope', End: true } } }],
          Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Ok' }],
          End: true,
        },
        Ok: { Type: 'Succeed' },
      },
    });
    expect([uncaught.status, uncaught.error]).toEqual(['FAILED', 'States.Runtime']);
  });

  it('matches States.TaskFailed against any task error except timeouts', async () => {
    const r = await run(h, {
      StartAt: 'T',
      States: {
        T: { ...task('broken'), Catch: [{ ErrorEquals: ['States.TaskFailed'], Next: 'Ok' }], End: true },
        Ok: { Type: 'Succeed' },
      },
    });
    expect(r.status).toBe('SUCCEEDED');
  });
});

describe('timeouts and heartbeats', () => {
  const waitForToken = (extra: object) => ({
    StartAt: 'T',
    States: {
      T: {
        Type: 'Task',
        Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
        Parameters: { FunctionName: `${FN}token`, Payload: { 'token.$': '$$.Task.Token' } },
        ...extra,
        End: true,
      },
    },
  });

  it('times a task out after TimeoutSeconds with States.Timeout and a TaskTimedOut event', async () => {
    const r = await run(h, waitForToken({ TimeoutSeconds: 3600 }));
    expect([r.status, r.error]).toEqual(['FAILED', 'States.Timeout']);
    const events = await history(h.sfn, r.executionArn);
    const timedOut = events.find((e) => e.type === 'TaskTimedOut')!;
    expect(timedOut.taskTimedOutEventDetails?.error).toBe('States.Timeout');
    const scheduled = events.find((e) => e.type === 'TaskScheduled')!;
    expect(timedOut.timestamp!.getTime() - scheduled.timestamp!.getTime()).toBe(3_600_000);
  });

  it('reads TimeoutSecondsPath from the input', async () => {
    const r = await run(h, waitForToken({ TimeoutSecondsPath: '$.limit' }), { limit: 60 });
    expect(r.error).toBe('States.Timeout');
    expect(r.stopDate!.getTime() - r.startDate!.getTime()).toBe(60_000);
  });

  it('fails with States.HeartbeatTimeout when no heartbeat arrives, and a heartbeat postpones it', async () => {
    const machine = await createMachine(
      h.sfn,
      waitForToken({ HeartbeatSecondsPath: '$.heartbeat', TimeoutSeconds: 1000 }),
    );
    const executionArn = await start(h.sfn, machine, { heartbeat: 100 });
    await h.runtime.whenIdle();
    const token = tokens.at(-1)!;
    await h.clock.advance(90_000);
    await h.sfn.send(new SendTaskHeartbeatCommand({ taskToken: token }));
    await h.clock.advance(90_000);
    expect((await describeExecution(h.sfn, executionArn)).status).toBe('RUNNING');
    await settle(h);
    const d = await describeExecution(h.sfn, executionArn);
    expect([d.status, d.error]).toEqual(['FAILED', 'States.HeartbeatTimeout']);
    expect(d.stopDate!.getTime() - d.startDate!.getTime()).toBe(190_000);
  });

  it('times the whole execution out after the top-level TimeoutSeconds', async () => {
    const r = await run(h, {
      TimeoutSeconds: 30,
      StartAt: 'W',
      States: { W: { Type: 'Wait', Seconds: 3600, End: true } },
    });
    expect([r.status, r.error]).toEqual(['TIMED_OUT', 'States.Timeout']);
    expect((await eventTypes(h.sfn, r.executionArn)).at(-1)).toBe('ExecutionTimedOut');
  });
});
