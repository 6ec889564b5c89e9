// The execution engine: runs every RUNNING execution as a set of threads (the top level, each Parallel branch,
// each Map iteration). This file coordinates: the surface the runtime calls, the start and end of executions,
// and dispatch (a state entered goes to its handler in states/, a timer that fired to what armed it, a thread
// of a restarted execution back to its phase). The turn-and-commit order that makes it durable is scheduler.ts's.
import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock.ts';
import { scopeOf } from './context.ts';
import { StatesFailure } from './failure.ts';
import { HISTORY_LIMIT_FAILURE, History, MAX_HISTORY_EVENTS, statusEvent } from './history.ts';
import type { ReadItems } from './integrations/s3-items.ts';
import {
  compile,
  type ExecState,
  type Execution,
  newThread,
  type RedrivePoint,
  type State,
  stateOf,
  type Thread,
  type TimerKind,
} from './model.ts';
import * as P from './processing.ts';
import { stateFailed } from './retry-catch.ts';
import { Scheduler } from './scheduler.ts';
import { choiceState } from './states/choice.ts';
import { fanoutSucceeded } from './states/fanout.ts';
import { mapState, updateMapRun } from './states/map.ts';
import { parallelState } from './states/parallel.ts';
import { passState } from './states/pass.ts';
import type { StateAction } from './states/run.ts';
import { failState, succeedState } from './states/succeed-fail.ts';
import { type TaskServices, TaskStates } from './states/task.ts';
import { waitEnded, waitState } from './states/wait.ts';
import type { ExecutionRow, Store } from './store.ts';
import { abortThread, exitState, type ThreadRun, threadFailed } from './threads.ts';
import { Timers } from './timers.ts';
import { TokenError, Tokens } from './tokens.ts';
import type { ExecutionStatus, ExecutionStatusEvent, Failure, Json, RuntimeLog } from './types.ts';

/** What the engine needs from its embedder (the runtime). */
export interface EngineOptions extends TaskServices {
  /** A Distributed Map's ItemReader (integrations/s3-items.ts); without it, reading fails the Map. */
  readItems?: ReadItems;
  store: Store;
  clock: Clock;
  region: string;
  log: RuntimeLog;
  random?: () => number;
}

export class Engine {
  private readonly o: EngineOptions;
  private readonly running = new Map<string, Execution>();
  private readonly tokens: Tokens;
  private readonly scheduler: Scheduler;
  private readonly history: History;
  private readonly timers: Timers;
  /** What state handlers may do (states/run.ts). */
  private readonly run: ThreadRun;
  private readonly actions: ReadonlyMap<string, StateAction>;
  private readonly tasks: TaskStates;
  private nextSeq: number;
  /** Every state entered since the engine opened, as AWS counts state transitions. */
  transitions = 0;
  readonly listeners: Array<(event: ExecutionStatusEvent) => void> = [];

