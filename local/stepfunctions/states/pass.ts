// Pass: its input (or Result) through its output processing.
import * as P from '../processing.ts';
import type { StateAction } from './run.ts';

export const passState: StateAction = (run, exec, t, state) =>
  P.passOutput(state, t.input, run.scope(exec, t));
