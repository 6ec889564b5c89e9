// EventBridge Scheduler expressions as the local cloud evaluates them: rates, six-field cron in a time zone
// (with Scheduler's daylight-saving rules), one-time `at`, and the next fire after a stored last fire.
// https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html
import { describe, expect, test } from 'vitest';
import {
  atTime,
  nextCronTime,
  parseScheduleExpression,
  ScheduleExpressionError,
} from '#local/cloud/schedule-expression.ts';
import { type LocalSchedule, nextFireTime } from '#local/cloud/schedules.ts';

const t = (iso: string) => Date.parse(iso);
const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());

function next(expression: string, after: string, zone = 'UTC'): string | undefined {
  const parsed = parseScheduleExpression(expression);
  if (parsed.kind !== 'cron') throw new Error('not cron');
  return iso(nextCronTime(parsed.fields, t(after), zone));
}

function schedule(expression: string, extra: Partial<LocalSchedule> = {}): LocalSchedule {
  return {
    logicalId: 'S',
    name: 'S',
    arn: 'arn:aws:scheduler:us-east-1:123456789012:schedule/default/S',
    expression,
    parsed: parseScheduleExpression(expression),
    timeZone: 'UTC',
    enabled: true,
    targetArn: 'arn:aws:lambda:us-east-1:123456789012:function:F',
    ...extra,
  };
}

describe('parsing', () => {
  test('a rate is a number of minutes, hours or days', () => {
    expect(parseScheduleExpression('rate(1 minute)')).toEqual({ kind: 'rate', everyMs: 60_000 });
    expect(parseScheduleExpression('rate(2 hours)')).toEqual({ kind: 'rate', everyMs: 7_200_000 });
    expect(parseScheduleExpression('rate(3 days)')).toEqual({ kind: 'rate', everyMs: 3 * 86_400_000 });
  });

  test('malformed expressions are refused with the reason', () => {
    expect(() => parseScheduleExpression('rate(0 hours)')).toThrow(ScheduleExpressionError);
    expect(() => parseScheduleExpression('cron(0 9 * * *)')).toThrow(/six fields/);
    expect(() => parseScheduleExpression('cron(0 9 1 * MON *)')).toThrow(/must be '\?'/);
    expect(() => parseScheduleExpression('cron(61 9 * * ? *)')).toThrow(/outside 0–59/);
    expect(() => parseScheduleExpression('every day')).toThrow(/not a schedule expression/);
  });

  test('a day outside the month or the week is refused in its W, L and # forms too', () => {
    expect(() => parseScheduleExpression('cron(0 9 32W * ? *)')).toThrow(/outside 1–31/);
    expect(() => parseScheduleExpression('cron(0 9 ? * 8L *)')).toThrow(/outside 1–7/);
    expect(() => parseScheduleExpression('cron(0 9 ? * 9#2 *)')).toThrow(/outside 1–7/);
  });
});

