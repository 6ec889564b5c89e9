// Activities are durable: `pilotflow stepfunctions --data-dir` killed with SIGKILL while one activity task is with
// a worker and another is queued; started again on the same directory, the activity is still there, the queued
// task goes to the next worker that polls, the token the first worker holds still works, and both executions
// finish with their histories complete.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateActivityCommand,
  DescribeActivityCommand,
  GetActivityTaskCommand,
  SendTaskSuccessCommand,
} from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { freePort } from '#local/ports.ts';
import { createMachine, describe as describeExecution, eventTypes, start } from './harness.ts';
import { killAndRestart, type RuntimeProcess, spawnRuntime, until } from './process.ts';

let dataDir: string;
let runtime: RuntimeProcess | undefined;

beforeAll(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'pilotflow-sfn-activities-'));
});

afterAll(() => {
  runtime?.child.kill('SIGKILL');
  runtime?.sfn.destroy();
  rmSync(dataDir, { recursive: true, force: true });
});

it('keeps activities, queued tasks and workers’ tokens across SIGKILL and a restart', async () => {
  const port = await freePort();
  const args = ['--data-dir', dataDir];
  runtime = await spawnRuntime(port, args);
  let sfn = runtime.sfn;
  const { activityArn } = await sfn.send(new CreateActivityCommand({ name: 'Countersign' }));
  const machine = await createMachine(sfn, {
    StartAt: 'Sign',
    States: { Sign: { Type: 'Task', Resource: activityArn, HeartbeatSeconds: 600, End: true } },
  });
  const taken = await start(sfn, machine, { plan: 'taken' });
  const held = await sfn.send(new GetActivityTaskCommand({ activityArn, workerName: 'before' }));
  expect(JSON.parse(held.input!)).toEqual({ plan: 'taken' });
  const queued = await start(sfn, machine, { plan: 'queued' });
  await until(async () => (await eventTypes(sfn, queued)).includes('ActivityScheduled'));

  runtime = await killAndRestart(runtime, port, args);
  sfn = runtime.sfn;

  expect((await sfn.send(new DescribeActivityCommand({ activityArn }))).name).toBe('Countersign');
  const next = await sfn.send(new GetActivityTaskCommand({ activityArn, workerName: 'after' }));
  expect(JSON.parse(next.input!)).toEqual({ plan: 'queued' });
  await sfn.send(new SendTaskSuccessCommand({ taskToken: held.taskToken, output: '"signed before"' }));
  await sfn.send(new SendTaskSuccessCommand({ taskToken: next.taskToken, output: '"signed after"' }));
  const finished = async (arn: string) => {
    const d = await describeExecution(sfn, arn);
    return d.status !== 'RUNNING' && d;
  };
  expect(JSON.parse((await until(() => finished(taken))).output!)).toBe('signed before');
  expect(JSON.parse((await until(() => finished(queued))).output!)).toBe('signed after');
  for (const arn of [taken, queued]) {
    expect(await eventTypes(sfn, arn)).toEqual([
      'ExecutionStarted',
      'TaskStateEntered',
      'ActivityScheduled',
      'ActivityStarted',
      'ActivitySucceeded',
      'TaskStateExited',
      'ExecutionSucceeded',
    ]);
  }
});
