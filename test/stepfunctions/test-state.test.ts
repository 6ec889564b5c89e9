// TestState through @aws-sdk/client-sfn: one state run with an input, at INFO (output, status, next state) and
// DEBUG (each step of the data flow in inspectionData); Task states call a real Lambda endpoint once, and their
// Retry and Catch give RETRIABLE and CAUGHT_ERROR as the API documents; what TestState does not run is refused.
import { type SFNClient, TestStateCommand, type TestStateCommandInput } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, ROLE, sfnClient, startHarness } from './harness.ts';
import { type LambdaServer, startLambdaServer } from './lambda-server.ts';

let h: Harness;
let sfn: SFNClient;
let lambda: LambdaServer;
const FN = 'arn:aws:lambda:us-east-1:123456789012:function';

beforeAll(async () => {
  lambda = await startLambdaServer({
    score: (p) => ({ score: ((p as { votes: number[] }).votes ?? []).reduce((a, b) => a + b, 0) }),
    broken: () => {
      throw new Error('the scoring service is down');
    },
  });
  h = await startHarness({ lambdaEndpoint: lambda.url });
  // Like StartSyncExecution, TestState goes to the endpoint's host prefixed with `sync-` unless turned off.
  sfn = sfnClient(h.endpoint, { disableHostPrefix: true });
});

afterAll(async () => {
  sfn.destroy();
  await h.close();
  await lambda.close();
});

const test = (state: object, input: unknown, more: Partial<TestStateCommandInput> = {}) =>
  sfn.send(
    new TestStateCommand({
      definition: JSON.stringify(state),
      roleArn: ROLE,
      input: JSON.stringify(input),
      ...more,
    }),
  );

