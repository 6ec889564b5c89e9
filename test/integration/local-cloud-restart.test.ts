// The local cloud across restarts of one data directory: one owner at a time, the clock and the schedules'
// fire times carried over, the plan launched once, and the resources always those of the current assembly;
// and its tables kept in a DynamoDB Local that was already running.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { LocalCloud } from '#local/cloud/index.ts';
import { LOCAL_AWS } from '#local/dynamodb-local.ts';
import { FIXTURE_START, runningDynamoDb, startFixtureCloud, tempDataDir } from '#test/support/local-cloud.ts';

const HOUR = 3_600_000;
const dataDir = tempDataDir();
let cloud: LocalCloud;

async function sortKeys(action: 'ticks' | 'items', pk?: string): Promise<unknown[]> {
  const result = await cloud.invoke('Probe', { action, ...(pk ? { pk } : {}) });
  const payload = result.payload as { ticks?: unknown[]; items?: unknown[] };
  return (payload.ticks ?? payload.items) as unknown[];
}

/** A pid that no process has any more. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {
    encoding: 'utf8',
  });
  return Number(child.stdout);
}

beforeAll(async () => {
  cloud = await startFixtureCloud({ dataDir, launch: true });
});

afterAll(async () => {
  await cloud?.stop();
});

describe('one data directory, several starts', () => {
  test('the plan is launched through the function the template marks as the launcher when the cloud first starts', async () => {
    expect(await sortKeys('items', 'LAUNCH')).toHaveLength(1);
  });

  test('a second start on a data directory in use is refused with the owner’s pid', async () => {
    await expect(startFixtureCloud({ dataDir })).rejects.toThrow(`already in use by pid ${process.pid}`);
  });

  test('after a restart, over a stale lock, the clock continues, no schedule fire is repeated or skipped, and executions go on', async () => {
    await cloud.clock.advanceTo(FIXTURE_START + 2 * HOUR + 30 * 60_000);
    expect(await sortKeys('ticks')).toEqual([
      '2023-01-01T00:00:00Z',
      '2023-01-01T01:00:00Z',
      '2023-01-01T02:00:00Z',
    ]);
    const [machine] = cloud.resources.stateMachines;
    const { executionArn } = await cloud.runtime.startExecution({
      stateMachineArn: machine?.arn,
      input: '{}',
    });
    await cloud.whenIdle();
    await cloud.stop();
    writeFileSync(join(dataDir, 'pilotflow.lock'), JSON.stringify({ pid: deadPid() }));

    cloud = await startFixtureCloud({ dataDir, clock: undefined, launch: true });
    expect(cloud.clock.now()).toBe(FIXTURE_START + 2 * HOUR + 30 * 60_000);
    await cloud.clock.advance(HOUR);
    expect(await sortKeys('ticks')).toEqual([
      '2023-01-01T00:00:00Z',
      '2023-01-01T01:00:00Z',
      '2023-01-01T02:00:00Z',
      '2023-01-01T03:00:00Z',
    ]);
    expect(await sortKeys('items', 'LAUNCH')).toHaveLength(1);

    // The execution that was waiting for a day when the cloud stopped finishes on the restarted clock.
    expect((await cloud.runtime.describeExecution({ executionArn })).status).toBe('RUNNING');
    await cloud.clock.advance(24 * HOUR);
    expect((await cloud.runtime.describeExecution({ executionArn })).status).toBe('SUCCEEDED');
  });

  test('a function and its route removed from the CDK app are gone from the local cloud', async () => {
    expect(cloud.lambda.find('Extra')).toBeDefined();
    expect(await (await fetch(`${cloud.endpoints.api}/extra`)).json()).toEqual({
      route: 'GET /extra',
      greeting: 'extra',
    });
    await cloud.stop();

    cloud = await startFixtureCloud({
      dataDir,
      clock: undefined,
      context: { 'fixture:without-extra': true },
    });
    expect(cloud.resources.functions.map((f) => f.path)).not.toContain('Fixture/Extra/Resource');
    expect(cloud.resources.functions.map((f) => f.path)).toContain('Fixture/Probe/Resource');
    await expect(cloud.invoke('Extra', {})).rejects.toThrow(/Function not found/);
    // The path is no route any more: it goes to the API's $default route, like any unknown path.
    expect(cloud.resources.apis.flatMap((a) => a.routes.map((r) => r.routeKey))).not.toContain('GET /extra');
    expect(await (await fetch(`${cloud.endpoints.api}/extra`)).json()).toEqual({
      route: '$default',
      greeting: 'bonjour',
    });
  });
});

// The suite's clouds keep their tables in the run's DynamoDB Local (test/setup/dynamodb.ts), as the `dynamodb`
// option lets any caller: one database per cloud, in and out of the data directory at start and stop.
describe('on a DynamoDB Local that is already running', () => {
  test('two clouds on it see only their own items', async () => {
    expect(runningDynamoDb().dynamodb?.endpoint).toBe(cloud.endpoints.dynamodb);
    const other = await startFixtureCloud({ dataDir: tempDataDir() });
    try {
      expect(other.endpoints.dynamodb).toBe(cloud.endpoints.dynamodb);
      expect(other.aws.credentials.accessKeyId).not.toBe(cloud.aws.credentials.accessKeyId);
      const launches = await other.invoke('Probe', { action: 'items', pk: 'LAUNCH' });
      expect((launches.payload as { items: unknown[] }).items).toEqual([]);
      expect(await sortKeys('items', 'LAUNCH')).toHaveLength(1);
    } finally {
      await other.stop();
    }
  });

  test('after a stop the data directory holds the tables: a start with a JVM of its own continues from them', async () => {
    await cloud.stop();
    cloud = await startFixtureCloud({ dataDir, clock: undefined, dynamodb: undefined });
    expect(cloud.endpoints.dynamodb).not.toBe(runningDynamoDb().dynamodb?.endpoint);
    expect(cloud.aws).toEqual(LOCAL_AWS);
    expect(await sortKeys('items', 'LAUNCH')).toHaveLength(1);
  });
});
