// The Step Functions API over HTTP (AWS JSON 1.0: POST with `X-Amz-Target: AWSStepFunctions.<Operation>`),
// so that @aws-sdk/client-sfn and the AWS CLI work against the runtime with only the endpoint changed.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { guardHost } from '../host-check.ts';
import { SfnApiError } from './api-errors.ts';
import type { StepFunctionsRuntime } from './runtime.ts';

/** The operations this runtime serves, and the runtime method behind each. */
export const OPERATIONS = {
  CreateStateMachine: 'createStateMachine',
  UpdateStateMachine: 'updateStateMachine',
  DescribeStateMachine: 'describeStateMachine',
  ListStateMachines: 'listStateMachines',
  DeleteStateMachine: 'deleteStateMachine',
  ValidateStateMachineDefinition: 'validateStateMachineDefinition',
  StartExecution: 'startExecution',
  StartSyncExecution: 'startSyncExecution',
  DescribeExecution: 'describeExecution',
  ListExecutions: 'listExecutions',
  GetExecutionHistory: 'getExecutionHistory',
  DescribeStateMachineForExecution: 'describeStateMachineForExecution',
  StopExecution: 'stopExecution',
  RedriveExecution: 'redriveExecution',
  SendTaskSuccess: 'sendTaskSuccess',
  SendTaskFailure: 'sendTaskFailure',
  SendTaskHeartbeat: 'sendTaskHeartbeat',
  PublishStateMachineVersion: 'publishStateMachineVersion',
  ListStateMachineVersions: 'listStateMachineVersions',
  DeleteStateMachineVersion: 'deleteStateMachineVersion',
  CreateStateMachineAlias: 'createStateMachineAlias',
  DescribeStateMachineAlias: 'describeStateMachineAlias',
  ListStateMachineAliases: 'listStateMachineAliases',
  UpdateStateMachineAlias: 'updateStateMachineAlias',
  DeleteStateMachineAlias: 'deleteStateMachineAlias',
  TagResource: 'tagResource',
  UntagResource: 'untagResource',
  ListTagsForResource: 'listTagsForResource',
  CreateActivity: 'createActivity',
  DescribeActivity: 'describeActivity',
  ListActivities: 'listActivities',
  DeleteActivity: 'deleteActivity',
  GetActivityTask: 'getActivityTask',
  TestState: 'testState',
  DescribeMapRun: 'describeMapRun',
  ListMapRuns: 'listMapRuns',
  UpdateMapRun: 'updateMapRun',
} as const satisfies Record<string, keyof StepFunctionsRuntime>;

/**
 * The Step Functions API's other operations: answered with "not supported", not as unknown names.
 * docs/stepfunctions.md ("Coverage") lists both sets; test/stepfunctions/coverage.test.ts keeps it true.
 */
export const NOT_SUPPORTED = new Set<string>();

const MAX_BODY = 4 * 1024 * 1024;
const CONTENT_TYPE = 'application/x-amz-json-1.0';

/** Dates travel as epoch seconds in AWS JSON 1.0. */
function serialize(value: unknown): string {
  return JSON.stringify(value, function (this: Record<string, unknown>, key, v) {
    const raw = this[key];
    return raw instanceof Date ? raw.getTime() / 1000 : v;
  });
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = serialize(body);
  res.writeHead(status, {
    'content-type': CONTENT_TYPE,
    'content-length': Buffer.byteLength(text),
    'x-amzn-requestid': crypto.randomUUID(),
  });
  res.end(text);
}

function sendError(res: ServerResponse, error: SfnApiError): void {
  send(res, error.statusCode, {
    __type: `com.amazonaws.swf.service.v2.model#${error.code}`,
    message: error.message,
    ...error.fields,
  });
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY)
      throw new SfnApiError('ValidationException', `Request body larger than ${MAX_BODY} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export async function handle(
  runtime: StepFunctionsRuntime,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  try {
    if (req.method !== 'POST') {
      throw new SfnApiError('UnknownOperationException', `Only POST is supported, got ${req.method}`);
    }
    const target = String(req.headers['x-amz-target'] ?? '');
    const [service, operation] = target.split('.');
    const method =
      service === 'AWSStepFunctions' ? OPERATIONS[operation as keyof typeof OPERATIONS] : undefined;
    const text = await readBody(req);
    if (!method && service === 'AWSStepFunctions' && NOT_SUPPORTED.has(operation ?? '')) {
      throw new SfnApiError(
        'UnknownOperationException',
        `${operation} is not supported by the local Step Functions runtime (docs/stepfunctions.md, "Coverage")`,
      );
    }
    if (!method) throw new SfnApiError('UnknownOperationException', `Unknown operation: '${target}'`);
    let input: unknown;
    try {
      input = text.trim() === '' ? {} : JSON.parse(text);
    } catch {
      throw new SfnApiError('SerializationException', 'The request body is not valid JSON');
    }
    if (typeof input !== 'object' || input === null || Array.isArray(input)) {
      throw new SfnApiError('SerializationException', 'The request body must be a JSON object');
    }
    const output = await (runtime[method] as (i: unknown) => Promise<unknown>).call(runtime, input);
    send(res, 200, output ?? {});
  } catch (error) {
    if (error instanceof SfnApiError) return sendError(res, error);
    sendError(
      res,
      new SfnApiError(
        'InternalFailure',
        error instanceof Error ? error.message : 'Internal failure of the local runtime',
      ),
    );
  }
}

export async function serve(
  runtime: StepFunctionsRuntime,
  port: number,
  host: string,
): Promise<{ server: Server; port: number; host: string }> {
  const server = createServer((req, res) => {
    void handle(runtime, req, res);
  });
  // Idle keep-alive connections are closed after 65 s, not Node's 5 s: an SDK client reuses its pooled
  // connection for the next request, and one sent just as the server closes it fails with ECONNRESET, which
  // a client with maxAttempts 1 (the tests', the integrations') does not retry. Seen under load between two
  // requests 5 s apart. (The headers timeout must exceed the keep-alive timeout.)
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  guardHost(server, host);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  return { server, port: typeof address === 'object' && address ? address.port : port, host };
}
