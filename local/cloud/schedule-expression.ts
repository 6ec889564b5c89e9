// EventBridge Scheduler's schedule expressions: `rate(value unit)`, `cron(minutes hours day-of-month month
// day-of-week year)` evaluated in the schedule's time zone, and `at(yyyy-mm-ddThh:mm:ss)`. croner evaluates
// the cron fields in its Quartz mode (day-of-week 1 = Sunday, `?`, `L`, `W`, `#`, a year field); this module
// refuses what EventBridge refuses and croner accepts, and applies Scheduler's daylight-saving rules, which
// are not croner's (Vixie cron's): a local time that does not exist (spring forward) is skipped, and a local
// time that happens twice (fall back) fires once, at its first occurrence.
// https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html
// https://repost.aws/knowledge-center/eventbridge-scheduler-adjust-dst

import { Cron, type CronOptions } from 'croner';
import { fromLocal, toLocal } from '#plan/time.ts';

export class ScheduleExpressionError extends Error {
  override name = 'ScheduleExpressionError';
}

/** A cron expression as croner reads it: a seconds field (always 0) before EventBridge's six. */
export interface CronFields {
  pattern: string;
}

export type ScheduleExpression =
  | { kind: 'rate'; everyMs: number }
  | { kind: 'cron'; fields: CronFields }
  | { kind: 'at'; local: [number, number, number, number, number, number] };

const LAST_YEAR = 2199;
/** EventBridge's fields and their ranges; `?` only in the two day fields, one of which must be `?`. */
const FIELDS = [
  ['minutes', 0, 59],
  ['hours', 0, 23],
  ['day-of-month', 1, 31],
  ['month', 1, 12],
  ['day-of-week', 1, 7],
  ['year', 1970, LAST_YEAR],
] as const;

/** One comma-separated part: `*`, a value or name, a range, `L`/`W`/`#` forms, each with an optional `/step`. */
const PART = /^(?:\*|\w+(?:-\w+)?|\w+#\d)(?:\/\d+)?$/;

// `a/n` means from a to the field's end, as in EventBridge (croner calls that a sloppy range).
const CRONER: CronOptions = { mode: '7-part', alternativeWeekdays: true, sloppyRanges: true };

function checkField(text: string, [field, min, max]: (typeof FIELDS)[number]): void {
  if (text === '?' && (field === 'day-of-month' || field === 'day-of-week')) return;
  for (const part of text.split(',')) {
    if (!PART.test(part)) throw new ScheduleExpressionError(`'${part}' is not a valid ${field}`);
    // The values, not a step or a `#n`.
    for (const value of part.replace(/[/#]\d+$/, '').match(/\d+/g) ?? []) {
      if (Number(value) < min || Number(value) > max) {
        throw new ScheduleExpressionError(`${field} '${part}' is outside ${min}–${max}`);
      }
    }
  }
}

function cronFields(expression: string, fields: string[]): CronFields {
  if (fields.length !== 6) {
    throw new ScheduleExpressionError(
      `a cron expression has six fields, '${expression}' has ${fields.length}`,
    );
  }
  fields.forEach((text, i) => {
    checkField(text, FIELDS[i] as (typeof FIELDS)[number]);
  });
  const [minutes, hours, dom, month, dow, year] = fields as [string, string, string, string, string, string];
  if (dom !== '?' && dow !== '?') {
    throw new ScheduleExpressionError(`one of day-of-month and day-of-week must be '?': ${expression}`);
  }
  // croner reads `?` as `*`; a lone `L` in day-of-week is Saturday, the last day of the week.
  const weekdays = dow === '?' ? '*' : dow.replace(/(^|,)L(?=,|$)/g, '$17');
  const pattern = `0 ${minutes} ${hours} ${dom === '?' ? '*' : dom} ${month} ${weekdays} ${year}`;
  try {
    new Cron(pattern, CRONER);
  } catch (error) {
    throw new ScheduleExpressionError(`${expression}: ${(error as Error).message}`);
  }
  return { pattern };
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
  if (cron) return { kind: 'cron', fields: cronFields(expression, (cron[1] as string).trim().split(/\s+/)) };
  throw new ScheduleExpressionError(`not a schedule expression: '${expression}' (rate(…), cron(…) or at(…))`);
}

/** The first time after `after` (exclusive) at which the cron fields match in `timeZone`, if any before 2200. */
export function nextCronTime(fields: CronFields, after: number, timeZone: string): number | undefined {
  const cron = new Cron(fields.pattern, { ...CRONER, timezone: timeZone });
  for (let run = cron.nextRun(new Date(after)); run; run = cron.nextRun(run)) {
    // croner runs a fixed time that a gap skips at the gap's end (it does not match), and a time in a
    // repeated hour twice (the second is not the earliest instant of its local time): Scheduler does neither.
    const local = toLocal(run, timeZone);
    if (local.year > LAST_YEAR) return undefined;
    const first = fromLocal(local, timeZone).getTime() === run.getTime();
    if (first && cron.match(run)) return run.getTime();
  }
  return undefined;
}

/**
 * The instant of an `at(…)` expression in `timeZone`. Scheduler's documentation does not say what a time in
 * a daylight-saving gap does; here, as a plan's local times do, it moves on by the length of the gap.
 */
export function atTime(local: [number, number, number, number, number, number], timeZone: string): number {
  const [year, month, day, hour, minute, second] = local;
  return fromLocal({ year, month, day, hour, minute, second, millisecond: 0 }, timeZone).getTime();
}
