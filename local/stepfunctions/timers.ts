// Timers on the injected clock: a Wait's end, a retry's back-off, a task's timeout and heartbeat (per thread),
// and the execution's TimeoutSeconds. The due time is part of the position (committed with the turn, armed
// again after a restart); the clock's handle lives only in memory, in the execution's `cancels`.
import type { Clock } from '../clock.ts';
import type { Execution, Thread, TimerKind } from './model.ts';
import type { Scheduler } from './scheduler.ts';

export interface TimersOptions {
  clock: Clock;
  scheduler: Pick<Scheduler, 'enqueue' | 'touch'>;
  /** Work for a thread's timer that fired (queued: it runs in a turn). */
  fired: (exec: Execution, thread: number, kind: TimerKind, at: number) => unknown;
  /** Work for the execution's TimeoutSeconds that passed (queued). */
  executionTimedOut: (exec: Execution) => unknown;
}

export class Timers {
  private readonly o: TimersOptions;

  constructor(options: TimersOptions) {
    this.o = options;
  }

  /** Sets a thread's timer of this kind to `at`, replacing one it had. */
  arm(exec: Execution, t: Thread, kind: TimerKind, at: number): void {
    if (exec.done) return;
    t.timers[kind] = at;
    this.o.scheduler.touch(exec);
    this.armTimer(exec, t.id, kind, at);
  }

  /** After a restart: the thread's timers on the clock again (a past-due one fires at once). */
  rearm(exec: Execution, t: Thread): void {
    for (const [kind, at] of Object.entries(t.timers) as Array<[TimerKind, number]>) {
      this.armTimer(exec, t.id, kind, at);
    }
  }

  private armTimer(exec: Execution, thread: number, kind: TimerKind, at: number): void {
    const key = `${thread}:${kind}`;
    exec.cancels.get(key)?.();
    const cancel = this.o.clock.setTimer(at, () => {
      exec.cancels.delete(key);
      this.o.scheduler.enqueue(exec, () => this.o.fired(exec, thread, kind, at));
    });
    exec.cancels.set(key, cancel);
  }

  /** Arms the execution's TimeoutSeconds (its due time is `exec.st.timeoutAt`). */
  armExecutionTimeout(exec: Execution): void {
    const at = exec.st.timeoutAt!;
    const cancel = this.o.clock.setTimer(at, () => {
      exec.cancels.delete('exec:timeout');
      this.o.scheduler.enqueue(exec, () => this.o.executionTimedOut(exec));
    });
    exec.cancels.set('exec:timeout', cancel);
  }

  /** Clears every timer of the thread. */
  clear(exec: Execution, t: Thread): void {
    for (const kind of Object.keys(t.timers) as TimerKind[]) {
      const key = `${t.id}:${kind}`;
      exec.cancels.get(key)?.();
      exec.cancels.delete(key);
    }
    t.timers = {};
  }

  /** Takes every timer of the execution off the clock (it stopped, or the engine closes). */
  cancelAll(exec: Execution): void {
    for (const cancel of exec.cancels.values()) cancel();
    exec.cancels.clear();
  }
}
