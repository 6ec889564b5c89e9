// Vitest global setup: one DynamoDB Local for each project that names this setup, for the whole run, on a free
// port. Tests read its endpoint with `inject('dynamodbEndpoint')` and create their own uniquely named tables.
// The local clouds the tests start keep their tables in it too (`inject('dynamodbRunning')`, the local cloud's
// `dynamodb` option), each in a database of its own, instead of each starting a JVM: the JVM's start (about 2 s
// of CPU) and the wait for it saved per cloud start (docs/benchmarks.md, "One DynamoDB Local for the test
// clouds").
//
// Without -sharedDb, DynamoDB Local keeps one database file per access key, so its files go to /dev/shm where
// there is one (temporaryRoot(), as a temporary rehearsal's): a memory file system, on which SQLite's writes cost about what -inMemory's do (1,000 PutItems
// from one client, 2026-12-03: 3.2 ms each on /dev/shm, 2.2–2.7 ms in memory, 4.1–5.2 ms on this machine's
// disk), while files can still be copied in and out (a cloud's data directory).
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { temporaryRoot } from '#local/cloud/files.ts';
import type { RunningDynamoDbLocal } from '#local/cloud/services/dynamodb.ts';
import { startDynamoDbLocal } from '#local/dynamodb-local.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    dynamodbEndpoint: string;
    dynamodbRunning: RunningDynamoDbLocal;
  }
}

export default async function setup(project: TestProject) {
  const dbPath = mkdtempSync(join(temporaryRoot(), 'pilotflow-ddb-'));
  const dynamo = await startDynamoDbLocal({ dataDir: dbPath, sharedDb: false });
  project.provide('dynamodbEndpoint', dynamo.endpoint);
  project.provide('dynamodbRunning', { endpoint: dynamo.endpoint, dbPath });
  return async () => {
    await dynamo.stop();
    rmSync(dbPath, { recursive: true, force: true });
  };
}
