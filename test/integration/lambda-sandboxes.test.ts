// How the local Lambda service starts execution environments for a burst of invocations (local/cloud/lambda.ts,
// FunctionHost): real worker threads running a function written here, whose init takes a set time.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ControlledClock } from '#local/clock.ts';
import { LambdaService, type LocalFunction } from '#local/cloud/lambda.ts';

// Its init sleeps INIT_MS (synchronously: no top-level await in a sandbox, docs/local-cloud.md); each invocation
// sleeps `ms` and says which sandbox ran it.
const HANDLER = `
const sleep = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
sleep(Number(process.env.INIT_MS));
const sandbox = Math.random().toString(36).slice(2);
export const handler = async (event) => {
  await new Promise((resolve) => setTimeout(resolve, event.ms));
  return { sandbox };
};
`;

let dir: string;
let lambda: LambdaService;

function fn(name: string, initMs: number): LocalFunction {
  return {
    logicalId: name,
    path: `Test/${name}/Resource`,
    name,
    arn: `arn:aws:lambda:us-east-1:000000000000:function:${name}`,
    handler: 'index.handler',
    runtime: 'nodejs24.x',
    codeDir: dir,
    timeoutSeconds: 30,
    memoryMb: 128,
    environment: { INIT_MS: String(initMs) },
  };
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'pilotflow-sandboxes-'));
  writeFileSync(join(dir, 'index.mjs'), HANDLER);
  lambda = new LambdaService({
    functions: [fn('Short', 1000), fn('Queue', 300), fn('Long', 300)],
    clock: new ControlledClock(),
    logDir: join(dir, 'logs'),
    region: 'us-east-1',
    baseEnvironment: {},
    compileCacheDir: false,
  });
});

afterAll(async () => {
  await lambda?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function burst(name: string, n: number, ms: number): Promise<string[]> {
  const results = await Promise.all(Array.from({ length: n }, () => lambda.invoke(name, { ms })));
  return results.map((r) => (r.payload as { sandbox: string }).sandbox);
}

describe('a burst of invocations on a cold function', () => {
  test('of short invocations is served by the one sandbox that started, one after another', async () => {
    // The init takes 1 s; each invocation 5 ms: the queue moves long before a second start would be worth it.
    const sandboxes = await burst('Short', 6, 5);
    expect(new Set(sandboxes).size).toBe(1);
  });

  test('of many short invocations gets more sandboxes, once the queue would outlast a start', async () => {
    // The init takes 300 ms; 200 invocations of 20 ms each: one sandbox would take about 4 s for the queue, more
    // than a start even on a busy machine.
    const sandboxes = await burst('Queue', 200, 20);
    expect(new Set(sandboxes).size).toBeGreaterThan(1);
  });

  test('of invocations longer than a start still gets more than one sandbox', async () => {
    // The init takes 300 ms; each invocation 1.5 s: the queue stands still, so another sandbox starts once it
    // has for as long as the first took to start.
    const sandboxes = await burst('Long', 6, 1500);
    expect(new Set(sandboxes).size).toBeGreaterThan(1);
  });
});
