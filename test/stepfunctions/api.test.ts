// Conformance: the Step Functions API operations and their errors, through @aws-sdk/client-sfn
// (https://docs.aws.amazon.com/step-functions/latest/apireference/API_Operations.html).
import {
  CreateStateMachineCommand,
  DeleteStateMachineCommand,
  DescribeStateMachineCommand,
  DescribeStateMachineForExecutionCommand,
  GetExecutionHistoryCommand,
  ListExecutionsCommand,
  ListStateMachinesCommand,
  SendTaskHeartbeatCommand,
  SendTaskSuccessCommand,
  StartExecutionCommand,
  StopExecutionCommand,
  UpdateStateMachineCommand,
  ValidateStateMachineDefinitionCommand,
} from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createMachine,
  describe as describeExecution,
  type Harness,
  history,
  ROLE,
  settle,
  start,
  startHarness,
} from './harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});

const pass = { StartAt: 'P', States: { P: { Type: 'Pass', End: true } } };
const hold = { StartAt: 'W', States: { W: { Type: 'Wait', Seconds: 86_400, End: true } } };

async function rejects(promise: Promise<unknown>, name: string): Promise<void> {
  await expect(promise).rejects.toMatchObject({ name, $metadata: { httpStatusCode: 400 } });
}

describe('state machines', () => {
  it('creates, describes, updates, lists and deletes a state machine', async () => {
    const created = await h.sfn.send(
      new CreateStateMachineCommand({ name: 'Launch', definition: JSON.stringify(pass), roleArn: ROLE }),
    );
    expect(created.stateMachineArn).toBe('arn:aws:states:us-east-1:123456789012:stateMachine:Launch');
    const described = await h.sfn.send(
      new DescribeStateMachineCommand({ stateMachineArn: created.stateMachineArn }),
    );
    expect(described).toMatchObject({ name: 'Launch', status: 'ACTIVE', type: 'STANDARD', roleArn: ROLE });
    expect(JSON.parse(described.definition!)).toEqual(pass);
    await h.sfn.send(
      new UpdateStateMachineCommand({
        stateMachineArn: created.stateMachineArn,
        definition: JSON.stringify(hold),
      }),
    );
    const updated = await h.sfn.send(
      new DescribeStateMachineCommand({ stateMachineArn: created.stateMachineArn }),
    );
    expect(JSON.parse(updated.definition!)).toEqual(hold);
    const listed = await h.sfn.send(new ListStateMachinesCommand({}));
    expect(listed.stateMachines?.map((m) => m.name)).toContain('Launch');
    await h.sfn.send(new DeleteStateMachineCommand({ stateMachineArn: created.stateMachineArn }));
    await rejects(
      h.sfn.send(new DescribeStateMachineCommand({ stateMachineArn: created.stateMachineArn })),
      'StateMachineDoesNotExist',
    );
  });

  it('is idempotent for the same definition and refuses a different one under the same name', async () => {
    const input = { name: 'Same', definition: JSON.stringify(pass), roleArn: ROLE };
    const a = await h.sfn.send(new CreateStateMachineCommand(input));
    const b = await h.sfn.send(new CreateStateMachineCommand(input));
    expect(b.stateMachineArn).toBe(a.stateMachineArn);
    await rejects(
      h.sfn.send(new CreateStateMachineCommand({ ...input, definition: JSON.stringify(hold) })),
      'StateMachineAlreadyExists',
    );
  });

  it('pages through ListStateMachines with nextToken', async () => {
    for (let i = 0; i < 3; i++) await createMachine(h.sfn, pass, `Paged${i}`);
    const names: string[] = [];
    let nextToken: string | undefined;
    do {
      const page = await h.sfn.send(new ListStateMachinesCommand({ maxResults: 2, nextToken }));
      expect(page.stateMachines!.length).toBeLessThanOrEqual(2);
      names.push(...page.stateMachines!.map((m) => m.name!));
      nextToken = page.nextToken;
    } while (nextToken);
    expect(names.filter((n) => n.startsWith('Paged'))).toEqual(['Paged0', 'Paged1', 'Paged2']);
  });

  it('validates a definition and reports the reason of a bad one', async () => {
    const ok = await h.sfn.send(
      new ValidateStateMachineDefinitionCommand({ definition: JSON.stringify(pass) }),
    );
    expect(ok.result).toBe('OK');
    const bad = await h.sfn.send(
      new ValidateStateMachineDefinitionCommand({
        definition: JSON.stringify({ StartAt: 'A', States: { A: { Type: 'Pass', Next: 'B' } } }),
      }),
    );
    expect(bad.result).toBe('FAIL');
    expect(bad.diagnostics?.map((d) => d.message).join(' ')).toContain('B');
  });

  it('describes the definition an execution started with, not a later update', async () => {
    const arn = await createMachine(h.sfn, hold);
    const executionArn = await start(h.sfn, arn);
    await h.sfn.send(
      new UpdateStateMachineCommand({ stateMachineArn: arn, definition: JSON.stringify(pass) }),
    );
    const d = await h.sfn.send(new DescribeStateMachineForExecutionCommand({ executionArn }));
    expect(JSON.parse(d.definition!)).toEqual(hold);
    expect(d.stateMachineArn).toBe(arn);
  });
});

