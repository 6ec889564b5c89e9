// Map (inline): one child thread per item, at most MaxConcurrency at a time (a finished iteration starts the
// next); each iteration's start and end is in the history; the output is the array of the iterations' outputs.
import { type Execution, newThread, stateOf, type Thread } from '../model.ts';
import * as P from '../processing.ts';
import { fanoutFailed, fanoutSucceeded, recordResult } from './fanout.ts';
import type { ChildEnd, Run, StateAction } from './run.ts';

export const mapState: StateAction = async (run, exec, t, state) => {
  const scope = run.scope(exec, t);
  const { items, maxConcurrency, effective } = await P.mapSetup(state, t.input, scope);
  t.phase = 'fanout';
  t.fanout = {
    kind: 'map',
    results: new Array(items.length).fill(null),
    total: items.length,
    started: 0,
    finished: 0,
    children: [],
    items,
    effective,
    maxConcurrency,
  };
  run.emit(exec, t, 'MapStateStarted', 'mapStateStartedEventDetails', { length: items.length });
  if (items.length === 0) {
    run.enqueue(exec, () => fanoutSucceeded(run, exec, t));
    return;
  }
  await startIterations(run, exec, t);
};

/** Starts iterations up to MaxConcurrency running. */
async function startIterations(run: Run, exec: Execution, t: Thread): Promise<void> {
  const fan = t.fanout!;
  const state = stateOf(exec, t);
  const limit = fan.maxConcurrency > 0 ? fan.maxConcurrency : Number.POSITIVE_INFINITY;
  while (fan.started < fan.total && fan.started - fan.finished < limit) {
    const index = fan.started++;
    const value = fan.items![index];
    const scope = run.scope(exec, t);
    const input = await P.mapItemInput(state, fan.effective, value, index, scope);
    const child = newThread(
      exec,
      `${t.block}/${t.state}`,
      input,
      { thread: t.id, index },
      { ...t.variables },
      run.now(),
    );
    child.last = t.last;
    fan.children.push(child.id);
    run.emit(exec, child, 'MapIterationStarted', 'mapIterationStartedEventDetails', {
      name: t.state,
      index,
    });
    run.enter(exec, child);
  }
  // Items are kept only until their iteration starts.
  if (fan.started === fan.total) fan.items = [];
}

export const mapIteration: ChildEnd = {
  async succeeded(run, exec, parent, fan, child, output) {
    recordResult(fan, child, output);
    run.emit(exec, child, 'MapIterationSucceeded', 'mapIterationSucceededEventDetails', {
      name: parent.state,
      index: child.parent!.index,
    });
    parent.last = child.last;
    await startIterations(run, exec, parent);
    if (fan.finished === fan.total) await fanoutSucceeded(run, exec, parent);
  },
  async failed(run, exec, parent, fan, child, failure) {
    run.emit(exec, child, 'MapIterationFailed', 'mapIterationFailedEventDetails', {
      name: parent.state,
      index: child.parent!.index,
    });
    await fanoutFailed(run, exec, parent, fan, child, failure);
  },
};
