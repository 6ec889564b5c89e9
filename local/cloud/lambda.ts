// Local Lambda: every AWS::Lambda::Function of the assembly, run from its bundled asset in worker threads
// (lambda-worker.ts), each with its own environment, the template's timeout and memory, and the
// Lambda-shaped results the Invoke API gives (FunctionError + `{errorType, errorMessage, trace}`), so that
// Step Functions, the HTTP API and the scheduler see what they would see on AWS.
import { randomUUID } from 'node:crypto';
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Role } from '#infra/marks.ts';
import type { ControlledClock } from '../clock.ts';
import { assetDir, type CloudStack, COMPILE_CACHE, marksOf } from './assembly.ts';
import type { Resolver } from './intrinsics.ts';
import type { InvokeMessage, LambdaErrorPayload, WorkerMessage, WorkerSetup } from './lambda-worker.ts';

export interface LocalFunction {
  logicalId: string;
  /** The construct path (`aws:cdk:path`), e.g. `PilotFlow/OpenTask/Function/Resource`. */
  path: string;
  name: string;
  arn: string;
  handler: string;
  runtime: string;
  /** The bundled code; absent for functions the local cloud cannot run (inline or non-Node.js code). */
  codeDir?: string;
  timeoutSeconds: number;
  memoryMb: number;
  /** The template's variables, resolved. */
  environment: Record<string, string>;
  reservedConcurrency?: number;
  /** Its mark in the template (infra/marks.ts): `launcher` for the function that launches a plan. */
  role?: Role;
  /** The cookie in which it keeps a signed-in administrator's token (its mark in the template). */
  adminCookie?: string;
}

export interface InvokeResult {
  statusCode: number;
  /** The function's response, parsed; for a failed invocation, `{ errorType, errorMessage, trace }`. */
  payload?: unknown;
  /** `Unhandled` when the function failed, as the Lambda Invoke API reports it. */
  functionError?: string;
  executedVersion: string;
}

export class FunctionNotFoundError extends Error {
  override name = 'ResourceNotFoundException';
}

export class RequestTooLargeError extends Error {
  override name = 'RequestEntityTooLargeException';
}

/**
 * An invocation the local cloud's stop interrupted or refused. Named as Lambda's own service error, so that the
 * Step Functions runtime sees `Lambda.ServiceException` (retried, like an invocation lost in a crash) and never
 * the function's failure: the function did not fail, the machine under it stopped.
 */
export class LambdaStoppedError extends Error {
  override name = 'ServiceException';
  constructor(functionName: string) {
    super(`The local cloud stopped while invoking ${functionName}; the invocation did not complete`);
  }
}

