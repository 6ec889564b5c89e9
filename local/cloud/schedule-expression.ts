// EventBridge Scheduler's schedule expressions: `rate(value unit)`, `cron(minutes hours day-of-month month
// day-of-week year)` evaluated in the schedule's time zone, and `at(yyyy-mm-ddThh:mm:ss)`. Daylight saving
// time as Scheduler handles it: a local time that does not exist (spring forward) is skipped, and a local
// time that happens twice (fall back) fires once.
// https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html
// https://repost.aws/knowledge-center/eventbridge-scheduler-adjust-dst

import { toLocal } from '#plan/time.ts';

export class ScheduleExpressionError extends Error {
  override name = 'ScheduleExpressionError';
}

interface DomSpec {
  any: boolean;
  days: Set<number>;
  last: boolean;
  /** `LW`: the last weekday of the month. */
  lastWeekday: boolean;
  /** `15W`: the weekday nearest to the 15th, within the month. */
  nearestWeekday: number[];
}

interface DowSpec {
  any: boolean;
  /** 1 = Sunday … 7 = Saturday, as in EventBridge. */
  days: Set<number>;
  /** `6L`: the last Friday of the month. */
  lastOf: number[];
  /** `6#3`: the third Friday of the month. */
  nth: Array<[number, number]>;
}

export interface CronFields {
  minutes: number[];
  hours: number[];
  dom: DomSpec;
  months: Set<number>;
  dow: DowSpec;
  years: Set<number> | undefined;
}

export type ScheduleExpression =
  | { kind: 'rate'; everyMs: number }
  | { kind: 'cron'; fields: CronFields }
  | { kind: 'at'; local: [number, number, number, number, number, number] };

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

function value(text: string, names: string[] | undefined, offset: number, field: string): number {
  const upper = text.toUpperCase();
  const named = names?.indexOf(upper) ?? -1;
  if (named >= 0) return named + offset;
  if (!/^\d+$/.test(text)) throw new ScheduleExpressionError(`'${text}' is not a valid ${field}`);
  return Number(text);
}

/** Values of a plain field: `*`, `a`, `a-b`, `a/n`, `a-b/n`, `*\/n`, comma-separated. */
function plainField(
  text: string,
  min: number,
  max: number,
  field: string,
  names?: string[],
  offset = 0,
): number[] {
  const out = new Set<number>();
  for (const part of text.split(',')) {
    const [range, stepText] = part.split('/') as [string, string | undefined];
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!(Number.isInteger(step) && step >= 1))
      throw new ScheduleExpressionError(`bad step in ${field}: '${part}'`);
    let from: number;
    let to: number;
    if (range === '*') {
      from = min;
      to = max;
    } else if (range.includes('-')) {
      const [a, b] = range.split('-') as [string, string];
      from = value(a, names, offset, field);
      to = value(b, names, offset, field);
    } else {
      from = value(range, names, offset, field);
      to = stepText === undefined ? from : max;
    }
    if (from < min || to > max || from > to) {
      throw new ScheduleExpressionError(`${field} '${part}' is outside ${min}–${max}`);
    }
    for (let v = from; v <= to; v += step) out.add(v);
  }
  return [...out].sort((a, b) => a - b);
}

function domField(text: string): DomSpec {
  const spec: DomSpec = { any: false, days: new Set(), last: false, lastWeekday: false, nearestWeekday: [] };
  if (text === '?' || text === '*') return { ...spec, any: true };
  for (const part of text.split(',')) {
    if (part === 'L') spec.last = true;
    else if (part === 'LW') spec.lastWeekday = true;
    else if (/^\d+W$/.test(part)) spec.nearestWeekday.push(Number(part.slice(0, -1)));
    else for (const d of plainField(part, 1, 31, 'day-of-month')) spec.days.add(d);
  }
  return spec;
}

function dowField(text: string): DowSpec {
  const spec: DowSpec = { any: false, days: new Set(), lastOf: [], nth: [] };
  if (text === '?' || text === '*') return { ...spec, any: true };
  for (const part of text.split(',')) {
    const last = /^(\w+)L$/.exec(part);
    const nth = /^(\w+)#([1-5])$/.exec(part);
    if (part === 'L') spec.days.add(7);
    else if (last?.[1]) spec.lastOf.push(value(last[1], DAYS, 1, 'day-of-week'));
    else if (nth?.[1]) spec.nth.push([value(nth[1], DAYS, 1, 'day-of-week'), Number(nth[2])]);
    else for (const d of plainField(part, 1, 7, 'day-of-week', DAYS, 1)) spec.days.add(d);
  }
  return spec;
}

