// Map (inline): one child thread per item, at most MaxConcurrency at a time (a finished iteration starts the
// next); each iteration's start and end is in the history; the output is the array of the iterations' outputs.
// With ToleratedFailureCount/Percentage, failed iterations up to the threshold take their Error and Cause to
// their place in the output; one more fails the Map with States.ExceedToleratedFailureThreshold.
import { type Execution, newThread, stateOf, type Thread } from '../model.ts';
import * as P from '../processing.ts';
import { fanoutFailed, fanoutSucceeded, recordResult } from './fanout.ts';
import type { ChildEnd, Run, StateAction } from './run.ts';

export const mapState: StateAction = async (run, exec, t, state) => {
  const scope = run.scope(exec, t);
  const { items, maxConcurrency, effective, tolerated } = await P.mapSetup(state, t.input, scope);
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
    ...(tolerated.count !== undefined || tolerated.percentage !== undefined ? { tolerated, failed: 0 } : {}),
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
    if (!fan.tolerated) return await fanoutFailed(run, exec, parent, fan, child, failure);
    fan.failed = (fan.failed ?? 0) + 1;
    const exceeded = thresholdExceeded(fan.tolerated, fan.failed, fan.total);
    if (exceeded) {
      return await fanoutFailed(run, exec, parent, fan, child, {
        error: 'States.ExceedToleratedFailureThreshold',
        cause: `${fan.failed} of the ${fan.total} iterations of the Map state '${parent.state}' failed, more than its ${exceeded}`,
      });
    }
    recordResult(fan, child, {
      Error: failure.error,
      ...(failure.cause !== undefined ? { Cause: failure.cause } : {}),
    });
    parent.last = child.last;
    await startIterations(run, exec, parent);
    if (fan.finished === fan.total) await fanoutSucceeded(run, exec, parent);
  },
};

/**
 * Which threshold `failed` of `total` items exceeds, if any. "Your Map Run fails if this value is exceeded …
 * the total number of failed or timed out items divided by the total number of items"; with both values, when
 * it exceeds either (https://docs.aws.amazon.com/step-functions/latest/dg/maprun-fail-threshold.html).
 */
function thresholdExceeded(
  tolerated: { count?: number; percentage?: number },
  failed: number,
  total: number,
): string | undefined {
  if (tolerated.count !== undefined && failed > tolerated.count) {
    return `ToleratedFailureCount of ${tolerated.count}`;
  }
  if (tolerated.percentage !== undefined && (failed / total) * 100 > tolerated.percentage) {
    return `ToleratedFailurePercentage of ${tolerated.percentage}`;
  }
  return undefined;
}
