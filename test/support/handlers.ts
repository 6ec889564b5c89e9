// Runs the workflow handlers in this process, as Lambda would: configuration through the environment (set
// before a handler module is first imported: functions/lib/config.ts reads it once), AWS clients pointed at
// DynamoDB Local, aws-ses-v2-local (or, with `transport: 'smtp'`, a local SMTP capture) and a Secrets Manager
// that serves the link-signing key and the SMTP settings. One per test file (vitest gives every file its own
// modules and environment).
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Context } from 'aws-lambda';
import { inject } from 'vitest';
import { addressesOf } from '#local/cloud/mailbox.ts';
import { LOCAL_AWS } from '#local/dynamodb-local.ts';
import type { Plan } from '#plan/schema.ts';
import { putPilots } from '#store/pilots.ts';
import { putProgrammeOnce } from '#store/programmes.ts';
import type { Store } from '#store/store.ts';
import { type SmtpCapture, type SmtpCaptureOptions, startSmtpCapture } from './smtp-capture.ts';
import { freshStore } from './store.ts';

export const LINK_SECRET_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:link-signing-key-AbCdEf';
export const PROGRAMME_MACHINE_ARN = 'arn:aws:states:us-east-1:123456789012:stateMachine:PilotFlow-Programme';
export const SMTP_SECRET_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:smtp-settings-GhIjKl';
export const API_BASE_URL = 'https://api.xx-county.example';

export interface SentMail {
  from: string;
  to: string[];
  cc: string[];
  subject: string;
  text: string;
  html: string;
  /** Attached files (the local SES's store keeps a raw message's). */
  attachments: Array<{ filename: string; contentType: string; content: Buffer }>;
}

export interface HandlerEnv {
  store: Store;
  linkKey: string;
  /** Invokes `functions/handlers/<name>.ts` with `event`. */
  invoke: <T = unknown>(name: string, event: unknown) => Promise<T>;
  /** The mail the local SES (or the SMTP capture) received, oldest first. */
  mail: () => Promise<SentMail[]>;
  /** With `transport: 'smtp'`: the SMTP capture. */
  smtp?: SmtpCapture;
  close: () => Promise<void>;
}

function listen(server: Server): Promise<string> {
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () =>
      resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`),
    );
  });
}

/**
 * A Secrets Manager endpoint that knows these secrets by ARN (GetSecretValue only: all handlers ask for),
 * each with its AWSCURRENT version only: never rotated, so AWSPREVIOUS is not found, as on AWS.
 */
async function startSecrets(secrets: Record<string, string>): Promise<Server> {
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => {
      body += chunk;
    });
    req.on('end', () => {
      const { SecretId, VersionStage } = JSON.parse(body || '{}') as {
        SecretId?: string;
        VersionStage?: string;
      };
      res.setHeader('content-type', 'application/x-amz-json-1.1');
      const current = VersionStage === undefined || VersionStage === 'AWSCURRENT';
      const value = SecretId === undefined || !current ? undefined : secrets[SecretId];
      if (req.headers['x-amz-target'] !== 'secretsmanager.GetSecretValue' || value === undefined) {
        res.statusCode = 400;
        res.end(JSON.stringify({ __type: 'ResourceNotFoundException', message: 'no such secret' }));
        return;
      }
      res.end(JSON.stringify({ ARN: SecretId, Name: SecretId, SecretString: value, VersionId: 'v1' }));
    });
  });
  await listen(server);
  return server;
}

async function startSes(): Promise<{ server: Server; url: string }> {
  type Start = (config: { host: string; port: number }) => Promise<Server>;
  // CommonJS with `exports.default`: Node gives the exports object as default, vitest may unwrap it once.
  const mod = (await import('aws-ses-v2-local')) as unknown as { default: Start | { default: Start } };
  const start = typeof mod.default === 'function' ? mod.default : mod.default.default;
  const server = await start({ host: '127.0.0.1', port: 0 });
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

const context = (name: string): Context =>
  ({
    functionName: name,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:123456789012:function:${name}`,
    memoryLimitInMB: '512',
    awsRequestId: randomBytes(8).toString('hex'),
    logGroupName: `/aws/lambda/${name}`,
    logStreamName: 'test',
    callbackWaitsForEmptyEventLoop: false,
    getRemainingTimeInMillis: () => 30_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  }) as Context;

