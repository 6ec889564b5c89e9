// Conformance: task resources — Lambda by ARN and lambda:invoke (https://docs.aws.amazon.com/step-functions/latest/dg/connect-lambda.html),
// the callback pattern with task tokens, nested executions (https://docs.aws.amazon.com/step-functions/latest/dg/connect-stepfunctions.html)
// and unknown resources.
import { SendTaskFailureCommand, SendTaskSuccessCommand, StopExecutionCommand } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InvokeLambda } from '#local/stepfunctions/types.ts';
import {
  createMachine,
  describe as describeExecution,
  eventTypes,
  type Harness,
  history,
  run,
  start,
  startHarness,
} from './harness.ts';
import { secondOpinion } from './second-opinion.ts';

const FN = 'arn:aws:lambda:us-east-1:123456789012:function:';
const tokens: string[] = [];

const invokeLambda: InvokeLambda = async (arn, payload) => {
  const name = arn.slice(FN.length);
  switch (name) {
    case 'echo':
      return { payload: { echoed: payload } };
    case 'open-task':
      tokens.push((payload as { token: string }).token);
      return { payload: { stored: true } };
    case 'typed-error':
      return {
        functionError: 'Unhandled',
        payload: { errorType: 'TaskNotFoundError', errorMessage: 'gone' },
      };
    case 'crash':
      return { functionError: 'Unhandled', payload: { errorMessage: 'Runtime exited' } };
    case 'throttled': {
      const e = new Error('Rate exceeded');
      e.name = 'TooManyRequestsException';
      throw e;
    }
    default:
      throw Object.assign(new Error(`Function not found: ${arn}`), { name: 'ResourceNotFoundException' });
  }
};

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ invokeLambda });
});
afterAll(async () => {
  await h.close();
});

describe('Lambda', () => {
  it('outputs the payload of a function called by ARN, as aws-local-stepfunctions does', async () => {
    const definition = { StartAt: 'T', States: { T: { Type: 'Task', Resource: `${FN}echo`, End: true } } };
    const r = await run(h, definition, { pilot: '樟树' });
    expect(r.out).toEqual({ echoed: { pilot: '樟树' } });
    const theirs = await secondOpinion(definition, { pilot: '樟树' }, { T: (input) => ({ echoed: input }) });
    expect(r.out).toEqual(theirs.output);
    expect(await eventTypes(h.sfn, r.executionArn)).toEqual([
      'ExecutionStarted',
      'TaskStateEntered',
      'LambdaFunctionScheduled',
      'LambdaFunctionStarted',
      'LambdaFunctionSucceeded',
      'TaskStateExited',
      'ExecutionSucceeded',
    ]);
  });

  it('wraps the payload of lambda:invoke as { Payload, StatusCode, ExecutedVersion, … }', async () => {
    const r = await run(
      h,
      {
        StartAt: 'T',
        States: {
          T: {
            Type: 'Task',
            Resource: 'arn:aws:states:::lambda:invoke',
            Parameters: { FunctionName: 'echo', 'Payload.$': '$' },
            End: true,
          },
        },
      },
      { a: 1 },
    );
    expect(r.out).toMatchObject({
      Payload: { echoed: { a: 1 } },
      StatusCode: 200,
      ExecutedVersion: '$LATEST',
    });
    const events = await history(h.sfn, r.executionArn);
    expect(events.find((e) => e.type === 'TaskScheduled')?.taskScheduledEventDetails).toMatchObject({
      resourceType: 'lambda',
      resource: 'invoke',
      region: 'us-east-1',
      parameters: JSON.stringify({ FunctionName: 'echo', Payload: { a: 1 } }),
    });
  });

  it("names a function error after the payload's errorType, else Lambda.Unknown", async () => {
    const typed = await run(h, {
      StartAt: 'T',
      States: { T: { Type: 'Task', Resource: `${FN}typed-error`, End: true } },
    });
    expect([typed.error, JSON.parse(typed.cause!).errorMessage]).toEqual(['TaskNotFoundError', 'gone']);
    const crash = await run(h, {
      StartAt: 'T',
      States: { T: { Type: 'Task', Resource: `${FN}crash`, End: true } },
    });
    expect(crash.error).toBe('Lambda.Unknown');
  });

  it('names a Lambda service error Lambda.<Exception> so that Retry can match it', async () => {
    const r = await run(h, {
      StartAt: 'T',
      States: {
        T: {
          Type: 'Task',
          Resource: `${FN}throttled`,
          Retry: [{ ErrorEquals: ['Lambda.TooManyRequestsException'], MaxAttempts: 1 }],
          End: true,
        },
      },
    });
    expect([r.status, r.error]).toEqual(['FAILED', 'Lambda.TooManyRequestsException']);
    expect(
      (await eventTypes(h.sfn, r.executionArn)).filter((t) => t === 'LambdaFunctionFailed'),
    ).toHaveLength(2);
  });
});

