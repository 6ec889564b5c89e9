// Parallel: one child thread per branch, all started at once on the same input; the output is the array of
// the branches' outputs.
import { type Block, newThread } from '../model.ts';
import * as P from '../processing.ts';
import { fanoutFailed, fanoutSucceeded, recordResult } from './fanout.ts';
import type { ChildEnd, StateAction } from './run.ts';

export const parallelState: StateAction = async (run, exec, t, state) => {
  const scope = run.scope(exec, t);
  const effective = await P.parallelInput(state, t.input, scope);
  const branches = state.Branches as Block[];
  t.phase = 'fanout';
  t.fanout = {
    kind: 'parallel',
    results: new Array(branches.length).fill(null),
    total: branches.length,
    started: branches.length,
    finished: 0,
    children: [],
    maxConcurrency: 0,
  };
  run.emit(exec, t, 'ParallelStateStarted', undefined, undefined);
  const last = t.last;
  branches.forEach((_, i) => {
    const child = newThread(
      exec,
      `${t.block}/${t.state}#${i}`,
      effective,
      { thread: t.id, index: i },
      { ...t.variables },
      run.now(),
    );
    child.last = last;
    t.fanout!.children.push(child.id);
    run.enter(exec, child);
  });
  if (branches.length === 0) run.enqueue(exec, () => fanoutSucceeded(run, exec, t));
};

export const parallelBranch: ChildEnd = {
  async succeeded(run, exec, parent, fan, child, output) {
    recordResult(fan, child, output);
    parent.last = child.last;
    if (fan.finished === fan.total) await fanoutSucceeded(run, exec, parent);
  },
  failed: fanoutFailed,
};