describe('cron', () => {
  test('fires at the next matching minute, never at the instant it is asked from', () => {
    expect(next('cron(0 9 * * ? *)', '2023-01-01T09:00:00Z')).toBe('2023-01-02T09:00:00.000Z');
    expect(next('cron(0/15 * * * ? *)', '2023-01-01T09:07:00Z')).toBe('2023-01-01T09:15:00.000Z');
  });

  test('is evaluated in the schedule’s time zone', () => {
    expect(next('cron(0 9 * * ? *)', '2023-01-01T02:00:00Z', 'Asia/Shanghai')).toBe(
      '2023-01-02T01:00:00.000Z',
    );
  });

  test('day-of-week counts from Sunday = 1 and accepts names', () => {
    // 2023-01-02 is a Monday.
    expect(next('cron(0 8 ? * 2 *)', '2023-01-01T00:00:00Z')).toBe('2023-01-02T08:00:00.000Z');
    expect(next('cron(0 8 ? * MON-FRI *)', '2023-01-06T09:00:00Z')).toBe('2023-01-09T08:00:00.000Z');
  });

  test('L, W and # pick the last day, the nearest weekday and the nth weekday of the month', () => {
    expect(next('cron(0 0 L * ? *)', '2023-02-01T00:00:00Z')).toBe('2023-02-28T00:00:00.000Z');
    // 2023-04-15 is a Saturday: the nearest weekday is Friday the 14th.
    expect(next('cron(0 0 15W * ? *)', '2023-04-01T00:00:00Z')).toBe('2023-04-14T00:00:00.000Z');
    // The third Friday of January 2023 is the 20th; the last Friday is the 27th.
    expect(next('cron(0 0 ? * 6#3 *)', '2023-01-01T00:00:00Z')).toBe('2023-01-20T00:00:00.000Z');
    expect(next('cron(0 0 ? * 6L *)', '2023-01-01T00:00:00Z')).toBe('2023-01-27T00:00:00.000Z');
  });

  test('a year field limits the fires, and a past year never fires', () => {
    expect(next('cron(0 0 1 1 ? 2025)', '2023-06-01T00:00:00Z')).toBe('2025-01-01T00:00:00.000Z');
    expect(next('cron(0 0 1 1 ? 2022)', '2023-06-01T00:00:00Z')).toBeUndefined();
  });

  test('a local time skipped by daylight saving does not fire, and a repeated one fires once', () => {
    // New York skipped 02:00–03:00 on 2023-03-12 and repeated 01:00–02:00 on 2023-11-05.
    expect(next('cron(30 2 * * ? *)', '2023-03-11T08:00:00Z', 'America/New_York')).toBe(
      '2023-03-13T06:30:00.000Z',
    );
    const first = next('cron(30 1 * * ? *)', '2023-11-05T00:00:00Z', 'America/New_York');
    expect(first).toBe('2023-11-05T05:30:00.000Z');
    expect(next('cron(30 1 * * ? *)', first as string, 'America/New_York')).toBe('2023-11-06T06:30:00.000Z');
  });

  test('minutes that a repeated hour shows twice fire once, in its first pass', () => {
    const at = (after: string) => next('cron(0/30 1 * * ? *)', after, 'America/New_York');
    expect(at('2023-11-05T05:00:00Z')).toBe('2023-11-05T05:30:00.000Z');
    expect(at('2023-11-05T05:30:00Z')).toBe('2023-11-06T06:00:00.000Z');
  });
});

describe('next fire', () => {
  test('a rate without a start date fires when the schedule is created, then every interval', () => {
    const hourly = schedule('rate(1 hour)');
    const created = t('2023-01-01T00:10:00Z');
    expect(iso(nextFireTime(hourly, { created }))).toBe('2023-01-01T00:10:00.000Z');
    expect(iso(nextFireTime(hourly, { created, lastFire: created + 3_600_000 }))).toBe(
      '2023-01-01T02:10:00.000Z',
    );
  });

  test('a rate with a start date starts there', () => {
    const daily = schedule('rate(1 day)', { startDate: t('2023-02-01T09:00:00Z') });
    expect(iso(nextFireTime(daily, { created: t('2023-01-01T00:00:00Z') }))).toBe('2023-02-01T09:00:00.000Z');
  });

  test('a cron fires after its last fire and not after its end date', () => {
    const morning = schedule('cron(0 9 * * ? *)', { endDate: t('2023-01-02T12:00:00Z') });
    const created = t('2023-01-01T10:00:00Z');
    expect(iso(nextFireTime(morning, { created }))).toBe('2023-01-02T09:00:00.000Z');
    expect(nextFireTime(morning, { created, lastFire: t('2023-01-02T09:00:00Z') })).toBeUndefined();
  });

  test('a one-time schedule fires once, at its time in its zone', () => {
    const once = schedule('at(2023-03-01T09:00:00)', { timeZone: 'Asia/Shanghai' });
    expect(iso(nextFireTime(once, { created: 0 }))).toBe('2023-03-01T01:00:00.000Z');
    expect(nextFireTime(once, { created: 0, lastFire: t('2023-03-01T01:00:00Z') })).toBeUndefined();
    expect(iso(atTime([2023, 3, 1, 9, 0, 0], 'UTC'))).toBe('2023-03-01T09:00:00.000Z');
  });
});