  constructor(options: EngineOptions) {
    this.o = options;
    this.nextSeq = options.store.maxExecutionSeq() + 1;
    this.scheduler = new Scheduler({
      store: options.store,
      listeners: this.listeners,
      onError: (exec, error) => this.internalError(exec, error),
    });
    this.history = new History(this.scheduler, options.clock, (exec) =>
      this.failExecution(exec, undefined, HISTORY_LIMIT_FAILURE),
    );
    this.tokens = new Tokens(options.store, this.scheduler);
    this.timers = new Timers({
      clock: options.clock,
      scheduler: this.scheduler,
      fired: (exec, thread, kind, at) => this.timerFired(exec, thread, kind, at),
      executionTimedOut: (exec) =>
        this.finish(
          exec,
          'TIMED_OUT',
          'ExecutionTimedOut',
          'executionTimedOutEventDetails',
          { error: 'States.Timeout', cause: 'The execution ran longer than its TimeoutSeconds' },
          { error: 'States.Timeout', cause: 'The execution ran longer than its TimeoutSeconds' },
        ),
    });
    this.run = {
      now: () => this.o.clock.now(),
      random: () => this.env.random(),
      scope: (exec, t, extra) => scopeOf(exec, t, this.env, extra),
      emit: (exec, t, type, key, details) => this.history.emit(exec, t, type, key, details),
      touch: (exec) => this.scheduler.touch(exec),
      enqueue: (exec, fn) => this.scheduler.enqueue(exec, fn),
      enter: (exec, t) => this.scheduler.enqueue(exec, () => this.enterState(exec, t)),
      arm: (exec, t, kind, at) => this.timers.arm(exec, t, kind, at),
      clearTimers: (exec, t) => this.timers.clear(exec, t),
      closeTaskToken: (exec, t) => this.tokens.closeTaskToken(exec, t),
      exit: (exec, t, state, outcome, next) => exitState(this.run, exec, t, state, outcome, next),
      stateFailed: (exec, t, failure) => stateFailed(this.run, exec, t, failure),
      threadFailed: (exec, t, failure) => threadFailed(this.run, exec, t, failure),
      abortThread: (exec, id) => abortThread(this.run, exec, id),
      readItems: (read) => {
        if (!this.o.readItems) {
          throw new StatesFailure({
            error: 'States.ItemReaderFailed',
            cause: 'This runtime has no S3 endpoint: start it with --s3-endpoint URL to read items from S3',
          });
        }
        return this.o.readItems(read);
      },
      mapRun: (row) => this.scheduler.mapRun(row),
      executionSucceeded: (exec, t, output) =>
        this.finish(
          exec,
          'SUCCEEDED',
          'ExecutionSucceeded',
          'executionSucceededEventDetails',
          { output: JSON.stringify(output), outputDetails: { truncated: false } },
          { output: JSON.stringify(output) },
          t,
        ),
      executionFailed: (exec, t, failure) => this.failExecution(exec, t, failure),
    };
    this.tasks = new TaskStates(this.run, {
      region: options.region,
      integrations: options.integrations,
      invokeLambdaTask: options.invokeLambdaTask,
      startChild: options.startChild,
      describeForParent: options.describeForParent,
      mockResponse: options.mockResponse,
      activityExists: options.activityExists,
      offerActivity: options.offerActivity,
      tokens: this.tokens,
      calls: this.scheduler,
      isRunning: (arn) => this.running.has(arn),
      getExecution: (arn) => options.store.getExecution(arn),
    });
    this.actions = new Map<string, StateAction>([
      ['Pass', passState],
      ['Succeed', succeedState],
      ['Fail', failState],
      ['Choice', choiceState],
      ['Wait', waitState],
      ['Task', (_run, exec, t, state) => this.tasks.start(exec, t, state)],
      ['Parallel', parallelState],
      ['Map', mapState],
    ]);
  }

  // ---- public surface used by the runtime ----------------------------------------------------------------

  allocateSeq(): number {
    return this.nextSeq++;
  }

  isRunning(arn: string): boolean {
    return this.running.has(arn);
  }

  /** The row of a running execution, including one started in this turn and not yet committed. */
  runningRow(arn: string): ExecutionRow | undefined {
    return this.running.get(arn)?.row;
  }

  /**
   * Starts an execution whose row the runtime has prepared; resolves once ExecutionStarted is committed.
   * `maxSeconds` caps the definition's TimeoutSeconds (an EXPRESS execution's five minutes).
   */
  start(row: ExecutionRow, parent?: ExecState['parent'], maxSeconds?: number): Promise<void> {
    const compiled = compile(row.definition);
    const exec: Execution = {
      row,
      compiled,
      st: { threads: {}, nextThread: 1, parent },
      parsedInput: JSON.parse(row.input),
      isNew: true,
      done: false,
      cancels: new Map(),
    };
    this.running.set(row.arn, exec);
    this.scheduler.touch(exec);
    const started = this.history.emit(exec, undefined, 'ExecutionStarted', 'executionStartedEventDetails', {
      input: row.input,
      inputDetails: { truncated: false },
      roleArn: row.roleArn,
    });
    const own = compiled.def.TimeoutSeconds;
    const timeout =
      typeof own === 'number' && maxSeconds !== undefined ? Math.min(own, maxSeconds) : (own ?? maxSeconds);
    if (typeof timeout === 'number') {
      exec.st.timeoutAt = row.start + timeout * 1000;
      this.timers.armExecutionTimeout(exec);
    }
    const t = newThread(exec, '', exec.parsedInput, undefined, {}, this.o.clock.now());
    t.last = started;
    this.scheduler.enqueue(exec, () => this.enterState(exec, t));
    this.scheduler.notice(statusEvent(exec));
    return this.scheduler.afterCommit();
  }

