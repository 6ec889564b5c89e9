// The two terminal states: Succeed ends its thread with its output, Fail with its Error and Cause (past any
// Retry or Catch: a Fail state has none).
import * as P from '../processing.ts';
import type { StateAction } from './run.ts';

export const succeedState: StateAction = (run, exec, t, state) =>
  P.plainOutput(state, t.input, run.scope(exec, t));

export const failState: StateAction = async (run, exec, t, state) => {
  const failure = await P.failOf(state, t.input, run.scope(exec, t));
  await run.threadFailed(exec, t, failure);
};
