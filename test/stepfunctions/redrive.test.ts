// RedriveExecution through @aws-sdk/client-sfn: a FAILED, TIMED_OUT or ABORTED execution continues from the
// state it stopped in, as the same execution (same ARN, input and variables, history appended after
// ExecutionRedriven), without running again the states that had succeeded; redriveStatus, its reason and
// redriveCount say what DescribeExecution says on AWS, and the redrive point survives a restart.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DescribeExecutionCommand,
  ListExecutionsCommand,
  RedriveExecutionCommand,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { InvokeLambda } from '#local/stepfunctions/types.ts';
import { createMachine, type Harness, history, run, settle, start, startHarness } from './harness.ts';

const FN = 'arn:aws:lambda:us-east-1:123456789012:function:';
let broken = true;
const calls: string[] = [];
const invokeLambda: InvokeLambda = async (arn, payload) => {
  const name = arn.slice(FN.length);
  calls.push(name);
  if (name === 'flaky' && broken) {
    return { functionError: 'Unhandled', payload: { errorType: 'Outage', errorMessage: 'down' } };
  }
  return { payload: { from: name, got: payload } };
};

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ invokeLambda });
});
afterAll(async () => {
  await h.close();
});
beforeEach(() => {
  broken = true;
  calls.length = 0;
});

const describeExecution = (executionArn: string) =>
  h.sfn.send(new DescribeExecutionCommand({ executionArn }));
const redrive = (executionArn: string, clientToken?: string) =>
  h.sfn.send(new RedriveExecutionCommand({ executionArn, clientToken }));

/** First calls `first`, keeps a variable, then calls `flaky`, which fails while `broken`. */
const twoTasks = {
  QueryLanguage: 'JSONata',
  StartAt: 'First',
  States: {
    First: {
      Type: 'Task',
      Resource: `${FN}first`,
      Assign: { kept: '{% $states.result.from %}' },
      Output: '{% $states.input %}',
      Next: 'Flaky',
    },
    Flaky: {
      Type: 'Task',
      Resource: `${FN}flaky`,
      Arguments: {
        kept: '{% $kept %}',
        n: '{% $states.input.n %}',
        redriveCount: '{% $states.context.Execution.RedriveCount %}',
      },
      End: true,
    },
  },
};