  /**
   * Continues a stopped execution from where it stopped (RedriveExecution): ExecutionRedriven, then the state it
   * stopped in, entered again with the input and variables it had, as the same execution.
   */
  redrive(row: ExecutionRow, point: RedrivePoint): Promise<void> {
    const now = this.o.clock.now();
    Object.assign(row, {
      status: 'RUNNING',
      output: null,
      error: null,
      cause: null,
      stop: null,
      redriveCount: row.redriveCount + 1,
      redriveDate: now,
      redrivePoint: undefined,
    });
    const compiled = compile(row.definition);
    const exec: Execution = {
      row,
      compiled,
      st: { threads: {}, nextThread: 1 },
      parsedInput: JSON.parse(row.input),
      isNew: false,
      reopened: true,
      done: false,
      cancels: new Map(),
    };
    this.running.set(row.arn, exec);
    this.scheduler.touch(exec);
    const redriven = this.history.emit(
      exec,
      undefined,
      'ExecutionRedriven',
      'executionRedrivenEventDetails',
      {
        redriveCount: row.redriveCount,
      },
    );
    // The execution's TimeoutSeconds counts again from the redrive.
    const timeout = compiled.def.TimeoutSeconds;
    if (typeof timeout === 'number') {
      exec.st.timeoutAt = now + timeout * 1000;
      this.timers.armExecutionTimeout(exec);
    }
    const t = newThread(exec, '', point.input, undefined, point.variables, now);
    t.state = point.state;
    t.last = redriven;
    this.scheduler.enqueue(exec, () => this.enterState(exec, t));
    this.scheduler.notice(statusEvent(exec));
    return this.scheduler.afterCommit();
  }

  /** Loads every RUNNING execution from the store and continues it: re-arms timers, repeats calls in flight. */
  resume(): number {
    const rows = this.o.store.runningExecutions();
    for (const row of rows) {
      if (!row.state) continue;
      const exec: Execution = {
        row,
        compiled: compile(row.definition),
        st: JSON.parse(row.state) as ExecState,
        parsedInput: JSON.parse(row.input),
        isNew: false,
        done: false,
        cancels: new Map(),
      };
      this.running.set(row.arn, exec);
    }
    for (const exec of this.running.values()) this.rearm(exec);
    return rows.length;
  }

  stop(arn: string, error: string | undefined, cause: string | undefined): Promise<void> {
    const exec = this.running.get(arn);
    if (!exec) return Promise.resolve();
    this.finish(
      exec,
      'ABORTED',
      'ExecutionAborted',
      'executionAbortedEventDetails',
      { error, cause },
      {
        error: error ?? null,
        cause: cause ?? null,
      },
    );
    return this.scheduler.afterCommit();
  }

  sendTaskSuccess(token: string, output: Json): Promise<void> {
    const { exec, thread } = this.tokens.take(token, true);
    this.scheduler.enqueue(exec, () => {
      const t = exec.st.threads[thread];
      if (t?.task?.token !== token) return;
      return this.tasks.succeeded(exec, t, output);
    });
    return this.scheduler.afterCommit();
  }

  sendTaskFailure(token: string, failure: Failure): Promise<void> {
    const { exec, thread } = this.tokens.take(token, true);
    this.scheduler.enqueue(exec, () => {
      const t = exec.st.threads[thread];
      if (t?.task?.token !== token) return;
      return this.tasks.failed(exec, t, failure);
    });
    return this.scheduler.afterCommit();
  }

  sendTaskHeartbeat(token: string): Promise<void> {
    const { exec, thread } = this.tokens.take(token, false);
    const t = exec.st.threads[thread];
    if (t && this.tasks.heartbeat(exec, t)) {
      this.scheduler.touch(exec);
      this.scheduler.scheduleDrain();
    }
    return this.scheduler.afterCommit();
  }

