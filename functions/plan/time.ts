// Calendar arithmetic in a programme's time zone: plan dates, local date-times and ISO 8601 durations.
// Only Intl is used (Node 24 has no Temporal yet); no fixed UTC offset is ever assumed, so daylight-saving
// zones work as well as Asia/Shanghai.

/** A calendar date as written in a plan: `YYYY-MM-DD`. */
export const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;
/** A wall-clock date and time in the programme's time zone: `2023-01-10 09:30` or `2023-01-10T09:30:00`. */
export const LOCAL_DATE_TIME_PATTERN = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2}))?$/;
/** A time of day as written in a plan: `HH:MM` on a 24-hour clock. */
export const CLOCK_TIME_PATTERN = /^([01]\d|2[0-3]):([0-5]\d)$/;
/**
 * ISO 8601 duration without fractions or signs: years, months, weeks, days, then after `T` hours, minutes,
 * seconds. At least one part; each part at most six digits (a plan never needs more, and it keeps the
 * arithmetic far from Date's limits).
 */
export const DURATION_PATTERN =
  /^P(?=\d|T\d)(?:(\d{1,6})Y)?(?:(\d{1,6})M)?(?:(\d{1,6})W)?(?:(\d{1,6})D)?(?:T(?=\d)(?:(\d{1,6})H)?(?:(\d{1,6})M)?(?:(\d{1,6})S)?)?$/;

export interface Duration {
  years: number;
  months: number;
  weeks: number;
  days: number;
  hours: number;
  minutes: number;
  seconds: number;
}

/** A wall-clock reading in some time zone (month 1–12). */
export interface LocalDateTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
}

export class TimeFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TimeFormatError';
  }
}

const HOUR = 3_600_000;
const MINUTE = 60_000;
const SECOND = 1_000;
const DAY = 86_400_000;

export function isDuration(text: string): boolean {
  return DURATION_PATTERN.test(text);
}

/** Parses `P1M`, `P30D`, `PT12H`, `P1DT2H`… Throws {@link TimeFormatError} on anything else. */
export function parseDuration(text: string): Duration {
  const match = DURATION_PATTERN.exec(text);
  if (!match) throw new TimeFormatError(`not an ISO 8601 duration: "${text}"`);
  const part = (i: number) => Number(match[i] ?? 0);
  return {
    years: part(1),
    months: part(2),
    weeks: part(3),
    days: part(4),
    hours: part(5),
    minutes: part(6),
    seconds: part(7),
  };
}

export function isZeroDuration(duration: Duration): boolean {
  return Object.values(duration).every((n) => n === 0);
}

/** Multiplies every part, e.g. the k-th supervision check is at start + k × cadence. */
export function scaleDuration(duration: Duration, factor: number): Duration {
  return {
    years: duration.years * factor,
    months: duration.months * factor,
    weeks: duration.weeks * factor,
    days: duration.days * factor,
    hours: duration.hours * factor,
    minutes: duration.minutes * factor,
    seconds: duration.seconds * factor,
  };
}

