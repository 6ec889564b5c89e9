// The execution history: appends AWS-shaped events (each with the id of the event before it in its thread) to
// the turn in progress, and the status event that listeners get once a status change is committed.
import type { Clock } from '../clock.ts';
import type { Execution, Thread } from './model.ts';
import type { Scheduler } from './scheduler.ts';
import type { EventRow } from './store.ts';
import type { ExecutionStatus, ExecutionStatusEvent } from './types.ts';

/**
 * "AWS Step Functions has a hard quota of 25,000 entries in the execution event history … If the event number
 * 25,000 isn't ExecutionSucceeded, the ExecutionFailed event is logged and the state machine execution fails"
 * (https://docs.aws.amazon.com/step-functions/latest/dg/bp-history-limit.html), with the cause AWS reports.
 */
export const MAX_HISTORY_EVENTS = 25_000;
export const HISTORY_LIMIT_FAILURE = {
  error: 'States.Runtime',
  cause: `The execution reached the maximum number of history events (${MAX_HISTORY_EVENTS}).`,
};
const CLOSING = new Set(['ExecutionSucceeded', 'ExecutionFailed', 'ExecutionAborted', 'ExecutionTimedOut']);

export class History {
  private readonly turn: Pick<Scheduler, 'event' | 'touch'>;
  private readonly clock: Clock;
  private readonly limitReached: (exec: Execution) => void;

  /** `limitReached` ends the execution (its ExecutionFailed is the last event the history takes). */
  constructor(
    turn: Pick<Scheduler, 'event' | 'touch'>,
    clock: Clock,
    limitReached: (exec: Execution) => void,
  ) {
    this.turn = turn;
    this.clock = clock;
    this.limitReached = limitReached;
  }

  /**
   * Appends a history event; returns its id. `t` is the thread it follows in (none: the execution's own).
   * Nothing is appended after the execution's closing event.
   */
  emit(
    exec: Execution,
    t: Thread | undefined,
    type: string,
    key: string | undefined,
    details: Record<string, unknown> | undefined,
  ): number {
    if (exec.done) return exec.row.nextEvent - 1;
    if (exec.row.nextEvent >= MAX_HISTORY_EVENTS && !CLOSING.has(type)) {
      this.limitReached(exec);
      return exec.row.nextEvent - 1;
    }
    const id = exec.row.nextEvent++;
    const prev = t ? t.last : id - 1;
    const row: EventRow = {
      id,
      type,
      ts: this.clock.now(),
      prev,
      details: key ? JSON.stringify({ [key]: stripUndefined(details ?? {}) }) : null,
    };
    this.turn.event(exec, row);
    if (t) t.last = id;
    this.turn.touch(exec);
    return id;
  }
}

/** The execution's status as listeners get it. */
export function statusEvent(exec: Execution): ExecutionStatusEvent {
  return {
    executionArn: exec.row.arn,
    stateMachineArn: exec.row.smArn,
    name: exec.row.name,
    status: exec.row.status as ExecutionStatus,
    startDate: new Date(exec.row.start),
    ...(exec.row.stop ? { stopDate: new Date(exec.row.stop) } : {}),
  };
}

function stripUndefined(o: Record<string, unknown>): Record<string, unknown> {
  for (const k of Object.keys(o)) if (o[k] === undefined) delete o[k];
  return o;
}
