// Wait: a timer until the state's time (at once when that time has passed), then its output.
import { type Execution, stateOf, type Thread } from '../model.ts';
import * as P from '../processing.ts';
import type { Run, StateAction } from './run.ts';

export const waitState: StateAction = async (run, exec, t, state) => {
  const until = await P.waitUntil(state, t.input, run.scope(exec, t));
  if (until <= run.now()) return await waitEnded(run, exec, t);
  t.phase = 'wait';
  run.arm(exec, t, 'wait', until);
};

/** The Wait's time has come (its timer fired, or it was already past). */
export async function waitEnded(run: Run, exec: Execution, t: Thread): Promise<void> {
  const state = stateOf(exec, t);
  try {
    const outcome = await P.plainOutput(state, t.input, run.scope(exec, t));
    await run.exit(exec, t, state, outcome);
  } catch (error) {
    const failure = P.asFailure(error);
    if (!failure) throw error;
    await run.threadFailed(exec, t, failure);
  }
}