  /**
   * GetActivityTask hands a queued activity task to a worker: ActivityStarted is committed before the worker
   * gets the token; false when the task has ended meanwhile (timed out, execution stopped) or was taken.
   */
  async claimActivity(token: string, workerName: string | undefined): Promise<boolean> {
    let waiter: ReturnType<Tokens['take']>;
    try {
      waiter = this.tokens.take(token, false);
    } catch (error) {
      if (error instanceof TokenError) return false;
      throw error;
    }
    const { exec, thread } = waiter;
    let claimed = false;
    this.scheduler.enqueue(exec, () => {
      const t = exec.st.threads[thread];
      if (t?.task?.token === token) claimed = this.tasks.activityStarted(exec, t, workerName);
    });
    await this.scheduler.afterCommit();
    return claimed;
  }

  /** UpdateMapRun on a map run its running execution is in; false when the map run is not running. */
  async updateMapRun(
    executionArn: string,
    mapRunArn: string,
    changes: Parameters<typeof updateMapRun>[3],
  ): Promise<boolean> {
    const exec = this.running.get(executionArn);
    const t = exec && Object.values(exec.st.threads).find((th) => th.fanout?.mapRun?.arn === mapRunArn);
    if (!exec || !t) return false;
    this.scheduler.enqueue(exec, () => {
      if (exec.st.threads[t.id]?.fanout?.mapRun?.arn === mapRunArn)
        return updateMapRun(this.run, exec, t, changes);
    });
    await this.scheduler.afterCommit();
    return true;
  }

  /** Resolves when no execution has runnable work: each waits on a timer, a token or nothing. */
  whenIdle(): Promise<void> {
    return this.scheduler.whenIdle();
  }

  /**
   * Stops taking work: the turn in progress finishes and commits, anything decided outside a turn is committed,
   * and no new call starts (calls not yet started are made after the next open, from the committed record).
   */
  async close(): Promise<void> {
    await this.scheduler.close();
    for (const exec of this.running.values()) this.timers.cancelAll(exec);
    this.scheduler.releaseIdleWaiters();
  }

  // ---- errors ----------------------------------------------------------------------------------------

  private internalError(exec: Execution, error: unknown): void {
    const failure =
      error instanceof StatesFailure
        ? error.failure
        : (P.asFailure(error) ?? {
            error: 'States.Runtime',
            cause: `Internal error of the local runtime: ${error instanceof Error ? error.stack : String(error)}`,
          });
    this.o.log.error(`execution ${exec.row.arn} failed: ${failure.error}: ${failure.cause}`);
    this.failExecution(exec, undefined, failure);
  }

  private readonly env: P.Env = {
    random: () => (this.o.random ?? Math.random)(),
    uuid: () => randomUUID(),
    now: () => this.o.clock.now(),
  };

  private async enterState(exec: Execution, t: Thread): Promise<void> {
    const state = stateOf(exec, t);
    this.transitions++;
    t.entered = this.o.clock.now();
    t.phase = 'enter';
    const type = state.Type === 'Fail' ? 'FailStateEntered' : `${state.Type}StateEntered`;
    this.history.emit(exec, t, type, 'stateEnteredEventDetails', {
      name: t.state,
      input: JSON.stringify(t.input),
      inputDetails: { truncated: false },
    });
    await this.act(exec, t, state);
  }

  /** What a state does after it is entered (and again on each retry). */
  private async act(exec: Execution, t: Thread, state: State): Promise<void> {
    try {
      const action = this.actions.get(state.Type);
      if (!action) {
        throw new StatesFailure({ error: 'States.Runtime', cause: `Unknown state type ${state.Type}` });
      }
      const outcome = await action(this.run, exec, t, state);
      if (outcome) return await exitState(this.run, exec, t, state, outcome, outcome.next);
    } catch (error) {
      const failure = P.asFailure(error) ?? (error instanceof StatesFailure ? error.failure : undefined);
      if (!failure) throw error;
      await this.run.stateFailed(exec, t, failure);
    }
  }

  private failExecution(exec: Execution, t: Thread | undefined, failure: Failure): void {
    if (exec.done) return;
    this.finish(
      exec,
      'FAILED',
      'ExecutionFailed',
      'executionFailedEventDetails',
      { error: failure.error, cause: failure.cause },
      { error: failure.error, cause: failure.cause ?? null },
      t,
    );
  }