export function parseScheduleExpression(expression: string): ScheduleExpression {
  const text = expression.trim();
  const rate = /^rate\(\s*(\d+)\s+(minutes?|hours?|days?)\s*\)$/i.exec(text);
  if (rate) {
    const amount = Number(rate[1]);
    if (amount < 1) throw new ScheduleExpressionError(`a rate must be positive: ${expression}`);
    const unit = (rate[2] as string).toLowerCase().replace(/s$/, '');
    const ms = { minute: 60_000, hour: 3_600_000, day: 86_400_000 }[unit] as number;
    return { kind: 'rate', everyMs: amount * ms };
  }
  const at = /^at\((\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\)$/.exec(text);
  if (at) {
    const parts = at.slice(1).map(Number) as [number, number, number, number, number, number];
    return { kind: 'at', local: parts };
  }
  const cron = /^cron\((.*)\)$/.exec(text);
  if (cron) {
    const fields = (cron[1] as string).trim().split(/\s+/);
    if (fields.length !== 6) {
      throw new ScheduleExpressionError(
        `a cron expression has six fields, '${expression}' has ${fields.length}`,
      );
    }
    const [minutes, hours, dom, month, dow, year] = fields as [
      string,
      string,
      string,
      string,
      string,
      string,
    ];
    if (dom !== '?' && dow !== '?') {
      throw new ScheduleExpressionError(`one of day-of-month and day-of-week must be '?': ${expression}`);
    }
    return {
      kind: 'cron',
      fields: {
        minutes: plainField(minutes, 0, 59, 'minutes'),
        hours: plainField(hours, 0, 23, 'hours'),
        dom: domField(dom),
        months: new Set(plainField(month, 1, 12, 'month', MONTHS, 1)),
        dow: dowField(dow),
        years: year === '*' ? undefined : new Set(plainField(year, 1970, 2199, 'year')),
      },
    };
  }
  throw new ScheduleExpressionError(`not a schedule expression: '${expression}' (rate(…), cron(…) or at(…))`);
}

// ---- time zones ------------------------------------------------------------------------------------------

/** The wall-clock reading of `epoch` in `timeZone`, as if it were UTC (ms, whole seconds). */
function wallClock(epoch: number, timeZone: string): number {
  const l = toLocal(new Date(epoch), timeZone);
  return Date.UTC(l.year, l.month - 1, l.day, l.hour, l.minute, l.second);
}

/**
 * The instant of a wall-clock time in `timeZone`: the earlier one when the time happens twice, undefined
 * when it does not happen (a daylight-saving gap).
 */
export function zonedToEpoch(wall: number, timeZone: string): number | undefined {
  const DAY = 86_400_000;
  const offsets = new Set([
    wallClock(wall - DAY, timeZone) - (wall - DAY),
    wallClock(wall + DAY, timeZone) - (wall + DAY),
  ]);
  const candidates = [...offsets]
    .map((offset) => wall - offset)
    .filter((t) => wallClock(t, timeZone) === wall);
  return candidates.length ? Math.min(...candidates) : undefined;
}

// ---- next fire time --------------------------------------------------------------------------------------

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function isWeekday(year: number, month: number, day: number): boolean {
  const dow = new Date(Date.UTC(year, month - 1, day)).getUTCDay();
  return dow !== 0 && dow !== 6;
}

function nearestWeekday(year: number, month: number, target: number): number {
  const last = daysInMonth(year, month);
  const day = Math.min(target, last);
  if (isWeekday(year, month, day)) return day;
  const dow = new Date(Date.UTC(year, month - 1, day)).getUTCDay();
  if (dow === 6) return day === 1 ? day + 2 : day - 1;
  return day === last ? day - 2 : day + 1;
}

function dayMatches(fields: CronFields, year: number, month: number, day: number): boolean {
  if (fields.years && !fields.years.has(year)) return false;
  if (!fields.months.has(month)) return false;
  const { dom, dow } = fields;
  const last = daysInMonth(year, month);
  if (!dom.any) {
    if (dom.days.has(day)) return true;
    if (dom.last && day === last) return true;
    if (dom.lastWeekday) {
      let d = last;
      while (!isWeekday(year, month, d)) d--;
      if (d === day) return true;
    }
    return dom.nearestWeekday.some((target) => nearestWeekday(year, month, target) === day);
  }
  if (!dow.any) {
    const weekday = new Date(Date.UTC(year, month - 1, day)).getUTCDay() + 1;
    if (dow.days.has(weekday)) return true;
    if (dow.lastOf.includes(weekday) && day + 7 > last) return true;
    return dow.nth.some(([d, n]) => d === weekday && Math.ceil(day / 7) === n);
  }
  return true;
}

/** The first time after `after` (exclusive) at which the cron fields match in `timeZone`, if any before 2200. */
export function nextCronTime(fields: CronFields, after: number, timeZone: string): number | undefined {
  const startWall = wallClock(after, timeZone);
  const start = new Date(startWall);
  let day = Date.UTC(start.getUTCFullYear(), start.getUTCMonth(), start.getUTCDate());
  const limit = Date.UTC(2200, 0, 1);
  for (; day < limit; day += 86_400_000) {
    const d = new Date(day);
    const year = d.getUTCFullYear();
    if (fields.years && ![...fields.years].some((y) => y >= year)) return undefined;
    if (!dayMatches(fields, year, d.getUTCMonth() + 1, d.getUTCDate())) continue;
    for (const hour of fields.hours) {
      for (const minute of fields.minutes) {
        const wall = day + hour * 3_600_000 + minute * 60_000;
        // Far enough before `after` that no daylight-saving shift can bring it past `after`.
        if (wall < startWall - 3 * 3_600_000) continue;
        const epoch = zonedToEpoch(wall, timeZone);
        if (epoch !== undefined && epoch > after) return epoch;
      }
    }
  }
  return undefined;
}

/** The instant of an `at(…)` expression in `timeZone`. */
export function atTime(local: [number, number, number, number, number, number], timeZone: string): number {
  const [y, mo, d, h, mi, s] = local;
  const wall = Date.UTC(y, mo - 1, d, h, mi, s);
  // A time in a daylight-saving gap has no instant; Scheduler would reject it, here it moves an hour on.
  return zonedToEpoch(wall, timeZone) ?? (zonedToEpoch(wall + 3_600_000, timeZone) as number);
}
