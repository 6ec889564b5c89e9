// Benchmark: what one request shape costs DynamoDB Local's JVM and Node's client, per operation: two consistent
// GetItems against one BatchGet of the same two items (a link page's task and plan head), and an UpdateItem plus
// a 2-item transaction against one 3-item transaction (an e-mail's "sent" mark and its audit event). A warm-up
// round, then 3 rounds of N of each in turns; JVM CPU from /proc/<pid>/stat, Node's from process.cpuUsage().
//
//   node bench/request-shapes.ts        (N=400 by default)
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { LOCAL_AWS, startDynamoDbLocal } from '#local/dynamodb-local.ts';

let pid = 0;
const ddb = await startDynamoDbLocal({
  dataDir: mkdtempSync(join(tmpdir(), 'request-shapes-')),
  onSpawn: (c) => {
    pid = c.pid ?? 0;
  },
});
const endpoint = ddb.endpoint;
const raw = new DynamoDBClient({ endpoint, ...LOCAL_AWS });
const db = DynamoDBDocumentClient.from(raw);
const T = `t${Date.now()}`;
await raw.send(
  new CreateTableCommand({
    TableName: T,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [
      { AttributeName: 'pk', AttributeType: 'S' },
      { AttributeName: 'sk', AttributeType: 'S' },
    ],
    KeySchema: [
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ],
  }),
);
const big = 'x'.repeat(3000);
await db.send(
  new PutCommand({ TableName: T, Item: { pk: 'TASK#1', sk: 'TASK', body: big, status: 'open' } }),
);
await db.send(new PutCommand({ TableName: T, Item: { pk: 'PROGRAMME#p', sk: 'PLANHEAD', version: 1 } }));
const jvm = () => {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(f[11]) + Number(f[12])) * 10;
};
const N = Number(process.env.N ?? 400);
/** sendOnce's lease marked finished: alone (an UpdateItem) or in the joint transaction. */
const leaseFinish = (tag: string, i: number) => ({
  TableName: T,
  Key: { pk: `ONCE${tag}#${i}`, sk: 'x' },
  UpdateExpression: 'SET claimedAt = :a REMOVE lease',
  ConditionExpression: 'lease = :l',
  ExpressionAttributeValues: { ':a': 'a', ':l': 'L' },
});

/** The two writes sendOnce's joint transaction adds to the lease's: the audit event's claim and the event. */
const claimAndAudit = (tag: string, i: number) => [
  {
    Put: {
      TableName: T,
      Item: { pk: `ONCEA${tag}#${i}`, sk: 'x' },
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  },
  {
    Put: {
      TableName: T,
      Item: { pk: `AUDIT${tag}#${i}`, sk: 'x', body: big },
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  },
];

const patterns: Record<string, (i: number) => Promise<unknown>> = {
  twoGets: async () => {
    await db.send(new GetCommand({ TableName: T, Key: { pk: 'TASK#1', sk: 'TASK' }, ConsistentRead: true }));
    await db.send(
      new GetCommand({ TableName: T, Key: { pk: 'PROGRAMME#p', sk: 'PLANHEAD' }, ConsistentRead: true }),
    );
  },
  batchGet: () =>
    db.send(
      new BatchGetCommand({
        RequestItems: {
          [T]: {
            Keys: [
              { pk: 'TASK#1', sk: 'TASK' },
              { pk: 'PROGRAMME#p', sk: 'PLANHEAD' },
            ],
            ConsistentRead: true,
          },
        },
      }),
    ),
  updatePlusTx2: async (i) => {
    await db.send(new PutCommand({ TableName: T, Item: { pk: `ONCE#${i}`, sk: 'x', lease: 'L' } }));
    await db.send(new UpdateCommand(leaseFinish('', i)));
    await db.send(new TransactWriteCommand({ TransactItems: claimAndAudit('', i) }));
  },
  tx3: async (i) => {
    await db.send(new PutCommand({ TableName: T, Item: { pk: `ONCE3#${i}`, sk: 'x', lease: 'L' } }));
    await db.send(
      new TransactWriteCommand({
        TransactItems: [{ Update: leaseFinish('3', i) }, ...claimAndAudit('3', i)],
      }),
    );
  },
};
const totals: Record<string, { jvm: number; node: number }> = {};
for (let round = 0; round < 4; round++) {
  for (const [name, fn] of Object.entries(patterns)) {
    const j0 = jvm();
    const c0 = process.cpuUsage();
    for (let i = 0; i < N; i++) await fn(round * N + i);
    const c = process.cpuUsage(c0);
    const j = jvm() - j0;
    if (round === 0) continue; // warm-up
    totals[name] ??= { jvm: 0, node: 0 };
    totals[name].jvm += j;
    totals[name].node += (c.user + c.system) / 1000;
  }
}
for (const [name, t] of Object.entries(totals))
  console.log(
    name,
    'per op: JVM',
    (t.jvm / (3 * N)).toFixed(2),
    'ms, node',
    (t.node / (3 * N)).toFixed(2),
    'ms',
  );
await ddb.stop();
process.exit(0);
