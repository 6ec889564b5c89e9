// Template tables in DynamoDB Local across template changes, as CloudFormation updates them: indexes added
// and removed on the existing table (its items kept), and a changed key schema refused rather than replaced.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { DescribeTableCommand, DynamoDBClient, PutItemCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ensureTable, type TemplateResource } from '#local/cloud/tables.ts';
import { type DynamoDbLocal, LOCAL_AWS, startDynamoDbLocal } from '#local/dynamodb-local.ts';

// Its own DynamoDB Local: on the instance the other test files share, this test's index changes stayed
// unfinished past 4 minutes in two full runs (cause not found; alone they finish in about 2 s).
let dynamo: DynamoDbLocal;
let client: DynamoDBClient;
beforeAll(async () => {
  dynamo = await startDynamoDbLocal();
  client = new DynamoDBClient({ endpoint: dynamo.endpoint, ...LOCAL_AWS });
}, 120_000);
afterAll(async () => {
  client?.destroy();
  await dynamo?.stop();
});

const S = (name: string) => ({ AttributeName: name, AttributeType: 'S' });
const keys = (pk: string, sk: string) => [
  { AttributeName: pk, KeyType: 'HASH' },
  { AttributeName: sk, KeyType: 'RANGE' },
];

function table(indexes: string[], pk = 'pk'): TemplateResource {
  return {
    Type: 'AWS::DynamoDB::Table',
    Properties: {
      KeySchema: keys(pk, 'sk'),
      AttributeDefinitions: [S(pk), S('sk'), ...indexes.flatMap((i) => [S(`${i}pk`), S(`${i}sk`)])],
      GlobalSecondaryIndexes: indexes.map((i) => ({
        IndexName: i,
        KeySchema: keys(`${i}pk`, `${i}sk`),
        Projection: { ProjectionType: 'ALL' },
      })),
      TimeToLiveSpecification: { AttributeName: 'ttl', Enabled: true },
    },
  };
}

describe('a template table that already exists', () => {
  test('gains the indexes the template added and loses the ones it dropped, keeping its items', {
    timeout: 120_000,
  }, async () => {
    const name = `tables-${randomUUID()}`;
    await ensureTable(client, table(['byParent', 'byDue']), name);
    await client.send(new PutItemCommand({ TableName: name, Item: { pk: { S: 'a' }, sk: { S: 'b' } } }));

    await ensureTable(client, table(['byParent', 'byAssignee']), name);

    const { Table } = await client.send(new DescribeTableCommand({ TableName: name }));
    expect((Table?.GlobalSecondaryIndexes ?? []).map((i) => i.IndexName).sort()).toEqual([
      'byAssignee',
      'byParent',
    ]);
    expect((await client.send(new ScanCommand({ TableName: name }))).Count).toBe(1);
  });

  test('is not replaced when the template changes its key schema: the error says what to do', async () => {
    const name = `tables-${randomUUID()}`;
    await ensureTable(client, table([]), name);
    await expect(ensureTable(client, table([], 'id'), name)).rejects.toThrow(
      /key schema.*remove the data directory/,
    );
  });
});

describe('DynamoDB Local', () => {
  test('runs with its telemetry off (the local cloud is offline), leaving this process’s environment as it was', () => {
    const environ = readFileSync(`/proc/${dynamo.process.pid}/environ`, 'utf8').split('\0');
    expect(environ).toContain('DDB_LOCAL_TELEMETRY=0');
    const options = environ.find((v) => v.startsWith('JAVA_TOOL_OPTIONS='));
    expect(options).toContain('-XX:+UseSerialGC');
    // The quick compiler by default: C1 only, for a fast start.
    expect(options).toContain('-XX:TieredStopAtLevel=1');
    expect(process.env.DDB_LOCAL_TELEMETRY).toBeUndefined();
  });

  test('runs with the optimising compiler (C1 and C2) when asked, as a large rehearsal asks', {
    timeout: 120_000,
  }, async () => {
    const optimising = await startDynamoDbLocal({ compiler: 'optimising' });
    try {
      const environ = readFileSync(`/proc/${optimising.process.pid}/environ`, 'utf8').split('\0');
      const options = environ.find((v) => v.startsWith('JAVA_TOOL_OPTIONS='));
      expect(options).toContain('-XX:+UseSerialGC');
      expect(options).not.toContain('TieredStopAtLevel');
    } finally {
      await optimising.stop();
    }
  });
});
