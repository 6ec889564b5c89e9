// What the runtime does not run, it refuses: definition checks as AWS makes them (Retry and Catch rules, field
// names, a JSONata Output of any JSON value), and every field, mode and task resource this runtime does not
// implement refused at CreateStateMachine, UpdateStateMachine and ValidateStateMachineDefinition with the
// state's path. asl-validator gives a second opinion on each case; where it differs from AWS the case says why.
import {
  CreateStateMachineCommand,
  UpdateStateMachineCommand,
  ValidateStateMachineDefinitionCommand,
} from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deployStateMachines } from '#local/cloud/state-machines.ts';
import { StepFunctionsRuntime } from '#local/stepfunctions/runtime.ts';
import { validateAsl } from '#test/support/asl-validator.ts';
import { stateMachines } from '#test/support/definitions.ts';
import { createMachine, type Harness, ROLE, startHarness } from './harness.ts';

let h: Harness;

beforeAll(async () => {
  h = await startHarness({
    mockConfig: {
      StateMachines: { Mocked: { TestCases: { Happy: { Get: 'Object' } } } },
      MockedResponses: { Object: { '0': { Return: { Body: 'hello' } } } },
    },
  });
});

afterAll(async () => {
  await h.close();
});

const LAMBDA = 'arn:aws:states:::lambda:invoke';
const task = (extra: object, resource = LAMBDA) => ({
  StartAt: 'T',
  States: { T: { Type: 'Task', Resource: resource, ...extra, End: true } },
});
const jsonata = (state: object) => ({
  QueryLanguage: 'JSONata',
  StartAt: 'P',
  States: { P: { Type: 'Pass', ...state, End: true } },
});

interface Case {
  definition: object;
  /** Our verdict: OK, or the diagnostic's code, location and a part of its message. */
  expect: 'OK' | { code: string; location: string; message: string };
  /** asl-validator's verdict; where it differs from ours, why AWS decides as we do. */
  aslValidator: 'OK' | 'FAIL';
  why?: string;
}

const RETRY_RULES = 'https://states-language.net/spec.html#retrying-after-error';
const UNSUPPORTED = 'UNSUPPORTED_BY_LOCAL_RUNTIME';

