// What the local cloud counts for a cost estimate: invocations per function, states entered, schedule fires,
// and (with `meter`) the DynamoDB requests of the functions and the runtime by operation, through a proxy that
// passes every request on unchanged.
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { LocalCloud } from '#local/cloud/index.ts';
import { startFixtureCloud, tempDataDir } from '#test/support/local-cloud.ts';

let cloud: LocalCloud;

beforeAll(async () => {
  cloud = await startFixtureCloud({ dataDir: tempDataDir(), meter: true });
});

afterAll(async () => {
  await cloud?.stop();
});

describe('usage', () => {
  test('counts each function’s invocations and its DynamoDB requests by operation, with the answers unchanged', async () => {
    const probe = cloud.lambda.find('Probe');
    if (!probe) throw new Error('the fixture app has no Probe function');
    const before = cloud.usage();

    await cloud.invoke('Probe', { action: 'tick', scheduledTime: '2023-01-01T05:00:00Z' });
    await cloud.invoke('Probe', { action: 'tick', scheduledTime: '2023-01-01T06:00:00Z' });
    const listed = await cloud.invoke('Probe', { action: 'ticks' });

    expect(listed.payload).toMatchObject({ ticks: expect.arrayContaining(['2023-01-01T05:00:00Z']) });
    const after = cloud.usage();
    expect((after.lambdaInvocations[probe.name] ?? 0) - (before.lambdaInvocations[probe.name] ?? 0)).toBe(3);
    expect((after.dynamodbRequests?.PutItem ?? 0) - (before.dynamodbRequests?.PutItem ?? 0)).toBe(2);
    expect((after.dynamodbRequests?.Query ?? 0) - (before.dynamodbRequests?.Query ?? 0)).toBe(1);
  });

  test('does not count requests made to DynamoDB Local’s own endpoint (the caller’s, not the system’s)', async () => {
    const before = cloud.usage().dynamodbRequests ?? {};
    const client = new DynamoDBClient({ endpoint: cloud.endpoints.dynamodb, ...cloud.aws });
    await client.send(new ListTablesCommand({}));
    client.destroy();
    expect(cloud.usage().dynamodbRequests ?? {}).toEqual(before);
  });

  test('counts states entered by the executions it runs', async () => {
    const [machine] = cloud.resources.stateMachines;
    const before = cloud.usage().stateTransitions;
    const { executionArn } = await cloud.runtime.startExecution({
      stateMachineArn: machine?.arn,
      input: '{}',
    });
    await cloud.whenIdle();
    const { events } = await cloud.runtime.getExecutionHistory({ executionArn });
    const entered = events.filter((e) => e.type?.endsWith('StateEntered')).length;
    expect(entered).toBeGreaterThan(0);
    expect(cloud.usage().stateTransitions - before).toBe(entered);
  });
});