/** True when Intl knows the zone by its IANA name (fixed offsets such as `+08:00` are refused). */
export function isValidTimeZone(timeZone: string): boolean {
  if (!/^[A-Za-z]/.test(timeZone)) return false;
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      era: 'short',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** The wall-clock reading of an instant in a time zone. */
export function toLocal(instant: Date, timeZone: string): LocalDateTime {
  const ms = instant.getTime();
  if (Number.isNaN(ms)) throw new TimeFormatError('invalid instant');
  const parts: Record<string, string> = {};
  for (const p of formatter(timeZone).formatToParts(instant)) parts[p.type] = p.value;
  const year = Number(parts.year);
  return {
    year: parts.era === 'BC' || parts.era === 'B' ? 1 - year : year,
    month: Number(parts.month),
    day: Number(parts.day),
    hour: Number(parts.hour),
    minute: Number(parts.minute),
    second: Number(parts.second),
    millisecond: ((ms % SECOND) + SECOND) % SECOND,
  };
}

/** Milliseconds since the epoch of a wall-clock reading taken as if it were UTC (years 0–99 included). */
function utcMillis(local: LocalDateTime): number {
  const d = new Date(0);
  d.setUTCFullYear(local.year, local.month - 1, local.day);
  d.setUTCHours(local.hour, local.minute, local.second, local.millisecond);
  return d.getTime();
}

/** How far the zone's wall clock is ahead of UTC at an instant, in milliseconds. */
function offsetAt(ms: number, timeZone: string): number {
  const whole = Math.floor(ms / SECOND) * SECOND;
  return utcMillis({ ...toLocal(new Date(whole), timeZone), millisecond: 0 }) - whole;
}

/**
 * The instant at which the zone's clocks show `local`. Like Temporal's `disambiguation: 'compatible'`: a
 * time repeated when clocks go back is the earlier instant; a time skipped when clocks go forward is moved
 * forward by the length of the gap.
 */
export function fromLocal(local: LocalDateTime, timeZone: string): Date {
  const wall = utcMillis(local);
  // Offsets a day either side bracket any single transition near this wall time.
  const before = offsetAt(wall - DAY, timeZone);
  const after = offsetAt(wall + DAY, timeZone);
  const candidates = [wall - before, wall - after].filter((t) => offsetAt(t, timeZone) === wall - t);
  if (candidates.length > 0) return new Date(Math.min(...candidates));
  return new Date(wall - before);
}

export function isCalendarDate(text: string): boolean {
  const m = DATE_PATTERN.exec(text);
  if (!m) return false;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

export function isLocalDateTime(text: string): boolean {
  const m = LOCAL_DATE_TIME_PATTERN.exec(text);
  if (!m) return false;
  return (
    isCalendarDate(`${m[1]}-${m[2]}-${m[3]}`) &&
    Number(m[4]) < 24 &&
    Number(m[5]) < 60 &&
    Number(m[6] ?? 0) < 60
  );
}

function parseDate(date: string): { year: number; month: number; day: number } {
  if (!isCalendarDate(date)) throw new TimeFormatError(`not a calendar date (YYYY-MM-DD): "${date}"`);
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  return { year, month, day };
}

/** Midnight at the start of a plan date in the time zone: `2023-01-01` in Asia/Shanghai is 2022-12-31T16:00Z. */
export function startOfDate(date: string, timeZone: string): Date {
  const { year, month, day } = parseDate(date);
  return fromLocal({ year, month, day, hour: 0, minute: 0, second: 0, millisecond: 0 }, timeZone);
}

/** The midnight that closes a plan date (the start of the next day): plan end dates and due dates are inclusive. */
export function endOfDate(date: string, timeZone: string): Date {
  const { year, month, day } = parseDate(date);
  const next = new Date(Date.UTC(2000, 0, 1));
  next.setUTCFullYear(year, month - 1, day + 1);
  return fromLocal(
    {
      year: next.getUTCFullYear(),
      month: next.getUTCMonth() + 1,
      day: next.getUTCDate(),
      hour: 0,
      minute: 0,
      second: 0,
      millisecond: 0,
    },
    timeZone,
  );
}

/** `2023-01-10 09:30` (or with `T`, optional seconds) in the time zone, as an instant. */
export function localDateTimeToInstant(text: string, timeZone: string): Date {
  if (!isLocalDateTime(text)) throw new TimeFormatError(`not a local date and time: "${text}"`);
  const m = LOCAL_DATE_TIME_PATTERN.exec(text)!;
  return fromLocal(
    {
      year: Number(m[1]),
      month: Number(m[2]),
      day: Number(m[3]),
      hour: Number(m[4]),
      minute: Number(m[5]),
      second: Number(m[6] ?? 0),
      millisecond: 0,
    },
    timeZone,
  );
}

/** The plan date (`YYYY-MM-DD`) an instant falls on in the time zone. */
export function dateOf(instant: Date, timeZone: string): string {
  const l = toLocal(instant, timeZone);
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${pad(l.year, 4)}-${pad(l.month)}-${pad(l.day)}`;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeap(year) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

function isLeap(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/**
 * Adds a duration to an instant the way a person counts on a calendar in the programme's time zone:
 * years, months, weeks and days move the local date (P1M from 31 January is the last day of February) and
 * keep the wall-clock time; hours, minutes and seconds are then added as elapsed time. The same rules as
 * Temporal's ZonedDateTime.add. `times` multiplies the duration (−1 subtracts it).
 */
export function addDuration(instant: Date, duration: Duration | string, timeZone: string, times = 1): Date {
  const d = scaleDuration(typeof duration === 'string' ? parseDuration(duration) : duration, times);
  const local = toLocal(instant, timeZone);
  const monthIndex = local.year * 12 + (local.month - 1) + d.years * 12 + d.months;
  const year = Math.floor(monthIndex / 12);
  const month = monthIndex - year * 12 + 1;
  const day = Math.min(local.day, daysInMonth(year, month));
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day + d.weeks * 7 + d.days);
  const moved = fromLocal(
    {
      ...local,
      year: date.getUTCFullYear(),
      month: date.getUTCMonth() + 1,
      day: date.getUTCDate(),
    },
    timeZone,
  );
  return new Date(moved.getTime() + d.hours * HOUR + d.minutes * MINUTE + d.seconds * SECOND);
}

/**
 * Orders two durations by where they land from a fixed instant in UTC (P1M vs P30D depends on the month, so
 * this is the nominal order a reader expects: negative when a is shorter).
 */
export function compareDurations(a: Duration | string, b: Duration | string): number {
  const origin = new Date(Date.UTC(2001, 0, 1));
  return addDuration(origin, a, 'UTC').getTime() - addDuration(origin, b, 'UTC').getTime();
}
