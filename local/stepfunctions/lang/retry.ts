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

export interface RetryDecision {
  /** Index of the Retrier used; the engine increments its counter. */
  index: number;
  /** 1 for the first retry by this Retrier. */
  attempt: number;
  delayMs: number;
}

/**
 * Whether to retry `error`, given how many retries each Retrier has already made in this run of the state
 * (`attemptsByRetrier[i]`, missing = 0). Undefined means: no retry, go to Catch.
 */
export function nextRetry(
  retriers: readonly Retrier[] | undefined,
  error: string,
  attemptsByRetrier: readonly number[],
  random: () => number,
): RetryDecision | undefined {
  const found = findRetrier(retriers, error);
  if (!found) return undefined;
  const made = attemptsByRetrier[found.index] ?? 0;
  if (made >= maxAttempts(found.retrier)) return undefined;
  const attempt = made + 1;
  return { index: found.index, attempt, delayMs: retryDelayMs(found.retrier, attempt, random) };
}
