// Distributed Map through @aws-sdk/client-sfn, reading its items from a real S3-compatible server (s3rver) with
// ItemReader: a JSON array file, a CSV file with a header row, a bucket listing; MaxConcurrency, tolerated
// failures, and the map run (MapRunStarted/Succeeded/Failed events, DescribeMapRun, ListMapRuns, UpdateMapRun).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import {
  CreateStateMachineCommand,
  DescribeMapRunCommand,
  ListMapRunsCommand,
  UpdateMapRunCommand,
  ValidateStateMachineDefinitionCommand,
} from '@aws-sdk/client-sfn';
import S3rver from 's3rver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createMachine,
  describe as describeExecution,
  eventTypes,
  type Harness,
  ROLE,
  settle,
  start,
  startHarness,
} from './harness.ts';

const BUCKET = 'pilot-plans';
let s3rver: S3rver;
let s3Dir: string;
let h: Harness;

beforeAll(async () => {
  s3Dir = mkdtempSync(join(tmpdir(), 'pilotflow-s3-'));
  s3rver = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: s3Dir });
  const { port } = await s3rver.run();
  const endpoint = `http://127.0.0.1:${port}`;
  const s3 = new S3Client({
    endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
  });
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  const put = (Key: string, Body: string) => s3.send(new PutObjectCommand({ Bucket: BUCKET, Key, Body }));
  await put('plans.json', JSON.stringify([{ name: '古城' }, { name: 'Nord' }, { name: 'Süd' }]));
  await put('plans.csv', 'name,votes\n古城,3\n"Nord, East",5\n"say ""hi""",7\n');
  await put('evidence/a.jpg', 'a');
  await put('evidence/b.jpg', 'bb');
  await put('other/c.txt', 'c');
  s3.destroy();
  // The runtime signs S3 requests with the environment's credentials; s3rver knows only its own.
  process.env.AWS_ACCESS_KEY_ID = 'S3RVER';
  process.env.AWS_SECRET_ACCESS_KEY = 'S3RVER';
  h = await startHarness({ s3Endpoint: endpoint });
});

afterAll(async () => {
  delete process.env.AWS_ACCESS_KEY_ID;
  delete process.env.AWS_SECRET_ACCESS_KEY;
  await h.close();
  await s3rver.close();
  rmSync(s3Dir, { recursive: true, force: true });
});

const distributed = (reader: object, processor: object, more: object = {}) => ({
  StartAt: 'Each',
  States: {
    Each: {
      Type: 'Map',
      ItemReader: reader,
      ItemProcessor: {
        ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' },
        StartAt: 'Work',
        States: { Work: processor },
      },
      ...more,
      End: true,
    },
  },
});
const pass = { Type: 'Pass', End: true };
const json = (Key: string) => ({
  Resource: 'arn:aws:states:::s3:getObject',
  ReaderConfig: { InputType: 'JSON' },
  Parameters: { Bucket: BUCKET, 'Key.$': Key },
});

async function run(definition: object, input: unknown = {}) {
  const executionArn = await start(h.sfn, await createMachine(h.sfn, definition), input);
  await settle(h);
  const d = await describeExecution(h.sfn, executionArn);
  return { ...d, executionArn };
}

async function mapRunOf(executionArn: string) {
  const { mapRuns } = await h.sfn.send(new ListMapRunsCommand({ executionArn }));
  expect(mapRuns).toHaveLength(1);
  return await h.sfn.send(new DescribeMapRunCommand({ mapRunArn: mapRuns![0]!.mapRunArn! }));
}

