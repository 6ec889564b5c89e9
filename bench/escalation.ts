// Benchmark: the escalation sweep's read phase through the sparse open-tasks-by-due index, against a full
// Scan with a filter making the same selection. DynamoDB Local in memory, the table created from the CDK
// construct's template, 100,000 open tasks of which 1,000 are due. Prints wall time (median of 5) and items
// read (ScannedCount), both as ratios.
//
//   npm run bench:escalation        (TASKS=100000 DUE=1000 RUNS=5 SCAN_SEGMENTS=64 to change the sizes)
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { Template } from 'aws-cdk-lib/assertions';
import { App, Stack } from 'aws-cdk-lib/core';
import { PilotFlowTable } from '#infra/constructs/table.ts';
import { ensureTable, tableResources } from '#local/cloud/tables.ts';
import { LOCAL_AWS, startDynamoDbLocal } from '#local/dynamodb-local.ts';
import { openTasksDueBy } from '#store/escalation.ts';
import { keys } from '#store/keys.ts';
import { createStore, type Store } from '#store/store.ts';
import type { TaskRecord } from '#store/tasks.ts';
import { median } from './figures.ts';

const TASKS = Number(process.env.TASKS ?? 100_000);
const DUE = Number(process.env.DUE ?? 1_000);
const RUNS = Number(process.env.RUNS ?? 5);
const WRITERS = 8;
const SCAN_SEGMENTS = Number(process.env.SCAN_SEGMENTS ?? 64);
const SCAN_WORKERS = 8;
const PAGE_SIZE = 200;

const DAY = 86_400_000;
const NOW = Date.parse('2023-06-01T02:00:00.000Z');
const READ_AHEAD_DAYS = 7;
const READ_UP_TO = new Date(NOW + READ_AHEAD_DAYS * DAY).toISOString();

/** A task item as createTask stores it. Due tasks fall before the read-ahead bound, the others after it. */
function taskItem(i: number): Record<string, unknown> {
  const due = i < DUE;
  const dueAt = new Date(
    due
      ? NOW - 10 * DAY + Math.floor((i / DUE) * (10 + READ_AHEAD_DAYS) * DAY) // overdue up to 10 days … 7 days ahead
      : NOW + (READ_AHEAD_DAYS + 1) * DAY + (i % 240) * DAY, // 8 to 248 days ahead
  ).toISOString();
  const createdAt = new Date(Date.parse(dueAt) - 7 * DAY).toISOString();
  const taskId = `bench-${String(i).padStart(6, '0')}`;
  const pilotId = `pilot-${i % 1000}`;
  const record: TaskRecord = {
    taskId,
    programmeId: 'bench-programme',
    pilotId,
    stage: 'implementation',
    kind: 'supervisionCheck',
    step: 'Monthly supervision check',
    title: '月度督查',
    round: 1,
    assignees: [{ name: '李华', email: `pilot-${i % 1000}@xx-town.example`, unitId: pilotId }],
    dueAt,
    createdAt,
    status: 'open',
    // Step Functions task tokens are several hundred characters long.
    taskToken: 'A'.repeat(680),
    executionArn: `arn:aws:states:us-east-1:123456789012:execution:Implementation:${pilotId}`,
    form: { fields: [{ name: 'findings', kind: 'textarea', label: '督查发现' }] },
    escalationLevel: due ? 1 : 0,
  };
  return {
    ...keys.task(taskId),
    ...keys.taskParent(record.programmeId, pilotId, createdAt, taskId),
    ...keys.openTask(dueAt, taskId),
    ...record,
  };
}

async function seed(store: Store): Promise<void> {
  const started = performance.now();
  let next = 0;
  let written = 0;
  let lastReport = 0;
  const writer = async () => {
    while (next < TASKS) {
      const from = next;
      const count = Math.min(TASKS, from + 25) - from;
      next = from + count;
      let requests = Array.from({ length: count }, (_, k) => ({
        PutRequest: { Item: taskItem(from + k) },
      }));
      while (requests.length > 0) {
        const out = await store.db.send(new BatchWriteCommand({ RequestItems: { [store.table]: requests } }));
        requests = (out.UnprocessedItems?.[store.table] ?? []) as typeof requests;
      }
      written += count;
      if (written - lastReport >= 10_000 || written === TASKS) {
        lastReport = written;
        const rate = written / ((performance.now() - started) / 1000);
        process.stdout.write(
          `  seeded ${written.toLocaleString('en')} / ${TASKS.toLocaleString('en')} (${rate.toFixed(0)}/s)\n`,
        );
      }
    }
  };
  await Promise.all(Array.from({ length: WRITERS }, writer));
}

interface ReadResult {
  ids: string[];
  scanned: number;
  ms: number;
}