/** Reads the template's Lambda functions. */
export function functionsOf(stack: CloudStack, resolver: Resolver): LocalFunction[] {
  return resolver.resourcesOfType('AWS::Lambda::Function').map(([logicalId, resource]) => {
    const p = resource.Properties ?? {};
    const identity = resolver.identity(logicalId);
    const variables = ((p.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables ??
      {}) as Record<string, unknown>;
    const environment: Record<string, string> = {};
    for (const [key, value] of Object.entries(variables)) {
      environment[key] = String(resolver.resolve(value, `the environment variable ${key} of ${logicalId}`));
    }
    const runtime = String(p.Runtime ?? '');
    const codeDir = runtime.startsWith('nodejs') ? assetDir(stack, resource.Metadata) : undefined;
    const reserved = p.ReservedConcurrentExecutions;
    return {
      logicalId,
      path: String(resource.Metadata?.['aws:cdk:path'] ?? `${stack.stackName}/${logicalId}`),
      name: identity.ref,
      arn: identity.attributes.Arn as string,
      handler: String(p.Handler ?? 'index.handler'),
      runtime,
      ...(codeDir ? { codeDir } : {}),
      timeoutSeconds: Number(p.Timeout ?? 3),
      memoryMb: Number(p.MemorySize ?? 128),
      environment,
      ...(typeof reserved === 'number' ? { reservedConcurrency: reserved } : {}),
      ...marksOf(resource.Metadata),
    };
  });
}

/**
 * Friendly names of a function from its construct path `Stack/OpenTask/Function/Resource`: the path with and
 * without the stack, with and without `/Resource`, and without a trailing `/Function` (PilotFlowFunction's
 * inner construct), so `OpenTask` finds it.
 */
function pathKeys(path: string): string[] {
  const inner = path.split('/').slice(1);
  const keys = [path, inner.join('/')];
  if (inner.at(-1) === 'Resource') inner.pop();
  keys.push(inner.join('/'));
  if (inner.length > 1 && inner.at(-1) === 'Function') keys.push(inner.slice(0, -1).join('/'));
  return keys.filter(Boolean);
}

export interface LambdaServiceOptions {
  functions: LocalFunction[];
  clock: ControlledClock;
  /** Folder for `<function>.log`, where each function's stdout and stderr go. */
  logDir: string;
  region: string;
  /** Variables every function gets besides its own: endpoints of the local services, credentials… */
  baseEnvironment: Record<string, string>;
  /** Concurrent executions per function when the template reserves none (default 4). */
  concurrency?: number;
  /** Count the functions' DynamoDB requests by operation, in their sandboxes (`dynamodbRequests`). */
  countDynamoDb?: boolean;
  /** Node.js's compile cache for the bundles (default under node_modules/.cache/pilotflow; false: none). */
  compileCacheDir?: string | false;
}

const WORKER = new URL('./lambda-worker.ts', import.meta.url);

/**
 * What a sandbox's thread runs. With a compile cache it is a line that turns the cache on and then loads
 * lambda-worker.ts, so that the cache also holds that file's type-stripped, compiled code: every sandbox after
 * the first then neither loads Node.js's TypeScript stripper nor runs it (about 20 of 60 ms of a worker's start,
 * measured with a small file; docs/benchmarks.md). Without one, the file itself.
 */
export function sandboxScript(compileCacheDir: string | undefined): { source: URL | string; eval: boolean } {
  if (!compileCacheDir) return { source: WORKER, eval: false };
  return {
    source:
      `require('node:module').enableCompileCache(${JSON.stringify(compileCacheDir)});\n` +
      `import(${JSON.stringify(WORKER.href)});`,
    eval: true,
  };
}

const MAX_PAYLOAD = 6 * 1024 * 1024;
/**
 * The Lambda init phase's limit. Past it, Lambda does not fail the invocation: it retries the init within the
 * first invocation, bounded by the function's timeout, and only that running out fails it (Sandbox.Timedout).
 * https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtime-environment.html ("Init phase"),
 * https://docs.aws.amazon.com/lambda/latest/dg/troubleshooting-invocation.html (Sandbox.Timedout)
 */
const INIT_TIMEOUT_MS = 10_000;

interface Outcome {
  payload?: string;
  error?: LambdaErrorPayload;
}

/** One execution environment: a worker thread with the function's code loaded. */
class Sandbox {
  readonly worker: Worker;
  readonly ready: Promise<LambdaErrorPayload | undefined>;
  private pending: { id: number; resolve: (outcome: Outcome) => void } | undefined;
  private nextId = 1;
  dead = false;
  /** When its current invocation began (performance.now()): how long invocations take is measured from it. */
  busySince = 0;

  constructor(
    fn: LocalFunction,
    clock: ControlledClock,
    env: Record<string, string>,
    log: WriteStream,
    dynamodbCounts: Record<string, number> | undefined,
    compileCacheDir: string | undefined,
  ) {
    const setup: WorkerSetup = {
      codeDir: fn.codeDir as string,
      handler: fn.handler,
      clockBuffer: clock.buffer,
      sourceMaps: /--enable-source-maps/.test(env.NODE_OPTIONS ?? ''),
      countDynamoDb: dynamodbCounts !== undefined,
      ...(compileCacheDir ? { compileCacheDir } : {}),
    };
    const script = sandboxScript(compileCacheDir);
    this.worker = new Worker(script.source, {
      eval: script.eval,
      workerData: setup,
      env,
      stdout: true,
      stderr: true,
      resourceLimits: { maxOldGenerationSizeMb: Math.max(fn.memoryMb, 64) },
      name: fn.name,
    });
    this.worker.unref();
    this.worker.stdout.pipe(log, { end: false });
    this.worker.stderr.pipe(log, { end: false });
    this.ready = new Promise((resolve) => {
      const settle = (value: LambdaErrorPayload | undefined) => resolve(value);
      this.worker.on('message', (message: WorkerMessage) => {
        if (message.type === 'ready') settle(undefined);
        else if (message.type === 'init-error') settle(message.error);
        else if (message.type === 'crash') {
          this.dead = true;
          this.finish({ error: message.error });
        } else {
          if (message.dynamodb && dynamodbCounts) {
            for (const [operation, n] of Object.entries(message.dynamodb))
              dynamodbCounts[operation] = (dynamodbCounts[operation] ?? 0) + n;
          }
          if (message.id === this.pending?.id)
            this.finish(message.type === 'result' ? { payload: message.payload } : { error: message.error });
        }
      });
      this.worker.on('error', (error: Error & { code?: string }) => {
        this.dead = true;
        const payload: LambdaErrorPayload =
          error.code === 'ERR_WORKER_OUT_OF_MEMORY'
            ? { errorType: 'Runtime.OutOfMemory', errorMessage: 'Runtime exited with error: out of memory' }
            : { errorType: error.name, errorMessage: error.message, trace: error.stack?.split('\n') ?? [] };
        settle(payload);
        this.finish({ error: payload });
      });
      this.worker.on('exit', (code) => {
        this.dead = true;
        const payload = {
          errorType: 'Runtime.ExitError',
          errorMessage: `Runtime exited with error: exit status ${code}`,
        };
        settle(payload);
        this.finish({ error: payload });
      });
    });
  }

  private finish(outcome: Outcome): void {
    const pending = this.pending;
    this.pending = undefined;
    pending?.resolve(outcome);
  }

  run(event: string, context: InvokeMessage['context']): Promise<Outcome> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending = { id, resolve };
      this.worker.postMessage({ type: 'invoke', id, event, context } satisfies InvokeMessage);
    });
  }

  async kill(): Promise<void> {
    this.dead = true;
    await this.worker.terminate();
  }
}

