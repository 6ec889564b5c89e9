// Lambda: the template's functions in worker threads (LambdaService), and the Lambda Invoke API over HTTP
// for SDK clients. Every function reaches the other local services through the standard
// AWS_ENDPOINT_URL_<SERVICE> variables, with dummy credentials.
import { join } from 'node:path';
import type { ControlledClock } from '../../clock.ts';
import type { LocalAws } from '../../dynamodb-local.ts';
import { guardHost } from '../../host-check.ts';
import { LOCAL_ACCOUNT } from '../intrinsics.ts';
import { type InvokeResult, LambdaService, type LocalFunction } from '../lambda.ts';
import { LambdaEndpoint } from '../lambda-endpoint.ts';
import type { Service } from './compose.ts';

export interface FunctionsService extends Service {
  lambda: LambdaService;
  /** The Lambda Invoke API's endpoint. */
  url: string;
  invoke(nameOrArn: string, payload: unknown): Promise<InvokeResult>;
}

export async function startFunctions(options: {
  functions: LocalFunction[];
  clock: ControlledClock;
  dataDir: string;
  host: string;
  /** Sandboxes per function when the template reserves no concurrency. */
  concurrency?: number;
  /** Count the functions' DynamoDB requests by operation (`lambda.dynamodbRequests`). */
  countDynamoDb?: boolean;
  /** The Lambda API's port. */
  port: number;
  /** The dummy credentials the functions are given (their tables are under them in DynamoDB Local). */
  aws: LocalAws;
  /** The endpoints the functions are given. */
  endpoints: {
    dynamodb: string;
    stepfunctions: string;
    ses: string;
    secretsmanager: string;
    mailbox: string;
    s3: string;
  };
}): Promise<FunctionsService> {
  const { endpoints, host } = options;
  const lambdaUrl = `http://${host}:${options.port}`;
  const lambda = new LambdaService({
    functions: options.functions,
    clock: options.clock,
    logDir: join(options.dataDir, 'logs'),
    region: LOCAL_ACCOUNT.region,
    baseEnvironment: {
      AWS_ACCESS_KEY_ID: options.aws.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: options.aws.credentials.secretAccessKey,
      AWS_SESSION_TOKEN: 'local',
      AWS_ENDPOINT_URL_DYNAMODB: endpoints.dynamodb,
      AWS_ENDPOINT_URL_SFN: endpoints.stepfunctions,
      AWS_ENDPOINT_URL_SESV2: endpoints.ses,
      AWS_ENDPOINT_URL_SES: endpoints.ses,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: endpoints.secretsmanager,
      AWS_ENDPOINT_URL_LAMBDA: lambdaUrl,
      AWS_ENDPOINT_URL_S3: endpoints.s3,
      PILOTFLOW_LOCAL: '1',
      LOCAL_MAILBOX_URL: endpoints.mailbox,
    },
    ...(options.concurrency ? { concurrency: options.concurrency } : {}),
    ...(options.countDynamoDb ? { countDynamoDb: true } : {}),
  });
  let endpoint: LambdaEndpoint;
  try {
    endpoint = await LambdaEndpoint.listen({
      port: options.port,
      host,
      find: (name) => lambda.find(name),
      invoke: (name, payload, invokeOptions) => lambda.invoke(name, payload, invokeOptions),
    });
  } catch (error) {
    await lambda.close();
    throw error;
  }
  guardHost(endpoint.server, host);
  return {
    lambda,
    url: endpoint.url,
    invoke: (nameOrArn, payload) => lambda.invoke(nameOrArn, payload),
    async stop() {
      try {
        await endpoint.close();
      } finally {
        // Every sandbox, busy or idle, is terminated, and none is started again.
        await lambda.close();
      }
    },
  };
}
