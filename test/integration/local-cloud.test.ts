// The local cloud running the fixture CDK app: everything it runs comes from the synthesised template, and
// each service behaves as its AWS counterpart does for a function, a browser or an SDK client.
import { chmodSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { readAssembly } from '#local/cloud/assembly.ts';
import type { LocalCloud } from '#local/cloud/index.ts';
import { LocalIssuer } from '#local/cloud/jwt.ts';
import { csrfToken } from '#presentation/dashboard/session.ts';
import { adminHeaders, FIXTURE_START, startFixtureCloud, tempDataDir } from '#test/support/local-cloud.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

let cloud: LocalCloud;

beforeAll(async () => {
  // A data directory as an older version left it, open to everyone: the local cloud makes it private.
  const dataDir = join(tempDataDir(), 'data');
  mkdirSync(dataDir, { mode: 0o755 });
  chmodSync(dataDir, 0o755);
  cloud = await startFixtureCloud({ dataDir });
});

afterAll(async () => {
  await cloud?.stop();
});

function template() {
  const [stack] = readAssembly(cloud.resources.assemblyDir).stacks;
  const resources = Object.entries(stack?.template.Resources ?? {});
  return (type: string) => resources.filter(([, r]) => r.Type === type).map(([id]) => id);
}

async function payloadOf(name: string, event: unknown): Promise<Record<string, unknown>> {
  const result = await cloud.invoke(name, event);
  expect(result.functionError).toBeUndefined();
  return result.payload as Record<string, unknown>;
}

/** A GET with the Host header a page of another site sends after rebinding its name to 127.0.0.1. */
function getWithHost(url: string, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'GET', headers: ['Host', host] }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Paths under `top` that a user other than the owner could read: every folder on the way enterable. */
function readableByOthers(top: string): string[] {
  const out: string[] = [];
  const walk = (dir: string, enterable: boolean) => {
    const here = enterable && (statSync(dir).mode & 0o011) !== 0;
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path, here);
      else if (here && (statSync(path).mode & 0o044) !== 0) out.push(path);
    }
  };
  walk(top, true);
  return out;
}

/** A raw HTTP request, so that repeated headers reach the server as separate lines. */
function rawGet(
  url: string,
  headers: string[],
): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'GET', headers: ['Host', new URL(url).host, ...headers] }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

describe('what the local cloud runs', () => {
  test('every function, table, route, schedule, secret and state machine comes from the template, and nothing else', async () => {
    const ofType = template();
    expect(cloud.resources.functions.map((f) => f.logicalId).sort()).toEqual(
      ofType('AWS::Lambda::Function').sort(),
    );
    expect(cloud.resources.schedules.map((s) => s.logicalId).sort()).toEqual(
      ofType('AWS::Scheduler::Schedule').sort(),
    );
    expect(cloud.resources.secrets.map((s) => s.logicalId)).toEqual(ofType('AWS::SecretsManager::Secret'));
    expect(cloud.resources.stateMachines.map((m) => m.logicalId)).toEqual(
      ofType('AWS::StepFunctions::StateMachine'),
    );
    expect(cloud.resources.apis.flatMap((a) => a.routes.map((r) => r.logicalId)).sort()).toEqual(
      ofType('AWS::ApiGatewayV2::Route').sort(),
    );
    const dynamodb = new DynamoDBClient({ endpoint: cloud.endpoints.dynamodb, ...cloud.aws });
    const { TableNames } = await dynamodb.send(new ListTablesCommand({}));
    dynamodb.destroy();
    expect(TableNames).toEqual(cloud.resources.tables);
    expect(cloud.resources.tables).toHaveLength(ofType('AWS::DynamoDB::Table').length);
    const { stateMachines } = await cloud.runtime.listStateMachines({});
    expect(stateMachines.map((m) => m.stateMachineArn)).toEqual(
      cloud.resources.stateMachines.map((m) => m.arn),
    );
  });

  test('the dashboard endpoint is the route the template marks as the dashboard’s home page', async () => {
    expect(cloud.endpoints.dashboard).toBe(`${cloud.endpoints.api}/console`);
    const page = await fetch(cloud.endpoints.dashboard);
    expect(await page.json()).toMatchObject({ route: 'GET /console' });
  });

  test('the endpoints and the admin token are written to endpoints.json', async () => {
    const file = join(cloud.dataDir, 'endpoints.json');
    const { readFile } = await import('node:fs/promises');
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual(cloud.endpoints);
    expect(Object.keys(cloud.endpoints)).toEqual(
      expect.arrayContaining([
        'api',
        'dashboard',
        'stepfunctions',
        'dynamodb',
        'ses',
        'mailbox',
        'adminToken',
      ]),
    );
  });
});

