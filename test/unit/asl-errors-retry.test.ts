// Error matching, Retry/Catch selection, retry delays, the payload limit and variable scopes of the ASL layer.
// Rules: https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html
import { describe, expect, it } from 'vitest';
import {
  applyAssigned,
  checkPayloadSize,
  childFrame,
  errorMatches,
  errorOutputOf,
  findCatcher,
  findRetrier,
  MAX_PAYLOAD_BYTES,
  nextRetry,
  payloadSizeBytes,
  type RetryCounters,
  retryDelayMs,
  rootFrame,
  StatesError,
  StatesErrorNames,
  visibleVariables,
} from '#local/stepfunctions/lang/index.ts';

const fixedRandom = () => 0.5;

describe('errorMatches', () => {
  it('matches an error name listed exactly, and only case-sensitively', () => {
    expect(errorMatches(['MyError'], 'MyError')).toBe(true);
    expect(errorMatches(['myerror'], 'MyError')).toBe(false);
  });

  it('lets States.ALL match any catchable error', () => {
    for (const error of ['Custom', StatesErrorNames.Timeout, StatesErrorNames.QueryEvaluationError]) {
      expect(errorMatches([StatesErrorNames.ALL], error)).toBe(true);
    }
  });

  it('never matches the terminal States.Runtime and States.DataLimitExceeded, not even by name', () => {
    for (const error of [StatesErrorNames.Runtime, StatesErrorNames.DataLimitExceeded]) {
      expect(errorMatches([StatesErrorNames.ALL], error)).toBe(false);
      expect(errorMatches([error], error)).toBe(false);
    }
  });

  it('uses States.TaskFailed as a wildcard for everything except timeouts', () => {
    expect(errorMatches([StatesErrorNames.TaskFailed], 'Lambda.Unknown')).toBe(true);
    expect(errorMatches([StatesErrorNames.TaskFailed], StatesErrorNames.Permissions)).toBe(true);
    expect(errorMatches([StatesErrorNames.TaskFailed], StatesErrorNames.Timeout)).toBe(false);
    expect(errorMatches([StatesErrorNames.TaskFailed], StatesErrorNames.HeartbeatTimeout)).toBe(false);
  });

  it('lets States.Timeout match a heartbeat timeout', () => {
    expect(errorMatches([StatesErrorNames.Timeout], StatesErrorNames.HeartbeatTimeout)).toBe(true);
    expect(errorMatches([StatesErrorNames.HeartbeatTimeout], StatesErrorNames.Timeout)).toBe(false);
  });
});

describe('StatesError', () => {
  it('carries the error name and cause and names itself', () => {
    const error = new StatesError('Custom.Error', 'it broke');
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('StatesError');
    expect([error.error, error.cause]).toEqual(['Custom.Error', 'it broke']);
  });

  it('becomes the error output a Catcher hands on', () => {
    expect(errorOutputOf({ error: 'E', cause: 'C' })).toEqual({ Error: 'E', Cause: 'C' });
    expect(errorOutputOf({ error: 'E' })).toEqual({ Error: 'E' });
  });
});

