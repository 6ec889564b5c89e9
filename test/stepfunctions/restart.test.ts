// Durability: `pilotflow stepfunctions --data-dir` killed with SIGKILL while one execution waits on a task
// token and another sits in a 2-second Wait; started again on the same directory, both finish with complete,
// ordered histories, and the token issued before the kill still works.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SendTaskSuccessCommand } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { freePort } from '#local/ports.ts';
import { createMachine, describe as describeExecution, history, start } from './harness.ts';
import { type LambdaServer, startLambdaServer } from './lambda-server.ts';
import { killAndRestart, type RuntimeProcess, spawnRuntime, until } from './process.ts';

let dataDir: string;
let lambda: LambdaServer;
let runtime: RuntimeProcess | undefined;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'pilotflow-sfn-'));
  lambda = await startLambdaServer({ 'open-task': () => ({ stored: true }) });
});

afterAll(async () => {
  runtime?.child.kill('SIGKILL');
  runtime?.sfn.destroy();
  await lambda.close();
  rmSync(dataDir, { recursive: true, force: true });
});

it('continues a token wait and a timed Wait after SIGKILL and a restart on the same data directory', async () => {
  const port = await freePort();
  const args = ['--data-dir', dataDir, '--lambda-endpoint', lambda.url];
  runtime = await spawnRuntime(port, args);
  let sfn = runtime.sfn;

  const approval = await createMachine(sfn, {
    StartAt: 'Approve',
    States: {
      Approve: {
        Type: 'Task',
        Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
        Parameters: { FunctionName: 'open-task', Payload: { 'token.$': '$$.Task.Token' } },
        Next: 'Done',
      },
      Done: { Type: 'Pass', End: true },
    },
  });
  const timed = await createMachine(sfn, {
    StartAt: 'Before',
    States: {
      Before: { Type: 'Pass', Next: 'Hold' },
      Hold: { Type: 'Wait', Seconds: 2, Next: 'After' },
      After: { Type: 'Pass', Result: 'waited', End: true },
    },
  });
  const waitingOnToken = await start(sfn, approval, { pilot: '古城' });
  const waitingOnTimer = await start(sfn, timed, {});
  const token = await until(async () => (lambda.calls[0]?.payload as { token?: string } | undefined)?.token);
  await until(async () => (await history(sfn, waitingOnTimer)).some((e) => e.type === 'WaitStateEntered'));

  runtime = await killAndRestart(runtime, port, args);
  sfn = runtime.sfn;

  await sfn.send(
    new SendTaskSuccessCommand({ taskToken: token, output: JSON.stringify({ approved: true }) }),
  );
  const finished = async (arn: string) => {
    const d = await describeExecution(sfn, arn);
    return d.status !== 'RUNNING' && d;
  };
  const tokenResult = await until(() => finished(waitingOnToken));
  const timerResult = await until(() => finished(waitingOnTimer));
  expect([tokenResult.status, JSON.parse(tokenResult.output!)]).toEqual(['SUCCEEDED', { approved: true }]);
  expect([timerResult.status, JSON.parse(timerResult.output!)]).toEqual(['SUCCEEDED', 'waited']);

  const tokenHistory = await history(sfn, waitingOnToken);
  expect(tokenHistory.map((e) => e.type)).toEqual([
    'ExecutionStarted',
    'TaskStateEntered',
    'TaskScheduled',
    'TaskStarted',
    'TaskSubmitted',
    'TaskSucceeded',
    'TaskStateExited',
    'PassStateEntered',
    'PassStateExited',
    'ExecutionSucceeded',
  ]);
  const timerHistory = await history(sfn, waitingOnTimer);
  expect(timerHistory.map((e) => e.type)).toEqual([
    'ExecutionStarted',
    'PassStateEntered',
    'PassStateExited',
    'WaitStateEntered',
    'WaitStateExited',
    'PassStateEntered',
    'PassStateExited',
    'ExecutionSucceeded',
  ]);
  for (const events of [tokenHistory, timerHistory]) {
    expect(events.map((e) => e.id)).toEqual(events.map((_, i) => i + 1));
    for (let i = 1; i < events.length; i++) {
      expect(events[i]!.previousEventId).toBeLessThan(events[i]!.id!);
      expect(events[i]!.timestamp!.getTime()).toBeGreaterThanOrEqual(events[i - 1]!.timestamp!.getTime());
    }
  }
  // The Lambda ran once: the restart did not repeat a call whose result was already recorded.
  expect(lambda.calls).toHaveLength(1);
}, 180_000);