const cases: Record<string, Case> = {
  'a machine of supported states and fields': {
    definition: task({
      Retry: [
        { ErrorEquals: ['Custom'], IntervalSeconds: 2, MaxDelaySeconds: 10, JitterStrategy: 'FULL' },
        { ErrorEquals: ['States.ALL'] },
      ],
      Catch: [{ ErrorEquals: ['States.ALL'], Next: 'T' }],
    }),
    expect: 'OK',
    aslValidator: 'OK',
  },
  'States.ALL in a Retrier that is not the last': {
    definition: task({ Retry: [{ ErrorEquals: ['States.ALL'] }, { ErrorEquals: ['Custom'] }] }),
    expect: { code: 'SCHEMA_VALIDATION_FAILED', location: '/States/T/Retry/0/ErrorEquals', message: 'last' },
    aslValidator: 'OK',
    why: `"MUST appear in the last Retrier in the Retry array": ${RETRY_RULES}`,
  },
  'States.ALL beside another error name': {
    definition: task({ Retry: [{ ErrorEquals: ['States.ALL', 'Custom'] }] }),
    expect: { code: 'SCHEMA_VALIDATION_FAILED', location: '/States/T/Retry/0/ErrorEquals', message: 'alone' },
    aslValidator: 'OK',
    why: `"MUST appear alone in the ErrorEquals array": ${RETRY_RULES}`,
  },
  'States.ALL in a Catcher that is not the last': {
    definition: {
      StartAt: 'T',
      States: {
        T: {
          Type: 'Task',
          Resource: LAMBDA,
          Catch: [
            { ErrorEquals: ['States.ALL'], Next: 'E' },
            { ErrorEquals: ['Custom'], Next: 'E' },
          ],
          End: true,
        },
        E: { Type: 'Succeed' },
      },
    },
    expect: { code: 'SCHEMA_VALIDATION_FAILED', location: '/States/T/Catch/0/ErrorEquals', message: 'last' },
    aslValidator: 'OK',
    why: `the same rule for Catchers: ${RETRY_RULES}`,
  },
  'MaxDelaySeconds 0': {
    definition: task({ Retry: [{ ErrorEquals: ['Custom'], MaxDelaySeconds: 0 }] }),
    expect: { code: 'SCHEMA_VALIDATION_FAILED', location: '/States/T/Retry/0/MaxDelaySeconds', message: '1' },
    aslValidator: 'OK',
    why: '"must be greater than 0 and less than 31622401": https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html',
  },
  'IntervalSeconds 0': {
    definition: task({ Retry: [{ ErrorEquals: ['Custom'], IntervalSeconds: 0 }] }),
    expect: { code: 'SCHEMA_VALIDATION_FAILED', location: '/States/T/Retry/0/IntervalSeconds', message: '1' },
    aslValidator: 'OK',
    why: `"MUST be a positive integer": ${RETRY_RULES}`,
  },
  'BackoffRate below 1': {
    definition: task({ Retry: [{ ErrorEquals: ['Custom'], BackoffRate: 0.5 }] }),
    expect: { code: 'SCHEMA_VALIDATION_FAILED', location: '/States/T/Retry/0/BackoffRate', message: '1.0' },
    aslValidator: 'OK',
    why: `"MUST be greater than or equal to 1.0": ${RETRY_RULES}`,
  },
  'a JSONata Output that is a plain string': {
    definition: jsonata({ Output: 'accepted' }),
    expect: 'OK',
    aslValidator: 'FAIL',
    why: 'Output "can be any JSON value": https://docs.aws.amazon.com/step-functions/latest/dg/transforming-data.html',
  },
  'a JSONata Output that is a number': {
    definition: jsonata({ Output: 42 }),
    expect: 'OK',
    aslValidator: 'FAIL',
    why: 'Output "can be any JSON value": https://docs.aws.amazon.com/step-functions/latest/dg/transforming-data.html',
  },
  'a field no state type has': {
    definition: { StartAt: 'P', States: { P: { Type: 'Pass', Colour: 'blue', End: true } } },
    expect: { code: 'SCHEMA_VALIDATION_FAILED', location: '/States/P/Colour', message: "'Colour'" },
    aslValidator: 'FAIL',
  },
  'a JSONPath field in a JSONata state': {
    definition: jsonata({ InputPath: '$.a' }),
    expect: { code: 'SCHEMA_VALIDATION_FAILED', location: '/States/P/InputPath', message: 'JSONata' },
    aslValidator: 'FAIL',
  },
  'an AWS SDK integration the runtime does not have': {
    definition: task({}, 'arn:aws:states:::aws-sdk:s3:getObject'),
    expect: { code: UNSUPPORTED, location: '/States/T/Resource', message: 'aws-sdk:s3:getObject' },
    aslValidator: 'OK',
    why: 'AWS runs it; this runtime cannot',
  },
  'an unsupported resource inside a Parallel branch': {
    definition: {
      StartAt: 'P',
      States: {
        P: { Type: 'Parallel', Branches: [task({}, 'arn:aws:states:::sqs:sendMessage')], End: true },
      },
    },
    expect: {
      code: UNSUPPORTED,
      location: '/States/P/Branches/0/States/T/Resource',
      message: 'sqs:sendMessage',
    },
    aslValidator: 'OK',
    why: 'AWS runs it; this runtime cannot',
  },
  'an activity': {
    definition: task({}, 'arn:aws:states:us-east-1:123456789012:activity:Review'),
    expect: 'OK',
    aslValidator: 'OK',
    why: 'an activity Task of a STANDARD machine (activities.test.ts refuses it in an EXPRESS one)',
  },
  '.sync on an integration that has no job to wait for': {
    definition: task({}, 'arn:aws:states:::dynamodb:putItem.sync'),
    expect: { code: UNSUPPORTED, location: '/States/T/Resource', message: '.sync' },
    aslValidator: 'OK',
    why: 'DynamoDB supports Request Response only: https://docs.aws.amazon.com/step-functions/latest/dg/connect-ddb.html',
  },
  'a Distributed Map': {
    definition: {
      StartAt: 'M',
      States: {
        M: {
          Type: 'Map',
          ItemProcessor: {
            ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' },
            StartAt: 'P',
            States: { P: { Type: 'Pass', End: true } },
          },
          End: true,
        },
      },
    },
    expect: 'OK',
    aslValidator: 'OK',
    why: 'a Distributed Map (distributed-map.test.ts runs it)',
  },
  'a cross-account task': {
    definition: task({ Credentials: { RoleArn: 'arn:aws:iam::111122223333:role/Other' } }),
    expect: { code: UNSUPPORTED, location: '/States/T/Credentials', message: 'Credentials' },
    aslValidator: 'OK',
    why: 'AWS runs it; this runtime cannot',
  },
};

describe('ValidateStateMachineDefinition agrees with AWS, and asl-validator is a second opinion', () => {
  for (const [name, c] of Object.entries(cases)) {
    it(`${c.expect === 'OK' ? 'accepts' : 'refuses'} ${name}`, async () => {
      const out = await h.sfn.send(
        new ValidateStateMachineDefinitionCommand({ definition: JSON.stringify(c.definition) }),
      );
      if (c.expect === 'OK') {
        expect(out.diagnostics).toEqual([]);
        expect(out.result).toBe('OK');
      } else {
        expect(out.result).toBe('FAIL');
        expect(out.diagnostics?.[0]).toMatchObject({
          severity: 'ERROR',
          code: c.expect.code,
          location: c.expect.location,
        });
        expect(out.diagnostics?.[0]?.message).toContain(c.expect.message);
      }
      const second = await validateAsl(structuredClone(c.definition));
      expect(second.isValid ? 'OK' : 'FAIL', second.errorsText()).toBe(c.aslValidator);
      if ((c.expect === 'OK') !== (c.aslValidator === 'OK')) expect(c.why).toBeTruthy();
    });
  }
});

