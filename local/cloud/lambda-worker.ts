// One execution environment of a local Lambda function: a worker thread that loads the function's bundled
// handler once and runs one invocation at a time, as a Lambda sandbox does.
//
// Time: before the handler is loaded, the global `Date` is replaced by one that reads the local cloud's
// ControlledClock from the shared buffer it was given (`Date.now()`, `new Date()` and `Date()`; `new Date(x)`
// is untouched). So a handler sees the local cloud's time — set, advanced or sped up — without knowing it,
// and the same bytes read real time on AWS. Timers (setTimeout) and performance.now() stay real, as do
// Intl formatters called without a date; the function timeout is real time too.
import { subscribe } from 'node:diagnostics_channel';
import { readdirSync } from 'node:fs';
import type { ClientRequest } from 'node:http';
import { flushCompileCache } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parentPort, workerData } from 'node:worker_threads';
import { sharedClockReader } from '../clock.ts';

export interface WorkerSetup {
  codeDir: string;
  /** `file.export`, e.g. `index.handler` (the template's Handler). */
  handler: string;
  clockBuffer: SharedArrayBuffer;
  sourceMaps: boolean;
  /** Count the DynamoDB requests the function makes, by operation (reported with each result). */
  countDynamoDb: boolean;
  /** Where Node.js keeps the compiled code of the bundles between sandboxes (none when absent). */
  compileCacheDir?: string;
}

export interface InvokeMessage {
  type: 'invoke';
  id: number;
  event: string;
  context: {
    awsRequestId: string;
    functionName: string;
    functionVersion: string;
    invokedFunctionArn: string;
    memoryLimitInMB: string;
    logGroupName: string;
    logStreamName: string;
    /** Wall-clock epoch ms at which the invocation times out. */
    deadline: number;
    clientContext?: unknown;
  };
}

export interface LambdaErrorPayload {
  errorType: string;
  errorMessage: string;
  trace?: string[];
}

export type WorkerMessage =
  | { type: 'ready' }
  | { type: 'init-error'; error: LambdaErrorPayload }
  | { type: 'result'; id: number; payload: string; dynamodb?: Record<string, number> }
  | { type: 'error'; id: number; error: LambdaErrorPayload; dynamodb?: Record<string, number> }
  | { type: 'crash'; error: LambdaErrorPayload };

const setup = workerData as WorkerSetup;
const port = parentPort;
if (!port) throw new Error('lambda-worker.ts runs only as a worker thread');

function wallNow(): number {
  return performance.timeOrigin + performance.now();
}

function installClock(buffer: SharedArrayBuffer): void {
  const read = sharedClockReader(buffer);
  const RealDate = Date;
  // A function, not a class, so that `Date()` without `new` works as it does natively.
  function LocalDate(this: unknown, ...args: unknown[]): unknown {
    if (!new.target) return new RealDate(read()).toString();
    return Reflect.construct(RealDate, args.length === 0 ? [read()] : args, new.target);
  }
  // Sharing the prototype keeps `instanceof Date` and `.constructor === Date` true for every date.
  LocalDate.prototype = RealDate.prototype;
  Object.defineProperty(RealDate.prototype, 'constructor', {
    value: LocalDate,
    writable: true,
    configurable: true,
  });
  Object.defineProperties(LocalDate, {
    now: { value: () => read(), writable: true, configurable: true },
    parse: { value: RealDate.parse, writable: true, configurable: true },
    UTC: { value: RealDate.UTC, writable: true, configurable: true },
  });
  globalThis.Date = LocalDate as unknown as DateConstructor;
}

/** The error shape the Lambda Node.js runtime reports. */
export function errorPayload(error: unknown): LambdaErrorPayload {
  if (error instanceof Error || (typeof error === 'object' && error !== null && 'message' in error)) {
    const e = error as Error;
    return {
      errorType: typeof e.name === 'string' && e.name ? e.name : 'Error',
      errorMessage: typeof e.message === 'string' ? e.message : String(e.message),
      trace: typeof e.stack === 'string' ? e.stack.split('\n') : [],
    };
  }
  return { errorType: typeof error, errorMessage: String(error), trace: [] };
}

type Handler = (
  event: unknown,
  context: unknown,
  callback?: (error: unknown, result?: unknown) => void,
) => unknown;

class HandlerError extends Error {
  readonly errorType: string;
  constructor(errorType: string, message: string) {
    super(message);
    this.errorType = errorType;
  }
}

