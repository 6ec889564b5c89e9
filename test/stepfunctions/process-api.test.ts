// `pilotflow stepfunctions` as a process, through @aws-sdk/client-sfn, for what issue 22 added: what the
// runtime does not run it refuses with the state's path, and what it now runs (see docs/stepfunctions.md,
// "Coverage") behaves as on AWS.
import {
  CreateStateMachineAliasCommand,
  CreateStateMachineCommand,
  DescribeExecutionCommand,
  ListTagsForResourceCommand,
  SFNClient,
  StartExecutionCommand,
  StartSyncExecutionCommand,
  ValidateStateMachineDefinitionCommand,
} from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '#local/ports.ts';
import { ROLE } from './harness.ts';
import { type RuntimeProcess, spawnRuntime, until } from './process.ts';

let runtime: RuntimeProcess;
let sfn: SFNClient;
let port: number;

beforeAll(async () => {
  port = await freePort();
  runtime = await spawnRuntime(port, []);
  sfn = runtime.sfn;
}, 120_000);

afterAll(async () => {
  if (runtime.child.exitCode === null) runtime.child.kill('SIGTERM');
  sfn.destroy();
});

let counter = 0;
async function runToEnd(definition: object, input: unknown = {}) {
  const { stateMachineArn } = await sfn.send(
    new CreateStateMachineCommand({
      name: `p${++counter}`,
      definition: JSON.stringify(definition),
      roleArn: ROLE,
    }),
  );
  const { executionArn } = await sfn.send(
    new StartExecutionCommand({ stateMachineArn, input: JSON.stringify(input) }),
  );
  return await until(
    async () => {
      const d = await sfn.send(new DescribeExecutionCommand({ executionArn }));
      return d.status !== 'RUNNING' && d;
    },
    () => runtime.output(),
  );
}

describe('what is not run is refused', () => {
  it('refuses an unsupported integration at validation, with the state path', async () => {
    const out = await sfn.send(
      new ValidateStateMachineDefinitionCommand({
        definition: JSON.stringify({
          StartAt: 'Fetch',
          States: { Fetch: { Type: 'Task', Resource: 'arn:aws:states:::aws-sdk:s3:getObject', End: true } },
        }),
      }),
    );
    expect(out.result).toBe('FAIL');
    expect(out.diagnostics?.[0]).toMatchObject({
      code: 'UNSUPPORTED_BY_LOCAL_RUNTIME',
      location: '/States/Fetch/Resource',
    });
  });

  it('accepts and runs a JSONata Output that is a plain string', async () => {
    const d = await runToEnd({
      QueryLanguage: 'JSONata',
      StartAt: 'P',
      States: { P: { Type: 'Pass', Output: 'accepted', End: true } },
    });
    expect([d.status, d.output]).toEqual(['SUCCEEDED', '"accepted"']);
  });
});

describe('limits', () => {
  it('tolerates 2 failed items of 4 at ToleratedFailurePercentage 50', async () => {
    const d = await runToEnd(
      {
        StartAt: 'Each',
        States: {
          Each: {
            Type: 'Map',
            ToleratedFailurePercentage: 50,
            ItemProcessor: {
              StartAt: 'Check',
              States: {
                Check: {
                  Type: 'Choice',
                  Choices: [{ Variable: '$', BooleanEquals: false, Next: 'Bad' }],
                  Default: 'Good',
                },
                Bad: { Type: 'Fail', Error: 'ItemFailed' },
                Good: { Type: 'Pass', End: true },
              },
            },
            End: true,
          },
        },
      },
      [true, false, true, false],
    );
    expect([d.status, JSON.parse(d.output!)]).toEqual([
      'SUCCEEDED',
      [true, { Error: 'ItemFailed' }, true, { Error: 'ItemFailed' }],
    ]);
  });

  it('fails a loop at 25,000 history events with States.Runtime', async () => {
    const d = await runToEnd(
      {
        StartAt: 'Count',
        States: {
          Count: { Type: 'Pass', Parameters: { 'i.$': 'States.MathAdd($.i, 1)' }, Next: 'Again' },
          Again: {
            Type: 'Choice',
            Choices: [{ Variable: '$.i', NumericLessThan: 7000, Next: 'Count' }],
            Default: 'Done',
          },
          Done: { Type: 'Succeed' },
        },
      },
      { i: 0 },
    );
    expect([d.status, d.error, d.cause]).toEqual([
      'FAILED',
      'States.Runtime',
      'The execution reached the maximum number of history events (25000).',
    ]);
  });

  it('fails an Assign of more than 256 KiB with States.DataLimitExceeded', async () => {
    const d = await runToEnd(
      {
        StartAt: 'Keep',
        States: { Keep: { Type: 'Pass', Assign: { 'a.$': '$.s', 'b.$': '$.s' }, End: true } },
      },
      { s: 'x'.repeat(200_000) },
    );
    expect([d.status, d.error]).toEqual(['FAILED', 'States.DataLimitExceeded']);
  });
});

describe('operations added', () => {
  it('publishes a version at creation and starts it through an alias', async () => {
    const { stateMachineVersionArn } = await sfn.send(
      new CreateStateMachineCommand({
        name: 'Published',
        roleArn: ROLE,
        publish: true,
        definition: JSON.stringify({
          StartAt: 'P',
          States: { P: { Type: 'Pass', Result: 'v1', End: true } },
        }),
      }),
    );
    const { stateMachineAliasArn } = await sfn.send(
      new CreateStateMachineAliasCommand({
        name: 'live',
        routingConfiguration: [{ stateMachineVersionArn, weight: 100 }],
      }),
    );
    const { executionArn } = await sfn.send(
      new StartExecutionCommand({ stateMachineArn: stateMachineAliasArn }),
    );
    const d = await until(async () => {
      const out = await sfn.send(new DescribeExecutionCommand({ executionArn }));
      return out.status !== 'RUNNING' && out;
    });
    expect([d.output, d.stateMachineVersionArn, d.stateMachineAliasArn]).toEqual([
      '"v1"',
      stateMachineVersionArn,
      stateMachineAliasArn,
    ]);
  });

  it('keeps the tags a state machine is created with', async () => {
    const { stateMachineArn } = await sfn.send(
      new CreateStateMachineCommand({
        name: 'TaggedProcess',
        roleArn: ROLE,
        tags: [{ key: 'team', value: 'pilots' }],
        definition: JSON.stringify({ StartAt: 'P', States: { P: { Type: 'Pass', End: true } } }),
      }),
    );
    const out = await sfn.send(new ListTagsForResourceCommand({ resourceArn: stateMachineArn }));
    expect(out.tags).toEqual([{ key: 'team', value: 'pilots' }]);
  });

  it('answers StartSyncExecution of an EXPRESS machine to a client without the sync- host prefix', async () => {
    const { stateMachineArn } = await sfn.send(
      new CreateStateMachineCommand({
        name: 'ExpressProcess',
        roleArn: ROLE,
        type: 'EXPRESS',
        definition: JSON.stringify({ StartAt: 'P', States: { P: { Type: 'Pass', End: true } } }),
      }),
    );
    const client = new SFNClient({
      endpoint: `http://127.0.0.1:${port}`,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      maxAttempts: 1,
      disableHostPrefix: true,
    });
    try {
      const out = await client.send(new StartSyncExecutionCommand({ stateMachineArn, input: '{"a":1}' }));
      expect([out.status, out.output]).toEqual(['SUCCEEDED', '{"a":1}']);
    } finally {
      client.destroy();
    }
  });
});