describe('CreateStateMachine and UpdateStateMachine refuse what is not run', () => {
  it('refuses a definition with an unsupported resource, naming the state path, and creates nothing', async () => {
    const name = 'RefusedS3';
    const error = await h.sfn
      .send(
        new CreateStateMachineCommand({
          name,
          roleArn: ROLE,
          definition: JSON.stringify(task({}, 'arn:aws:states:::aws-sdk:s3:getObject')),
        }),
      )
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'InvalidDefinition', $metadata: { httpStatusCode: 400 } });
    expect((error as Error).message).toContain('aws-sdk:s3:getObject');
    expect((error as Error).message).toContain('at /States/T/Resource');
  });

  it('refuses an update to a definition that is not run, and keeps the old one', async () => {
    const arn = await createMachine(h.sfn, task({}));
    await expect(
      h.sfn.send(
        new UpdateStateMachineCommand({
          stateMachineArn: arn,
          definition: JSON.stringify(task({ Credentials: { RoleArn: 'arn:aws:iam::111122223333:role/x' } })),
        }),
      ),
    ).rejects.toMatchObject({
      name: 'InvalidDefinition',
      message: expect.stringContaining('/States/T/Credentials'),
    });
  });

  const refusals: Record<string, object> = {
    'loggingConfiguration level ALL': { loggingConfiguration: { level: 'ALL', includeExecutionData: true } },
    'tracingConfiguration enabled': { tracingConfiguration: { enabled: true } },
    'a customer managed KMS key': {
      encryptionConfiguration: { type: 'CUSTOMER_MANAGED_KMS_KEY', kmsKeyId: 'alias/x' },
    },
  };
  for (const [what, extra] of Object.entries(refusals)) {
    it(`refuses ${what} instead of ignoring it`, async () => {
      await expect(
        h.sfn.send(
          new CreateStateMachineCommand({
            name: `Refused-${what.replaceAll(' ', '-')}`,
            roleArn: ROLE,
            definition: JSON.stringify(task({})),
            ...extra,
          }),
        ),
      ).rejects.toMatchObject({
        name: 'ValidationException',
        message: expect.stringContaining('not supported'),
      });
    });
  }

  it('accepts a resource it lacks in a state that the mock configuration answers for', async () => {
    const definition = {
      StartAt: 'Get',
      States: { Get: { Type: 'Task', Resource: 'arn:aws:states:::aws-sdk:s3:getObject', End: true } },
    };
    await expect(createMachine(h.sfn, definition, 'Mocked')).resolves.toContain(':stateMachine:Mocked');
    await expect(createMachine(h.sfn, definition, 'NotMocked')).rejects.toMatchObject({
      name: 'InvalidDefinition',
    });
  });
});

describe("the local cloud's start-up", () => {
  it("validates the project's own state machines", async () => {
    const machines = Object.values(stateMachines());
    expect(machines.map((m) => m.name).sort()).toEqual([
      'Evaluation',
      'Implementation',
      'Launch',
      'Pilot',
      'Programme',
    ]);
    for (const m of machines) {
      const out = await h.sfn.send(
        new ValidateStateMachineDefinitionCommand({ definition: JSON.stringify(m.definition) }),
      );
      expect([m.name, out.result, out.diagnostics]).toEqual([m.name, 'OK', []]);
    }
  }, 60_000);

  it('stops with the machine and the state path when a template machine uses what is not run', async () => {
    const runtime = await StepFunctionsRuntime.open();
    const arn = `arn:aws:states:us-east-1:123456789012:stateMachine:Reports`;
    const deploying = deployStateMachines(runtime, [
      {
        logicalId: 'ReportsStateMachine',
        name: 'Reports',
        arn,
        roleArn: ROLE,
        type: 'STANDARD',
        definition: JSON.stringify({
          StartAt: 'M',
          States: {
            M: {
              Type: 'Map',
              ItemReader: {
                Resource: 'arn:aws:states:::s3:getObject',
                Parameters: { Bucket: 'b', Key: 'k' },
              },
              ItemProcessor: { StartAt: 'P', States: { P: { Type: 'Pass', End: true } } },
              End: true,
            },
          },
        }),
      },
    ]);
    await expect(deploying).rejects.toThrow(/ReportsStateMachine.*\/States\/M\/ItemReader/s);
    await runtime.close();
  });
});