/** The sweep's read phase: the index pages of open tasks due up to the bound. */
async function readThroughIndex(store: Store): Promise<ReadResult> {
  const started = performance.now();
  const ids: string[] = [];
  let scanned = 0;
  for await (const page of openTasksDueBy(store, READ_UP_TO, PAGE_SIZE)) {
    for (const task of page.tasks) ids.push(task.taskId);
    scanned += page.scanned;
  }
  return { ids, scanned, ms: performance.now() - started };
}

/**
 * The same selection by a full Scan with a filter, as a parallel scan: DynamoDB Local answers each Scan page
 * in time that grows with the table (a sequential scan of 20,000 tasks took over three times as long as one
 * of 10,000), so a sequential scan of 100,000 would measure the emulator. Segments keep each page's range
 * small; the items read are the same, every item of the table.
 */
async function readThroughScan(store: Store): Promise<ReadResult> {
  const started = performance.now();
  const ids: string[] = [];
  let scanned = 0;
  let nextSegment = 0;
  const worker = async () => {
    while (nextSegment < SCAN_SEGMENTS) {
      const segment = nextSegment++;
      let start: Record<string, unknown> | undefined;
      do {
        const out = await store.db.send(
          new ScanCommand({
            TableName: store.table,
            Segment: segment,
            TotalSegments: SCAN_SEGMENTS,
            FilterExpression: '#status = :open AND dueAt <= :dueBy',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':open': 'open', ':dueBy': READ_UP_TO },
            ...(start ? { ExclusiveStartKey: start } : {}),
          }),
        );
        for (const item of out.Items ?? []) ids.push(item.taskId as string);
        scanned += out.ScannedCount ?? 0;
        start = out.LastEvaluatedKey;
      } while (start);
    }
  };
  await Promise.all(Array.from({ length: SCAN_WORKERS }, worker));
  return { ids, scanned, ms: performance.now() - started };
}

async function measure(
  name: string,
  read: () => Promise<ReadResult>,
): Promise<ReadResult & { median: number }> {
  let last: ReadResult | undefined;
  const times: number[] = [];
  for (let run = 1; run <= RUNS; run++) {
    last = await read();
    times.push(last.ms);
    process.stdout.write(`  ${name} run ${run}: ${last.ms.toFixed(0)} ms, ${last.scanned} items read\n`);
  }
  return { ...(last as ReadResult), median: median(times) };
}

async function main(): Promise<void> {
  console.log(
    `Escalation sweep read phase: ${TASKS.toLocaleString('en')} open tasks, ${DUE.toLocaleString('en')} due`,
  );
  const dynamo = await startDynamoDbLocal();
  try {
    const stack = new Stack(new App(), 'Bench');
    new PilotFlowTable(stack, 'Data');
    const [entry] = tableResources(Template.fromStack(stack).toJSON());
    if (!entry) throw new Error('the table construct produced no table');
    const client = new DynamoDBClient({ endpoint: dynamo.endpoint, ...LOCAL_AWS });
    await ensureTable(client, entry[1], 'bench-escalation');
    client.destroy();
    const store = createStore('bench-escalation', { endpoint: dynamo.endpoint, ...LOCAL_AWS });

    console.log('Seeding (BatchWriteItem, 25 items a request, 8 in parallel)…');
    await seed(store);

    console.log(`Reading the tasks due by ${READ_UP_TO} (median of ${RUNS})…`);
    // One unmeasured pass through the index so its first measured run does not pay the emulator's warm-up
    // (a scan pass would take minutes; the median absorbs the scan's warm-up).
    await readThroughIndex(store);
    const index = await measure('index', () => readThroughIndex(store));
    const scan = await measure('scan ', () => readThroughScan(store));

    const same =
      index.ids.length === scan.ids.length && [...index.ids].sort().join() === [...scan.ids].sort().join();
    if (!same || index.ids.length !== DUE) {
      throw new Error(
        `the selections differ: index ${index.ids.length} tasks, scan ${scan.ids.length}, expected ${DUE}`,
      );
    }
    console.log('');
    console.log(`| read phase | tasks selected | items read | wall time (median of ${RUNS}) |`);
    console.log('|---|---|---|---|');
    console.log(
      `| Query on openTasksByDue | ${index.ids.length} | ${index.scanned} | ${index.median.toFixed(0)} ms |`,
    );
    console.log(
      `| Scan with filter (${SCAN_SEGMENTS} segments, ${SCAN_WORKERS} at a time) | ${scan.ids.length} | ${scan.scanned} | ${scan.median.toFixed(0)} ms |`,
    );
    console.log(
      `| scan ÷ index | | ${(scan.scanned / index.scanned).toFixed(1)}× | ${(scan.median / index.median).toFixed(1)}× |`,
    );
    store.db.destroy();
  } finally {
    await dynamo.stop();
  }
}

await main();