describe('ItemReader', () => {
  it('runs each item of a JSON array file, and accounts for them in a map run', async () => {
    const r = await run(distributed(json('$.key'), pass, { Label: 'Plans', MaxConcurrency: 2 }), {
      key: 'plans.json',
    });
    expect([r.status, JSON.parse(r.output!)]).toEqual([
      'SUCCEEDED',
      [{ name: '古城' }, { name: 'Nord' }, { name: 'Süd' }],
    ]);
    const types = await eventTypes(h.sfn, r.executionArn!);
    expect(types.filter((t) => t.startsWith('MapRun'))).toEqual(['MapRunStarted', 'MapRunSucceeded']);
    const { mapRuns } = await h.sfn.send(new ListMapRunsCommand({ executionArn: r.executionArn! }));
    expect(mapRuns![0]!.mapRunArn).toMatch(/^arn:aws:states:us-east-1:123456789012:mapRun:[^/]+\/Plans:/);
    expect(mapRuns![0]!.stateMachineArn).toBe(`${r.stateMachineArn}/Plans`);
    const described = await mapRunOf(r.executionArn!);
    expect(described).toMatchObject({
      status: 'SUCCEEDED',
      maxConcurrency: 2,
      itemCounts: { total: 3, succeeded: 3, failed: 0, pending: 0, running: 0 },
      executionCounts: { total: 3, succeeded: 3 },
    });
  });

  it('reads a CSV file with a header row (values as strings, quoted commas and quotes), up to MaxItems', async () => {
    const csv = (config: object) => ({
      Resource: 'arn:aws:states:::s3:getObject',
      ReaderConfig: { InputType: 'CSV', CSVHeaderLocation: 'FIRST_ROW', ...config },
      Parameters: { Bucket: BUCKET, Key: 'plans.csv' },
    });
    const all = await run(distributed(csv({}), pass));
    expect(JSON.parse(all.output!)).toEqual([
      { name: '古城', votes: '3' },
      { name: 'Nord, East', votes: '5' },
      { name: 'say "hi"', votes: '7' },
    ]);
    const first = await run(distributed(csv({ MaxItems: 1 }), pass));
    expect(JSON.parse(first.output!)).toEqual([{ name: '古城', votes: '3' }]);
  });

  it('runs each object of a bucket listing under a prefix', async () => {
    const r = await run(
      distributed(
        {
          Resource: 'arn:aws:states:::s3:listObjectsV2',
          Parameters: { Bucket: BUCKET, Prefix: 'evidence/' },
        },
        { Type: 'Pass', Parameters: { 'key.$': '$.Key', 'size.$': '$.Size' }, End: true },
      ),
    );
    expect(JSON.parse(r.output!)).toEqual([
      { key: 'evidence/a.jpg', size: 1 },
      { key: 'evidence/b.jpg', size: 2 },
    ]);
  });

  it('fails the Map with States.ItemReaderFailed when the object is missing', async () => {
    const r = await run(distributed(json('$.key'), pass), { key: 'missing.json' });
    expect([r.status, r.error]).toEqual(['FAILED', 'States.ItemReaderFailed']);
  });
});