describe('callbacks with task tokens', () => {
  const callback = {
    StartAt: 'Approve',
    States: {
      Approve: {
        Type: 'Task',
        Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
        Parameters: {
          FunctionName: 'open-task',
          Payload: { 'token.$': '$$.Task.Token', 'pilot.$': '$.pilot' },
        },
        ResultPath: '$.decision',
        End: true,
      },
    },
  };

  async function waiting(): Promise<{ executionArn: string; token: string }> {
    const executionArn = await start(h.sfn, await createMachine(h.sfn, callback), { pilot: '解放街' });
    await h.runtime.whenIdle();
    return { executionArn, token: tokens.at(-1)! };
  }

  it('waits for SendTaskSuccess and continues with its output', async () => {
    const { executionArn, token } = await waiting();
    expect((await describeExecution(h.sfn, executionArn)).status).toBe('RUNNING');
    await h.sfn.send(
      new SendTaskSuccessCommand({ taskToken: token, output: JSON.stringify({ approved: true }) }),
    );
    await h.runtime.whenIdle();
    const d = await describeExecution(h.sfn, executionArn);
    expect(d.status).toBe('SUCCEEDED');
    expect(JSON.parse(d.output!)).toEqual({ pilot: '解放街', decision: { approved: true } });
    expect(await eventTypes(h.sfn, executionArn)).toEqual([
      'ExecutionStarted',
      'TaskStateEntered',
      'TaskScheduled',
      'TaskStarted',
      'TaskSubmitted',
      'TaskSucceeded',
      'TaskStateExited',
      'ExecutionSucceeded',
    ]);
  });

  it('fails the task with the error and cause of SendTaskFailure', async () => {
    const { executionArn, token } = await waiting();
    await h.sfn.send(new SendTaskFailureCommand({ taskToken: token, error: 'Returned', cause: '退回' }));
    await h.runtime.whenIdle();
    const d = await describeExecution(h.sfn, executionArn);
    expect([d.status, d.error, d.cause]).toEqual(['FAILED', 'Returned', '退回']);
  });

  it('refuses a token whose task has closed with TaskTimedOut', async () => {
    const { token } = await waiting();
    await h.sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: '{}' }));
    await expect(
      h.sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: '{}' })),
    ).rejects.toMatchObject({
      name: 'TaskTimedOut',
      $metadata: { httpStatusCode: 400 },
    });
  });

  it('closes the token when the execution is stopped', async () => {
    const { executionArn, token } = await waiting();
    await h.sfn.send(new StopExecutionCommand({ executionArn, error: 'Cancelled', cause: 'plan withdrawn' }));
    const d = await describeExecution(h.sfn, executionArn);
    expect([d.status, d.error, d.cause]).toEqual(['ABORTED', 'Cancelled', 'plan withdrawn']);
    expect((await eventTypes(h.sfn, executionArn)).at(-1)).toBe('ExecutionAborted');
    await expect(
      h.sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: '{}' })),
    ).rejects.toMatchObject({
      name: 'TaskTimedOut',
    });
  });
});