/** The sandbox's init outcome, or 'timeout' if it has not finished within `ms`. */
async function ready(sandbox: Sandbox, ms: number): Promise<LambdaErrorPayload | undefined | 'timeout'> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), ms);
  });
  try {
    return await Promise.race([sandbox.ready, late]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The execution environments of one function: reused when idle, at most `limit` at once, and one started at a
 * time. An invocation that finds none idle waits for one to be free, and another sandbox starts for the waiting
 * only when that is sooner than waiting: when the queue, at the function's recent invocation time, would take
 * the busy sandboxes longer to serve than the function's last sandbox took to start, or when the queue has not
 * moved (no sandbox came free) for that long. A burst of a few short invocations on a cold function (the launch
 * starts six pilots at once) is then served by the sandbox that started, one after another, instead of compiling
 * and initialising the same bundle in up to `limit` worker threads on a machine whose cores they share; a long
 * queue, or invocations that outlast a start, still get more sandboxes, one start at a time, up to `limit`.
 * Locally only: on AWS each concurrent invocation gets its own environment. Once closed it starts no sandbox
 * again: an invocation that was waiting for one, or that comes later, is refused.
 */
class FunctionHost {
  private readonly idle: Sandbox[] = [];
  private readonly all = new Set<Sandbox>();
  /** Sandboxes whose init has not finished (at most one). */
  private starting = 0;
  private readonly waiting: Array<{
    since: number;
    resolve: (sandbox: Sandbox) => void;
    reject: (error: Error) => void;
  }> = [];
  /** How long the last sandbox took to start (ms): how long the queue may stand still before another starts. */
  private startMs = 0;
  /** When a sandbox last became free for an invocation, or ready (performance.now()). */
  private moved = 0;
  /** The function's recent invocation time (ms, a moving average; 0 until one has ended). */
  private runMs = 0;
  private patience: NodeJS.Timeout | undefined;
  closed = false;
  readonly log: WriteStream;
  readonly fn: LocalFunction;
  private readonly clock: ControlledClock;
  private readonly env: Record<string, string>;
  private readonly limit: number;
  private readonly dynamodbCounts: Record<string, number> | undefined;
  private readonly compileCacheDir: string | undefined;

  constructor(
    fn: LocalFunction,
    clock: ControlledClock,
    env: Record<string, string>,
    logDir: string,
    limit: number,
    dynamodbCounts: Record<string, number> | undefined,
    compileCacheDir: string | undefined,
  ) {
    this.fn = fn;
    this.compileCacheDir = compileCacheDir;
    this.dynamodbCounts = dynamodbCounts;
    this.clock = clock;
    this.env = env;
    this.limit = limit;
    this.log = createWriteStream(join(logDir, `${fn.name}.log`), { flags: 'a' });
  }

  acquire(): Promise<Sandbox> {
    if (this.closed) return Promise.reject(new LambdaStoppedError(this.fn.name));
    const sandbox = this.idle.pop();
    if (sandbox) {
      sandbox.busySince = performance.now();
      return Promise.resolve(sandbox);
    }
    if (this.mayStart()) return Promise.resolve(this.start());
    return new Promise((resolve, reject) => {
      this.waiting.push({ since: performance.now(), resolve, reject });
      this.wait();
    });
  }

  private mayStart(): boolean {
    return !this.closed && this.starting === 0 && this.all.size < this.limit;
  }

  private start(): Sandbox {
    const fresh = new Sandbox(
      this.fn,
      this.clock,
      this.env,
      this.log,
      this.dynamodbCounts,
      this.compileCacheDir,
    );
    this.all.add(fresh);
    this.starting++;
    const began = performance.now();
    // `ready` settles however the init ends: done, failed, or the worker gone (killed after an init timeout).
    void fresh.ready.then(() => {
      this.starting--;
      this.moved = performance.now();
      fresh.busySince = this.moved;
      this.startMs = this.moved - began;
      this.wait();
    });
    return fresh;
  }

  /**
   * Starts a sandbox for the longest-waiting invocation once the queue has stood still for `startMs` (checked
   * again whenever a sandbox comes free or is ready, since either may end the wait).
   */
  private wait(): void {
    if (this.closed || !this.waiting.length) return;
    if (this.behind()) this.startForWaiter();
    if (this.patience || !this.waiting.length) return;
    this.patience = setTimeout(
      () => {
        this.patience = undefined;
        if (performance.now() < this.patientUntil()) this.wait();
        else this.startForWaiter();
      },
      Math.max(0, this.patientUntil() - performance.now()),
    );
  }

  /** When the longest-waiting invocation will have seen the queue stand still for `startMs`. */
  private patientUntil(): number {
    return Math.max(this.moved, this.waiting[0]?.since ?? 0) + this.startMs;
  }

  /** Whether the busy sandboxes would take longer to serve the queue than another sandbox takes to start. */
  private behind(): boolean {
    const busy = this.all.size - this.idle.length - this.starting;
    return busy > 0 && this.runMs > 0 && (this.waiting.length * this.runMs) / busy > this.startMs;
  }

  /** Starts a sandbox for the longest-waiting invocation, if one waits and another may start now. */
  private startForWaiter(): void {
    if (this.waiting.length && this.mayStart()) this.waiting.shift()?.resolve(this.start());
  }

  release(sandbox: Sandbox): void {
    if (sandbox.dead) {
      this.all.delete(sandbox);
      // Not after close (mayStart): a sandbox started then would outlive the stop, and its piped stdout keeps the
      // process's event loop alive (an unref'd worker's stdio port is ref'd while the stream waits for data).
      this.startForWaiter();
      return;
    }
    const now = performance.now();
    const ran = now - sandbox.busySince;
    this.runMs = this.runMs ? 0.7 * this.runMs + 0.3 * ran : ran;
    const waiter = this.waiting.shift();
    if (!waiter) {
      this.idle.push(sandbox);
      return;
    }
    this.moved = now;
    sandbox.busySince = now;
    waiter.resolve(sandbox);
    this.wait();
  }

  /** Refuses the invocations waiting for a sandbox and terminates every sandbox, busy or idle. */
  async terminate(): Promise<void> {
    this.closed = true;
    clearTimeout(this.patience);
    for (const waiter of this.waiting.splice(0)) waiter.reject(new LambdaStoppedError(this.fn.name));
    await Promise.all([...this.all].map((sandbox) => sandbox.kill()));
    this.all.clear();
    this.idle.length = 0;
  }

  /** Ends the log file, once no invocation can write to it any more. */
  endLog(): Promise<void> {
    return new Promise<void>((resolve) => this.log.end(resolve));
  }
}

export class LambdaService {
  readonly functions: LocalFunction[];
  private readonly hosts = new Map<string, FunctionHost>();
  private closed = false;
  private readonly byKey = new Map<string, LocalFunction>();
  private readonly options: LambdaServiceOptions;
  private active = 0;
  private idleWaiters: Array<() => void> = [];
  /** Invocations started so far (the clock's settler uses it to see new work). */
  invocations = 0;
  /** Invocations started so far, by function name. */
  readonly invocationsByFunction: Record<string, number> = {};
  /** The functions' DynamoDB requests so far, by operation (only with `countDynamoDb`). */
  readonly dynamodbRequests: Record<string, number> | undefined;

  constructor(options: LambdaServiceOptions) {
    this.options = options;
    this.functions = options.functions;
    this.dynamodbRequests = options.countDynamoDb ? {} : undefined;
    mkdirSync(options.logDir, { recursive: true });
    for (const fn of options.functions) {
      for (const key of [fn.name, fn.arn, fn.logicalId, ...pathKeys(fn.path)]) {
        if (!this.byKey.has(key)) this.byKey.set(key, fn);
      }
    }
  }

  /** Finds a function by name, ARN (with or without a version qualifier), logical id or construct path. */
  find(nameOrArn: string): LocalFunction | undefined {
    const direct = this.byKey.get(nameOrArn);
    if (direct) return direct;
    const match = /^(arn:[^:]+:lambda:[^:]*:[^:]*:function:[^:]+)(?::[^:]+)?$/.exec(nameOrArn);
    return match?.[1] ? this.byKey.get(match[1]) : undefined;
  }

  /** The environment a function runs with: its own variables over Lambda's and the local cloud's. */
  environmentOf(fn: LocalFunction): Record<string, string> {
    const { region, baseEnvironment } = this.options;
    return {
      PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
      LANG: 'en_US.UTF-8',
      AWS_REGION: region,
      AWS_DEFAULT_REGION: region,
      AWS_LAMBDA_FUNCTION_NAME: fn.name,
      AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(fn.memoryMb),
      AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${fn.name}`,
      AWS_LAMBDA_LOG_STREAM_NAME: `local/[$LATEST]${fn.logicalId}`,
      AWS_EXECUTION_ENV: `AWS_Lambda_${fn.runtime}`,
      AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
      LAMBDA_TASK_ROOT: fn.codeDir ?? '',
      LAMBDA_RUNTIME_DIR: '/var/runtime',
      _HANDLER: fn.handler,
      // There is no X-Ray daemon here; the tracer would only complain.
      POWERTOOLS_TRACE_ENABLED: 'false',
      AWS_XRAY_CONTEXT_MISSING: 'IGNORE_ERROR',
      ...baseEnvironment,
      ...fn.environment,
    };
  }

  private host(fn: LocalFunction): FunctionHost {
    let host = this.hosts.get(fn.name);
    if (!host) {
      const limit = fn.reservedConcurrency || this.options.concurrency || 4;
      host = new FunctionHost(
        fn,
        this.options.clock,
        this.environmentOf(fn),
        this.options.logDir,
        limit,
        this.dynamodbRequests,
        this.options.compileCacheDir === false ? undefined : (this.options.compileCacheDir ?? COMPILE_CACHE),
      );
      this.hosts.set(fn.name, host);
    }
    return host;
  }

  /** Invokes a function synchronously (RequestResponse), as the Lambda Invoke API does. */
  async invoke(
    nameOrArn: string,
    payload: unknown,
    options: { clientContext?: string } = {},
  ): Promise<InvokeResult> {
    const fn = this.find(nameOrArn);
    if (!fn) throw new FunctionNotFoundError(`Function not found: ${nameOrArn}`);
    const event = JSON.stringify(payload ?? {});
    if (Buffer.byteLength(event) > MAX_PAYLOAD) {
      throw new RequestTooLargeError(
        `Request must be smaller than ${MAX_PAYLOAD} bytes for the InvokeFunction operation`,
      );
    }
    if (this.closed) throw new LambdaStoppedError(fn.name);
    this.invocations++;
    this.invocationsByFunction[fn.name] = (this.invocationsByFunction[fn.name] ?? 0) + 1;
    this.active++;
    try {
      return await this.run(fn, event, options);
    } finally {
      this.active--;
      if (this.active === 0) {
        const waiters = this.idleWaiters;
        this.idleWaiters = [];
        for (const resolve of waiters) resolve();
      }
    }
  }

  private async run(
    fn: LocalFunction,
    event: string,
    options: { clientContext?: string },
  ): Promise<InvokeResult> {
    const failed = (error: LambdaErrorPayload): InvokeResult => ({
      statusCode: 200,
      payload: error,
      functionError: 'Unhandled',
      executedVersion: '$LATEST',
    });
    if (!fn.codeDir) {
      return failed({
        errorType: 'Runtime.InvalidRuntime',
        errorMessage: `The local cloud cannot run ${fn.logicalId} (${fn.runtime || 'no runtime'}, no bundled asset)`,
      });
    }
    const host = this.host(fn);
    const sandbox = await host.acquire();
    const requestId = randomUUID();
    const log = host.log;
    const timeoutMs = fn.timeoutSeconds * 1000;
    const timedOutError = (): LambdaErrorPayload => ({
      errorType: 'Sandbox.Timedout',
      errorMessage: `RequestId: ${requestId} Error: Task timed out after ${fn.timeoutSeconds.toFixed(2)} seconds`,
    });
    try {
      // A slow init (a loaded machine, many cold starts at once) gets the function's timeout as well, as on AWS:
      // failing it after 10 s stopped a pilot in a crash test at load 35 (docs/reliability.md).
      let deadline: number | undefined;
      let initError = await ready(sandbox, INIT_TIMEOUT_MS);
      if (initError === 'timeout') {
        log.write(
          `INIT_REPORT RequestId: ${requestId} Status: timeout (the init goes on within the invocation)\n`,
        );
        deadline = performance.now() + timeoutMs;
        initError = await ready(sandbox, timeoutMs);
        if (initError === 'timeout') {
          await sandbox.kill();
          log.write(`${new Date().toISOString()} ${requestId} Task timed out during init\n`);
          return failed(timedOutError());
        }
      }
      if (host.closed) throw new LambdaStoppedError(fn.name);
      if (initError) {
        log.write(
          `INIT_REPORT RequestId: ${requestId} Status: error ${initError.errorType}: ${initError.errorMessage}\n`,
        );
        await sandbox.kill();
        return failed(initError);
      }
      const started = performance.now();
      log.write(`START RequestId: ${requestId} Version: $LATEST\n`);
      const remainingMs = deadline === undefined ? timeoutMs : Math.max(0, deadline - started);
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), remainingMs);
      });
      const outcome = await Promise.race([
        sandbox.run(event, {
          awsRequestId: requestId,
          functionName: fn.name,
          functionVersion: '$LATEST',
          invokedFunctionArn: fn.arn,
          memoryLimitInMB: String(fn.memoryMb),
          logGroupName: `/aws/lambda/${fn.name}`,
          logStreamName: `local/[$LATEST]${fn.logicalId}`,
          deadline: performance.timeOrigin + performance.now() + remainingMs,
          ...(options.clientContext
            ? { clientContext: JSON.parse(Buffer.from(options.clientContext, 'base64').toString('utf8')) }
            : {}),
        }),
        timedOut,
      ]);
      clearTimeout(timer);
      const duration = (performance.now() - started).toFixed(2);
      log.write(`END RequestId: ${requestId}\nREPORT RequestId: ${requestId} Duration: ${duration} ms\n`);
      if (host.closed) {
        // The stop terminated the sandbox under the invocation (or it ended as the stop began): whatever it
        // did is not reported as its result, so the caller repeats it, as after a crash.
        log.write(`${requestId} the local cloud stopped during this invocation\n`);
        throw new LambdaStoppedError(fn.name);
      }
      if (outcome === 'timeout') {
        // As on AWS: the sandbox is torn down, and the next invocation gets a fresh one.
        await sandbox.kill();
        log.write(
          `${new Date().toISOString()} ${requestId} Task timed out after ${fn.timeoutSeconds.toFixed(2)} seconds\n`,
        );
        return failed(timedOutError());
      }
      if (outcome.error) {
        log.write(`${JSON.stringify({ requestId, ...outcome.error })}\n`);
        return failed(outcome.error);
      }
      const body = outcome.payload ?? 'null';
      if (Buffer.byteLength(body) > MAX_PAYLOAD) {
        return failed({
          errorType: 'Function.ResponseSizeTooLarge',
          errorMessage: `Response payload size exceeded maximum allowed payload size (${MAX_PAYLOAD} bytes).`,
        });
      }
      return { statusCode: 200, payload: JSON.parse(body), executedVersion: '$LATEST' };
    } finally {
      host.release(sandbox);
    }
  }

  /** Invocations in flight. */
  get inFlight(): number {
    return this.active;
  }

  /** Resolves when no invocation is in flight. */
  whenIdle(): Promise<void> {
    if (this.active === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /**
   * Terminates every sandbox, idle or busy. An invocation in flight or waiting for a sandbox, and any asked
   * for later, rejects with LambdaStoppedError; no worker thread is left.
   */
  async close(): Promise<void> {
    this.closed = true;
    const hosts = [...this.hosts.values()];
    await Promise.all(hosts.map((host) => host.terminate()));
    // Each interrupted invocation settles at once (its worker has exited) and writes its last log lines.
    await this.whenIdle();
    await Promise.all(hosts.map((host) => host.endLog()));
    this.hosts.clear();
  }
}
