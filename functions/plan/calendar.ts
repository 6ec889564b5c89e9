// The working calendar of a plan: which days are working days, and the instants that follow from it — a task's
// deadline (the end of a working day, e.g. 17:30) and its reminder and escalation thresholds. By default
// mainland China's: weekends off, the State Council's public holidays off and its make-up working days (调休)
// on, from the `chinese-days` package's data (holidays and 调休 of every year it covers, updated when the State
// Council publishes the next year's arrangement). A plan overrides single days (`calendar.holidays`,
// `calendar.workdays`: a late notice, another region), or starts from weekends alone (`calendar.base:
// weekends`). Days are plan dates in the programme's time zone.
import CHINESE_DAYS from 'chinese-days/dist/chinese-days.json' with { type: 'json' };
import type { Plan } from './schema.ts';
import {
  addDuration,
  type Duration,
  dateOf,
  fromLocal,
  parseDuration,
  startOfDate,
  toLocal,
} from './time.ts';

export const DEFAULT_WORKDAY_ENDS = '17:30';

/** The calendar a plan uses, with its defaults filled in. */
export interface WorkingCalendar {
  base: 'mainland-china' | 'weekends';
  holidays: ReadonlySet<string>;
  workdays: ReadonlySet<string>;
  /** When a working day ends: deadlines are at this time. */
  workdayEnds: string;
}

const CHINA = CHINESE_DAYS as { holidays: Record<string, string>; workdays: Record<string, string> };

const calendars = new WeakMap<object, WorkingCalendar>();

export function calendarOf(plan: Pick<Plan, 'calendar'>): WorkingCalendar {
  let calendar = calendars.get(plan);
  if (!calendar) {
    const c = plan.calendar;
    calendar = {
      base: c?.base ?? 'mainland-china',
      holidays: new Set(c?.holidays ?? []),
      workdays: new Set(c?.workdays ?? []),
      workdayEnds: c?.workdayEnds ?? DEFAULT_WORKDAY_ENDS,
    };
    calendars.set(plan, calendar);
  }
  return calendar;
}

/** The day of the week of a plan date (0 Sunday … 6 Saturday). */
function weekday(date: string): number {
  return new Date(`${date}T12:00:00Z`).getUTCDay();
}

/** The plan date `n` calendar days after `date` (before, for negative n). */
export function shiftDate(date: string, n: number): string {
  const d = new Date(`${date}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

/** True when `date` (YYYY-MM-DD) is a working day of the plan's calendar. */
export function isWorkingDay(plan: Pick<Plan, 'calendar'>, date: string): boolean {
  const c = calendarOf(plan);
  if (c.workdays.has(date)) return true;
  if (c.holidays.has(date)) return false;
  if (c.base === 'mainland-china') {
    if (date in CHINA.workdays) return true;
    if (date in CHINA.holidays) return false;
  }
  const day = weekday(date);
  return day !== 0 && day !== 6;
}

/**
 * The working day `n` working days after `date` (n > 0), before it (n < 0), or for n = 0 `date` itself when it
 * is a working day and otherwise the next one (a deadline that falls on a day off moves on, 顺延).
 */
export function addWorkingDays(plan: Pick<Plan, 'calendar'>, date: string, n: number): string {
  let day = date;
  if (n === 0) {
    while (!isWorkingDay(plan, day)) day = shiftDate(day, 1);
    return day;
  }
  const step = n > 0 ? 1 : -1;
  for (let left = Math.abs(n); left > 0; ) {
    day = shiftDate(day, step);
    if (isWorkingDay(plan, day)) left--;
  }
  return day;
}

/** The instant a plan date shows the clock time `hhmm` in the programme's zone. */
export function atClockTime(plan: Pick<Plan, 'programme'>, date: string, hhmm: string): Date {
  const [hour, minute] = hhmm.split(':').map(Number) as [number, number];
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  return fromLocal({ year, month, day, hour, minute, second: 0, millisecond: 0 }, plan.programme.timezone);
}

/** The deadline of a plan date: the end of that working day, or of the next one when it is a day off (顺延). */
export function deadlineOfDate(plan: Pick<Plan, 'programme' | 'calendar'>, date: string): Date {
  return atClockTime(plan, addWorkingDays(plan, date, 0), calendarOf(plan).workdayEnds);
}

/** True when a duration has only hours, minutes and seconds: it counts elapsed time, not working days. */
function isClockDuration(d: Duration): boolean {
  return d.years === 0 && d.months === 0 && d.weeks === 0 && d.days === 0;
}

/** Working days in a duration: a day is a working day, a week five. */
const workingDaysIn = (d: Duration) => d.weeks * 5 + d.days;

/**
 * The deadline `duration` after `from`, counted in working days: years and months move the calendar date,
 * then weeks (five working days) and days count working days after it, and the deadline is the end of the
 * working day reached. `P3D` from Sunday 1 January 2023 (a holiday, as is Monday 2 January) is 17:30 on
 * Thursday 5 January. A duration of hours alone (`PT12H`) is elapsed time: no calendar applies.
 */
export function deadlineAfter(
  plan: Pick<Plan, 'programme' | 'calendar'>,
  from: Date,
  duration: string,
): Date {
  const d = parseDuration(duration);
  if (isClockDuration(d)) return addDuration(from, d, plan.programme.timezone);
  const tz = plan.programme.timezone;
  const moved = addDuration(from, { ...ZERO, years: d.years, months: d.months }, tz);
  return deadlineOfDate(plan, addWorkingDays(plan, dateOf(moved, tz), workingDaysIn(d)));
}

/**
 * The instant `duration` after a deadline (`direction` 1) or before it (-1), in working days: after, the same
 * time of day `n` working days later (the escalation thresholds, `PT0S` being the deadline itself); before,
 * the start of the working day `n` working days earlier, so that the day's digest carries the reminder
 * (`remindBeforeDue: P2D` for a task due on Thursday reminds in Tuesday's digest).
 */
export function shiftFromDeadline(
  plan: Pick<Plan, 'programme' | 'calendar'>,
  deadline: Date,
  duration: string,
  direction: 1 | -1,
): Date {
  const d = parseDuration(duration);
  const tz = plan.programme.timezone;
  if (isClockDuration(d)) return addDuration(deadline, d, tz, direction);
  const moved = addDuration(deadline, { ...ZERO, years: d.years, months: d.months }, tz, direction);
  const date = addWorkingDays(plan, dateOf(moved, tz), direction * workingDaysIn(d));
  if (direction === -1) return startOfDate(date, tz);
  const local = toLocal(moved, tz);
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  return fromLocal({ ...local, year, month, day }, tz);
}

const ZERO: Duration = { years: 0, months: 0, weeks: 0, days: 0, hours: 0, minutes: 0, seconds: 0 };

export const DEFAULT_DIGEST_AT = '09:00';

/**
 * The day whose digest may go out at `now` (YYYY-MM-DD in the programme's zone), or undefined: a digest is sent
 * on a working day of the plan's calendar, from its digest hour (`escalation.digestAt`, 09:00 by default) to the
 * day's end. Items queued on a day off, or after the day's digest went out, wait for the next working day's.
 */
export function digestDay(
  plan: Pick<Plan, 'programme' | 'calendar' | 'escalation'>,
  now: Date,
): string | undefined {
  const today = dateOf(now, plan.programme.timezone);
  if (!isWorkingDay(plan, today)) return undefined;
  const at = atClockTime(plan, today, plan.escalation.digestAt ?? DEFAULT_DIGEST_AT);
  return now.getTime() >= at.getTime() ? today : undefined;
}
