// Task tokens of `.waitForTaskToken` tasks: issued with the task, open in memory (to find the waiting thread)
// and on disk (so a token issued before a restart still works), closed with the work they cause. A token
// whose task has closed gets TaskTimedOut, one this runtime never issued InvalidToken, as on AWS.
import { randomBytes } from 'node:crypto';
import type { Execution, Thread } from './model.ts';
import type { Scheduler } from './scheduler.ts';
import type { Store } from './store.ts';

/** The error that the Step Functions API calls TaskTimedOut / InvalidToken. */
export class TokenError extends Error {
  override name = 'TokenError';
  readonly code: 'InvalidToken' | 'TaskTimedOut';
  constructor(code: 'InvalidToken' | 'TaskTimedOut', message: string) {
    super(message);
    this.code = code;
  }
}

export function newToken(): string {
  // Opaque and unguessable: 48 random bytes.
  return randomBytes(48).toString('base64url');
}

/** Where an open token's task waits. */
export interface Waiter {
  exec: Execution;
  thread: number;
}

export class Tokens {
  private readonly open = new Map<string, Waiter>();
  private readonly store: Pick<Store, 'token'>;
  private readonly turn: Pick<Scheduler, 'token' | 'touch'>;

  constructor(store: Pick<Store, 'token'>, turn: Pick<Scheduler, 'token' | 'touch'>) {
    this.store = store;
    this.turn = turn;
  }

  /** A task issued the token: open from now on, and on disk with the turn. */
  issue(token: string, exec: Execution, thread: number): void {
    this.open.set(token, { exec, thread });
    this.turn.token(exec, token, true);
  }

  /** After a restart: an open token of a task still waiting (already open on disk). */
  reopen(token: string, exec: Execution, thread: number): void {
    this.open.set(token, { exec, thread });
  }

  /** The waiter of an open token; with `close`, the token closes. */
  take(token: string, close: boolean): Waiter {
    const open = this.open.get(token);
    if (!open) {
      const stored = this.store.token(token);
      if (stored) {
        throw new TokenError('TaskTimedOut', 'Task Timed Out: Provided task does not exist anymore');
      }
      throw new TokenError('InvalidToken', 'Invalid Token: the task token is not one this runtime issued');
    }
    // Closed in memory at once so a second call is refused; closed on disk with the work it causes.
    if (close) this.open.delete(token);
    return open;
  }

  /** The thread's task is over (done, failed, timed out or aborted): its token, if any, closes. */
  closeTaskToken(exec: Execution, t: Thread): void {
    if (t.task?.token) this.close(exec, t.task.token);
  }

  private close(exec: Execution, token: string): void {
    this.open.delete(token);
    this.turn.token(exec, token, false);
    this.turn.touch(exec);
  }
}
