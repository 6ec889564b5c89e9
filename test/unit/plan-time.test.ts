// Calendar arithmetic in a time zone. New York and London are here for their daylight-saving transitions, which
// Asia/Shanghai does not have; they prove that no fixed offset is assumed anywhere.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addDuration,
  compareDurations,
  dateOf,
  endOfDate,
  fromLocal,
  isDuration,
  isValidTimeZone,
  localDateTimeToInstant,
  parseDuration,
  startOfDate,
  TimeFormatError,
  toLocal,
} from '#plan/time.ts';

const at = (iso: string) => new Date(iso);

describe('plan dates in a time zone', () => {
  it('puts the start of 2023-01-01 in Asia/Shanghai at 16:00 UTC the day before', () => {
    expect(startOfDate('2023-01-01', 'Asia/Shanghai')).toEqual(at('2022-12-31T16:00:00Z'));
  });

  it('ends an inclusive end date at the next midnight', () => {
    expect(endOfDate('2023-02-14', 'Asia/Shanghai')).toEqual(at('2023-02-14T16:00:00Z'));
  });

  it('ends the last day of a year at the first midnight of the next', () => {
    expect(endOfDate('2023-12-31', 'Asia/Shanghai')).toEqual(at('2023-12-31T16:00:00Z'));
  });

  it('uses the offset in force on the day, not a fixed one (New York in winter and in summer)', () => {
    expect(startOfDate('2023-01-15', 'America/New_York')).toEqual(at('2023-01-15T05:00:00Z'));
    expect(startOfDate('2023-07-15', 'America/New_York')).toEqual(at('2023-07-15T04:00:00Z'));
  });

  it('gives the day clocks spring forward only 23 hours', () => {
    const start = startOfDate('2023-03-12', 'America/New_York');
    const end = endOfDate('2023-03-12', 'America/New_York');

    expect(end.getTime() - start.getTime()).toBe(23 * 3_600_000);
  });

  it('refuses a date that is not in the calendar', () => {
    expect(() => startOfDate('2023-02-29', 'Asia/Shanghai')).toThrow(TimeFormatError);
  });

  it('reads the plan date of an instant in the zone', () => {
    expect(dateOf(at('2023-01-31T16:30:00Z'), 'Asia/Shanghai')).toBe('2023-02-01');
    expect(dateOf(at('2023-01-31T16:30:00Z'), 'UTC')).toBe('2023-01-31');
  });
});

describe('wall-clock times in a time zone', () => {
  it('reads a meeting time as local time in the zone', () => {
    expect(localDateTimeToInstant('2023-01-10 09:30', 'Asia/Shanghai')).toEqual(at('2023-01-10T01:30:00Z'));
    expect(localDateTimeToInstant('2023-01-10T09:30:15', 'Asia/Shanghai')).toEqual(
      at('2023-01-10T01:30:15Z'),
    );
  });

  it('moves a time skipped by spring-forward later by the gap', () => {
    const skipped = { year: 2023, month: 3, day: 12, hour: 2, minute: 30, second: 0, millisecond: 0 };

    expect(fromLocal(skipped, 'America/New_York')).toEqual(at('2023-03-12T07:30:00Z'));
  });

  it('takes the earlier of a time repeated when clocks go back', () => {
    const repeated = { year: 2023, month: 10, day: 29, hour: 1, minute: 30, second: 0, millisecond: 0 };

    expect(fromLocal(repeated, 'Europe/London')).toEqual(at('2023-10-29T00:30:00Z'));
  });

  it('round-trips any instant through its wall-clock reading', () => {
    const zones = fc.constantFrom(
      'Asia/Shanghai',
      'America/New_York',
      'Europe/London',
      'Australia/Lord_Howe',
      'UTC',
    );
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(1990, 0, 1), max: Date.UTC(2060, 0, 1) }), zones, (ms, zone) => {
        const instant = new Date(ms);
        const back = fromLocal(toLocal(instant, zone), zone);
        // A repeated hour maps back to its earlier instant, so the later one comes back up to an hour early.
        return back.getTime() === ms || (ms - back.getTime() > 0 && ms - back.getTime() <= 3_600_000);
      }),
      { numRuns: 500 },
    );
  });
});