describe('Retry and Catch selection', () => {
  // The "complex retry scenario" of the error-handling page: ErrorA, ErrorB, ErrorC, ErrorB, ErrorB.
  const retriers = [
    { ErrorEquals: ['ErrorA', 'ErrorB'], IntervalSeconds: 1, BackoffRate: 2.0, MaxAttempts: 2 },
    { ErrorEquals: ['ErrorC'], IntervalSeconds: 5 },
  ];

  it('follows the documented complex retry scenario, counting per retrier across errors', () => {
    let counters: RetryCounters = [];
    const delays: Array<number | undefined> = [];
    for (const error of ['ErrorA', 'ErrorB', 'ErrorC', 'ErrorB', 'ErrorB']) {
      const decision = nextRetry(retriers, error, counters, fixedRandom);
      if (decision) counters = decision.counters;
      delays.push(decision?.delayMs);
    }
    expect(delays).toEqual([1000, 2000, 5000, 4000, undefined]);
  });

  it('does not fall through to a later retrier when the first matching one is exhausted', () => {
    const list = [
      { ErrorEquals: ['E'], MaxAttempts: 1 },
      { ErrorEquals: [StatesErrorNames.ALL], MaxAttempts: 5 },
    ];
    expect(nextRetry(list, 'E', [{ total: 1, byError: { E: 1 } }], fixedRandom)).toBeUndefined();
  });

  it('accepts a plain retry count per retrier, checked against MaxAttempts for any error', () => {
    expect(nextRetry(retriers, 'ErrorB', [1], fixedRandom)).toMatchObject({ attempt: 2, delayMs: 2000 });
    expect(nextRetry(retriers, 'ErrorB', [2], fixedRandom)).toBeUndefined();
  });

  it('never retries when MaxAttempts is 0', () => {
    expect(nextRetry([{ ErrorEquals: ['E'], MaxAttempts: 0 }], 'E', [], fixedRandom)).toBeUndefined();
  });

  it('retries three times by default', () => {
    const retrier = { ErrorEquals: ['E'] };
    let counters: RetryCounters = [];
    const attempts: number[] = [];
    for (let decision = nextRetry([retrier], 'E', counters, fixedRandom); decision; ) {
      attempts.push(decision.attempt);
      counters = decision.counters;
      decision = nextRetry([retrier], 'E', counters, fixedRandom);
    }
    expect(attempts).toEqual([1, 2, 3]);
  });

  it('finds the first retrier and catcher whose ErrorEquals matches', () => {
    expect(findRetrier(retriers, 'ErrorC')?.index).toBe(1);
    expect(findRetrier(retriers, 'Other')).toBeUndefined();
    const catchers = [
      { ErrorEquals: ['java.lang.Exception'], Next: 'Recovery' },
      { ErrorEquals: [StatesErrorNames.ALL], Next: 'End' },
    ];
    expect(findCatcher(catchers, 'java.lang.Exception')?.catcher.Next).toBe('Recovery');
    expect(findCatcher(catchers, 'Other')?.index).toBe(1);
    expect(findCatcher(catchers, StatesErrorNames.Runtime)).toBeUndefined();
  });
});

describe('retryDelayMs', () => {
  it('defaults to 1 second growing by a factor of 2', () => {
    const retrier = { ErrorEquals: ['E'] };
    expect([1, 2, 3].map((n) => retryDelayMs(retrier, n, fixedRandom))).toEqual([1000, 2000, 4000]);
  });

  it('applies the documented example of 3 and 4.5 seconds for IntervalSeconds 3 and BackoffRate 1.5', () => {
    const retrier = { ErrorEquals: ['States.Timeout'], IntervalSeconds: 3, MaxAttempts: 2, BackoffRate: 1.5 };
    expect([1, 2].map((n) => retryDelayMs(retrier, n, fixedRandom))).toEqual([3000, 4500]);
  });

  it('caps the delay at MaxDelaySeconds', () => {
    const retrier = { ErrorEquals: ['E'], IntervalSeconds: 10, BackoffRate: 3, MaxDelaySeconds: 60 };
    expect(retryDelayMs(retrier, 4, fixedRandom)).toBe(60_000);
  });

  it('draws a FULL jitter delay between zero and the computed delay', () => {
    const retrier = { ErrorEquals: ['E'], IntervalSeconds: 4, JitterStrategy: 'FULL' as const };
    expect(retryDelayMs(retrier, 2, () => 0.25)).toBe(2000);
    expect(retryDelayMs(retrier, 2, () => 0)).toBe(0);
  });
});

describe('payload size limit', () => {
  it('counts the JSON text in UTF-8 bytes', () => {
    expect(payloadSizeBytes({ a: 'é' })).toBe(Buffer.byteLength('{"a":"é"}'));
  });

  it('accepts exactly 256 KiB and refuses one byte more with States.DataLimitExceeded', () => {
    const fits = 'x'.repeat(MAX_PAYLOAD_BYTES - 2); // two bytes for the JSON quotes
    expect(() => checkPayloadSize(fits)).not.toThrow();
    expect(() => checkPayloadSize(`${fits}x`)).toThrowError(
      expect.objectContaining({ error: StatesErrorNames.DataLimitExceeded }),
    );
  });
});

describe('variable frames', () => {
  it('lets a branch read outer variables while its own assignments stay inside it', () => {
    const outer = applyAssigned(rootFrame(), { region: 'XX县', count: 1 });
    const branch = applyAssigned(childFrame(outer), { count: 2, local: true });
    expect(visibleVariables(branch)).toEqual({ region: 'XX县', count: 2, local: true });
    expect(visibleVariables(outer)).toEqual({ region: 'XX县', count: 1 });
  });

  it('gives a Distributed Map child workflow no outer variables', () => {
    const outer = applyAssigned(rootFrame(), { region: 'XX县' });
    expect(visibleVariables(childFrame(outer, { distributedMap: true }))).toEqual({});
  });
});