describe('schedules', () => {
  test('an hourly schedule fires once per hour of clock time, and a disabled one never', async () => {
    await cloud.clock.advanceTo(FIXTURE_START + 2 * HOUR + 30 * 60_000);
    const { ticks } = await payloadOf('Probe', { action: 'ticks' });
    expect(ticks).toEqual(['2023-01-01T00:00:00Z', '2023-01-01T01:00:00Z', '2023-01-01T02:00:00Z']);
  });

  test('a cron schedule in the county’s time zone starts the state machine with its input', async () => {
    const [machine] = cloud.resources.stateMachines;
    const { executions } = await cloud.runtime.listExecutions({ stateMachineArn: machine?.arn });
    expect(executions).toHaveLength(1);
    const execution = await cloud.runtime.describeExecution({ executionArn: executions[0]?.executionArn });
    expect(execution.startDate).toEqual(new Date('2023-01-01T01:00:00Z'));
    expect(JSON.parse(execution.input ?? '{}')).toEqual({ from: 'schedule' });
  });
});

describe('functions', () => {
  test('each function sees its own environment from the template, plus the local endpoints', async () => {
    const probe = (await payloadOf('Probe', { action: 'env' })).env as Record<string, string>;
    const other = (await payloadOf('Other', { action: 'env' })).env as Record<string, string>;
    const probeFn = cloud.lambda.find('Probe');
    expect(probe.GREETING).toBe('hello');
    expect(other.GREETING).toBe('bonjour');
    expect(probe.AWS_LAMBDA_FUNCTION_NAME).toBe(probeFn?.name);
    expect(other.AWS_LAMBDA_FUNCTION_NAME).toBe(cloud.lambda.find('Other')?.name);
    expect(probe.TABLE_NAME).toBe(cloud.resources.tables[0]);
    expect(probe.SECRET_ARN).toBe(cloud.resources.secrets[0]?.arn);
    expect(probe.API_URL).toBe(cloud.endpoints.api);
    expect(other.API_URL).toBeUndefined();
    expect(probe).toMatchObject({
      AWS_REGION: 'us-east-1',
      PILOTFLOW_LOCAL: '1',
      LOCAL_MAILBOX_URL: cloud.endpoints.mailbox,
      AWS_ENDPOINT_URL_DYNAMODB: cloud.endpoints.dynamodb,
      AWS_ENDPOINT_URL_SFN: cloud.endpoints.stepfunctions,
      AWS_ENDPOINT_URL_SESV2: cloud.endpoints.ses,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: cloud.endpoints.secretsmanager,
      AWS_ENDPOINT_URL_LAMBDA: cloud.endpoints.lambda,
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '256',
    });
  });

  test('functions reach the embedded Step Functions runtime through the SFN client', async () => {
    const { machines } = await payloadOf('Probe', { action: 'machines' });
    expect(machines).toEqual(cloud.resources.stateMachines.map((m) => m.arn));
  });

  test('a function gets a Lambda-shaped context', async () => {
    const time = await payloadOf('Probe', { action: 'time' });
    const fn = cloud.lambda.find('Probe');
    expect(time).toMatchObject({
      functionName: fn?.name,
      invokedFunctionArn: fn?.arn,
      memoryLimitInMB: '256',
    });
    expect(time.awsRequestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(time.remaining).toBeGreaterThan(0);
    expect(time.remaining).toBeLessThanOrEqual(10_000);
  });

  test('Date inside a function reads the local cloud’s clock', async () => {
    const before = await payloadOf('Probe', { action: 'time' });
    expect(before.now).toBe(cloud.clock.now());
    expect(before.date).toBe(new Date(cloud.clock.now()).toISOString());
    await cloud.clock.advance(3 * HOUR);
    const after = await payloadOf('Probe', { action: 'time' });
    expect(after.now).toBe((before.now as number) + 3 * HOUR);
    expect(after.date).toBe(new Date(cloud.clock.now()).toISOString());
    expect(after.dateCall).toContain(String(new Date(cloud.clock.now()).getUTCFullYear()));
  });

  test('a function error comes back in Lambda’s shape, with its error name', async () => {
    const result = await cloud.invoke('Probe', { action: 'fail' });
    expect(result.functionError).toBe('Unhandled');
    expect(result.payload).toMatchObject({
      errorType: 'ProbeRejectedError',
      errorMessage: 'rejected on purpose',
    });
    expect((result.payload as { trace: string[] }).trace[0]).toContain('ProbeRejectedError');
  });

  test('the template’s timeout is enforced, and the next invocation gets a fresh sandbox', async () => {
    const slow = await cloud.invoke('Slow', { action: 'sleep', ms: 5000 });
    expect(slow.functionError).toBe('Unhandled');
    expect(slow.payload).toMatchObject({ errorType: 'Sandbox.Timedout' });
    expect((slow.payload as { errorMessage: string }).errorMessage).toMatch(
      /Task timed out after 1\.00 seconds$/,
    );
    const next = await cloud.invoke('Slow', { action: 'sleep', ms: 1 });
    expect(next).toMatchObject({ statusCode: 200, payload: { slept: 1 } });
  });

  test('a burst on a cold function starts its sandboxes one at a time, and still more than one', async () => {
    // Extra is invoked nowhere else here, and its init takes 300 ms. Four invocations at once, each busy for a
    // second: the first starts a sandbox, the others wait; once the queue has stood still for as long as that
    // init took, the next may start one (test/integration/lambda-sandboxes.test.ts has the short bursts).
    type Sandbox = { id: string; initFrom: number; initTo: number };
    const runs = await Promise.all(
      Array.from({ length: 4 }, () => payloadOf('Extra', { action: 'sandbox', ms: 1000 })),
    );
    const sandboxes = [
      ...new Map(runs.map(({ sandbox }) => [(sandbox as Sandbox).id, sandbox as Sandbox])).values(),
    ];
    expect(sandboxes.length).toBeGreaterThan(1);
    sandboxes.sort((a, b) => a.initFrom - b.initFrom);
    for (const [i, later] of sandboxes.entries()) {
      if (i > 0) expect(later.initFrom).toBeGreaterThanOrEqual(sandboxes[i - 1]?.initTo ?? Infinity);
    }
  });

  test('an init past 10 s goes on within the invocation, up to the function’s timeout, as on AWS', async () => {
    const [slow, stuck] = await Promise.all([
      cloud.invoke('SlowInit', { action: 'sleep', ms: 1 }),
      cloud.invoke('StuckInit', { action: 'sleep', ms: 1 }),
    ]);
    expect(slow).toMatchObject({ statusCode: 200, payload: { slept: 1 } });
    expect(stuck.functionError).toBe('Unhandled');
    expect(stuck.payload).toMatchObject({ errorType: 'Sandbox.Timedout' });
  });

  test('the Lambda Invoke API serves the functions to SDK clients', async () => {
    const client = new LambdaClient({ endpoint: cloud.endpoints.lambda, ...cloud.aws });
    const ok = await client.send(
      new InvokeCommand({
        FunctionName: cloud.lambda.find('Other')?.arn,
        Payload: JSON.stringify({ action: 'env' }),
      }),
    );
    const failed = await client.send(
      new InvokeCommand({ FunctionName: 'Probe', Payload: '{"action":"fail"}' }),
    );
    client.destroy();
    expect(JSON.parse(Buffer.from(ok.Payload ?? []).toString()).env.GREETING).toBe('bonjour');
    expect(failed.FunctionError).toBe('Unhandled');
    expect(JSON.parse(Buffer.from(failed.Payload ?? []).toString()).errorType).toBe('ProbeRejectedError');
  });

  test('a function unknown to the template cannot be invoked', async () => {
    await expect(cloud.invoke('NoSuchFunction', {})).rejects.toThrow(/Function not found/);
  });

  test('functions read the template’s secrets through the Secrets Manager client', async () => {
    const secret = await payloadOf('Probe', { action: 'secret' });
    expect(secret).toEqual({
      length: 40,
      arn: cloud.resources.secrets[0]?.arn,
      name: cloud.resources.secrets[0]?.name,
    });
    expect(statSync(join(cloud.dataDir, 'secrets.json')).mode & 0o777).toBe(0o600);
  });

  test('mail a function sends arrives in the mailbox, with its links', async () => {
    const sent = await payloadOf('Probe', {
      action: 'mail',
      to: 'minzheng@xx-county.example',
      subject: 'Approve',
    });
    const mail = await cloud.mailbox.waitFor({ to: 'MinZheng@xx-county.example', subject: 'Approve' });
    expect(mail.id).toBe(sent.messageId);
    expect(mail.from).toContain('pilotflow@xx-county.example');
    expect(mail.text).toContain('Please approve');
    expect(mail.links).toEqual([sent.link]);
  });
});

describe('HTTP API', () => {
  test('a route gets an API Gateway payload 2.0 event, and its structured response is mapped back', async () => {
    const response = await rawGet(`${cloud.endpoints.api}/items/42?a=1&a=2&b=x`, [
      'X-Multi',
      'one',
      'X-Multi',
      'two',
      'Cookie',
      'c1=v1; c2=v2',
      'User-Agent',
      'probe-test',
    ]);
    expect(response.status).toBe(201);
    expect(response.headers['x-probe']).toBe('yes');
    expect(response.headers['set-cookie']).toEqual(['a=1; Path=/', 'b=2; HttpOnly']);
    const { event } = JSON.parse(response.body) as { event: APIGatewayProxyEventV2 };
    expect(event).toMatchObject({
      version: '2.0',
      routeKey: 'GET /items/{id}',
      rawPath: '/items/42',
      rawQueryString: 'a=1&a=2&b=x',
      cookies: ['c1=v1', 'c2=v2'],
      queryStringParameters: { a: '1,2', b: 'x' },
      pathParameters: { id: '42' },
      isBase64Encoded: false,
    });
    expect(event.headers['x-multi']).toBe('one,two');
    expect(event.headers.cookie).toBeUndefined();
    expect(event.body).toBeUndefined();
    expect(event.requestContext).toMatchObject({
      accountId: '123456789012',
      routeKey: 'GET /items/{id}',
      stage: '$default',
      timeEpoch: cloud.clock.now(),
      http: {
        method: 'GET',
        path: '/items/42',
        protocol: 'HTTP/1.1',
        sourceIp: '127.0.0.1',
        userAgent: 'probe-test',
      },
    });
    expect(event.requestContext.requestId).toBe(response.headers['apigw-requestid']);
    expect(event.requestContext.time).toMatch(/^\d{2}\/\w{3}\/\d{4}:\d{2}:\d{2}:\d{2} \+0000$/);
  });

  test('a binary body reaches a greedy route base64-encoded, and a base64 response comes back as bytes', async () => {
    const response = await fetch(`${cloud.endpoints.api}/files/a/b.bin`, {
      method: 'PUT',
      headers: { 'content-type': 'application/octet-stream' },
      body: new Uint8Array([1, 2, 3]),
    });
    expect(response.status).toBe(200);
    expect([...new Uint8Array(await response.arrayBuffer())]).toEqual([0xff, 0x00, 1, 2, 3]);
  });

  test('a body over Lambda’s 6 MB invoke limit gets API Gateway’s 500, and one over 10 MB its 413, with no function run', async () => {
    const before = cloud.lambda.invocations;
    const put = (bytes: number) =>
      fetch(`${cloud.endpoints.api}/files/big.bin`, {
        method: 'PUT',
        headers: { 'content-type': 'application/octet-stream' },
        body: new Uint8Array(bytes),
      });
    // 5 MB of binary is 6.7 MB of base64 in the event: the Lambda API refuses it and API Gateway answers 500,
    // as an answer of the gateway (its request id), not as a failure of the local cloud.
    const overLambda = await put(5 * 1024 * 1024);
    expect(overLambda.status).toBe(500);
    expect(overLambda.headers.get('apigw-requestid')).toMatch(/^[0-9a-f-]{36}$/);
    expect(await overLambda.json()).toEqual({ message: 'Internal Server Error' });
    const overGateway = await put(10 * 1024 * 1024 + 1);
    expect(overGateway.status).toBe(413);
    expect(await overGateway.json()).toEqual({ message: 'Request Entity Too Large' });
    expect(cloud.lambda.invocations).toBe(before);
  });

  test('a response without a statusCode is a 200 JSON body, and an unmatched path goes to $default', async () => {
    const response = await fetch(`${cloud.endpoints.api}/no/such/route`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(await response.json()).toEqual({ route: '$default', greeting: 'bonjour' });
  });

  test('a JWT route refuses a missing or forged token with 401, without invoking the function', async () => {
    const url = `${cloud.endpoints.api}/admin/report`;
    const forger = LocalIssuer.open(join(tempDataDir(), 'forged.pem'));
    const [, claims] = cloud.endpoints.adminToken.split('.');
    const forged = await forger.issue(
      JSON.parse(Buffer.from(claims as string, 'base64url').toString('utf8')),
    );
    const tampered = cloud.endpoints.adminToken.replace(
      /\.([^.]+)\./,
      `.${Buffer.from('{"iss":"x"}').toString('base64url')}.`,
    );
    const before = cloud.lambda.invocations;
    const attempts: Array<Record<string, string>> = [
      {},
      { authorization: `Bearer ${forged}` },
      { authorization: `Bearer ${tampered}` },
    ];
    for (const headers of attempts) {
      const response = await fetch(url, { method: 'POST', headers });
      expect(response.status).toBe(401);
      expect(await response.json()).toEqual({ message: 'Unauthorized' });
    }
    expect(cloud.lambda.invocations).toBe(before);
  });

  test('a JWT route accepts the admin token, from the header or the browser cookie, and passes its claims', async () => {
    const url = `${cloud.endpoints.api}/admin/report`;
    const byHeader = await fetch(url, { method: 'POST', headers: adminHeaders(cloud) });
    expect(byHeader.status).toBe(200);
    const body = (await byHeader.json()) as { claims: Record<string, string>; name: string };
    expect(body.name).toBe('report');
    expect(body.claims).toMatchObject({
      iss: 'https://auth.fixture.example',
      aud: '[fixture-admin]',
      sub: 'local-admin',
    });
    expect(body.claims.exp).toMatch(/^\d+$/);
    const byCookie = await fetch(url, {
      method: 'POST',
      headers: { cookie: `fixture_admin=${cloud.endpoints.adminToken}` },
    });
    expect(byCookie.status).toBe(200);
  });

  test('the cookie read for the admin token is the one the template marks, not one known by name', async () => {
    // pilotflow_admin is the sample app's cookie; the fixture's function marks fixture_admin instead.
    const response = await fetch(`${cloud.endpoints.api}/admin/report`, {
      method: 'POST',
      headers: { cookie: `pilotflow_admin=${cloud.endpoints.adminToken}` },
    });
    expect(response.status).toBe(401);
  });

  test('the clock answers at /_local/clock to the admin token only', async () => {
    const url = `${cloud.endpoints.api}/_local/clock`;
    expect((await fetch(url)).status).toBe(401);
    const post = async (body: unknown) =>
      fetch(url, { method: 'POST', headers: adminHeaders(cloud), body: JSON.stringify(body) });
    const start = cloud.clock.now();
    const advanced = await post({ advance: 'PT1H30M' });
    expect(advanced.status).toBe(200);
    expect(await advanced.json()).toMatchObject({ epochMs: start + 90 * 60_000, speed: 0 });
    // The hourly schedule's timers are on the hour: set the clock to an hour, in a UTC+8 offset.
    const hour = Math.ceil(cloud.clock.now() / HOUR) * HOUR + HOUR;
    const local = new Date(hour + 8 * HOUR).toISOString().replace('.000Z', '+08:00');
    const set = await (await post({ set: local })).json();
    expect(set).toMatchObject({ now: new Date(hour).toISOString() });
    const next = (await (await post({ advance: 'next' })).json()) as { epochMs: number };
    expect(next.epochMs).toBe(hour + HOUR);
    expect(await (await post({ speed: 0 })).json()).toMatchObject({ speed: 0 });
    expect((await post({ advance: 'P1M' })).status).toBe(400);
    expect((await post({ rewind: true })).status).toBe(400);
    const state = await (await fetch(url, { headers: adminHeaders(cloud) })).json();
    expect(state).toMatchObject({
      epochMs: cloud.clock.now(),
      nextTimerAt: new Date(hour + 2 * HOUR).toISOString(),
    });
  });

  test('the clock takes the admin cookie only from the site’s own page: same origin and the CSRF token', async () => {
    const url = `${cloud.endpoints.api}/_local/clock`;
    const token = cloud.endpoints.adminToken;
    const cookie = `fixture_admin=${token}`;
    const start = cloud.clock.now();
    const post = (headers: Record<string, string>, body = '{"advance":"PT1H"}') =>
      fetch(url, { method: 'POST', headers: { cookie, ...headers }, body });
    // What any page of another site can send without a preflight: a text/plain form post, carrying the cookie.
    const refused: Array<Record<string, string>> = [
      { 'content-type': 'text/plain', origin: 'http://127.0.0.1:9' },
      { 'content-type': 'text/plain' },
      { 'content-type': 'application/json', origin: cloud.endpoints.api },
      { 'content-type': 'application/json', origin: cloud.endpoints.api, 'x-csrf-token': csrfToken('a.b.c') },
      { 'content-type': 'application/json', origin: 'http://127.0.0.1:9', 'x-csrf-token': csrfToken(token) },
      { 'content-type': 'application/json', 'sec-fetch-site': 'same-site', 'x-csrf-token': csrfToken(token) },
    ];
    for (const headers of refused) {
      const res = await post(headers);
      expect(res.status, JSON.stringify(headers)).toBe(403);
      expect(cloud.clock.now()).toBe(start);
    }
    const page = await post({
      'content-type': 'application/json',
      origin: cloud.endpoints.api,
      'sec-fetch-site': 'same-origin',
      'x-csrf-token': csrfToken(token),
    });
    expect(page.status).toBe(200);
    expect(cloud.clock.now()).toBe(start + HOUR);
  });

  test('the clock takes the dashboard’s plain form (no JavaScript) from the site’s own page, and answers 303 back to it', async () => {
    const url = `${cloud.endpoints.api}/_local/clock`;
    const token = cloud.endpoints.adminToken;
    const csrf = csrfToken(token);
    const form = (fields: Record<string, string>) =>
      fetch(url, {
        method: 'POST',
        headers: {
          cookie: `fixture_admin=${token}`,
          origin: cloud.endpoints.api,
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: new URLSearchParams(fields).toString(),
        redirect: 'manual',
      });
    const start = cloud.clock.now();
    const advanced = await form({ csrf, back: '/admin/tasks?pilot=gucheng', advance: 'PT1H' });
    expect(advanced.status).toBe(303);
    expect(advanced.headers.get('location')).toBe('/admin/tasks?pilot=gucheng');
    expect(cloud.clock.now()).toBe(start + HOUR);
    const faster = await form({ csrf, back: '/admin', speed: '60' });
    expect(faster.status).toBe(303);
    expect(cloud.clock.speed).toBe(60);
    expect((await form({ csrf, back: '/admin', speed: '0' })).status).toBe(303);
    expect(cloud.clock.speed).toBe(0);
    // Only back to a dashboard page: no open redirect.
    const elsewhere = await form({ csrf, back: 'https://evil.example/', advance: 'PT1M' });
    expect(elsewhere.headers.get('location')).toBe('/admin');
    // A value the clock does not take is its JSON answer, and moves nothing.
    const moved = cloud.clock.now();
    for (const fields of [{ advance: 'P1M' }, { speed: 'fast' }, { speed: '' }, {}] as Array<
      Record<string, string>
    >) {
      const res = await form({ csrf, back: '/admin', ...fields });
      expect(res.status, JSON.stringify(fields)).toBe(400);
    }
    expect(cloud.clock.now()).toBe(moved);
    // curl's `-d '{…}'` sends JSON under the form type: still the JSON request, answered with the clock.
    const curl = await fetch(url, {
      method: 'POST',
      headers: { ...adminHeaders(cloud), 'content-type': 'application/x-www-form-urlencoded' },
      body: '{"advance":"PT1M"}',
    });
    expect(curl.status).toBe(200);
    expect(await curl.json()).toMatchObject({ epochMs: moved + 60_000 });
  });

  test('the clock refuses the plain form without the page’s CSRF token or from another site, moving nothing', async () => {
    const url = `${cloud.endpoints.api}/_local/clock`;
    const token = cloud.endpoints.adminToken;
    const csrf = csrfToken(token);
    const start = cloud.clock.now();
    const refused: Array<[Record<string, string>, Record<string, string>]> = [
      [{ origin: cloud.endpoints.api }, { advance: 'P1D' }],
      [{ origin: cloud.endpoints.api }, { csrf: csrfToken('a.b.c'), advance: 'P1D' }],
      [{ origin: 'http://127.0.0.1:9' }, { csrf, advance: 'P1D' }],
      [{ referer: 'http://127.0.0.1:9/page' }, { csrf, advance: 'P1D' }],
      [
        { origin: cloud.endpoints.api, 'sec-fetch-site': 'same-site' },
        { csrf, advance: 'P1D' },
      ],
    ];
    for (const [headers, fields] of refused) {
      const res = await fetch(url, {
        method: 'POST',
        headers: {
          cookie: `fixture_admin=${token}`,
          'content-type': 'application/x-www-form-urlencoded',
          ...headers,
        },
        body: new URLSearchParams(fields).toString(),
        redirect: 'manual',
      });
      expect(res.status, JSON.stringify([headers, fields])).toBe(403);
      expect(res.headers.get('location')).toBeNull();
    }
    expect(cloud.clock.now()).toBe(start);
  });
});

describe('the local servers', () => {
  test('refuse a Host that is not a loopback name (a rebound DNS name), and answer loopback names', async () => {
    const e = cloud.endpoints;
    for (const url of [`${e.api}/items/1`, e.stepfunctions, e.mailbox, e.secretsmanager, e.lambda]) {
      const { port } = new URL(url);
      expect(await getWithHost(url, `rebind.example:${port}`), url).toBe(403);
      expect(await getWithHost(url, `127.0.0.1.rebind.example:${port}`), url).toBe(403);
      for (const host of [`localhost:${port}`, `127.0.0.1:${port}`]) {
        expect(await getWithHost(url, host), `${url} ${host}`).not.toBe(403);
      }
    }
  });
});

describe('Step Functions', () => {
  test('a state machine from the template runs end to end through a function, on the clock', async () => {
    const [machine] = cloud.resources.stateMachines;
    const startedAt = cloud.clock.now();
    const { executionArn } = await cloud.runtime.startExecution({
      stateMachineArn: machine?.arn,
      input: '{}',
    });
    await cloud.whenIdle();
    expect((await cloud.runtime.describeExecution({ executionArn })).status).toBe('RUNNING');
    await cloud.clock.advance(DAY);
    const done = await cloud.runtime.describeExecution({ executionArn });
    expect(done.status).toBe('SUCCEEDED');
    const output = JSON.parse(done.output ?? '{}');
    expect(output.first.now).toBe(startedAt);
    expect(output.second.now).toBe(startedAt + DAY);
  });
});

describe('the data directory', () => {
  test('is private: its folder 0700, the files the local cloud writes 0600, nothing readable by another user', async () => {
    const dir = cloud.dataDir;
    // A sent e-mail (its signed link) lands in ses/emails.jsonl.
    await payloadOf('Probe', { action: 'mail', to: 'privacy@xx-county.example', subject: 'Private' });
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    const own = [
      'endpoints.json',
      'clock.json',
      'secrets.json',
      'admin-key.pem',
      'pilotflow.lock',
      'ses/emails.jsonl',
    ];
    for (const file of own) expect(statSync(join(dir, file)).mode & 0o777, file).toBe(0o600);
    expect(readableByOthers(dir)).toEqual([]);
  });
});