async function loadHandler(): Promise<Handler> {
  const dot = setup.handler.lastIndexOf('.');
  const modulePath = setup.handler.slice(0, dot);
  const exportName = setup.handler.slice(dot + 1);
  const base = join(setup.codeDir, modulePath);
  const files = readdirSync(join(base, '..'));
  const file = ['.js', '.mjs', '.cjs']
    .map((ext) => `${base}${ext}`)
    .find((candidate) => files.includes(candidate.slice(candidate.lastIndexOf('/') + 1)));
  if (!file) {
    throw new HandlerError('Runtime.ImportModuleError', `Error: Cannot find module '${modulePath}'`);
  }
  const module = (await import(pathToFileURL(file).href)) as Record<string, unknown> & {
    default?: Record<string, unknown>;
  };
  const fn = module[exportName] ?? module.default?.[exportName];
  if (typeof fn !== 'function') {
    throw new HandlerError('Runtime.HandlerNotFound', `${setup.handler} is undefined or not exported`);
  }
  return fn as Handler;
}

function run(handler: Handler, event: unknown, context: unknown): Promise<unknown> {
  if (handler.length >= 3) {
    return new Promise((resolve, reject) => {
      const done = (error: unknown, result?: unknown) => (error ? reject(error) : resolve(result));
      const returned = handler(event, context, done);
      if (returned && typeof (returned as Promise<unknown>).then === 'function')
        (returned as Promise<unknown>).then(resolve, reject);
    });
  }
  return Promise.resolve().then(() => handler(event, context));
}

/**
 * DynamoDB requests since the last result, by operation: every request the SDK sends names its operation in
 * `X-Amz-Target` (`DynamoDB_20120810.Query`). Counted here, in the sandbox, as Node.js starts each HTTP request,
 * instead of by a proxy on the main thread that every request had to pass through.
 */
let dynamodbCounts: Record<string, number> | undefined;
function countDynamoDbRequests(): void {
  subscribe('http.client.request.start', (message) => {
    const target = (message as { request: ClientRequest }).request.getHeader('x-amz-target');
    if (typeof target !== 'string' || !target.startsWith('DynamoDB_20120810.')) return;
    const operation = target.slice(target.indexOf('.') + 1);
    dynamodbCounts ??= {};
    dynamodbCounts[operation] = (dynamodbCounts[operation] ?? 0) + 1;
  });
}

/** The counts since the last call (undefined when there were none). */
function takeDynamoDbCounts(): { dynamodb?: Record<string, number> } {
  const counts = dynamodbCounts;
  dynamodbCounts = undefined;
  return counts ? { dynamodb: counts } : {};
}

installClock(setup.clockBuffer);
if (setup.sourceMaps) process.setSourceMapsEnabled(true);
if (setup.countDynamoDb) countDynamoDbRequests();

const crash = (errorType: string) => (reason: unknown) => {
  const payload = errorPayload(reason);
  port.postMessage({
    type: 'crash',
    error: { ...payload, errorType: errorType === 'uncaught' ? payload.errorType : errorType },
  } satisfies WorkerMessage);
  process.exit(1);
};
process.on('uncaughtException', crash('uncaught'));
process.on('unhandledRejection', crash('Runtime.UnhandledPromiseRejection'));

// A cold start compiles the whole bundle; with Node.js's compile cache, which the sandbox's first line turned on
// before it loaded this file (lambda.ts, sandboxScript), the next sandbox of the same bundle reads the compiled
// code instead (about 40 of 140 ms of an init's CPU). Local only: the bundle is unchanged, and so is what AWS runs.
let handler: Handler;
try {
  handler = await loadHandler();
  // Written now: a sandbox is usually terminated, and the cache is otherwise written only at a normal exit.
  if (setup.compileCacheDir) flushCompileCache();
  port.postMessage({ type: 'ready' } satisfies WorkerMessage);
} catch (error) {
  const payload =
    error instanceof HandlerError
      ? { errorType: error.errorType, errorMessage: error.message, trace: [] }
      : errorPayload(error);
  port.postMessage({ type: 'init-error', error: payload } satisfies WorkerMessage);
  process.exit(1);
}

port.on('message', async (message: InvokeMessage) => {
  if (message.type !== 'invoke') return;
  const { deadline, ...fields } = message.context;
  const context = {
    ...fields,
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, Math.floor(deadline - wallNow())),
    done: () => {},
    fail: () => {},
    succeed: () => {},
  };
  try {
    const result = await run(handler, JSON.parse(message.event), context);
    port.postMessage({
      type: 'result',
      id: message.id,
      payload: JSON.stringify(result === undefined ? null : result),
      ...takeDynamoDbCounts(),
    } satisfies WorkerMessage);
  } catch (error) {
    port.postMessage({
      type: 'error',
      id: message.id,
      error: errorPayload(error),
      ...takeDynamoDbCounts(),
    } satisfies WorkerMessage);
  }
});
