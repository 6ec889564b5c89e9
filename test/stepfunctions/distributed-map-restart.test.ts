// `pilotflow stepfunctions --s3-endpoint URL --data-dir DIR`: a Distributed Map reading its items from a real
// S3-compatible server (s3rver), killed with SIGKILL while its map run is half done, finishes after a restart
// on the same directory, and its map run is still there with every item counted.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DescribeMapRunCommand, ListMapRunsCommand } from '@aws-sdk/client-sfn';
import S3rver from 's3rver';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { freePort } from '#local/ports.ts';
import { createMachine, describe as describeExecution, start } from './harness.ts';
import { killAndRestart, type RuntimeProcess, spawnRuntime, until } from './process.ts';

let dataDir: string;
let s3Dir: string;
let s3rver: S3rver;
let endpoint: string;
let runtime: RuntimeProcess | undefined;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'pilotflow-sfn-dmap-'));
  s3Dir = mkdtempSync(join(tmpdir(), 'pilotflow-s3-'));
  s3rver = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: s3Dir });
  endpoint = `http://127.0.0.1:${(await s3rver.run()).port}`;
  const s3 = new S3Client({
    endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
  });
  await s3.send(new CreateBucketCommand({ Bucket: 'pilot-plans' }));
  await s3.send(
    new PutObjectCommand({ Bucket: 'pilot-plans', Key: 'plans.json', Body: '[{"n":1},{"n":2},{"n":3}]' }),
  );
  s3.destroy();
  // The runtime process signs S3 requests with the credentials of its environment (s3rver knows only its own).
  process.env.AWS_ACCESS_KEY_ID = 'S3RVER';
  process.env.AWS_SECRET_ACCESS_KEY = 'S3RVER';
});

afterAll(async () => {
  delete process.env.AWS_ACCESS_KEY_ID;
  delete process.env.AWS_SECRET_ACCESS_KEY;
  runtime?.child.kill('SIGKILL');
  runtime?.sfn.destroy();
  await s3rver.close();
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(s3Dir, { recursive: true, force: true });
});

it('continues a half-done map run after SIGKILL and a restart', async () => {
  const port = await freePort();
  const args = ['--data-dir', dataDir, '--s3-endpoint', endpoint];
  runtime = await spawnRuntime(port, args);
  let sfn = runtime.sfn;
  const machine = await createMachine(sfn, {
    StartAt: 'Each',
    States: {
      Each: {
        Type: 'Map',
        MaxConcurrency: 1,
        ItemReader: {
          Resource: 'arn:aws:states:::s3:getObject',
          ReaderConfig: { InputType: 'JSON' },
          Parameters: { Bucket: 'pilot-plans', Key: 'plans.json' },
        },
        ItemProcessor: {
          ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' },
          StartAt: 'Hold',
          States: { Hold: { Type: 'Wait', Seconds: 1, Next: 'Done' }, Done: { Type: 'Pass', End: true } },
        },
        End: true,
      },
    },
  });
  const executionArn = await start(sfn, machine, {});
  const mapRunArn = await until(async () => {
    const { mapRuns } = await sfn.send(new ListMapRunsCommand({ executionArn }));
    const arn = mapRuns?.[0]?.mapRunArn;
    if (!arn) return undefined;
    const d = await sfn.send(new DescribeMapRunCommand({ mapRunArn: arn }));
    return d.itemCounts!.succeeded! >= 1 && d.status === 'RUNNING' && arn;
  });

  runtime = await killAndRestart(runtime, port, args);
  sfn = runtime.sfn;

  const done = await until(async () => {
    const d = await describeExecution(sfn, executionArn);
    return d.status !== 'RUNNING' && d;
  });
  expect([done.status, JSON.parse(done.output!)]).toEqual(['SUCCEEDED', [{ n: 1 }, { n: 2 }, { n: 3 }]]);
  const mapRun = await sfn.send(new DescribeMapRunCommand({ mapRunArn }));
  expect(mapRun.status).toBe('SUCCEEDED');
  expect(mapRun.itemCounts).toMatchObject({ succeeded: 3, total: 3, running: 0, pending: 0 });
});
