// Starts the local cloud on the fixture CDK app (test/fixtures/cloud-app) for integration tests: a fresh data
// directory, free ports, a paused clock at a known time, and assemblies cached across test files and runs.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inject } from 'vitest';
import { type LocalCloud, type LocalCloudOptions, startLocalCloud } from '#local/cloud/index.ts';
import type { RunningDynamoDbLocal } from '#local/cloud/services/dynamodb.ts';
import { quietPort } from '#local/ports.ts';

export const FIXTURE_APP = fileURLToPath(new URL('../fixtures/cloud-app/app.ts', import.meta.url));
export const FIXTURE_PLAN = fileURLToPath(new URL('../fixtures/cloud-app/plan.yaml', import.meta.url));
export const ASSEMBLY_CACHE = fileURLToPath(
  new URL('../../node_modules/.cache/pilotflow/test-assemblies', import.meta.url),
);

/** 2023-01-01T00:00:00Z, where fixture clouds start unless told otherwise. */
export const FIXTURE_START = Date.parse('2023-01-01T00:00:00Z');

export function tempDataDir(): string {
  return mkdtempSync(join(tmpdir(), 'pilotflow-cloud-'));
}

/** A free port below the kernel's ephemeral range, for a cloud's HTTP API and its services after it. */
export const basePort = quietPort;

/**
 * The run's DynamoDB Local for the clouds (test/setup/dynamodb.ts), as the local cloud's `dynamodb` option,
 * in the projects that start one; nothing elsewhere (the cloud then starts its own JVM). A test of the JVM's
 * own life (stop, kill) passes `dynamodb: undefined` after it.
 */
export function runningDynamoDb(): { dynamodb?: RunningDynamoDbLocal } {
  const running = inject('dynamodbRunning');
  return running ? { dynamodb: running } : {};
}

/** Starts the fixture app; `clock: undefined` continues from the data directory's stored time. */
export async function startFixtureCloud(options: LocalCloudOptions = {}): Promise<LocalCloud> {
  return startLocalCloud({
    app: FIXTURE_APP,
    assemblyDir: ASSEMBLY_CACHE,
    port: await basePort(),
    speed: 0,
    plan: FIXTURE_PLAN,
    launch: false,
    log: () => {},
    ...runningDynamoDb(),
    ...('clock' in options ? {} : { clock: FIXTURE_START }),
    ...options,
  });
}

export function adminHeaders(cloud: LocalCloud): Record<string, string> {
  return { authorization: `Bearer ${cloud.endpoints.adminToken}` };
}
