// A state that failed: its Retry (a timer for the back-off, then the state runs again), else its Catch (the
// error output goes to the catcher's Next), else its thread fails. Only Task, Parallel and Map have either.
import { type Execution, stateOf, type Thread } from './model.ts';
import * as P from './processing.ts';
import type { Run } from './states/run.ts';
import type { Failure } from './types.ts';

export async function stateFailed(run: Run, exec: Execution, t: Thread, failure: Failure): Promise<void> {
  const state = stateOf(exec, t);
  run.clearTimers(exec, t);
  run.closeTaskToken(exec, t);
  if (state.Type === 'Task' || state.Type === 'Parallel' || state.Type === 'Map') {
    const retry = P.retryFor(state, failure, t.retries, run.random);
    if (retry) {
      t.retries = retry.counters;
      t.retryCount++;
      t.phase = 'retry';
      t.task = undefined;
      t.fanout = undefined;
      run.arm(exec, t, 'retry', run.now() + retry.delayMs);
      return;
    }
    const caught = P.catcherFor(state, failure);
    if (caught) {
      t.task = undefined;
      t.fanout = undefined;
      try {
        const outcome = await P.catchOutput(caught, t.input, failure, run.scope(exec, t));
        return await run.exit(exec, t, state, outcome, caught.catcher.Next);
      } catch (error) {
        const f = P.asFailure(error);
        if (!f) throw error;
        return await run.threadFailed(exec, t, f);
      }
    }
  }
  await run.threadFailed(exec, t, failure);
}