describe('nested executions', () => {
  let child: string;
  let failing: string;
  beforeAll(async () => {
    child = await createMachine(h.sfn, {
      StartAt: 'W',
      States: {
        W: { Type: 'Wait', Seconds: 60, Next: 'P' },
        P: { Type: 'Pass', Parameters: { 'stage.$': '$.stage', done: true }, End: true },
      },
    });
    failing = await createMachine(h.sfn, {
      StartAt: 'F',
      States: { F: { Type: 'Fail', Error: 'StageFailed', Cause: 'x' } },
    });
  });
  const parent = (resource: string, machine: () => string) => ({
    StartAt: 'Stage',
    States: {
      Stage: {
        Type: 'Task',
        Resource: `arn:aws:states:::states:${resource}`,
        Parameters: {
          StateMachineArn: machine(),
          Input: { stage: 'Launch', 'AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID.$': '$$.Execution.Id' },
        },
        End: true,
      },
    },
  });

  it('startExecution returns the nested ExecutionArn and StartDate without waiting', async () => {
    const r = await run(
      h,
      parent('startExecution', () => child),
    );
    expect(Object.keys(r.out).sort()).toEqual(['ExecutionArn', 'StartDate']);
    expect(r.out.ExecutionArn).toContain(':execution:');
  });

  it('startExecution.sync waits and outputs DescribeExecution with Output as a JSON string', async () => {
    const r = await run(
      h,
      parent('startExecution.sync', () => child),
    );
    expect(r.out).toMatchObject({ Status: 'SUCCEEDED', StateMachineArn: child });
    expect(typeof r.out.Output).toBe('string');
    expect(JSON.parse(r.out.Output)).toEqual({ stage: 'Launch', done: true });
    const events = await eventTypes(h.sfn, r.executionArn);
    expect(events).toEqual(expect.arrayContaining(['TaskSubmitted', 'TaskSucceeded']));
  });

  it('startExecution.sync:2 outputs Output as JSON', async () => {
    const r = await run(
      h,
      parent('startExecution.sync:2', () => child),
    );
    expect(r.out.Output).toEqual({ stage: 'Launch', done: true });
  });

  it('stops a nested .sync execution when its parent is stopped', async () => {
    const executionArn = await start(
      h.sfn,
      await createMachine(
        h.sfn,
        parent('startExecution.sync:2', () => child),
      ),
    );
    await h.runtime.whenIdle();
    const submitted = (await history(h.sfn, executionArn)).find((e) => e.type === 'TaskSubmitted')!;
    const nested = JSON.parse(submitted.taskSubmittedEventDetails!.output!).ExecutionArn as string;
    expect((await describeExecution(h.sfn, nested)).status).toBe('RUNNING');
    await h.sfn.send(new StopExecutionCommand({ executionArn }));
    expect((await describeExecution(h.sfn, nested)).status).toBe('ABORTED');
  });

  it('fails the parent task with States.TaskFailed when the nested execution fails', async () => {
    const r = await run(
      h,
      parent('startExecution.sync:2', () => failing),
    );
    expect(r.error).toBe('States.TaskFailed');
    expect(JSON.parse(r.cause!)).toMatchObject({ Status: 'FAILED', Error: 'StageFailed' });
  });
});

describe('unknown resources', () => {
  it('are refused at creation, naming the resource and the state, never run silently', async () => {
    const definition = {
      StartAt: 'T',
      States: {
        T: {
          Type: 'Task',
          Resource: 'arn:aws:states:::sqs:sendMessage',
          Catch: [{ ErrorEquals: ['States.ALL'], Next: 'X' }],
          End: true,
        },
        X: { Type: 'Succeed' },
      },
    };
    await expect(createMachine(h.sfn, definition)).rejects.toMatchObject({
      name: 'InvalidDefinition',
      message: expect.stringMatching(/sqs:sendMessage.* at \/States\/T\/Resource/),
    });
  });
});
