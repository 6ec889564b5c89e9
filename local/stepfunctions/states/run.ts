// The one door from a state handler back to the engine: what a handler may do to an execution (read the clock
// and the scope, write history, arm timers, queue work, move or end a thread). The engine implements it, so
// that handlers never import the engine.
import type { History } from '../history.ts';
import type { ItemRead } from '../integrations/s3-items.ts';
import type { Execution, Fanout, State, Thread, TimerKind } from '../model.ts';
import type { Outcome, Scope } from '../processing.ts';
import type { MapRunRow } from '../store.ts';
import type { Failure, Json } from '../types.ts';

export interface Run {
  now(): number;
  random(): number;
  /** The scope the thread's current state reads ($$, variables, query language). */
  scope(exec: Execution, t: Thread, extra?: { token?: string }): Scope;
  /** Appends a history event in the thread `t` (none: the execution's own); returns its id. */
  emit: History['emit'];
  /** The execution's position changed: it is committed with this turn. */
  touch(exec: Execution): void;
  /** Queues work on the execution for a turn. */
  enqueue(exec: Execution, fn: () => unknown): void;
  /** Queues the entry of the thread's current state. */
  enter(exec: Execution, t: Thread): void;
  arm(exec: Execution, t: Thread, kind: TimerKind, at: number): void;
  clearTimers(exec: Execution, t: Thread): void;
  closeTaskToken(exec: Execution, t: Thread): void;
  /** The state is done with this outcome: the thread goes on to `next` (or the state's Next), or ends. */
  exit(exec: Execution, t: Thread, state: State, outcome: Outcome, next?: string): Promise<void>;
  /** The state failed: its Retry, its Catch, or the thread fails. */
  stateFailed(exec: Execution, t: Thread, failure: Failure): Promise<void>;
  /** The thread fails, past any Retry or Catch. */
  threadFailed(exec: Execution, t: Thread, failure: Failure): Promise<void>;
  /** Stops a thread (and the threads it started) without a trace in the history. */
  abortThread(exec: Execution, id: number): void;
  /** Reads a Distributed Map's items with its ItemReader. */
  readItems(read: ItemRead): Promise<Json[]>;
  /** A map run changed: written with the turn. */
  mapRun(row: MapRunRow): void;
}

/**
 * What a state does once entered (and again on each retry). It returns the state's outcome when the thread is
 * to move on at once (Choice: with the next state's name), or nothing when the state goes on by itself (a
 * timer, a task call, child threads) or has ended its thread.
 */
export type StateAction = (
  run: Run,
  exec: Execution,
  t: Thread,
  state: State,
) => Promise<(Outcome & { next?: string }) | undefined> | Promise<void>;

/** How a state that runs child threads (Parallel, Map) hears that one of them ended. */
export interface ChildEnd {
  succeeded(
    run: Run,
    exec: Execution,
    parent: Thread,
    fan: Fanout,
    child: Thread,
    output: Json,
  ): Promise<void>;
  failed(
    run: Run,
    exec: Execution,
    parent: Thread,
    fan: Fanout,
    child: Thread,
    failure: Failure,
  ): Promise<void>;
}
