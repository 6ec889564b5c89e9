// The approval handler across a rotation of the link-signing key, and what its decisions record about who
// clicked: API Gateway v2 events to the real handler, against DynamoDB Local, the local Step Functions runtime
// and the local cloud's Secrets Manager, rotated with PutSecretValue as on AWS.
import { randomUUID } from 'node:crypto';
import { PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keyId, linkSignature } from '#domain/links.ts';
import { SecretsServer } from '#local/cloud/secrets.ts';
import { LOCAL_AWS } from '#local/dynamodb-local.ts';
import { listAuditOfTask } from '#store/audit.ts';
import { getLink } from '#store/links.ts';
import { getTask } from '#store/tasks.ts';
import { approvalEvent } from '#test/support/api-gateway.ts';
import {
  type ApprovalBed,
  type OpenedTask,
  SIGNING_KEY,
  startApprovalBed,
  WANG,
} from '#test/support/approval.ts';
import { type HandlerEnv, startHandlerEnv } from '#test/support/handlers.ts';
import { type CountingProxy, countingProxy } from '#test/support/sfn-proxy.ts';

type Response = APIGatewayProxyStructuredResultV2;

const LINK_SECRET = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:LinkSigningKey-AbCdEf';
const NEW_KEY = 'new-signing-key-'.padEnd(64, 'n');
const UNKNOWN_KEY = 'never-stored-key-'.padEnd(64, 'u');
const DAY = 86_400_000;

let bed: ApprovalBed;
let secrets: SecretsServer;
let secretsCalls: CountingProxy;
let env: HandlerEnv;

beforeAll(async () => {
  bed = await startApprovalBed();
  secrets = await SecretsServer.listen(
    [
      {
        logicalId: 'LinkSigningKey',
        arn: LINK_SECRET,
        name: 'LinkSigningKey',
        versionId: randomUUID(),
        value: SIGNING_KEY,
        createdDate: Date.now(),
      },
    ],
    0,
  );
  secretsCalls = await countingProxy(secrets.url);
  env = await startHandlerEnv({
    store: bed.store,
    linkKey: SIGNING_KEY,
    env: {
      AWS_ENDPOINT_URL_SFN: bed.sfnEndpoint,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: secretsCalls.url,
      LINK_SIGNING_SECRET_ARN: LINK_SECRET,
    },
  });
});

afterAll(async () => {
  await env?.close();
  await secretsCalls?.close();
  await secrets?.close();
  await bed?.close();
});

// The handler reads the real clock: links and due dates are set in the future of now.
const inAMonth = () => new Date(Date.now() + 30 * DAY).toISOString();
const openTask = () => bed.openTask({ dueAt: inAMonth(), expiresAt: inAMonth() });
const linkOf = (opened: OpenedTask) => opened.links[0] as OpenedTask['links'][number];

function formTokenOf(html: string): string {
  const token = html.match(/name="token" value="([A-Za-z0-9_.-]+)"/)?.[1];
  if (!token) throw new Error('the page has no form token');
  return token;
}

const approve = (token: string) => ({
  token,
  decision: 'approve',
  comment: '同意。',
  'f.score.party-leadership': '88',
});

/** The link of `opened` signed with `key` instead of the key the bed signed it with. */
async function signedWith(key: string, opened: OpenedTask): Promise<{ linkId: string; sig: string }> {
  const record = await getLink(bed.store, linkOf(opened).linkId);
  if (!record) throw new Error('no link');
  return { linkId: record.linkId, sig: linkSignature(key, record) };
}

function fromClient(event: APIGatewayProxyEventV2, sourceIp: string, userAgent: string) {
  event.requestContext.http.sourceIp = sourceIp;
  event.requestContext.http.userAgent = userAgent;
  if (event.headers) event.headers['user-agent'] = userAgent;
  return event;
}

describe('a rotation of the link-signing key', () => {
  // Opened and shown before the rotation: signed with the key that is then replaced.
  let before: OpenedTask;
  let pageToken: string;
  let after: OpenedTask;

  it('is taken at once by an instance that read the old key: a link signed with the new key makes it read the keys again', async () => {
    before = await openTask();
    after = await openTask();
    const page = await env.invoke<Response>('approval', approvalEvent('GET', linkOf(before)));
    expect(page.statusCode).toBe(200);
    pageToken = formTokenOf(String(page.body));
    expect(pageToken.startsWith(`${keyId(SIGNING_KEY)}.`)).toBe(true);

    const client = new SecretsManagerClient({ endpoint: secrets.url, ...LOCAL_AWS });
    await client.send(new PutSecretValueCommand({ SecretId: LINK_SECRET, SecretString: NEW_KEY }));
    client.destroy();

    // Signed by another function's instance that has read the new key already: this instance has not.
    const reads = secretsCalls.calls('GetSecretValue');
    const fresh = await env.invoke<Response>(
      'approval',
      approvalEvent('GET', await signedWith(NEW_KEY, after)),
    );
    expect(fresh.statusCode).toBe(200);
    expect(secretsCalls.calls('GetSecretValue') - reads).toBe(2);
    expect(formTokenOf(String(fresh.body)).startsWith(`${keyId(NEW_KEY)}.`)).toBe(true);
  });

  it('lets a link e-mailed and a page served before it decide after it, with the previous key', async () => {
    const post = await env.invoke<Response>(
      'approval',
      approvalEvent('POST', linkOf(before), approve(pageToken)),
    );
    expect(post.statusCode).toBe(200);
    expect(await getTask(bed.store, before.task.taskId)).toMatchObject({
      status: 'decided',
      decision: { outcome: 'approve', decidedBy: WANG },
    });
  });

  it('refuses a key id that neither key has, reading the keys again at most once a minute', async () => {
    const forged = await signedWith(UNKNOWN_KEY, after);
    const first = await env.invoke<Response>('approval', approvalEvent('GET', forged));
    const reads = secretsCalls.calls('GetSecretValue');
    const again = await Promise.all(
      Array.from({ length: 5 }, () => env.invoke<Response>('approval', approvalEvent('GET', forged))),
    );
    expect([first, ...again].map((r) => r.statusCode)).toEqual([403, 403, 403, 403, 403, 403]);
    expect(secretsCalls.calls('GetSecretValue')).toBe(reads);
  });
});

describe('who clicked', () => {
  const FIREFOX = 'Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0';

  it.each([
    ['203.0.113.77', '203.0.113.0/24'],
    ['2001:db8:85a3:8d3:1319:8a2e:370:7348', '2001:db8:85a3::/48'],
  ])(
    'a decision from %s is credited to the assignee, and its audit event records the network %s and the browser',
    async (sourceIp, network) => {
      const opened = await openTask();
      const link = linkOf(opened);
      const page = await env.invoke<Response>('approval', approvalEvent('GET', link));
      const post = await env.invoke<Response>(
        'approval',
        fromClient(approvalEvent('POST', link, approve(formTokenOf(String(page.body)))), sourceIp, FIREFOX),
      );
      expect(post.statusCode).toBe(200);
      const [event] = (await listAuditOfTask(bed.store, opened.task.taskId)).filter(
        (e) => e.action === 'decision.recorded',
      );
      expect(event).toMatchObject({
        actor: `email:${WANG.email}`,
        details: { decidedBy: WANG, client: { ip: network, userAgent: FIREFOX } },
      });
      expect(JSON.stringify(event)).not.toContain(sourceIp);
    },
  );
});
