// Pass: its input (or Result) through its output processing.
import * as P from '../processing.ts';
import type { StateAction } from './run.ts';

export const passState: StateAction = async (run, exec, t, state) => {
  const outcome = await P.passOutput(state, t.input, run.scope(exec, t));
  return await run.exit(exec, t, state, outcome);
};
