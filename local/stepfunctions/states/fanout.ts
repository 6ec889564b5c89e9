// What Parallel and Map share: child threads that report to the state's thread. The state succeeds with their
// results in order once all have succeeded, and fails as soon as one fails, stopping the others.
import { type Execution, type Fanout, stateOf, type Thread } from '../model.ts';
import * as P from '../processing.ts';
import type { Json } from '../types.ts';
import type { ChildEnd, Run } from './run.ts';

/** A child succeeded: its output takes its place among the results. */
export function recordResult(fan: Fanout, child: Thread, output: Json): void {
  fan.results[child.parent!.index] = output;
  fan.finished++;
  fan.children = fan.children.filter((c) => c !== child.id);
}

/** Every child succeeded: the state's output is made of their results. */
export async function fanoutSucceeded(run: Run, exec: Execution, t: Thread): Promise<void> {
  const fan = t.fanout;
  if (!fan || !exec.st.threads[t.id]) return;
  const state = stateOf(exec, t);
  run.emit(
    exec,
    t,
    fan.kind === 'map' ? 'MapStateSucceeded' : 'ParallelStateSucceeded',
    undefined,
    undefined,
  );
  try {
    const outcome = await P.taskOutput(state, t.input, fan.results, run.scope(exec, t));
    await run.exit(exec, t, state, outcome);
  } catch (error) {
    const failure = P.asFailure(error);
    if (!failure) throw error;
    await run.stateFailed(exec, t, failure);
  }
}

/** A child failed: the others stop, and the state fails with its error (then its Retry or Catch). */
export const fanoutFailed: ChildEnd['failed'] = async (run, exec, parent, fan, child, failure) => {
  parent.last = child.last;
  // The other branches or iterations stop: their results can no longer matter.
  for (const other of fan.children) if (other !== child.id) run.abortThread(exec, other);
  parent.fanout = undefined;
  const type = fan.kind === 'map' ? 'MapStateFailed' : 'ParallelStateFailed';
  run.emit(exec, parent, type, undefined, undefined);
  await run.stateFailed(exec, parent, failure);
};
