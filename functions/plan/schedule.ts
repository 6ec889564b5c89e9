// A plan's dates and durations as instants: stage windows, supervision check times, task due times and the
// reminder/escalation times of a task. Plan dates are days in the programme's time zone; a stage's end date
// includes its whole day, so it ends at the following midnight; a task's deadline is the end of a working day.
import { deadlineAfter, deadlineOfDate, shiftFromDeadline } from './calendar.ts';
import type { StageName, TaskKind } from './kinds.ts';
import type { EscalationTiming, Plan } from './schema.ts';
import {
  addDuration,
  endOfDate,
  isZeroDuration,
  localDateTimeToInstant,
  parseDuration,
  startOfDate,
  TimeFormatError,
} from './time.ts';

/** A span of time: `start` included, `end` excluded (the midnight that closes the last day). */
export interface Window {
  start: Date;
  end: Date;
}

export function programmeWindow(plan: Plan): Window {
  const { start, end, timezone } = plan.programme;
  return { start: startOfDate(start, timezone), end: endOfDate(end, timezone) };
}

/** The stage's window: midnight starting its first day to the midnight ending its last day, in the programme zone. */
export function stageWindow(plan: Plan, stage: StageName): Window {
  const { start, end } = plan.stages[stage];
  const tz = plan.programme.timezone;
  return { start: startOfDate(start, tz), end: endOfDate(end, tz) };
}

/** When the mobilisation meeting starts. */
export function mobilisationMeetingTime(plan: Plan): Date {
  return localDateTimeToInstant(plan.stages.launch.mobilisationMeeting.time, plan.programme.timezone);
}

/** The deadline of the summary report's due day (the latest the summary task can be due). */
export function summaryReportDue(plan: Plan): Date {
  return deadlineOfDate(plan, plan.stages.evaluation.summaryReport.due);
}

/** Adds an ISO 8601 duration to an instant in the programme's time zone (P1M = one calendar month). */
export function addPlanDuration(plan: Plan, instant: Date, duration: string, times = 1): Date {
  return addDuration(instant, duration, plan.programme.timezone, times);
}

/**
 * The supervision checks of the implementation stage: one cadence after the stage starts, then every cadence,
 * while inside the stage. The k-th check is start + k × cadence (not the previous check + cadence), so monthly
 * checks from 31 January stay on the last day of short months and return to the 31st.
 */
export function supervisionCheckTimes(plan: Plan): Date[] {
  const { start, end } = stageWindow(plan, 'implementation');
  const every = parseDuration(plan.stages.implementation.supervision.every);
  if (isZeroDuration(every)) throw new TimeFormatError('the supervision cadence must be longer than zero');
  const times: Date[] = [];
  for (let k = 1; ; k++) {
    const at = addDuration(start, every, plan.programme.timezone, k);
    if (at.getTime() >= end.getTime()) return times;
    times.push(at);
  }
}

/**
 * When a task opened at `openedAt` is due: its kind's duration later in working days, at the end of the
 * working day (calendar.ts). A summary task is never due after the summary report's due day.
 */
export function taskDueAt(plan: Plan, kind: TaskKind, openedAt: Date): Date {
  const due = deadlineAfter(plan, openedAt, plan.tasks.durations[kind]);
  if (kind === 'summary') {
    const latest = summaryReportDue(plan);
    if (due.getTime() > latest.getTime()) return latest;
  }
  return due;
}

/** Until when a task's e-mailed links keep working: the grace period after its due time. */
export function linkExpiresAt(plan: Plan, dueAt: Date): Date {
  return addPlanDuration(plan, dueAt, plan.tasks.linkGraceAfterDue);
}

/** The escalation timings that apply to a task kind: the general ones with the kind's overrides on top. */
export function escalationTiming(plan: Plan, kind: TaskKind): EscalationTiming {
  const { remindBeforeDue, toSupervisorAfterDue, toLeadingGroupAfterDue, overrides } = plan.escalation;
  return {
    remindBeforeDue,
    toSupervisorAfterDue,
    toLeadingGroupAfterDue,
    ...stripUndefined(overrides?.[kind]),
  };
}

export interface EscalationTimes {
  /** 催办: remind the assignees. */
  remindAt: Date;
  /** Tell the assignee's supervisor (the first of its escalation chain). */
  toSupervisorAt: Date;
  /** Tell the leading group. */
  toLeadingGroupAt: Date;
}

/**
 * The reminder and escalation instants of a task of this kind due at `dueAt`, in working days: the reminder at
 * the start of the working day `remindBeforeDue` before the due day, each escalation that many working days
 * after the deadline (calendar.ts shiftFromDeadline).
 */
export function escalationTimes(plan: Plan, kind: TaskKind, dueAt: Date): EscalationTimes {
  const timing = escalationTiming(plan, kind);
  return {
    remindAt: shiftFromDeadline(plan, dueAt, timing.remindBeforeDue, -1),
    toSupervisorAt: shiftFromDeadline(plan, dueAt, timing.toSupervisorAfterDue, 1),
    toLeadingGroupAt: shiftFromDeadline(plan, dueAt, timing.toLeadingGroupAfterDue, 1),
  };
}

function stripUndefined<T extends object>(value: T | undefined): Partial<T> {
  if (!value) return {};
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