  private finish(
    exec: Execution,
    status: ExecutionStatus,
    type: string,
    key: string,
    details: Record<string, unknown>,
    fields: Partial<Pick<ExecutionRow, 'output' | 'error' | 'cause'>>,
    t?: Thread,
  ): void {
    if (exec.done) return;
    this.history.emit(exec, t, type, key, details);
    if (status !== 'SUCCEEDED') exec.row.redrivePoint = JSON.stringify(redrivePoint(exec, t));
    exec.done = true;
    exec.row.status = status;
    exec.row.stop = this.o.clock.now();
    Object.assign(exec.row, fields);
    this.timers.cancelAll(exec);
    for (const th of Object.values(exec.st.threads)) this.tokens.closeTaskToken(exec, th);
    // A nested execution started with .sync stops with its parent (as on AWS).
    for (const th of Object.values(exec.st.threads)) {
      const child = th.task?.child;
      if (child && this.running.has(child) && status === 'ABORTED') {
        const c = this.running.get(child)!;
        this.finish(
          c,
          'ABORTED',
          'ExecutionAborted',
          'executionAbortedEventDetails',
          {
            error: 'States.Aborted',
            cause: `The parent execution ${exec.row.arn} was stopped`,
          },
          {},
        );
      }
    }
    this.running.delete(exec.row.arn);
    this.scheduler.touch(exec);
    this.scheduler.notice(statusEvent(exec));
    const parent = exec.st.parent;
    if (parent) {
      const p = this.running.get(parent.arn);
      if (p)
        this.scheduler.enqueue(p, () => this.tasks.childFinished(p, parent.thread, parent.effect, exec.row));
    }
  }

  // ---- timers ------------------------------------------------------------------------------------------

  private async timerFired(exec: Execution, thread: number, kind: TimerKind, at: number): Promise<void> {
    const t = exec.st.threads[thread];
    if (!t || t.timers[kind] !== at) return;
    delete t.timers[kind];
    this.scheduler.touch(exec);
    const state = stateOf(exec, t);
    switch (kind) {
      case 'wait':
        return await waitEnded(this.run, exec, t);
      case 'retry':
        t.phase = 'enter';
        return await this.act(exec, t, state);
      case 'timeout':
      case 'heartbeat':
        return await this.tasks.timedOut(exec, t, kind);
    }
  }

  /** After a restart: timers armed again (a past-due one fires at once), calls in flight repeated. */
  private rearm(exec: Execution): void {
    if (exec.st.timeoutAt !== undefined) this.timers.armExecutionTimeout(exec);
    for (const t of Object.values(exec.st.threads)) {
      this.timers.rearm(exec, t);
      if (t.phase === 'enter') {
        this.scheduler.enqueue(exec, () => this.enterState(exec, t));
      } else if (t.phase === 'fanout' && t.fanout && t.fanout.finished === t.fanout.total) {
        this.scheduler.enqueue(exec, () => fanoutSucceeded(this.run, exec, t));
      } else if (t.phase === 'task' && t.task) {
        this.tasks.resume(exec, t);
      }
    }
    this.scheduler.scheduleDrain();
  }
}

/**
 * Where a redrive of an execution that stops now would continue: the state its top-level thread is in (the one
 * that failed, or that was running when it was stopped or timed out). A stop inside a Parallel or Map is not
 * redriven here: AWS reruns only their failed branches and iterations, which this runtime does not keep.
 */
function redrivePoint(exec: Execution, t: Thread | undefined): RedrivePoint | { reason: string } {
  if (exec.row.nextEvent > MAX_HISTORY_EVENTS - 1)
    return { reason: 'Execution history event limit exceeded.' };
  const top = t && !t.parent ? t : Object.values(exec.st.threads).find((th) => !th.parent);
  if (!top) return { reason: 'The execution stopped in no state that the local runtime can continue.' };
  const type = stateOf(exec, top).Type;
  if (type === 'Parallel' || type === 'Map') {
    return {
      reason: `The execution stopped in the ${type} state ${top.state}, which the local runtime does not redrive.`,
    };
  }
  return { state: top.state, input: top.input, variables: top.variables };
}