describe('executions', () => {
  it('returns the same execution for the same name and input, and ExecutionAlreadyExists for other input', async () => {
    // https://docs.aws.amazon.com/step-functions/latest/apireference/API_StartExecution.html (idempotency)
    const arn = await createMachine(h.sfn, hold);
    const first = await h.sfn.send(
      new StartExecutionCommand({ stateMachineArn: arn, name: 'pilot-1', input: '{"a":1}' }),
    );
    const again = await h.sfn.send(
      new StartExecutionCommand({ stateMachineArn: arn, name: 'pilot-1', input: '{"a":1}' }),
    );
    expect(again.executionArn).toBe(first.executionArn);
    expect(again.startDate).toEqual(first.startDate);
    await rejects(
      h.sfn.send(new StartExecutionCommand({ stateMachineArn: arn, name: 'pilot-1', input: '{"a":2}' })),
      'ExecutionAlreadyExists',
    );
  });

  it('starts one execution for concurrent StartExecution calls with the same name and input', async () => {
    const arn = await createMachine(h.sfn, hold);
    const send = () =>
      h.sfn.send(new StartExecutionCommand({ stateMachineArn: arn, name: 'twice', input: '{}' }));
    const [a, b] = await Promise.all([send(), send()]);
    expect(b.executionArn).toBe(a.executionArn);
    const listed = await h.sfn.send(new ListExecutionsCommand({ stateMachineArn: arn }));
    expect(listed.executions).toHaveLength(1);
  });

  it('lists executions newest first, filtered by status and paged', async () => {
    const arn = await createMachine(h.sfn, hold);
    const arns = [];
    for (let i = 0; i < 3; i++) arns.push(await start(h.sfn, arn, {}, `e${i}`));
    await h.sfn.send(new StopExecutionCommand({ executionArn: arns[1] }));
    const running = await h.sfn.send(
      new ListExecutionsCommand({ stateMachineArn: arn, statusFilter: 'RUNNING' }),
    );
    expect(running.executions?.map((e) => e.name)).toEqual(['e2', 'e0']);
    const first = await h.sfn.send(new ListExecutionsCommand({ stateMachineArn: arn, maxResults: 2 }));
    expect(first.executions?.map((e) => [e.name, e.status])).toEqual([
      ['e2', 'RUNNING'],
      ['e1', 'ABORTED'],
    ]);
    const second = await h.sfn.send(
      new ListExecutionsCommand({ stateMachineArn: arn, maxResults: 2, nextToken: first.nextToken }),
    );
    expect(second.executions?.map((e) => e.name)).toEqual(['e0']);
    expect(second.nextToken).toBeUndefined();
  });

  it('pages the history with nextToken, in reverse order when asked, and without data when asked', async () => {
    const arn = await createMachine(h.sfn, {
      StartAt: 'A',
      States: {
        A: { Type: 'Pass', Next: 'B' },
        B: { Type: 'Pass', Next: 'C' },
        C: { Type: 'Pass', End: true },
      },
    });
    const executionArn = await start(h.sfn, arn, { secret: 1 });
    await settle(h);
    const all = await history(h.sfn, executionArn);
    expect(all).toHaveLength(8);
    const page1 = await h.sfn.send(
      new GetExecutionHistoryCommand({ executionArn, maxResults: 3, reverseOrder: true }),
    );
    expect(page1.events?.map((e) => e.id)).toEqual([8, 7, 6]);
    const page2 = await h.sfn.send(
      new GetExecutionHistoryCommand({
        executionArn,
        maxResults: 3,
        reverseOrder: true,
        nextToken: page1.nextToken,
      }),
    );
    expect(page2.events?.map((e) => e.id)).toEqual([5, 4, 3]);
    const bare = await h.sfn.send(
      new GetExecutionHistoryCommand({ executionArn, includeExecutionData: false }),
    );
    expect(bare.events?.[0]?.executionStartedEventDetails?.input).toBeUndefined();
  });

  it('stops a running execution with ExecutionAborted and leaves a stopped one unchanged', async () => {
    const arn = await createMachine(h.sfn, hold);
    const executionArn = await start(h.sfn, arn);
    const stopped = await h.sfn.send(new StopExecutionCommand({ executionArn, error: 'E', cause: 'C' }));
    const d = await describeExecution(h.sfn, executionArn);
    expect([d.status, d.error, d.cause, d.stopDate]).toEqual(['ABORTED', 'E', 'C', stopped.stopDate]);
    await h.sfn.send(new StopExecutionCommand({ executionArn }));
    expect((await describeExecution(h.sfn, executionArn)).status).toBe('ABORTED');
  });

  it('describes an execution with its input, output and dates', async () => {
    const arn = await createMachine(h.sfn, pass);
    const executionArn = await start(h.sfn, arn, { k: '樟树' });
    await settle(h);
    const d = await describeExecution(h.sfn, executionArn);
    expect(d).toMatchObject({
      status: 'SUCCEEDED',
      input: '{"k":"樟树"}',
      output: '{"k":"樟树"}',
      stateMachineArn: arn,
    });
    expect(d.startDate).toBeInstanceOf(Date);
    expect(d.stopDate).toBeInstanceOf(Date);
  });

  it('answers a heartbeat for an unknown token with InvalidToken', async () => {
    await rejects(h.sfn.send(new SendTaskHeartbeatCommand({ taskToken: 'not-a-token' })), 'InvalidToken');
    await rejects(
      h.sfn.send(new SendTaskSuccessCommand({ taskToken: 'not-a-token', output: '{}' })),
      'InvalidToken',
    );
  });
});
