// The local cloud's clock across restarts and over HTTP: where it starts (`--clock <ISO|plan-start|now>`, or
// the stored virtual time of the data directory), ISO 8601 durations for advancing it, and its state as JSON.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { isCalendarDate, isDuration, parseDuration as parsePlanDuration, startOfDate } from '#plan/time.ts';
import type { ControlledClock } from '../clock.ts';
import { readJsonFile, writeJsonFile } from './files.ts';

export class ClockOptionError extends Error {
  override name = 'ClockOptionError';
}

/**
 * Milliseconds of an ISO 8601 duration of weeks, days, hours, minutes and seconds (`P3D`, `PT1H30M`, `P1W`),
 * read by the plan's parser. The clock moves by elapsed time, so a day here is 24 hours, where in a plan it
 * is a calendar day (23 or 25 hours across a daylight-saving change); months and years have no fixed length
 * and are refused. Unlike a plan, seconds may have a fraction (`PT0.5S`), kept to the millisecond.
 */
export function parseDuration(text: string): number {
  const trimmed = text.trim();
  const fraction = /\.(\d+)S$/.exec(trimmed);
  const whole = fraction ? `${trimmed.slice(0, fraction.index)}S` : trimmed;
  const d = isDuration(whole) ? parsePlanDuration(whole) : undefined;
  if (d === undefined || d.years + d.months > 0) {
    throw new ClockOptionError(
      `'${text}' is not an ISO 8601 duration of weeks, days, hours, minutes or seconds (for example P3D or PT2H)`,
    );
  }
  const seconds = ((d.weeks * 7 + d.days) * 24 + d.hours) * 3600 + d.minutes * 60 + d.seconds;
  return seconds * 1000 + (fraction ? Math.round(Number(`0.${fraction[1]}`) * 1000) : 0);
}

/** Midnight of the plan's `programme.start`, in its `programme.timezone`. */
export function planStart(planFile: string): number {
  if (!existsSync(planFile))
    throw new ClockOptionError(`--clock plan-start needs the plan ${planFile}, which does not exist`);
  const plan = parseYaml(readFileSync(planFile, 'utf8')) as {
    programme?: { start?: unknown; timezone?: unknown };
  };
  const start = plan?.programme?.start;
  const text = start instanceof Date ? start.toISOString().slice(0, 10) : String(start ?? '');
  if (!isCalendarDate(text))
    throw new ClockOptionError(`${planFile} has no programme.start date (YYYY-MM-DD)`);
  const zone = typeof plan.programme?.timezone === 'string' ? plan.programme.timezone : 'UTC';
  return startOfDate(text, zone).getTime();
}

interface StoredClock {
  now: string;
  epochMs: number;
  speed: number;
}

/** The file where a data directory keeps its clock's virtual time. */
export function clockFileOf(dataDir: string): string {
  return join(dataDir, 'clock.json');
}

/** The virtual time a data directory's clock last stored (the cloud may be running), if any. */
export function storedClockTime(dataDir: string): number | undefined {
  return readJsonFile<StoredClock | undefined>(clockFileOf(dataDir), undefined)?.epochMs;
}

/** Where the clock starts: the given option, else the stored time, else the plan's start (or now). */
export function clockStart(options: {
  clock?: string | number | Date;
  stateFile: string;
  planFile: string;
}): { at: number; source: string } {
  const { clock } = options;
  if (clock instanceof Date) return { at: clock.getTime(), source: 'given' };
  if (typeof clock === 'number') return { at: clock, source: 'given' };
  if (clock === 'now') return { at: Date.now(), source: 'now' };
  if (clock === 'plan-start')
    return { at: planStart(options.planFile), source: `the start of ${options.planFile}` };
  if (clock !== undefined) {
    const at = Date.parse(clock);
    if (Number.isNaN(at))
      throw new ClockOptionError(`--clock must be an ISO date-time, plan-start or now; got '${clock}'`);
    return { at, source: 'given' };
  }
  const stored = readJsonFile<StoredClock | undefined>(options.stateFile, undefined);
  if (stored) return { at: stored.epochMs, source: 'the stored virtual time' };
  if (existsSync(options.planFile))
    return { at: planStart(options.planFile), source: `the start of ${options.planFile}` };
  return { at: Date.now(), source: 'now (no plan to start from)' };
}

export interface ClockState {
  now: string;
  epochMs: number;
  speed: number;
  nextTimerAt: string | null;
}

export function clockState(clock: ControlledClock): ClockState {
  const now = clock.now();
  const next = clock.nextTimerAt();
  return {
    now: new Date(now).toISOString(),
    epochMs: now,
    speed: clock.speed,
    nextTimerAt: next === undefined ? null : new Date(next).toISOString(),
  };
}

export function saveClock(clock: ControlledClock, stateFile: string): void {
  const { now, epochMs, speed } = clockState(clock);
  writeJsonFile(stateFile, { now, epochMs, speed } satisfies StoredClock);
}
