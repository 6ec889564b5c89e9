// The runtime embedded in-process, as the local cloud uses it: a ControlledClock that runs a year of Wait
// states in moments, whenIdle between timers, the transition counter and the status hook; no HTTP involved.
import { afterEach, describe, expect, it } from 'vitest';
import { ControlledClock } from '#local/clock.ts';
import { StepFunctionsRuntime } from '#local/stepfunctions/runtime.ts';
import type { ExecutionStatusEvent } from '#local/stepfunctions/types.ts';
import { ROLE, T0 } from './harness.ts';

const DAY = 86_400_000;
let runtime: StepFunctionsRuntime | undefined;
afterEach(async () => {
  await runtime?.close();
  runtime = undefined;
});

/** A pilot-like year: twelve monthly windows of 30 days, each followed by a check. */
const year = {
  StartAt: 'Init',
  States: {
    Init: { Type: 'Pass', Result: { month: 0 }, Next: 'Window' },
    Window: { Type: 'Wait', Seconds: 30 * 86_400, Next: 'Count' },
    Count: { Type: 'Pass', Parameters: { 'month.$': 'States.MathAdd($.month, 1)' }, Next: 'More' },
    More: {
      Type: 'Choice',
      Choices: [{ Variable: '$.month', NumericLessThan: 12, Next: 'Window' }],
      Default: 'Done',
    },
    Done: { Type: 'Succeed' },
  },
};

describe('embedded runtime', () => {
  it('runs a year of Wait states on a controlled clock and stamps the history with clock time', async () => {
    const clock = new ControlledClock({ start: T0, speed: 0 });
    runtime = await StepFunctionsRuntime.open({ clock });
    clock.addSettler(() => runtime!.whenIdle());
    const { stateMachineArn } = await runtime.createStateMachine({
      name: 'Year',
      definition: JSON.stringify(year),
      roleArn: ROLE,
    });
    const { executionArn } = await runtime.startExecution({ stateMachineArn });
    await clock.advance(365 * DAY);
    const d = await runtime.describeExecution({ executionArn });
    expect(d.status).toBe('SUCCEEDED');
    expect(d.output).toBe('{"month":12}');
    expect(d.stopDate!.getTime() - T0).toBe(12 * 30 * DAY);
    const { events } = await runtime.getExecutionHistory({ executionArn, maxResults: 1000 });
    const exits = events.filter((e) => e.type === 'WaitStateExited').map((e) => e.timestamp.getTime() - T0);
    expect(exits).toEqual(Array.from({ length: 12 }, (_, i) => (i + 1) * 30 * DAY));
  });

  it('is idle while every execution waits on a timer, and counts state transitions', async () => {
    const clock = new ControlledClock({ start: T0, speed: 0 });
    runtime = await StepFunctionsRuntime.open({ clock });
    const { stateMachineArn } = await runtime.createStateMachine({
      name: 'Year',
      definition: JSON.stringify(year),
      roleArn: ROLE,
    });
    await runtime.startExecution({ stateMachineArn });
    await runtime.whenIdle();
    // Init and the first Window were entered; the Window's timer is the only thing left.
    expect(runtime.transitions).toBe(2);
    expect(clock.nextTimerAt()).toBe(T0 + 30 * DAY);
  });

  it('calls the status hook after each execution status change', async () => {
    const clock = new ControlledClock({ start: T0, speed: 0 });
    runtime = await StepFunctionsRuntime.open({ clock });
    const seen: ExecutionStatusEvent[] = [];
    runtime.onExecutionStatus((e) => seen.push(e));
    const { stateMachineArn } = await runtime.createStateMachine({
      name: 'Quick',
      definition: JSON.stringify({ StartAt: 'P', States: { P: { Type: 'Pass', End: true } } }),
      roleArn: ROLE,
    });
    const { executionArn } = await runtime.startExecution({ stateMachineArn, name: 'one' });
    await runtime.whenIdle();
    expect(seen.map((e) => [e.executionArn, e.status])).toEqual([
      [executionArn, 'RUNNING'],
      [executionArn, 'SUCCEEDED'],
    ]);
  });
});
