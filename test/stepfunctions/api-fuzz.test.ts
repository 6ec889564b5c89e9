// Generated requests to the local runtime's SFN API (fast-check): any target, any body, any parameter of any
// JSON type. Each gets an answer in AWS JSON 1.0's shape — 200, or 400 with `__type` and `message` — never a
// 500 or a dropped connection, and the runtime keeps serving. Longer runs: `npm run test:soak`.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fuzzTimeout, runs } from '#test/support/fuzz.ts';
import { createMachine, type Harness, ROLE, start, startHarness } from './harness.ts';

let h: Harness;
let machine: string;
let execution: string;

beforeAll(async () => {
  h = await startHarness({ invokeLambda: async () => ({ payload: {} }) });
  machine = await createMachine(
    h.sfn,
    { StartAt: 'W', States: { W: { Type: 'Wait', Seconds: 60, End: true } } },
    'Fuzzed',
  );
  execution = await start(h.sfn, machine, { a: 1 }, 'fuzzed-run');
});
afterAll(async () => {
  await h.close();
});

const OPERATIONS = [
  'CreateStateMachine',
  'UpdateStateMachine',
  'DescribeStateMachine',
  'ListStateMachines',
  'DeleteStateMachine',
  'ValidateStateMachineDefinition',
  'StartExecution',
  'DescribeExecution',
  'ListExecutions',
  'GetExecutionHistory',
  'DescribeStateMachineForExecution',
  'StopExecution',
  'SendTaskSuccess',
  'SendTaskFailure',
  'SendTaskHeartbeat',
  'StartSyncExecution',
  'RedriveExecution',
  'PublishStateMachineVersion',
  'ListStateMachineVersions',
  'DeleteStateMachineVersion',
  'CreateStateMachineAlias',
  'DescribeStateMachineAlias',
  'ListStateMachineAliases',
  'UpdateStateMachineAlias',
  'DeleteStateMachineAlias',
  'TagResource',
  'UntagResource',
  'ListTagsForResource',
];

const PARAMETERS = [
  'stateMachineArn',
  'executionArn',
  'name',
  'definition',
  'roleArn',
  'type',
  'input',
  'taskToken',
  'output',
  'error',
  'cause',
  'maxResults',
  'nextToken',
  'statusFilter',
  'includeExecutionData',
  'reverseOrder',
  'loggingConfiguration',
  'tracingConfiguration',
  'traceHeader',
  'publish',
  'versionDescription',
  'resourceArn',
  'tags',
  'tagKeys',
  'includedData',
  'clientToken',
  'redriveFilter',
  'revisionId',
  'description',
  'stateMachineVersionArn',
  'stateMachineAliasArn',
  'routingConfiguration',
];

const target = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom(...OPERATIONS).map((op) => `AWSStepFunctions.${op}`) },
  { weight: 1, arbitrary: fc.string({ maxLength: 40 }) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(...OPERATIONS).map((op) => `AWSStepFunctions.${op.toLowerCase()}`),
  },
);

// Values that are nearly right (a real ARN, a definition, JSON text) as well as anything JSON can hold.
const value = () =>
  fc.oneof(
    fc.jsonValue({ maxDepth: 3 }),
    fc.constantFrom(
      machine,
      execution,
      `${machine}:v1`,
      `${machine}:1`,
      `${execution}x`,
      'arn:aws:states:us-east-1:123456789012:stateMachine:',
      ROLE,
      '{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}',
      '{"a":1}',
      'STANDARD',
      'EXPRESS',
      'RUNNING',
      '',
    ),
    fc.string({ unit: 'binary', maxLength: 200 }),
    fc.integer(),
    fc.double(),
  );

const body = fc.oneof(
  {
    weight: 6,
    arbitrary: fc
      .dictionary(fc.constantFrom(...PARAMETERS), value(), { maxKeys: 6 })
      .map((o) => JSON.stringify(o)),
  },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 300 }) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '',
      ' ',
      'null',
      '[]',
      '{',
      '{"a":',
      '"text"',
      '1e999',
      '{"__proto__":{"x":1}}',
    ),
  },
);

async function call(t: string, b: string) {
  const res = await fetch(h.endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': t },
    body: b,
  });
  const text = await res.text();
  return { status: res.status, contentType: res.headers.get('content-type'), text };
}

describe('generated SFN API requests', () => {
  it(
    'are each answered 200 or with an AWS-shaped 400, never a 500',
    async () => {
      await fc.assert(
        fc.asyncProperty(target, body, async (t, b) => {
          const r = await call(t, b);
          expect(r.contentType).toBe('application/x-amz-json-1.0');
          const parsed = JSON.parse(r.text) as { __type?: string; message?: string };
          if (r.status === 200) return;
          expect(r.status, `${t} ${b.slice(0, 200)} → ${r.text.slice(0, 300)}`).toBe(400);
          expect(parsed.__type).toMatch(/^com\.amazonaws\.swf\.service\.v2\.model#[A-Za-z]+$/);
          expect(typeof parsed.message).toBe('string');
        }),
        { numRuns: runs(300) },
      );
      // Still serving, and the existing execution is untouched unless a generated request stopped it.
      const list = await call('AWSStepFunctions.ListStateMachines', '{}');
      expect(list.status).toBe(200);
    },
    fuzzTimeout(60_000),
  );

  it(
    'with a method other than POST, or no target, get UnknownOperationException',
    async () => {
      await fc.assert(
        fc.asyncProperty(fc.constantFrom('GET', 'PUT', 'DELETE', 'PATCH'), body, async (method, b) => {
          const res = await fetch(h.endpoint, {
            method,
            headers: { 'content-type': 'application/x-amz-json-1.0' },
            ...(method === 'GET' ? {} : { body: b }),
          });
          expect(res.status).toBe(400);
          expect(((await res.json()) as { __type: string }).__type).toMatch(/#UnknownOperationException$/);
        }),
        { numRuns: runs(40) },
      );
    },
    fuzzTimeout(30_000),
  );
});
