// Retry and Catch selection (https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html):
// the first Retrier whose ErrorEquals matches decides (an exhausted one does not hand over to a later one);
// its counter spans every visit to that Retrier within one run of the state.

import { errorMatches } from './errors.ts';
import type { Catcher, Retrier } from './types.ts';

export const RETRY_DEFAULTS = Object.freeze({ IntervalSeconds: 1, MaxAttempts: 3, BackoffRate: 2 });

export function findRetrier(
  retriers: readonly Retrier[] | undefined,
  error: string,
): { retrier: Retrier; index: number } | undefined {
  const list = retriers ?? [];
  const index = list.findIndex((r) => errorMatches(r.ErrorEquals, error));
  return index < 0 ? undefined : { retrier: list[index] as Retrier, index };
}

export function findCatcher(
  catchers: readonly Catcher[] | undefined,
  error: string,
): { catcher: Catcher; index: number } | undefined {
  const list = catchers ?? [];
  const index = list.findIndex((c) => errorMatches(c.ErrorEquals, error));
  return index < 0 ? undefined : { catcher: list[index] as Catcher, index };
}

/** MaxAttempts (default 3); 0 means the error is never retried. */
export function maxAttempts(retrier: Retrier): number {
  return retrier.MaxAttempts ?? RETRY_DEFAULTS.MaxAttempts;
}

/**
 * The wait before retry number `attempt` (1 for the first retry): IntervalSeconds × BackoffRate^(attempt−1),
 * capped at MaxDelaySeconds; with JitterStrategy FULL a uniformly random delay in [0, that value).
 * Defaults: IntervalSeconds 1, BackoffRate 2.0.
 */
export function retryDelayMs(retrier: Retrier, attempt: number, random: () => number): number {
  const interval = retrier.IntervalSeconds ?? RETRY_DEFAULTS.IntervalSeconds;
  const backoff = retrier.BackoffRate ?? RETRY_DEFAULTS.BackoffRate;
  let seconds = interval * backoff ** Math.max(0, attempt - 1);
  if (retrier.MaxDelaySeconds !== undefined) seconds = Math.min(seconds, retrier.MaxDelaySeconds);
  if (retrier.JitterStrategy === 'FULL') seconds *= random();
  return Math.round(seconds * 1000);
}

/** What one Retrier has done in the current run of a state (plain JSON, persisted by the engine). */
export interface RetrierCounter {
  /** Retries made by this Retrier, whatever the error: drives the backoff. */
  readonly total: number;
  /** Retries made by this Retrier per error name: checked against MaxAttempts. */
  readonly byError: Readonly<Record<string, number>>;
}

/**
 * Counters by Retrier index; start each run of a state with `[]` and keep `decision.counters`. A plain number
 * is also accepted (retries made by that Retrier, counted against MaxAttempts whatever the error), for callers
 * that track only one count per Retrier.
 */
export type RetryCounters = readonly (RetrierCounter | number | undefined)[];

function counterAt(counters: RetryCounters, index: number, error: string): RetrierCounter {
  const counter = counters[index];
  if (typeof counter === 'number') return { total: counter, byError: { [error]: counter } };
  return counter ?? { total: 0, byError: {} };
}

export interface RetryDecision {
  /** Index of the Retrier used. */
  index: number;
  /** 1 for the first retry by this Retrier. */
  attempt: number;
  delayMs: number;
  /** The counters after this retry; keep them for the next error of the same run of the state. */
  counters: RetryCounters;
}

/**
 * Whether to retry `error`. The documented "complex retry scenario" fixes the counting: with
 * `ErrorEquals: ["ErrorA", "ErrorB"], MaxAttempts: 2` the errors ErrorA, ErrorB, ErrorC, ErrorB, ErrorB wait 1, 2,
 * (5 from another Retrier), 4 seconds and then fail, because the Retrier "has already reached its limit of two
 * retries (MaxAttempts) for that particular error (ErrorB)". So the interval grows with every retry of the
 * Retrier while MaxAttempts counts per error name
 * (https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html).
 * Undefined means: no retry, go to Catch.
 */
export function nextRetry(
  retriers: readonly Retrier[] | undefined,
  error: string,
  counters: RetryCounters,
  random: () => number,
): RetryDecision | undefined {
  const found = findRetrier(retriers, error);
  if (!found) return undefined;
  const counter = counterAt(counters, found.index, error);
  const forError = counter.byError[error] ?? 0;
  if (forError >= maxAttempts(found.retrier)) return undefined;
  const attempt = counter.total + 1;
  const next = [...counters];
  next[found.index] = { total: attempt, byError: { ...counter.byError, [error]: forError + 1 } };
  return {
    index: found.index,
    attempt,
    delayMs: retryDelayMs(found.retrier, attempt, random),
    counters: next,
  };
}