export interface HandlerEnvOptions {
  /** How e-mail leaves: the local SES (default) or a local SMTP capture through the SMTP transport. */
  transport?: 'ses' | 'smtp';
  smtp?: SmtpCaptureOptions;
  /** Share a table and a signing key with another test bed (the approval bed signs with its own key). */
  store?: Store;
  linkKey?: string;
  /** More environment variables (e.g. AWS_ENDPOINT_URL_SFN). */
  env?: Record<string, string>;
}

export async function startHandlerEnv(options: HandlerEnvOptions = {}): Promise<HandlerEnv> {
  const store = options.store ?? (await freshStore());
  const linkKey = options.linkKey ?? randomBytes(48).toString('base64url');
  const smtp = options.transport === 'smtp' ? await startSmtpCapture(options.smtp) : undefined;
  const secrets = await startSecrets({
    [LINK_SECRET_ARN]: linkKey,
    ...(smtp ? { [SMTP_SECRET_ARN]: JSON.stringify(smtp.settings) } : {}),
  });
  const ses = await startSes();
  const secretsUrl = `http://127.0.0.1:${(secrets.address() as AddressInfo).port}`;
  Object.assign(process.env, {
    TABLE_NAME: store.table,
    MAIL_FROM: 'PilotFlow <pilotflow@xx-county.example>',
    API_BASE_URL,
    LINK_SIGNING_SECRET_ARN: LINK_SECRET_ARN,
    PROGRAMME_STATE_MACHINE_ARN: PROGRAMME_MACHINE_ARN,
    AWS_REGION: LOCAL_AWS.region,
    AWS_ACCESS_KEY_ID: LOCAL_AWS.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_AWS.credentials.secretAccessKey,
    AWS_ENDPOINT_URL_DYNAMODB: inject('dynamodbEndpoint'),
    AWS_ENDPOINT_URL_SESV2: ses.url,
    AWS_ENDPOINT_URL_SECRETS_MANAGER: secretsUrl,
    POWERTOOLS_LOG_LEVEL: 'SILENT',
    POWERTOOLS_METRICS_DISABLED: 'true',
    ...(smtp ? { MAIL_TRANSPORT: 'smtp', SMTP_SECRET_ARN } : {}),
    ...options.env,
  });
  return {
    store,
    linkKey,
    ...(smtp ? { smtp } : {}),
    async invoke<T>(name: string, event: unknown): Promise<T> {
      const mod = (await import(`../../functions/handlers/${name}.ts`)) as {
        handler: (event: unknown, context: Context) => Promise<T>;
      };
      return mod.handler(event, context(name));
    },
    async mail() {
      if (smtp) {
        return smtp.received.map((m) => ({
          from: m.from,
          to: m.to,
          cc: m.cc,
          subject: m.subject,
          text: m.text,
          html: m.html,
          attachments: m.attachments,
        }));
      }
      const res = await fetch(`${ses.url}/store`);
      const { emails } = (await res.json()) as {
        emails: Array<{
          from: string;
          destination: { to?: string[]; cc?: string[] };
          subject: string;
          body: { text?: string; html?: string };
          attachments?: Array<{ filename?: string; contentType: string; content: string }>;
        }>;
      };
      return emails.map((e) => ({
        from: e.from,
        to: addressesOf(e.destination.to),
        cc: addressesOf(e.destination.cc),
        subject: e.subject,
        text: e.body.text ?? '',
        html: e.body.html ?? '',
        attachments: (e.attachments ?? []).map((a) => ({
          filename: a.filename ?? '',
          contentType: a.contentType,
          content: Buffer.from(a.content, 'base64'),
        })),
      }));
    },
    async close() {
      await new Promise<void>((resolve) => ses.server.close(() => resolve()));
      await new Promise<void>((resolve) => secrets.close(() => resolve()));
      await smtp?.close();
    },
  };
}

/**
 * The sample programme and its pilots as launch-programme stores them, none started yet (launching itself needs
 * Step Functions: see the workflow tests), at 2023-01-01.
 */
export async function storeLaunchedProgramme(store: Store, plan: Plan): Promise<void> {
  const at = '2023-01-01T00:00:00.000Z';
  const programmeId = plan.programme.id;
  await putProgrammeOnce(
    store,
    { programmeId, title: plan.programme.title, status: 'running', launchedAt: at, updatedAt: at },
    plan,
  );
  await putPilots(
    store,
    plan.pilots.map((p) => ({
      programmeId,
      pilotId: p.id,
      name: p.name,
      level: p.level,
      type: p.type,
      stages: {},
      updatedAt: at,
    })),
  );
}