describe('map runs', () => {
  const judge = {
    Type: 'Choice',
    Choices: [{ Variable: '$.name', StringEquals: 'Nord', Next: 'Reject' }],
    Default: 'Accept',
  };
  const judged = (more: object) => ({
    StartAt: 'Each',
    States: {
      Each: {
        Type: 'Map',
        ItemReader: json('$.key'),
        ItemProcessor: {
          ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' },
          StartAt: 'Judge',
          States: {
            Judge: judge,
            Reject: { Type: 'Fail', Error: 'Rejected' },
            Accept: { Type: 'Pass', End: true },
          },
        },
        ...more,
        End: true,
      },
    },
  });

  it('tolerates failed items within ToleratedFailureCount and fails the map run beyond it', async () => {
    const tolerated = await run(judged({ ToleratedFailureCount: 1 }), { key: 'plans.json' });
    expect(tolerated.status).toBe('SUCCEEDED');
    expect((await mapRunOf(tolerated.executionArn!)).itemCounts).toMatchObject({
      succeeded: 2,
      failed: 1,
      total: 3,
    });

    const failed = await run(judged({}), { key: 'plans.json' });
    expect([failed.status, failed.error]).toEqual(['FAILED', 'Rejected']);
    const run2 = await mapRunOf(failed.executionArn!);
    expect(run2.status).toBe('FAILED');
    expect(run2.itemCounts).toMatchObject({ failed: 1, total: 3 });
    expect(await eventTypes(h.sfn, failed.executionArn!)).toContain('MapRunFailed');
  });

  it('runs at most MaxConcurrency items at a time, and UpdateMapRun raises it while the map run runs', async () => {
    const machine = await createMachine(
      h.sfn,
      distributed(json('$.key'), { Type: 'Wait', Seconds: 60, End: true }, { MaxConcurrency: 1 }),
    );
    const executionArn = await start(h.sfn, machine, { key: 'plans.json' });
    await h.runtime.whenIdle();
    const { mapRuns } = await h.sfn.send(new ListMapRunsCommand({ executionArn }));
    const mapRunArn = mapRuns![0]!.mapRunArn!;
    const before = await h.sfn.send(new DescribeMapRunCommand({ mapRunArn }));
    expect(before).toMatchObject({ status: 'RUNNING', maxConcurrency: 1 });
    expect(before.itemCounts).toMatchObject({ running: 1, pending: 2 });

    await h.sfn.send(new UpdateMapRunCommand({ mapRunArn, maxConcurrency: 3, toleratedFailureCount: 2 }));
    const after = await h.sfn.send(new DescribeMapRunCommand({ mapRunArn }));
    expect(after).toMatchObject({ maxConcurrency: 3, toleratedFailureCount: 2 });
    expect(after.itemCounts).toMatchObject({ running: 3, pending: 0 });

    await h.clock.advance(60_000);
    await settle(h);
    expect((await describeExecution(h.sfn, executionArn)).status).toBe('SUCCEEDED');
    expect((await h.sfn.send(new DescribeMapRunCommand({ mapRunArn }))).status).toBe('SUCCEEDED');
    await expect(h.sfn.send(new UpdateMapRunCommand({ mapRunArn, maxConcurrency: 5 }))).rejects.toMatchObject(
      {
        name: 'ValidationException',
      },
    );
  });
});

describe('refusals', () => {
  const validate = async (definition: object, type?: 'EXPRESS') =>
    (
      await h.sfn.send(
        new ValidateStateMachineDefinitionCommand({ definition: JSON.stringify(definition), type }),
      )
    ).diagnostics?.map((d) => `${d.code} ${d.location}`);

  it('refuses what it does not run: ResultWriter, other reader types, ItemReader inline, Distributed in EXPRESS', async () => {
    expect(
      await validate(
        distributed(json('$.key'), pass, { ResultWriter: { Resource: 'arn:aws:states:::s3:putObject' } }),
      ),
    ).toEqual(['UNSUPPORTED_BY_LOCAL_RUNTIME /States/Each/ResultWriter']);
    expect(
      await validate(distributed({ ...json('$.key'), ReaderConfig: { InputType: 'JSONL' } }, pass)),
    ).toEqual(['UNSUPPORTED_BY_LOCAL_RUNTIME /States/Each/ItemReader/ReaderConfig/InputType']);
    expect(await validate(distributed(json('$.key'), pass, { ItemsPath: '$.items' }))).toEqual([
      'UNSUPPORTED_BY_LOCAL_RUNTIME /States/Each/ItemsPath',
    ]);
    const inline = distributed(json('$.key'), pass) as { States: { Each: { ItemProcessor: object } } };
    inline.States.Each.ItemProcessor = { StartAt: 'Work', States: { Work: pass } };
    expect(await validate(inline)).toEqual(['SCHEMA_VALIDATION_FAILED /States/Each/ItemReader']);
    expect(await validate(distributed(json('$.key'), pass), 'EXPRESS')).toEqual([
      'UNSUPPORTED_BY_LOCAL_RUNTIME /States/Each/ItemProcessor/ProcessorConfig/Mode',
    ]);
    await expect(
      h.sfn.send(
        new CreateStateMachineCommand({
          name: 'Writer',
          definition: JSON.stringify(
            distributed(json('$.key'), pass, { ResultWriter: { Resource: 'arn:aws:states:::s3:putObject' } }),
          ),
          roleArn: ROLE,
        }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidDefinition' });
  });
});