describe('RedriveExecution', () => {
  it('continues a failed execution from the failed state, with its input and variables', async () => {
    const failed = await run(h, twoTasks, { n: 7 });
    expect([failed.status, failed.error]).toEqual(['FAILED', 'Outage']);
    expect(await describeExecution(failed.executionArn)).toMatchObject({
      redriveCount: 0,
      redriveStatus: 'REDRIVABLE',
    });

    broken = false;
    const { redriveDate } = await redrive(failed.executionArn);
    await settle(h);

    const d = await describeExecution(failed.executionArn);
    expect(d).toMatchObject({
      status: 'SUCCEEDED',
      redriveCount: 1,
      redriveDate,
      redriveStatus: 'NOT_REDRIVABLE',
      redriveStatusReason: 'Execution is SUCCEEDED and cannot be redriven.',
      startDate: failed.startDate,
    });
    expect(JSON.parse(d.output!)).toEqual({ from: 'flaky', got: { kept: 'first', n: 7, redriveCount: 1 } });
    expect(calls).toEqual(['first', 'flaky', 'flaky']);
    const types = (await history(h.sfn, failed.executionArn)).map((e) => e.type);
    const at = types.indexOf('ExecutionRedriven');
    expect(types.slice(at - 1, at + 2)).toEqual(['ExecutionFailed', 'ExecutionRedriven', 'TaskStateEntered']);
    expect(types.at(-1)).toBe('ExecutionSucceeded');
    const events = await history(h.sfn, failed.executionArn);
    expect(events[at]).toMatchObject({ executionRedrivenEventDetails: { redriveCount: 1 } });
  });

  it('counts each redrive and lists executions by whether they were redriven', async () => {
    const failed = await run(h, twoTasks, { n: 1 });
    await redrive(failed.executionArn);
    await settle(h);
    expect(await describeExecution(failed.executionArn)).toMatchObject({ status: 'FAILED', redriveCount: 1 });
    await redrive(failed.executionArn);
    await settle(h);
    expect(await describeExecution(failed.executionArn)).toMatchObject({
      status: 'FAILED',
      redriveCount: 2,
      redriveStatus: 'REDRIVABLE',
    });
    const other = await start(h.sfn, failed.stateMachineArn, { n: 2 });
    await settle(h);
    const list = async (redriveFilter: 'REDRIVEN' | 'NOT_REDRIVEN') =>
      (
        await h.sfn.send(
          new ListExecutionsCommand({ stateMachineArn: failed.stateMachineArn, redriveFilter }),
        )
      ).executions!.map((e) => [e.executionArn, e.redriveCount]);
    expect(await list('REDRIVEN')).toEqual([[failed.executionArn, 2]]);
    expect(await list('NOT_REDRIVEN')).toEqual([[other, 0]]);
  });

  it('answers a repeated clientToken with the first redrive instead of redriving again', async () => {
    const failed = await run(h, twoTasks, { n: 1 });
    const first = await redrive(failed.executionArn, 'once');
    await settle(h);
    const again = await redrive(failed.executionArn, 'once');
    await settle(h);
    expect(again.redriveDate).toEqual(first.redriveDate);
    expect(await describeExecution(failed.executionArn)).toMatchObject({ redriveCount: 1 });
  });

  it('continues an aborted execution in the state it was stopped in', async () => {
    const arn = await createMachine(h.sfn, {
      StartAt: 'First',
      States: {
        First: { Type: 'Task', Resource: `${FN}first`, ResultPath: '$.first', Next: 'Pause' },
        Pause: { Type: 'Wait', Seconds: 3600, Next: 'Last' },
        Last: { Type: 'Pass', End: true },
      },
    });
    const executionArn = await start(h.sfn, arn, { n: 3 });
    await h.runtime.whenIdle();
    await h.sfn.send(new StopExecutionCommand({ executionArn }));
    expect(await describeExecution(executionArn)).toMatchObject({
      status: 'ABORTED',
      redriveStatus: 'REDRIVABLE',
    });
    await redrive(executionArn);
    await settle(h);
    const d = await describeExecution(executionArn);
    expect([d.status, JSON.parse(d.output!).n, calls]).toEqual(['SUCCEEDED', 3, ['first']]);
  });

  it('refuses a running or succeeded execution with ExecutionNotRedrivable', async () => {
    const arn = await createMachine(h.sfn, {
      StartAt: 'W',
      States: { W: { Type: 'Wait', Seconds: 60, End: true } },
    });
    const executionArn = await start(h.sfn, arn);
    await h.runtime.whenIdle();
    await expect(redrive(executionArn)).rejects.toMatchObject({
      name: 'ExecutionNotRedrivable',
      message: expect.stringContaining('RUNNING'),
    });
    await settle(h);
    await expect(redrive(executionArn)).rejects.toMatchObject({
      name: 'ExecutionNotRedrivable',
      message: expect.stringContaining('SUCCEEDED'),
    });
  });

  it('does not redrive an execution that failed in a Parallel state, and says why', async () => {
    const failed = await run(h, {
      StartAt: 'Both',
      States: {
        Both: {
          Type: 'Parallel',
          Branches: [
            { StartAt: 'A', States: { A: { Type: 'Task', Resource: `${FN}first`, End: true } } },
            { StartAt: 'B', States: { B: { Type: 'Task', Resource: `${FN}flaky`, End: true } } },
          ],
          End: true,
        },
      },
    });
    expect(failed.status).toBe('FAILED');
    const reason =
      'The execution stopped in the Parallel state Both, which the local runtime does not redrive.';
    expect(await describeExecution(failed.executionArn)).toMatchObject({
      redriveStatus: 'NOT_REDRIVABLE',
      redriveStatusReason: reason,
    });
    await expect(redrive(failed.executionArn)).rejects.toMatchObject({ name: 'ExecutionNotRedrivable' });
  });

  it('does not redrive after 14 days', async () => {
    const failed = await run(h, twoTasks, { n: 1 });
    await h.clock.advance(14 * 86_400_000 + 1000);
    expect(await describeExecution(failed.executionArn)).toMatchObject({
      redriveStatus: 'NOT_REDRIVABLE',
      redriveStatusReason: 'Execution redrivable period exceeded.',
    });
    await expect(redrive(failed.executionArn)).rejects.toMatchObject({ name: 'ExecutionNotRedrivable' });
  });
});

describe('RedriveExecution on disk', () => {
  it('redrives an execution that failed before a restart', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'sfn-redrive-'));
    const first = await startHarness({ dataDir, invokeLambda });
    const failed = await run(first, twoTasks, { n: 5 });
    expect(failed.status).toBe('FAILED');
    await first.close();
    broken = false;
    const second = await startHarness({ dataDir, invokeLambda });
    try {
      await second.sfn.send(new RedriveExecutionCommand({ executionArn: failed.executionArn }));
      await settle(second);
      const d = await second.sfn.send(new DescribeExecutionCommand({ executionArn: failed.executionArn }));
      expect([d.status, d.redriveCount, JSON.parse(d.output!).got]).toEqual([
        'SUCCEEDED',
        1,
        { kept: 'first', n: 5, redriveCount: 1 },
      ]);
    } finally {
      await second.close();
    }
  });

  it('continues a redriven execution that was running when the runtime stopped', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'sfn-redrive-'));
    const first = await startHarness({ dataDir, invokeLambda });
    const arn = await createMachine(first.sfn, {
      StartAt: 'Pause',
      States: {
        Pause: { Type: 'Wait', Seconds: 3600, Next: 'Count' },
        Count: { Type: 'Pass', Parameters: { 'redrives.$': '$$.Execution.RedriveCount' }, End: true },
      },
    });
    const executionArn = await start(first.sfn, arn);
    await first.runtime.whenIdle();
    await first.sfn.send(new StopExecutionCommand({ executionArn }));
    await first.sfn.send(new RedriveExecutionCommand({ executionArn }));
    await first.runtime.whenIdle();
    await first.close();
    const second = await startHarness({ dataDir, invokeLambda });
    try {
      await second.clock.advanceTo(first.clock.now());
      await settle(second);
      const d = await second.sfn.send(new DescribeExecutionCommand({ executionArn }));
      expect([d.status, d.redriveCount, d.output]).toEqual(['SUCCEEDED', 1, '{"redrives":1}']);
    } finally {
      await second.close();
    }
  });
});
