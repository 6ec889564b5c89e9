// The execution history: appends AWS-shaped events (each with the id of the event before it in its thread) to
// the turn in progress, and the status event that listeners get once a status change is committed.
import type { Clock } from '../clock.ts';
import type { Execution, Thread } from './model.ts';
import type { Scheduler } from './scheduler.ts';
import type { EventRow } from './store.ts';
import type { ExecutionStatus, ExecutionStatusEvent } from './types.ts';

export class History {
  private readonly turn: Pick<Scheduler, 'event' | 'touch'>;
  private readonly clock: Clock;

  constructor(turn: Pick<Scheduler, 'event' | 'touch'>, clock: Clock) {
    this.turn = turn;
    this.clock = clock;
  }

  /** Appends a history event; returns its id. `t` is the thread it follows in (none: the execution's own). */
  emit(
    exec: Execution,
    t: Thread | undefined,
    type: string,
    key: string | undefined,
    details: Record<string, unknown> | undefined,
  ): number {
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