describe('TestState runs one state', () => {
  it('shows each step of a JSONPath Pass state at DEBUG, and only the result at INFO', async () => {
    const pass = {
      Type: 'Pass',
      InputPath: '$.plan',
      Parameters: { 'name.$': '$.name', kind: 'pilot' },
      ResultPath: '$.picked',
      OutputPath: '$.picked',
      Next: 'Review',
    };
    const input = { plan: { name: '古城', budget: 3 } };
    const debug = await test(pass, input, { inspectionLevel: 'DEBUG' });
    expect(debug).toMatchObject({
      status: 'SUCCEEDED',
      nextState: 'Review',
      output: JSON.stringify({ name: '古城', kind: 'pilot' }),
    });
    expect(debug.inspectionData).toMatchObject({
      input: JSON.stringify(input),
      afterInputPath: JSON.stringify(input.plan),
      afterParameters: JSON.stringify({ name: '古城', kind: 'pilot' }),
      result: JSON.stringify({ name: '古城', kind: 'pilot' }),
      afterResultPath: JSON.stringify({ ...input, picked: { name: '古城', kind: 'pilot' } }),
    });
    const info = await test(pass, input);
    expect(info.inspectionData).toBeUndefined();
    expect(info.output).toBe(debug.output);
  });

  it('calls the Lambda function of a Task once and shows its result through ResultSelector and ResultPath', async () => {
    const before = lambda.calls.length;
    const out = await test(
      {
        Type: 'Task',
        Resource: 'arn:aws:states:::lambda:invoke',
        Parameters: { FunctionName: `${FN}:score`, 'Payload.$': '$' },
        ResultSelector: { 'score.$': '$.Payload.score' },
        ResultPath: '$.result',
        End: true,
      },
      { votes: [1, 2, 3] },
      { inspectionLevel: 'DEBUG' },
    );
    expect(lambda.calls.slice(before)).toEqual([{ functionName: 'score', payload: { votes: [1, 2, 3] } }]);
    expect(out.status).toBe('SUCCEEDED');
    expect(out.nextState).toBeUndefined();
    expect(JSON.parse(out.output!)).toEqual({ votes: [1, 2, 3], result: { score: 6 } });
    expect(JSON.parse(out.inspectionData!.result!)).toMatchObject({ Payload: { score: 6 }, StatusCode: 200 });
    expect(out.inspectionData!.afterResultSelector).toBe(JSON.stringify({ score: 6 }));
  });

  it('answers RETRIABLE when a Retrier matches the error, CAUGHT_ERROR with the Catcher’s output, FAILED otherwise', async () => {
    const task = { Type: 'Task', Resource: `${FN}:broken`, End: true };
    const retried = await test(
      { ...task, Retry: [{ ErrorEquals: ['States.ALL'], IntervalSeconds: 2 }] },
      {},
      { inspectionLevel: 'DEBUG' },
    );
    expect(retried).toMatchObject({
      status: 'RETRIABLE',
      error: 'Error',
      cause: expect.stringContaining('down'),
    });
    expect(retried.inspectionData?.errorDetails).toEqual({ retryIndex: 0, retryBackoffIntervalSeconds: 2 });

    const caught = await test(
      { ...task, Catch: [{ ErrorEquals: ['Error'], ResultPath: '$.failure', Next: 'Apologise' }] },
      { plan: 'p' },
      { inspectionLevel: 'DEBUG' },
    );
    expect(caught).toMatchObject({ status: 'CAUGHT_ERROR', error: 'Error', nextState: 'Apologise' });
    expect(JSON.parse(caught.output!)).toMatchObject({ plan: 'p', failure: { Error: 'Error' } });
    expect(caught.inspectionData?.errorDetails).toEqual({ catchIndex: 0 });

    const failed = await test(task, {});
    expect(failed).toMatchObject({ status: 'FAILED', error: 'Error' });
    expect(failed.output).toBeUndefined();
  });

  it('runs Choice, Fail and a JSONata Task with Arguments and Assign', async () => {
    const choice = await test(
      {
        Type: 'Choice',
        Choices: [{ Variable: '$.n', NumericGreaterThan: 2, Next: 'Big' }],
        Default: 'Small',
      },
      { n: 3 },
    );
    expect(choice).toMatchObject({ status: 'SUCCEEDED', nextState: 'Big', output: '{"n":3}' });

    const fail = await test({ Type: 'Fail', Error: 'Plan.Rejected', Cause: 'no budget' }, {});
    expect(fail).toMatchObject({ status: 'FAILED', error: 'Plan.Rejected', cause: 'no budget' });

    const jsonata = await test(
      {
        Type: 'Task',
        QueryLanguage: 'JSONata',
        Resource: `${FN}:score`,
        Arguments: { votes: '{% $states.input.votes %}' },
        Assign: { best: '{% $states.result.score %}' },
        Output: '{% $states.result.score * $factor %}',
        Next: 'Done',
      },
      { votes: [4, 5] },
      { inspectionLevel: 'DEBUG', variables: JSON.stringify({ factor: 10 }) },
    );
    expect(jsonata).toMatchObject({ status: 'SUCCEEDED', output: '90', nextState: 'Done' });
    expect(jsonata.inspectionData).toMatchObject({
      afterArguments: JSON.stringify({ votes: [4, 5] }),
      variables: JSON.stringify({ factor: 10, best: 9 }),
    });
  });

  it('runs the state a stateName picks from a whole state machine', async () => {
    const machine = {
      StartAt: 'First',
      States: {
        First: { Type: 'Pass', Next: 'Second' },
        Second: { Type: 'Pass', Result: 'second', End: true },
      },
    };
    const out = await test(machine, {}, { stateName: 'Second' });
    expect(out).toMatchObject({ status: 'SUCCEEDED', output: '"second"' });
  });
});

describe('TestState refuses what it does not run', () => {
  const refusals: Array<[string, object, Partial<TestStateCommandInput>, string]> = [
    [
      'a Map state',
      { Type: 'Map', ItemProcessor: { StartAt: 'P', States: { P: { Type: 'Pass', End: true } } }, End: true },
      {},
      'ValidationException',
    ],
    [
      '.waitForTaskToken',
      {
        Type: 'Task',
        Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
        Parameters: { FunctionName: 'score' },
        End: true,
      },
      {},
      'ValidationException',
    ],
    [
      'an activity',
      { Type: 'Task', Resource: 'arn:aws:states:us-east-1:123456789012:activity:Review', End: true },
      {},
      'ValidationException',
    ],
    [
      'a mock',
      { Type: 'Task', Resource: `${FN}:score`, End: true },
      { mock: { result: '{}' } },
      'ValidationException',
    ],
    [
      'a resource the runtime does not run',
      { Type: 'Task', Resource: 'arn:aws:states:::sqs:sendMessage', End: true },
      {},
      'InvalidDefinition',
    ],
  ];
  for (const [name, state, more, error] of refusals) {
    it(`refuses ${name} with ${error}`, async () => {
      await expect(test(state, {}, more)).rejects.toMatchObject({ name: error });
    });
  }
});
