// `pilotflow stepfunctions` as a process: Step Functions Local's mocked service integrations chosen by
// `<stateMachineArn>#<TestCase>`, Lambda tasks through --lambda-endpoint, the Host check and the --host
// warning, and a clean stop on SIGTERM.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SFNClient } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '#local/ports.ts';
import { createMachine, describe as describeExecution, eventTypes, start } from './harness.ts';
import { type LambdaServer, startLambdaServer } from './lambda-server.ts';
import { type RuntimeProcess, spawnRuntime, until } from './process.ts';

let dir: string;
let lambda: LambdaServer;
let runtime: RuntimeProcess;
let sfn: SFNClient;

const MOCKS = {
  StateMachines: {
    Notify: {
      TestCases: {
        HappyPath: { Send: 'SentOk' },
        RetryPath: { Send: 'FailsThenSends' },
      },
    },
  },
  MockedResponses: {
    SentOk: { '0': { Return: { MessageId: 'mocked-1' } } },
    FailsThenSends: {
      '0-1': { Throw: { Error: 'SesV2.TooManyRequestsException', Cause: 'throttled' } },
      '2': { Return: { MessageId: 'mocked-3' } },
    },
  },
};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'pilotflow-sfn-cli-'));
  writeFileSync(join(dir, 'mocks.json'), JSON.stringify(MOCKS));
  lambda = await startLambdaServer({
    greet: (p) => ({ hello: (p as { name: string }).name }),
    reject: () => {
      throw Object.assign(new Error('not eligible'), { name: 'NotEligibleError' });
    },
  });
  runtime = await spawnRuntime(await freePort(), [
    '--lambda-endpoint',
    lambda.url,
    '--mock-config',
    join(dir, 'mocks.json'),
  ]);
  sfn = runtime.sfn;
}, 120_000);

afterAll(async () => {
  if (runtime.child.exitCode === null) runtime.child.kill('SIGKILL');
  sfn.destroy();
  await lambda.close();
  rmSync(dir, { recursive: true, force: true });
});

const finished = (arn: string) =>
  until(
    async () => {
      const d = await describeExecution(sfn, arn);
      return d.status !== 'RUNNING' && d;
    },
    () => runtime.output(),
  );

describe('--mock-config', () => {
  const notify = {
    StartAt: 'Send',
    States: {
      Send: {
        Type: 'Task',
        Resource: 'arn:aws:states:::aws-sdk:sesv2:sendEmail',
        Parameters: { FromEmailAddress: 'minzheng@xx-county.example' },
        Retry: [{ ErrorEquals: ['SesV2.TooManyRequestsException'], IntervalSeconds: 1, BackoffRate: 1 }],
        End: true,
      },
    },
  };
  let machine: string;
  beforeAll(async () => {
    machine = await createMachine(sfn, notify, 'Notify');
  });

  it('returns the mocked response of the test case named after # in the state machine ARN', async () => {
    const d = await finished(await start(sfn, `${machine}#HappyPath`));
    expect([d.status, JSON.parse(d.output!)]).toEqual(['SUCCEEDED', { MessageId: 'mocked-1' }]);
  });

  it('throws the mocked error for the listed calls, then returns', async () => {
    const arn = await start(sfn, `${machine}#RetryPath`);
    const d = await finished(arn);
    expect(JSON.parse(d.output!)).toEqual({ MessageId: 'mocked-3' });
    expect((await eventTypes(sfn, arn)).filter((t) => t === 'TaskFailed')).toHaveLength(2);
  });

  it('refuses a test case the file does not define', async () => {
    await expect(start(sfn, `${machine}#Nope`)).rejects.toMatchObject({ name: 'ValidationException' });
  });
});

describe('--lambda-endpoint', () => {
  it('invokes Lambda tasks through the Lambda Invoke API at the endpoint', async () => {
    const machine = await createMachine(sfn, {
      StartAt: 'Greet',
      States: {
        Greet: {
          Type: 'Task',
          Resource: 'arn:aws:states:::lambda:invoke',
          Parameters: {
            FunctionName: 'arn:aws:lambda:us-east-1:123456789012:function:greet',
            'Payload.$': '$',
          },
          OutputPath: '$.Payload',
          End: true,
        },
      },
    });
    const d = await finished(await start(sfn, machine, { name: '草堂' }));
    expect(JSON.parse(d.output!)).toEqual({ hello: '草堂' });
  });

  it("reports a function error under the handler's error name", async () => {
    const machine = await createMachine(sfn, {
      StartAt: 'R',
      States: {
        R: { Type: 'Task', Resource: 'arn:aws:lambda:us-east-1:123456789012:function:reject', End: true },
      },
    });
    const d = await finished(await start(sfn, machine));
    expect([d.status, d.error]).toEqual(['FAILED', 'NotEligibleError']);
  });

  it('reports a missing function as Lambda.ResourceNotFoundException', async () => {
    const machine = await createMachine(sfn, {
      StartAt: 'R',
      States: {
        R: { Type: 'Task', Resource: 'arn:aws:lambda:us-east-1:123456789012:function:absent', End: true },
      },
    });
    const d = await finished(await start(sfn, machine));
    expect(d.error).toBe('Lambda.ResourceNotFoundException');
  });
});

describe('--host', () => {
  it('on the default loopback address, refuses a Host that is not a loopback name (DNS rebinding)', async () => {
    const port = (await runtime.sfn.config.endpoint?.())?.port;
    const status = (host: string) =>
      new Promise<number>((resolve, reject) => {
        const req = request(
          {
            host: '127.0.0.1',
            port,
            method: 'POST',
            path: '/',
            headers: { host, 'x-amz-target': 'AWSStepFunctions.ListStateMachines' },
          },
          (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          },
        );
        req.on('error', reject);
        req.end('{}');
      });
    expect(await status(`rebind.example:${port}`)).toBe(403);
    expect(await status(`localhost:${port}`)).toBe(200);
  });

  it('warns when it is not a loopback address, which other machines can reach', async () => {
    const other = await spawnRuntime(await freePort(), ['--host', '0.0.0.0']);
    try {
      expect(other.output()).toMatch(/warning: --host 0\.0\.0\.0 is not a loopback address/);
      expect(runtime.output()).not.toContain('warning');
    } finally {
      const exited = new Promise((resolve) => other.child.once('exit', resolve));
      other.child.kill('SIGTERM');
      await exited;
      other.sfn.destroy();
    }
  });
});

describe('SIGTERM', () => {
  it('stops the process cleanly with exit code 0', async () => {
    const { child } = runtime;
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(runtime.output()).toContain('stopped');
  });
});
