// Choice: the first rule that matches (or Default) names the next state.
import * as P from '../processing.ts';
import type { StateAction } from './run.ts';

export const choiceState: StateAction = (run, exec, t, state) => P.choose(state, t.input, run.scope(exec, t));