describe('ISO 8601 durations', () => {
  it.each(['P1M', 'P30D', 'P2W', 'PT12H', 'PT0S', 'P1Y2M3W4DT5H6M7S', 'P1DT2H'])('accepts %s', (text) => {
    expect(isDuration(text)).toBe(true);
  });

  it.each(['', 'P', 'PT', 'P1DT', '1D', 'P-1D', 'P1.5D', 'p1d', 'P1H', 'PT1D', '3 days', 'P1234567D'])(
    'refuses "%s"',
    (text) => {
      expect(isDuration(text)).toBe(false);
      expect(() => parseDuration(text)).toThrow(TimeFormatError);
    },
  );

  it('parses every part', () => {
    expect(parseDuration('P1Y2M3W4DT5H6M7S')).toEqual({
      years: 1,
      months: 2,
      weeks: 3,
      days: 4,
      hours: 5,
      minutes: 6,
      seconds: 7,
    });
  });

  it('orders durations by their nominal length', () => {
    expect(compareDurations('P1D', 'PT24H')).toBe(0);
    expect(compareDurations('P2D', 'P3D')).toBeLessThan(0);
    expect(compareDurations('P1M', 'P2W')).toBeGreaterThan(0);
  });
});

describe('adding durations in a time zone', () => {
  const shanghai = 'Asia/Shanghai';

  it('adds a calendar month: 15 February to 15 March', () => {
    const start = startOfDate('2023-02-15', shanghai);

    expect(dateOf(addDuration(start, 'P1M', shanghai), shanghai)).toBe('2023-03-15');
  });

  it('keeps P1M from 31 January inside February, at its last day', () => {
    const start = startOfDate('2023-01-31', shanghai);

    expect(addDuration(start, 'P1M', shanghai)).toEqual(startOfDate('2023-02-28', shanghai));
  });

  it('counts P30D and P1M differently over February', () => {
    const start = startOfDate('2023-02-01', shanghai);

    expect(dateOf(addDuration(start, 'P30D', shanghai), shanghai)).toBe('2023-03-03');
    expect(dateOf(addDuration(start, 'P1M', shanghai), shanghai)).toBe('2023-03-01');
  });

  it('keeps the wall-clock time when adding a day across spring-forward, but not when adding 24 hours', () => {
    const noon = at('2023-03-11T17:00:00Z'); // 12:00 EST
    const zone = 'America/New_York';

    expect(addDuration(noon, 'P1D', zone)).toEqual(at('2023-03-12T16:00:00Z')); // 12:00 EDT
    expect(addDuration(noon, 'PT24H', zone)).toEqual(at('2023-03-12T17:00:00Z')); // 13:00 EDT
  });

  it('lands a year after 29 February on 28 February', () => {
    const leap = startOfDate('2024-02-29', shanghai);

    expect(dateOf(addDuration(leap, 'P1Y', shanghai), shanghai)).toBe('2025-02-28');
  });

  it('subtracts with times = −1', () => {
    const due = at('2023-03-10T10:00:00Z');

    expect(addDuration(due, 'P2D', shanghai, -1)).toEqual(at('2023-03-08T10:00:00Z'));
    expect(dateOf(addDuration(startOfDate('2023-03-31', shanghai), 'P1M', shanghai, -1), shanghai)).toBe(
      '2023-02-28',
    );
  });

  it('multiplies with times = k, counting from the start rather than step by step', () => {
    const start = startOfDate('2023-01-31', shanghai);

    expect(dateOf(addDuration(start, 'P1M', shanghai, 2), shanghai)).toBe('2023-03-31');
  });
});

describe('time zone names', () => {
  it.each(['Asia/Shanghai', 'UTC', 'America/New_York', 'Asia/Urumqi'])('accepts %s', (zone) => {
    expect(isValidTimeZone(zone)).toBe(true);
  });

  it.each(['Mars/Olympus', '+08:00', 'GMT+8 hours', '', 'Asia/Shangai'])('refuses "%s"', (zone) => {
    expect(isValidTimeZone(zone)).toBe(false);
  });
});
