// EXPRESS state machines through @aws-sdk/client-sfn: StartSyncExecution runs an execution to its end and
// answers with its result; an Express execution has no history (the operations that read executions refuse its
// ARN, ListExecutions refuses the machine) and ends TIMED_OUT at five minutes. The SDK sends StartSyncExecution
// to the host prefixed `sync-`, so the client turns that off (disableHostPrefix), as docs/stepfunctions.md says.
import {
  CreateStateMachineCommand,
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  ListExecutionsCommand,
  type SFNClient,
  StartExecutionCommand,
  StartSyncExecutionCommand,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMachine, type Harness, ROLE, settle, sfnClient, startHarness } from './harness.ts';
import { until } from './process.ts';

let h: Harness;
let sfn: SFNClient;

beforeAll(async () => {
  h = await startHarness();
  sfn = sfnClient(h.endpoint, { disableHostPrefix: true });
});

afterAll(async () => {
  sfn.destroy();
  await h.close();
});

let counter = 0;
async function express(definition: object): Promise<string> {
  const out = await sfn.send(
    new CreateStateMachineCommand({
      name: `x${++counter}`,
      type: 'EXPRESS',
      definition: JSON.stringify(definition),
      roleArn: ROLE,
    }),
  );
  return out.stateMachineArn!;
}

/** Runs StartSyncExecution while the paused clock is moved through the execution's timers. */
async function runSync(stateMachineArn: string, input: unknown = {}) {
  const answer = sfn.send(new StartSyncExecutionCommand({ stateMachineArn, input: JSON.stringify(input) }));
  let done = false;
  void answer.finally(() => {
    done = true;
  });
  await until(async () => done || h.clock.nextTimerAt() !== undefined);
  await settle(h);
  return await answer;
}

describe('StartSyncExecution', () => {
  it('answers with the output of an Express execution that succeeded', async () => {
    const arn = await express({
      StartAt: 'Greet',
      States: { Greet: { Type: 'Pass', Parameters: { 'hello.$': '$.who' }, End: true } },
    });
    const out = await runSync(arn, { who: 'county' });
    expect(out).toMatchObject({
      status: 'SUCCEEDED',
      stateMachineArn: arn,
      input: '{"who":"county"}',
      output: '{"hello":"county"}',
    });
    expect(out.executionArn).toMatch(
      /^arn:aws:states:us-east-1:123456789012:express:x\d+:[^:]+:[0-9a-f-]{36}$/,
    );
  });

  it('answers with the error and cause of an Express execution that failed', async () => {
    const arn = await express({
      StartAt: 'No',
      States: { No: { Type: 'Fail', Error: 'Refused', Cause: 'why' } },
    });
    const out = await runSync(arn);
    expect([out.status, out.error, out.cause, out.output]).toEqual(['FAILED', 'Refused', 'why', undefined]);
  });

  it('ends an Express execution TIMED_OUT after five minutes', async () => {
    const arn = await express({
      StartAt: 'Long',
      States: { Long: { Type: 'Wait', Seconds: 600, End: true } },
    });
    const out = await runSync(arn);
    expect([out.status, out.error]).toEqual(['TIMED_OUT', 'States.Timeout']);
    expect(out.stopDate!.getTime() - out.startDate!.getTime()).toBe(300_000);
  });

  it("keeps a shorter TimeoutSeconds of the machine's own", async () => {
    const arn = await express({
      TimeoutSeconds: 10,
      StartAt: 'Long',
      States: { Long: { Type: 'Wait', Seconds: 60, End: true } },
    });
    const out = await runSync(arn);
    expect(out.status).toBe('TIMED_OUT');
    expect(out.stopDate!.getTime() - out.startDate!.getTime()).toBe(10_000);
  });

  it('leaves out input and output with includedData METADATA_ONLY', async () => {
    const arn = await express({ StartAt: 'P', States: { P: { Type: 'Pass', End: true } } });
    const out = await sfn.send(
      new StartSyncExecutionCommand({
        stateMachineArn: arn,
        input: '{"a":1}',
        includedData: 'METADATA_ONLY',
      }),
    );
    expect([out.status, out.input, out.output]).toEqual(['SUCCEEDED', undefined, undefined]);
  });

  it('refuses a STANDARD state machine with StateMachineTypeNotSupported', async () => {
    const arn = await createMachine(h.sfn, { StartAt: 'P', States: { P: { Type: 'Pass', End: true } } });
    await expect(sfn.send(new StartSyncExecutionCommand({ stateMachineArn: arn }))).rejects.toMatchObject({
      name: 'StateMachineTypeNotSupported',
    });
  });
});

describe('an Express execution', () => {
  it('has no history: the operations that read an execution refuse its ARN', async () => {
    const arn = await express({ StartAt: 'P', States: { P: { Type: 'Pass', End: true } } });
    const { executionArn } = await runSync(arn);
    for (const command of [
      new DescribeExecutionCommand({ executionArn }),
      new GetExecutionHistoryCommand({ executionArn }),
      new StopExecutionCommand({ executionArn }),
    ]) {
      await expect(sfn.send(command as never)).rejects.toMatchObject({ name: 'InvalidArn' });
    }
    await expect(sfn.send(new ListExecutionsCommand({ stateMachineArn: arn }))).rejects.toMatchObject({
      name: 'StateMachineTypeNotSupported',
    });
  });

  it('started by StartExecution runs to its end, and the same name may start it again', async () => {
    const arn = await express({ StartAt: 'P', States: { P: { Type: 'Pass', End: true } } });
    const ended: string[] = [];
    const off = h.runtime.onExecutionStatus((e) => {
      if (e.stateMachineArn === arn && e.status !== 'RUNNING') ended.push(`${e.executionArn} ${e.status}`);
    });
    const first = await sfn.send(new StartExecutionCommand({ stateMachineArn: arn, name: 'again' }));
    const second = await sfn.send(new StartExecutionCommand({ stateMachineArn: arn, name: 'again' }));
    await h.runtime.whenIdle();
    off();
    expect(first.executionArn).not.toBe(second.executionArn);
    expect(ended.sort()).toEqual(
      [`${first.executionArn} SUCCEEDED`, `${second.executionArn} SUCCEEDED`].sort(),
    );
  });

  it('cannot wait for a task token or a nested execution', async () => {
    await expect(
      express({
        StartAt: 'T',
        States: {
          T: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken', End: true },
        },
      }),
    ).rejects.toMatchObject({ name: 'InvalidDefinition', message: expect.stringContaining('EXPRESS') });
  });
});
