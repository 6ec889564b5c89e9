// The work queue and its turns: runs queued work (up to MAX_TURN items a turn), then commits all that the turn
// wrote — history events, the positions of the executions it moved, token states — in one transaction, and
// only after that starts the turn's side effects, reports status changes and releases the callers waiting for
// the commit. This order is the durability model (docs/stepfunctions.md#durability-model): keep it.

import type { Execution } from './model.ts';
import type { Batch, EventRow, ExecutionRow, MapRunRow, Store } from './store.ts';
import type { ExecutionStatusEvent } from './types.ts';

const MAX_TURN = 4000;

export interface SchedulerOptions {
  store: Pick<Store, 'commit'>;
  /** Told of each committed status change. */
  listeners: ReadonlyArray<(event: ExecutionStatusEvent) => void>;
  /** An item of work threw something that is not a state's failure: the execution cannot go on. */
  onError: (exec: Execution, error: unknown) => void;
}

export class Scheduler {
  private readonly o: SchedulerOptions;
  private queue: Array<{ exec: Execution; fn: () => unknown }> = [];
  private head = 0;
  private draining = false;
  private drainPromise: Promise<void> | undefined;
  private drainScheduled = false;
  // What the turn in progress has written, committed together at its end.
  private readonly dirty = new Set<Execution>();
  private events: Batch['events'] = [];
  private tokenWrites: Batch['tokens'] = [];
  private mapRunWrites = new Map<string, MapRunRow>();
  private effects: Array<() => void> = [];
  private notices: ExecutionStatusEvent[] = [];
  /** Callers waiting until the work they enqueued (up to `upTo`) is committed. */
  private commitWaiters: Array<{ upTo: number; resolve: () => void }> = [];
  private enqueued = 0;
  private processed = 0;
  private idleWaiters: Array<() => void> = [];
  /** Task calls started and not yet returned. */
  private inflight = 0;
  private closed = false;

  constructor(options: SchedulerOptions) {
    this.o = options;
  }

  /** Queues work on an execution; it runs in a turn unless the execution has stopped by then. */
  enqueue(exec: Execution, fn: () => unknown): void {
    this.enqueued++;
    this.queue.push({ exec, fn });
    this.scheduleDrain();
  }

  /** Makes sure a turn runs soon (to commit what was written outside a turn). */
  scheduleDrain(): void {
    if (this.drainScheduled || this.draining || this.closed) return;
    this.drainScheduled = true;
    setImmediate(() => {
      this.drainScheduled = false;
      this.drainPromise = this.drain();
    });
  }

  /** Resolves once everything enqueued so far is committed (or the scheduler is closed). */
  afterCommit(): Promise<void> {
    this.scheduleDrain();
    const upTo = this.enqueued;
    return new Promise((resolve) => this.commitWaiters.push({ upTo, resolve }));
  }

  // ---- what a turn writes ---------------------------------------------------------------------------------

  /** The execution's position changed: it is written with this turn. */
  touch(exec: Execution): void {
    this.dirty.add(exec);
  }

  event(exec: Execution, row: EventRow): void {
    this.events.push({ exec: exec.row.seq, row });
  }

  token(exec: Execution, token: string, open: boolean): void {
    this.tokenWrites.push({ token, exec: exec.row.seq, open });
  }

  /** A map run changed: written with this turn (its last state in the turn). */
  mapRun(row: MapRunRow): void {
    this.mapRunWrites.set(row.arn, row);
  }

  /** A side effect, started once this turn is committed (and never after close). */
  effect(run: () => void): void {
    this.effects.push(run);
  }

  notice(event: ExecutionStatusEvent): void {
    this.notices.push(event);
  }

  // ---- task calls in flight (idle waits for them) ----------------------------------------------------------

  callStarted(): void {
    this.inflight++;
  }

  /** A call returned: queue what it causes. */
  callReturned(exec: Execution, fn: () => unknown): void {
    this.inflight--;
    this.enqueue(exec, fn);
    this.checkIdle();
  }

  // ---- turns ---------------------------------------------------------------------------------------------

  private async drain(): Promise<void> {
    if (this.draining || this.closed) return;
    this.draining = true;
    try {
      let budget = MAX_TURN;
      while (this.head < this.queue.length && budget-- > 0) {
        const item = this.queue[this.head]!;
        this.queue[this.head++] = undefined as never;
        this.processed++;
        if (item.exec.done) continue;
        try {
          const r = item.fn();
          if (r instanceof Promise) await r;
        } catch (error) {
          this.o.onError(item.exec, error);
        }
      }
      if (this.head === this.queue.length) {
        this.queue = [];
        this.head = 0;
      }
      this.flush();
    } finally {
      this.draining = false;
    }
    if (this.head < this.queue.length) this.scheduleDrain();
    else this.checkIdle();
  }

  /** Commits the turn in one transaction, then starts its side effects and tells its waiters. */
  private flush(): void {
    const batch: Batch = {
      inserts: [],
      positions: [],
      finishes: [],
      events: this.events,
      tokens: this.tokenWrites,
    };
    const reopens: ExecutionRow[] = [];
    for (const exec of this.dirty) {
      exec.row.state = exec.done ? null : JSON.stringify(exec.st);
      if (exec.isNew) {
        batch.inserts.push(exec.row);
        exec.isNew = false;
      } else if (exec.done) batch.finishes.push(exec.row);
      else batch.positions.push(exec.row);
      // Only a redriven execution carries the flag: the hot path does not write it (a new property per execution).
      if (exec.reopened) {
        if (!exec.done) reopens.push(exec.row);
        exec.reopened = false;
      }
    }
    if (reopens.length) batch.reopens = reopens;
    if (this.mapRunWrites.size) {
      batch.mapRuns = [...this.mapRunWrites.values()];
      this.mapRunWrites = new Map();
    }
    this.dirty.clear();
    this.events = [];
    this.tokenWrites = [];
    if (
      batch.inserts.length ||
      batch.positions.length ||
      batch.finishes.length ||
      batch.reopens?.length ||
      batch.mapRuns?.length ||
      batch.events.length ||
      batch.tokens.length
    ) {
      this.o.store.commit(batch);
    }
    const effects = this.effects;
    this.effects = [];
    if (!this.closed) for (const run of effects) run();
    const notices = this.notices;
    this.notices = [];
    for (const n of notices) for (const l of this.o.listeners) l(n);
    const waiters = this.commitWaiters;
    this.commitWaiters = [];
    for (const w of waiters) {
      if (w.upTo <= this.processed || this.closed) w.resolve();
      else this.commitWaiters.push(w);
    }
  }

  // ---- idle and close ------------------------------------------------------------------------------------

  /** Resolves when no execution has runnable work: each waits on a timer, a token or nothing. */
  whenIdle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private isIdle(): boolean {
    return (
      !this.draining &&
      !this.drainScheduled &&
      this.head >= this.queue.length &&
      this.inflight === 0 &&
      this.effects.length === 0 &&
      this.dirty.size === 0
    );
  }

  private checkIdle(): void {
    if (!this.isIdle()) return;
    for (const w of this.idleWaiters.splice(0)) w();
  }

  /**
   * Stops taking work: the turn in progress finishes and commits, and anything decided outside a turn is
   * committed; side effects not yet started are not started.
   */
  async close(): Promise<void> {
    this.closed = true;
    await this.drainPromise;
    this.flush();
  }

  /** After close: releases whoever waits for idle. */
  releaseIdleWaiters(): void {
    for (const w of this.idleWaiters.splice(0)) w();
  }
}
