// Bad input gets an AWS-shaped error (`__type`, `message`, HTTP 400) and changes nothing.
import {
  CreateStateMachineCommand,
  DescribeExecutionCommand,
  DescribeStateMachineCommand,
  ListExecutionsCommand,
  ListStateMachinesCommand,
  SendTaskSuccessCommand,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { InvokeLambda } from '#local/stepfunctions/types.ts';
import { createMachine, type Harness, ROLE, start, startHarness } from './harness.ts';

const tokens: string[] = [];
const invokeLambda: InvokeLambda = async (_arn, payload) => {
  tokens.push((payload as { token: string }).token);
  return { payload: {} };
};

let h: Harness;
let machine: string;
let snapshot: () => Promise<unknown>;

beforeAll(async () => {
  h = await startHarness({ invokeLambda });
  machine = await createMachine(
    h.sfn,
    { StartAt: 'W', States: { W: { Type: 'Wait', Seconds: 60, End: true } } },
    'Existing',
  );
  await start(h.sfn, machine, { a: 1 }, 'existing-run');
  snapshot = async () => ({
    machines: (await h.sfn.send(new ListStateMachinesCommand({}))).stateMachines?.map(
      (m) => m.stateMachineArn,
    ),
    executions: (await h.sfn.send(new ListExecutionsCommand({ stateMachineArn: machine }))).executions?.map(
      (e) => [e.name, e.status],
    ),
  });
});
afterAll(async () => {
  await h.close();
});

let before: unknown;
beforeEach(async () => {
  before = await snapshot();
});

async function unchanged(): Promise<void> {
  expect(await snapshot()).toEqual(before);
}

async function raw(target: string, body: string) {
  const res = await fetch(h.endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': target },
    body,
  });
  return { status: res.status, body: (await res.json()) as { __type: string; message: string } };
}

describe('bad input', () => {
  it('answers malformed JSON with SerializationException', async () => {
    const r = await raw('AWSStepFunctions.StartExecution', '{"stateMachineArn": ');
    expect(r.status).toBe(400);
    expect(r.body.__type).toMatch(/#SerializationException$/);
    await unchanged();
  });

  it('answers an unknown operation with UnknownOperationException', async () => {
    const r = await raw('AWSStepFunctions.LaunchRockets', '{}');
    expect(r.status).toBe(400);
    expect(r.body.__type).toMatch(/#UnknownOperationException$/);
    expect(r.body.message).toContain('LaunchRockets');
    await unchanged();
  });

  it('answers an invalid ARN with InvalidArn', async () => {
    await expect(
      h.sfn.send(new DescribeStateMachineCommand({ stateMachineArn: 'not:an:arn' })),
    ).rejects.toMatchObject({
      name: 'InvalidArn',
      $metadata: { httpStatusCode: 400 },
    });
    await expect(
      h.sfn.send(
        new DescribeExecutionCommand({ executionArn: `${machine.replace('stateMachine', 'execution')}` }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidArn' });
    await unchanged();
  });

  it('answers a well-formed ARN of nothing with StateMachineDoesNotExist and ExecutionDoesNotExist', async () => {
    await expect(
      h.sfn.send(new StartExecutionCommand({ stateMachineArn: `${machine}Gone` })),
    ).rejects.toMatchObject({ name: 'StateMachineDoesNotExist' });
    await expect(
      h.sfn.send(
        new DescribeExecutionCommand({
          executionArn: `${machine.replace('stateMachine', 'execution')}:nope`,
        }),
      ),
    ).rejects.toMatchObject({ name: 'ExecutionDoesNotExist' });
    await unchanged();
  });

  it('refuses an invalid definition with InvalidDefinition and the reason', async () => {
    const error = await h.sfn
      .send(
        new CreateStateMachineCommand({
          name: 'Broken',
          roleArn: ROLE,
          definition: JSON.stringify({ StartAt: 'A', States: { A: { Type: 'Pass', Next: 'Missing' } } }),
        }),
      )
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'InvalidDefinition', $metadata: { httpStatusCode: 400 } });
    expect((error as Error).message).toContain('Missing');
    await expect(
      h.sfn.send(
        new CreateStateMachineCommand({ name: 'NotJson', roleArn: ROLE, definition: '{"StartAt":' }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidDefinition' });
    await unchanged();
  });

  it('refuses a bad name with InvalidName', async () => {
    await expect(
      h.sfn.send(new StartExecutionCommand({ stateMachineArn: machine, name: 'has space' })),
    ).rejects.toMatchObject({ name: 'InvalidName' });
    await unchanged();
  });

  it('refuses input that is not JSON with InvalidExecutionInput', async () => {
    await expect(
      h.sfn.send(new StartExecutionCommand({ stateMachineArn: machine, input: '{oops' })),
    ).rejects.toMatchObject({ name: 'InvalidExecutionInput' });
    await unchanged();
  });

  it('refuses input over 256 KiB with ValidationException', async () => {
    const input = JSON.stringify({ s: 'x'.repeat(262_144) });
    await expect(
      h.sfn.send(new StartExecutionCommand({ stateMachineArn: machine, input })),
    ).rejects.toMatchObject({
      name: 'ValidationException',
      $metadata: { httpStatusCode: 400 },
    });
    await unchanged();
  });

  it('refuses a missing required parameter with ValidationException', async () => {
    const r = await raw('AWSStepFunctions.StartExecution', '{}');
    expect([r.status, r.body.__type.split('#')[1]]).toEqual([400, 'ValidationException']);
    await unchanged();
  });

  it('refuses a token sent twice with TaskTimedOut, and output that is not JSON with InvalidOutput', async () => {
    const m = await createMachine(h.sfn, {
      StartAt: 'T',
      States: {
        T: {
          Type: 'Task',
          Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
          Parameters: { FunctionName: 'f', Payload: { 'token.$': '$$.Task.Token' } },
          End: true,
        },
      },
    });
    await start(h.sfn, m);
    await h.runtime.whenIdle();
    const token = tokens.at(-1)!;
    await expect(
      h.sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: 'nope' })),
    ).rejects.toMatchObject({
      name: 'InvalidOutput',
    });
    await h.sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: '{"ok":true}' }));
    await h.runtime.whenIdle();
    await expect(
      h.sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: '{"again":true}' })),
    ).rejects.toMatchObject({
      name: 'TaskTimedOut',
      $metadata: { httpStatusCode: 400 },
    });
  });
});
