// Map (inline): one child thread per item, at most MaxConcurrency at a time (a finished iteration starts the
// next); each iteration's start and end is in the history; the output is the array of the iterations' outputs.
// With ToleratedFailureCount/Percentage, failed iterations up to the threshold take their Error and Cause to
// their place in the output; one more fails the Map with States.ExceedToleratedFailureThreshold.
import { randomUUID } from 'node:crypto';
import { type Execution, type Fanout, newThread, type State, stateOf, type Thread } from '../model.ts';
import * as P from '../processing.ts';
import type { MapRunRow } from '../store.ts';
import type { Failure } from '../types.ts';
import { fanoutFailed, fanoutSucceeded, recordResult } from './fanout.ts';
import type { ChildEnd, Run, StateAction } from './run.ts';

export const mapState: StateAction = async (run, exec, t, state) => {
  const scope = run.scope(exec, t);
  const reader = state.ItemReader as Record<string, unknown> | undefined;
  const read =
    reader &&
    ((parameters: unknown) =>
      run.readItems({
        resource: String(reader.Resource),
        parameters,
        config: (reader.ReaderConfig ?? {}) as Record<string, unknown>,
      }));
  const { items, maxConcurrency, effective, tolerated } = await P.mapSetup(state, t.input, scope, read);
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
    ...(isDistributed(state) ? { mapRun: { arn: mapRunArn(exec, t, state), start: run.now() } } : {}),
  };
  run.emit(exec, t, 'MapStateStarted', 'mapStateStartedEventDetails', { length: items.length });
  const mapRun = t.fanout.mapRun;
  if (mapRun) {
    run.emit(exec, t, 'MapRunStarted', 'mapRunStartedEventDetails', { mapRunArn: mapRun.arn });
  }
  if (items.length === 0) {
    run.enqueue(exec, () => mapSucceeded(run, exec, t));
    return;
  }
  await startIterations(run, exec, t);
  if (mapRun) run.mapRun(mapRunRow(exec, t.fanout, 'RUNNING', run.now()));
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
    await iterationEnded(run, exec, parent, fan);
  },
  async failed(run, exec, parent, fan, child, failure) {
    run.emit(exec, child, 'MapIterationFailed', 'mapIterationFailedEventDetails', {
      name: parent.state,
      index: child.parent!.index,
    });
    if (!fan.tolerated) {
      fan.failed = (fan.failed ?? 0) + 1;
      return await mapFailed(run, exec, parent, fan, child, failure);
    }
    fan.failed = (fan.failed ?? 0) + 1;
    const exceeded = thresholdExceeded(fan.tolerated, fan.failed, fan.total);
    if (exceeded) {
      return await mapFailed(run, exec, parent, fan, child, {
        error: 'States.ExceedToleratedFailureThreshold',
        cause: `${fan.failed} of the ${fan.total} iterations of the Map state '${parent.state}' failed, more than its ${exceeded}`,
      });
    }
    recordResult(fan, child, {
      Error: failure.error,
      ...(failure.cause !== undefined ? { Cause: failure.cause } : {}),
    });
    parent.last = child.last;
    await iterationEnded(run, exec, parent, fan);
  },
};

async function iterationEnded(run: Run, exec: Execution, t: Thread, fan: Fanout): Promise<void> {
  await startIterations(run, exec, t);
  if (fan.finished === fan.total) return await mapSucceeded(run, exec, t);
  if (fan.mapRun) run.mapRun(mapRunRow(exec, fan, 'RUNNING', run.now()));
}

/** Every iteration ended within the threshold: the map run (if any) succeeds, then the Map. */
async function mapSucceeded(run: Run, exec: Execution, t: Thread): Promise<void> {
  const fan = t.fanout;
  if (fan?.mapRun && exec.st.threads[t.id]) {
    run.emit(exec, t, 'MapRunSucceeded', undefined, undefined);
    run.mapRun(mapRunRow(exec, fan, 'SUCCEEDED', run.now()));
  }
  await fanoutSucceeded(run, exec, t);
}

const mapFailed: ChildEnd['failed'] = async (run, exec, parent, fan, child, failure: Failure) => {
  if (fan.mapRun) {
    run.emit(exec, parent, 'MapRunFailed', 'mapRunFailedEventDetails', { ...failure });
    run.mapRun(mapRunRow(exec, fan, 'FAILED', run.now()));
  }
  await fanoutFailed(run, exec, parent, fan, child, failure);
};

function isDistributed(state: State): boolean {
  const processor = state.ItemProcessor as { ProcessorConfig?: { Mode?: unknown } } | undefined;
  return processor?.ProcessorConfig?.Mode === 'DISTRIBUTED';
}

/** `arn:aws:states:region:account:mapRun:Machine/Label:id`, the Label defaulting to the state's name. */
function mapRunArn(exec: Execution, t: Thread, state: State): string {
  const [, partition, , region, account, , machine] = exec.row.smArn.split(':');
  const label = typeof state.Label === 'string' ? state.Label : t.state;
  return `arn:${partition}:states:${region}:${account}:mapRun:${machine}/${label}:${randomUUID()}`;
}

/** The map run as DescribeMapRun shows it, its item counts from the Map's progress. */
function mapRunRow(exec: Execution, fan: Fanout, status: MapRunRow['status'], now: number): MapRunRow {
  const mapRun = fan.mapRun!;
  const failed = fan.failed ?? 0;
  // Failures within the threshold have their place among the finished iterations; the one that fails the
  // Map has not.
  const succeeded = fan.finished - (status === 'FAILED' ? failed - 1 : failed);
  const open = status === 'RUNNING';
  const [machineArn, label] = [exec.row.smArn, mapRun.arn.split(':')[6]!.split('/').slice(1).join('/')];
  return {
    arn: mapRun.arn,
    executionArn: exec.row.arn,
    stateMachineArn: `${machineArn}/${label}`,
    status,
    start: mapRun.start,
    stop: open ? null : now,
    maxConcurrency: fan.maxConcurrency,
    toleratedFailurePercentage: fan.tolerated?.percentage ?? 0,
    toleratedFailureCount: fan.tolerated?.count ?? 0,
    items: {
      pending: open ? fan.total - fan.started : 0,
      running: open ? fan.started - fan.finished : 0,
      succeeded,
      failed,
      aborted: open ? 0 : fan.total - succeeded - failed,
      total: fan.total,
    },
  };
}

/** UpdateMapRun: a running map run's MaxConcurrency and failure threshold change; more items may start. */
export async function updateMapRun(
  run: Run,
  exec: Execution,
  t: Thread,
  changes: { maxConcurrency?: number; toleratedFailurePercentage?: number; toleratedFailureCount?: number },
): Promise<void> {
  const fan = t.fanout!;
  if (changes.maxConcurrency !== undefined) fan.maxConcurrency = changes.maxConcurrency;
  if (changes.toleratedFailureCount !== undefined || changes.toleratedFailurePercentage !== undefined) {
    fan.tolerated = {
      ...fan.tolerated,
      ...(changes.toleratedFailureCount !== undefined ? { count: changes.toleratedFailureCount } : {}),
      ...(changes.toleratedFailurePercentage !== undefined
        ? { percentage: changes.toleratedFailurePercentage }
        : {}),
    };
    fan.failed ??= 0;
  }
  run.touch(exec);
  await startIterations(run, exec, t);
  run.mapRun(mapRunRow(exec, fan, 'RUNNING', run.now()));
}

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
