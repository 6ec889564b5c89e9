// How a thread moves: from a finished state to the next one, or to its end; a thread that ends reports to its
// parent (the Parallel or Map state that started it) or, at the top level, ends the execution.
import type { Execution, State, Thread } from './model.ts';
import * as P from './processing.ts';
import { mapIteration } from './states/map.ts';
import { parallelBranch } from './states/parallel.ts';
import type { Run } from './states/run.ts';
import type { Failure, Json } from './types.ts';

/** Run, plus the end of the execution when its top-level thread ends. */
export interface ThreadRun extends Run {
  executionSucceeded(exec: Execution, t: Thread, output: Json): void;
  executionFailed(exec: Execution, t: Thread, failure: Failure): void;
}

/** How a Parallel or a Map hears that one of its child threads ended. */
const childEnds = { parallel: parallelBranch, map: mapIteration };

/** The state is done with `output` (and assigned `variables`): on to `next` or its Next, or the thread ends. */
export async function exitState(
  run: ThreadRun,
  exec: Execution,
  t: Thread,
  state: State,
  { output, variables }: P.Outcome,
  next?: string,
): Promise<void> {
  P.checkSize(output, `the output of state ${t.state}`);
  const assigned = variables && Object.keys(variables).length ? variables : undefined;
  if (assigned) t.variables = { ...t.variables, ...assigned };
  if (state.Type !== 'Fail') {
    run.emit(exec, t, `${state.Type}StateExited`, 'stateExitedEventDetails', {
      name: t.state,
      output: JSON.stringify(output),
      outputDetails: { truncated: false },
      ...(assigned
        ? {
            assignedVariables: Object.fromEntries(
              Object.entries(assigned).map(([k, v]) => [k, JSON.stringify(v)]),
            ),
            assignedVariablesDetails: { truncated: false },
          }
        : {}),
    });
  }
  run.clearTimers(exec, t);
  t.task = undefined;
  t.fanout = undefined;
  const target = next ?? (state.Next as string | undefined);
  // A catcher's Next wins over the state's own End: a caught error in the last state goes to the handler.
  if (state.Type === 'Succeed' || (next === undefined && state.End === true) || target === undefined) {
    return await threadSucceeded(run, exec, t, output);
  }
  t.state = target;
  t.input = output;
  t.retries = [];
  t.retryCount = 0;
  t.phase = 'enter';
  run.touch(exec);
  run.enter(exec, t);
}

async function threadSucceeded(run: ThreadRun, exec: Execution, t: Thread, output: Json): Promise<void> {
  delete exec.st.threads[t.id];
  run.touch(exec);
  if (!t.parent) {
    run.executionSucceeded(exec, t, output);
    return;
  }
  const parent = exec.st.threads[t.parent.thread];
  const fan = parent?.fanout;
  if (!parent || !fan) return;
  await childEnds[fan.kind].succeeded(run, exec, parent, fan, t, output);
}

/** The thread fails, past any Retry or Catch of its state. */
export async function threadFailed(
  run: ThreadRun,
  exec: Execution,
  t: Thread,
  failure: Failure,
): Promise<void> {
  run.clearTimers(exec, t);
  run.closeTaskToken(exec, t);
  delete exec.st.threads[t.id];
  run.touch(exec);
  if (!t.parent) {
    run.executionFailed(exec, t, failure);
    return;
  }
  const parent = exec.st.threads[t.parent.thread];
  const fan = parent?.fanout;
  if (!parent || !fan) return;
  await childEnds[fan.kind].failed(run, exec, parent, fan, t, failure);
}

/** Stops a thread and the threads it started, without a trace in the history. */
export function abortThread(run: Run, exec: Execution, id: number): void {
  const t = exec.st.threads[id];
  if (!t) return;
  run.clearTimers(exec, t);
  run.closeTaskToken(exec, t);
  if (t.fanout) for (const c of t.fanout.children) abortThread(run, exec, c);
  delete exec.st.threads[id];
}
