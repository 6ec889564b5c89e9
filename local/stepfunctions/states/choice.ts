// Choice: the first rule that matches (or Default) names the next state.
import * as P from '../processing.ts';
import type { StateAction } from './run.ts';

export const choiceState: StateAction = async (run, exec, t, state) => {
  const outcome = await P.choose(state, t.input, run.scope(exec, t));
  return await run.exit(exec, t, state, outcome, outcome.next);
};
