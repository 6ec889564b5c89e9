// What a task resource (Lambda, a service integration, a nested execution) throws to fail its state with a
// States Language error name and cause, and how any other error of a call becomes one.
import type { Failure } from './types.ts';

export class StatesFailure extends Error {
  override name = 'StatesFailure';
  readonly failure: Failure;
  constructor(failure: Failure) {
    super(`${failure.error}: ${failure.cause ?? ''}`);
    this.failure = failure;
  }
}

/** A call's error that is not a States Language error fails the task with States.TaskFailed. */
export function toFailure(error: unknown): Failure {
  if (error instanceof StatesFailure) return error.failure;
  return { error: 'States.TaskFailed', cause: error instanceof Error ? error.message : String(error) };
}
