// The local Step Functions runtime: the API operations (same request and response shapes as the AWS API, dates
// as Date), the durable engine behind them, and the wiring of task resources. Embedded by the local cloud;
// served over HTTP by `pilotflow stepfunctions`.
import { createHash, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import * as z from 'zod';
import { type Clock, systemClock } from '../clock.ts';
import { SfnApiError } from './api-errors.ts';
import { Engine } from './engine.ts';
import { StatesFailure } from './failure.ts';
import { invokeLambdaTask, lambdaInvokeIntegration } from './lambda.ts';
import { type MockConfig, mockResponder, parseMockConfig } from './mock-config.ts';
import type { RedrivePoint } from './model.ts';
import type { ChildStart } from './states/task.ts';
import { type ExecutionRow, type StateMachineRow, Store } from './store.ts';
import { TokenError } from './tokens.ts';
import type {
  ExecutionStatus,
  ExecutionStatusEvent,
  InvokeLambda,
  Json,
  RuntimeLog,
  ServiceIntegration,
} from './types.ts';
import { describeProblem, type RuntimeSupport, validateDefinition } from './validate.ts';
import { splitQualified, type Target, VersionRequests, Versions } from './versions.ts';

export interface RuntimeOptions {
  /** Directory for the sqlite file; without it everything is kept in memory. */
  dataDir?: string;
  clock?: Clock;
  region?: string;
  accountId?: string;
  /** Runs Lambda tasks in-process (the local cloud's bundled handlers). */
  invokeLambda?: InvokeLambda;
  /** Runs Lambda tasks through the Lambda Invoke API at this URL (like Step Functions Local's LAMBDA_ENDPOINT). */
  lambdaEndpoint?: string;
  dynamodbEndpoint?: string;
  sesEndpoint?: string;
  /** Step Functions Local's mocked service integrations: the parsed file, or its path. */
  mockConfig?: MockConfig | string;
  /** Extra or replacement integrations, keyed `service:action` (for example `aws-sdk:s3:getObject`). */
  integrations?: Record<string, ServiceIntegration>;
  log?: RuntimeLog;
  /** Source of randomness for retry jitter (tests make it repeatable). */
  random?: () => number;
}

const MAX_PAYLOAD = 262_144;
/** "Express Workflows can run for up to five minutes" (https://docs.aws.amazon.com/step-functions/latest/dg/choosing-workflow-type.html). */
const EXPRESS_MAX_SECONDS = 300;
/** "Restarts unsuccessful executions of Standard workflows that didn't complete successfully in the last 14 days". */
const REDRIVABLE_PERIOD_MS = 14 * 86_400_000;
const CLIENT_TOKEN_MS = 15 * 60_000;
const NAME_FORBIDDEN = new Set('<>{}[]?*"#%\\^|~`$&,;:/');

/** Execution and state machine names: 1–80 characters, no whitespace, brackets, wildcards or control characters. */
function validName(name: string): boolean {
  if (name.length < 1 || name.length > 80) return false;
  for (const ch of name) {
    const code = ch.codePointAt(0)!;
    if (/\s/.test(ch) || NAME_FORBIDDEN.has(ch) || code < 0x20 || (code >= 0x7f && code <= 0x9f))
      return false;
  }
  return true;
}

const silentLog: RuntimeLog = { info() {}, warn() {}, error() {} };

function parse<T extends z.ZodType>(schema: T, input: unknown): z.infer<T> {
  const r = schema.safeParse(input ?? {});
  if (r.success) return r.data;
  const issues = r.error.issues.map(
    (i) => `Value at '${i.path.join('.')}' failed to satisfy constraint: ${i.message}`,
  );
  throw new SfnApiError(
    'ValidationException',
    `${issues.length} validation error${issues.length > 1 ? 's' : ''} detected: ${issues.join('; ')}`,
  );
}

const arnString = z.string().min(1).max(2048);
/** Tags: "Unicode letters, digits, white space, or these symbols: _ . : / = + - @" (API_TagResource.html). */
const TAG_TEXT = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;
const tag = z.object({
  key: z.string().min(1).max(128).regex(TAG_TEXT),
  value: z.string().max(256).regex(TAG_TEXT),
});
/** "Maximum tags per resource: 50" (https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html). */
const MAX_TAGS = 50;
/** Request fields of Create/UpdateStateMachine that this runtime reads only to refuse what it does not do. */
const notRun = {
  publish: z.boolean().optional(),
  versionDescription: z.string().max(256).optional(),
  loggingConfiguration: z.object({ level: z.string().optional() }).loose().optional(),
  tracingConfiguration: z.object({ enabled: z.boolean().optional() }).loose().optional(),
  encryptionConfiguration: z.object({ type: z.string().optional() }).loose().optional(),
};
const S = {
  create: z.object({
    name: z.string().min(1).max(80),
    definition: z.string().min(1).max(1_048_576),
    roleArn: z.string().min(1).max(256),
    type: z.enum(['STANDARD', 'EXPRESS']).optional(),
    ...notRun,
    tags: z.array(tag).optional(),
  }),
  update: z.object({
    stateMachineArn: arnString,
    definition: z.string().min(1).max(1_048_576).optional(),
    roleArn: z.string().min(1).max(256).optional(),
    ...notRun,
  }),
  machineArn: z.object({ stateMachineArn: arnString }),
  list: z.object({
    maxResults: z.number().int().min(0).max(1000).optional(),
    nextToken: z.string().min(1).max(1024).optional(),
  }),
  validate: z.object({
    definition: z.string().min(1).max(1_048_576),
    type: z.enum(['STANDARD', 'EXPRESS']).optional(),
    severity: z.enum(['ERROR', 'WARNING']).optional(),
    maxResults: z.number().int().min(0).max(100).optional(),
  }),
  start: z.object({
    stateMachineArn: arnString,
    name: z.string().optional(),
    input: z.string().optional(),
    traceHeader: z.string().optional(),
  }),
  startSync: z.object({
    stateMachineArn: arnString,
    name: z.string().optional(),
    input: z.string().optional(),
    traceHeader: z.string().optional(),
    includedData: z.enum(['ALL_DATA', 'METADATA_ONLY']).optional(),
  }),
  executionArn: z.object({ executionArn: arnString }),
  redrive: z.object({ executionArn: arnString, clientToken: z.string().min(1).max(64).optional() }),
  listExecutions: z.object({
    stateMachineArn: arnString,
    redriveFilter: z.enum(['REDRIVEN', 'NOT_REDRIVEN']).optional(),
    statusFilter: z
      .enum(['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED', 'PENDING_REDRIVE'])
      .optional(),
    maxResults: z.number().int().min(0).max(1000).optional(),
    nextToken: z.string().min(1).max(3096).optional(),
  }),
  history: z.object({
    executionArn: arnString,
    maxResults: z.number().int().min(0).max(1000).optional(),
    reverseOrder: z.boolean().optional(),
    nextToken: z.string().min(1).max(3096).optional(),
    includeExecutionData: z.boolean().optional(),
  }),
  stop: z.object({
    executionArn: arnString,
    error: z.string().max(256).optional(),
    cause: z.string().max(32_768).optional(),
  }),
  success: z.object({ taskToken: z.string().min(1).max(2048), output: z.string() }),
  failure: z.object({
    taskToken: z.string().min(1).max(2048),
    error: z.string().max(256).optional(),
    cause: z.string().max(32_768).optional(),
  }),
  heartbeat: z.object({ taskToken: z.string().min(1).max(2048) }),
  tagResource: z.object({ resourceArn: z.string().min(1).max(256), tags: z.array(tag) }),
  untagResource: z.object({
    resourceArn: z.string().min(1).max(256),
    tagKeys: z.array(z.string().min(1).max(128)),
  }),
  listTags: z.object({ resourceArn: z.string().min(1).max(256) }),
};

function encodeToken(value: Json): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

function decodeToken<T>(token: string | undefined, check: (v: unknown) => v is T): T | undefined {
  if (token === undefined) return undefined;
  try {
    const v = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    if (check(v)) return v;
  } catch {}
  throw new SfnApiError('InvalidToken', `Invalid Token: '${token}'`);
}

const isNum =
  (k: string) =>
  (v: unknown): v is Record<string, number> =>
    typeof v === 'object' && v !== null && typeof (v as Record<string, unknown>)[k] === 'number';

export class StepFunctionsRuntime {
  readonly region: string;
  readonly accountId: string;
  readonly clock: Clock;
  private readonly store: Store;
  private readonly engine: Engine;
  private readonly log: RuntimeLog;
  private readonly mocks: MockConfig | undefined;
  private server: Server | undefined;

  private constructor(options: RuntimeOptions) {
    this.region = options.region ?? 'us-east-1';
    this.accountId = options.accountId ?? '123456789012';
    this.clock = options.clock ?? systemClock;
    this.log = options.log ?? silentLog;
    this.store = new Store(options.dataDir);
    this.mocks =
      typeof options.mockConfig === 'string'
        ? parseMockConfig(JSON.parse(readFileSync(options.mockConfig, 'utf8')))
        : options.mockConfig && parseMockConfig(options.mockConfig);
    const integrations = new Map<string, ServiceIntegration>();
    const invoke = options.invokeLambda;
    integrations.set(
      'lambda:invoke',
      lambdaInvokeIntegration(invoke, options.lambdaEndpoint, this.region, this.accountId),
    );
    this.engine = new Engine({
      store: this.store,
      clock: this.clock,
      region: this.region,
      integrations,
      invokeLambdaTask: (arn, parameters, call) =>
        invokeLambdaTask(invoke, options.lambdaEndpoint, arn, parameters, call),
      startChild: (start) => this.startChild(start),
      describeForParent: (row) => describeForParent(row),
      mockResponse: this.mocks && mockResponder(this.mocks),
      log: this.log,
      random: options.random,
    });
    this.integrations = integrations;
    this.versions = new Versions({
      store: this.store,
      clock: this.clock,
      random: options.random ?? Math.random,
      machine: (arn) => this.machine(arn),
    });
  }

  private readonly versions: Versions;

  private readonly integrations: Map<string, ServiceIntegration>;

  /** Opens the store, wires the integrations and continues every RUNNING execution. */
  static async open(options: RuntimeOptions = {}): Promise<StepFunctionsRuntime> {
    const runtime = new StepFunctionsRuntime(options);
    const { serviceIntegrations } = await import('./integrations/index.ts');
    for (const [key, fn] of Object.entries(await serviceIntegrations(options)))
      runtime.integrations.set(key, fn);
    for (const [key, fn] of Object.entries(options.integrations ?? {})) runtime.integrations.set(key, fn);
    const resumed = runtime.engine.resume();
    if (resumed) runtime.log.info(`resumed ${resumed} running execution(s)`);
    return runtime;
  }

  /** Total state transitions since the runtime opened (every state entered, as AWS counts them). */
  get transitions(): number {
    return this.engine.transitions;
  }

  /** Calls `listener` after each execution status change is committed (started, succeeded, failed…). */
  onExecutionStatus(listener: (event: ExecutionStatusEvent) => void): () => void {
    this.engine.listeners.push(listener);
    return () => {
      const i = this.engine.listeners.indexOf(listener);
      if (i >= 0) this.engine.listeners.splice(i, 1);
    };
  }

  /** Resolves when every RUNNING execution waits on a timer or a task token, and no call is in flight. */
  whenIdle(): Promise<void> {
    return this.engine.whenIdle();
  }

  /** Serves the Step Functions API over HTTP; resolves to the bound address. */
  async listen(
    options: { port?: number; host?: string } = {},
  ): Promise<{ port: number; host: string; url: string }> {
    const { serve } = await import('./http.ts');
    const { server, port, host } = await serve(this, options.port ?? 8083, options.host ?? '127.0.0.1');
    this.server = server;
    return { port, host, url: `http://${host}:${port}` };
  }

  private closing: Promise<void> | undefined;

  /**
   * Stops the runtime; safe to call twice. The engine stops taking work in this very call, before anything is
   * awaited (the turn in progress still commits, nothing after it), so a call that fails because its host is
   * stopping too is not recorded as the task's failure, and is repeated after the next open like any call in
   * flight.
   */
  close(): Promise<void> {
    this.closing ??= this.closeOnce();
    return this.closing;
  }

  private async closeOnce(): Promise<void> {
    const engineClosed = this.engine.close();
    const server = this.server;
    this.server = undefined;
    if (server) {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    }
    await engineClosed;
    this.store.close();
  }

  // ---- ARNs -----------------------------------------------------------------------------------------------

  private machineArn(name: string): string {
    return `arn:aws:states:${this.region}:${this.accountId}:stateMachine:${name}`;
  }

  private checkArn(arn: string, kind: 'stateMachine' | 'execution'): void {
    const parts = arn.split(':');
    const ok =
      parts.length >= 7 &&
      parts[0] === 'arn' &&
      parts[1]!.startsWith('aws') &&
      parts[2] === 'states' &&
      parts[5] === kind &&
      parts.slice(6).every((p) => p.length > 0) &&
      parts.length === (kind === 'stateMachine' ? 7 : 8);
    if (!ok)
      throw new SfnApiError('InvalidArn', `Invalid Arn: 'Resource type not valid in this context: ${arn}'`);
  }

  private readonly machines = new Map<string, StateMachineRow>();

  private machine(arn: string): StateMachineRow {
    this.checkArn(arn, 'stateMachine');
    let m = this.machines.get(arn);
    if (!m) {
      m = this.store.getStateMachine(arn);
      if (m) this.machines.set(arn, m);
    }
    if (!m) throw new SfnApiError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${arn}'`);
    return m;
  }

  private execution(arn: string): ExecutionRow {
    this.checkArn(arn, 'execution');
    const e = this.store.getExecution(arn);
    if (!e) throw new SfnApiError('ExecutionDoesNotExist', `Execution Does Not Exist: '${arn}'`);
    return e;
  }

  // ---- state machines ------------------------------------------------------------------------------------

  async createStateMachine(
    input: unknown,
  ): Promise<{ stateMachineArn: string; creationDate: Date; stateMachineVersionArn?: string }> {
    const req = parse(S.create, input);
    if (!validName(req.name)) throw new SfnApiError('InvalidName', `Invalid Name: '${req.name}'`);
    refuseNotRun(req);
    this.assertValid(req.definition, this.support(req.name, req.type ?? 'STANDARD'));
    const tags = lastPerKey(req.tags ?? []);
    if (tags.length > MAX_TAGS) throw tooManyTags(req.name);
    const arn = this.machineArn(req.name);
    const existing = this.store.getStateMachine(arn);
    if (existing) {
      // Creating the same machine again is idempotent on AWS, whose check ignores tags ("If a following request
      // has a different roleArn or tags, Step Functions will ignore these differences", API_CreateStateMachine);
      // a different one is refused.
      if (existing.definition === req.definition && existing.roleArn === req.roleArn) {
        return {
          stateMachineArn: arn,
          creationDate: new Date(existing.created),
          ...(req.publish ? this.published(existing, req.versionDescription) : {}),
        };
      }
      throw new SfnApiError('StateMachineAlreadyExists', `State Machine Already Exists: '${arn}'`);
    }
    const now = this.clock.now();
    const m: StateMachineRow = {
      arn,
      name: req.name,
      definition: req.definition,
      roleArn: req.roleArn,
      type: req.type ?? 'STANDARD',
      created: now,
      updated: now,
      revision: revisionOf(req.definition, req.roleArn),
    };
    this.store.putStateMachine(m, tags);
    return {
      stateMachineArn: arn,
      creationDate: new Date(now),
      ...(req.publish ? this.published(m, req.versionDescription) : {}),
    };
  }

  /** `publish: true` on Create/UpdateStateMachine: the version of the machine's (new) current revision. */
  private published(m: StateMachineRow, description: string | undefined): { stateMachineVersionArn: string } {
    return { stateMachineVersionArn: this.versions.publish(m, description).stateMachineVersionArn };
  }

  async updateStateMachine(
    input: unknown,
  ): Promise<{ updateDate: Date; revisionId: string; stateMachineVersionArn?: string }> {
    const req = parse(S.update, input);
    const m = this.machine(req.stateMachineArn);
    if (req.definition === undefined && req.roleArn === undefined) {
      throw new SfnApiError('ValidationException', 'Either the definition or the roleArn must be specified');
    }
    refuseNotRun(req);
    if (req.definition !== undefined) {
      this.assertValid(req.definition, this.support(m.name, m.type as 'STANDARD' | 'EXPRESS'));
    }
    const definition = req.definition ?? m.definition;
    const roleArn = req.roleArn ?? m.roleArn;
    const now = this.clock.now();
    const revision = revisionOf(definition, roleArn);
    const updated = { ...m, definition, roleArn, updated: now, revision };
    this.store.putStateMachine(updated);
    this.machines.delete(m.arn);
    return {
      updateDate: new Date(now),
      revisionId: revision,
      ...(req.publish ? this.published(updated, req.versionDescription) : {}),
    };
  }

  async describeStateMachine(input: unknown) {
    const req = parse(S.machineArn, input);
    const { qualifier } = splitQualified(req.stateMachineArn);
    if (qualifier !== undefined) {
      if (!/^[1-9][0-9]*$/.test(qualifier)) {
        throw new SfnApiError(
          'InvalidArn',
          `Invalid Arn: use DescribeStateMachineAlias for '${req.stateMachineArn}'`,
        );
      }
      return this.versions.describeVersion(req.stateMachineArn);
    }
    const m = this.machine(req.stateMachineArn);
    return {
      stateMachineArn: m.arn,
      name: m.name,
      status: 'ACTIVE',
      definition: m.definition,
      roleArn: m.roleArn,
      type: m.type,
      creationDate: new Date(m.created),
      revisionId: m.revision,
      loggingConfiguration: { level: 'OFF', includeExecutionData: false },
      tracingConfiguration: { enabled: false },
    };
  }

  async listStateMachines(input: unknown) {
    const req = parse(S.list, input ?? {});
    const limit = req.maxResults || 100;
    const after = decodeToken(
      req.nextToken,
      (v): v is { arn: string } => typeof (v as { arn?: unknown })?.arn === 'string',
    );
    const rows = this.store.listStateMachines(after?.arn ?? '', limit + 1);
    const page = rows.slice(0, limit);
    return {
      stateMachines: page.map((m) => ({
        stateMachineArn: m.arn,
        name: m.name,
        type: m.type,
        creationDate: new Date(m.created),
      })),
      ...(rows.length > limit ? { nextToken: encodeToken({ arn: page.at(-1)!.arn }) } : {}),
    };
  }

  async deleteStateMachine(input: unknown): Promise<Record<string, never>> {
    const req = parse(S.machineArn, input);
    this.checkArn(req.stateMachineArn, 'stateMachine');
    // Deleting is idempotent on AWS; running executions keep running on their own copy of the definition.
    this.store.deleteStateMachine(req.stateMachineArn);
    this.machines.delete(req.stateMachineArn);
    return {};
  }

  async validateStateMachineDefinition(input: unknown) {
    const req = parse(S.validate, input);
    const problems = validateDefinition(req.definition, this.support(undefined, req.type ?? 'STANDARD'));
    const limit = req.maxResults || 100;
    return {
      result: problems.length ? 'FAIL' : 'OK',
      diagnostics: problems.slice(0, limit).map((p) => ({
        severity: 'ERROR',
        code: p.code,
        message: p.message,
        ...(p.location ? { location: p.location } : {}),
      })),
      truncated: problems.length > limit,
    };
  }

  /** What this runtime runs for a machine: its integrations, and the states its mock configuration answers. */
  private support(machineName: string | undefined, type: 'STANDARD' | 'EXPRESS'): RuntimeSupport {
    const cases = machineName === undefined ? undefined : this.mocks?.StateMachines[machineName]?.TestCases;
    const mocked = new Set(Object.values(cases ?? {}).flatMap((c) => Object.keys(c)));
    return { hasIntegration: (key) => this.integrations.has(key), mockedStates: mocked, type };
  }

  private assertValid(definition: string, support: RuntimeSupport): void {
    const problems = validateDefinition(definition, support);
    if (problems.length) {
      throw new SfnApiError(
        'InvalidDefinition',
        `Invalid State Machine Definition: '${problems.map(describeProblem).join(', ')}'`,
      );
    }
  }

  // ---- executions ----------------------------------------------------------------------------------------

  async startExecution(input: unknown): Promise<{ executionArn: string; startDate: Date }> {
    const req = parse(S.start, input);
    const { target, testCase } = this.startable(req.stateMachineArn);
    const m = target.machine;
    const row = this.prepareExecution(target, req.name ?? randomUUID(), req.input ?? '{}', testCase ?? null);
    if ('existing' in row) return { executionArn: row.existing.arn, startDate: new Date(row.existing.start) };
    await this.engine.start(row.row, undefined, maxSeconds(m));
    return { executionArn: row.row.arn, startDate: new Date(row.row.start) };
  }

  /**
   * Runs an execution of an EXPRESS state machine to its end and answers with its result
   * (https://docs.aws.amazon.com/step-functions/latest/apireference/API_StartSyncExecution.html). The SDKs send
   * this operation to the host prefixed with `sync-`; docs/stepfunctions.md says how to turn that off.
   */
  async startSyncExecution(input: unknown) {
    const req = parse(S.startSync, input);
    const { target, testCase } = this.startable(req.stateMachineArn);
    const m = target.machine;
    if (m.type !== 'EXPRESS') {
      throw new SfnApiError(
        'StateMachineTypeNotSupported',
        'This operation is not supported by this type of state machine',
      );
    }
    const prepared = this.prepareExecution(
      target,
      req.name ?? randomUUID(),
      req.input ?? '{}',
      testCase ?? null,
    );
    if ('existing' in prepared) throw new Error('an EXPRESS execution ARN is never reused');
    const { row } = prepared;
    const ended = new Promise<void>((resolve) => {
      const off = this.onExecutionStatus((e) => {
        if (e.executionArn === row.arn && e.status !== 'RUNNING') {
          off();
          resolve();
        }
      });
    });
    await this.engine.start(row, undefined, maxSeconds(m));
    await ended;
    const e = this.store.getExecution(row.arn)!;
    const data = req.includedData !== 'METADATA_ONLY';
    return {
      executionArn: e.arn,
      stateMachineArn: e.smArn,
      name: e.name,
      startDate: new Date(e.start),
      stopDate: new Date(e.stop ?? this.clock.now()),
      status: e.status,
      ...(e.error !== null ? { error: e.error } : {}),
      ...(e.cause !== null ? { cause: e.cause } : {}),
      ...(data ? { input: e.input, inputDetails: { included: true } } : {}),
      ...(data && e.output !== null ? { output: e.output, outputDetails: { included: true } } : {}),
      ...(req.traceHeader !== undefined ? { traceHeader: req.traceHeader } : {}),
    };
  }

  /** The machine an execution starts on, and the mock test case its ARN names (`…:stateMachine:M#Case`). */
  private startable(arn: string): { target: Target; testCase: string | undefined } {
    const [machineArn, testCase] = splitTestCase(arn);
    const target = this.versions.target(machineArn);
    const m = target.machine;
    if (testCase !== undefined && !this.mocks?.StateMachines[m.name]?.TestCases[testCase]) {
      throw new SfnApiError(
        'ValidationException',
        `Test case '${testCase}' of state machine '${m.name}' is not in the mock configuration`,
      );
    }
    return { target, testCase };
  }

  private prepareExecution(
    { machine: m, versionArn, aliasArn }: Target,
    name: string,
    input: string,
    testCase: string | null,
  ): { row: ExecutionRow } | { existing: ExecutionRow } {
    if (!validName(name)) throw new SfnApiError('InvalidName', `Invalid Name: '${name}'`);
    if (Buffer.byteLength(input, 'utf8') > MAX_PAYLOAD) {
      throw new SfnApiError(
        'ValidationException',
        `1 validation error detected: Value at 'input' failed to satisfy constraint: Member must have length less than or equal to ${MAX_PAYLOAD}`,
      );
    }
    try {
      JSON.parse(input);
    } catch {
      throw new SfnApiError(
        'InvalidExecutionInput',
        `Invalid State Machine Execution Input: '${input.slice(0, 100)}'`,
      );
    }
    // An Express execution's ARN has its own resource type and an id, so a name may be used again; the
    // operations that read an execution (DescribeExecution, GetExecutionHistory, StopExecution) refuse it.
    const arn =
      m.type === 'EXPRESS'
        ? `arn:aws:states:${this.region}:${this.accountId}:express:${m.name}:${name}:${randomUUID()}`
        : `arn:aws:states:${this.region}:${this.accountId}:execution:${m.name}:${name}`;
    const existing = this.engine.runningRow(arn) ?? this.store.getExecution(arn);
    if (existing) {
      // StartExecution is idempotent for a name while the execution is open (RUNNING) and the input is the same
      // (https://docs.aws.amazon.com/step-functions/latest/apireference/API_StartExecution.html).
      if (existing.input === input && existing.status === 'RUNNING') return { existing };
      throw new SfnApiError('ExecutionAlreadyExists', `Execution Already Exists: '${arn}'`);
    }
    return {
      row: {
        seq: this.engine.allocateSeq(),
        arn,
        smArn: m.arn,
        name,
        status: 'RUNNING',
        input,
        output: null,
        error: null,
        cause: null,
        start: this.clock.now(),
        stop: null,
        definition: m.definition,
        roleArn: m.roleArn,
        smUpdated: m.updated,
        testCase,
        state: null,
        nextEvent: 1,
        redriveCount: 0,
        redriveDate: null,
        versionArn: versionArn ?? null,
        aliasArn: aliasArn ?? null,
      },
    };
  }

  private async startChild(start: ChildStart): Promise<{ executionArn: string; startDate: number }> {
    let target: Target;
    try {
      target = this.versions.target(start.stateMachineArn);
    } catch (error) {
      throw asTaskError(error);
    }
    const m = target.machine;
    let prepared: ReturnType<StepFunctionsRuntime['prepareExecution']>;
    try {
      prepared = this.prepareExecution(target, start.name, start.input, null);
    } catch (error) {
      throw asTaskError(error);
    }
    if ('existing' in prepared)
      return { executionArn: prepared.existing.arn, startDate: prepared.existing.start };
    await this.engine.start(prepared.row, start.parent, maxSeconds(m));
    return { executionArn: prepared.row.arn, startDate: prepared.row.start };
  }

  async describeExecution(input: unknown) {
    const req = parse(S.executionArn, input);
    const e = this.execution(req.executionArn);
    return {
      executionArn: e.arn,
      stateMachineArn: e.smArn,
      name: e.name,
      status: e.status as ExecutionStatus,
      startDate: new Date(e.start),
      ...(e.stop !== null ? { stopDate: new Date(e.stop) } : {}),
      input: e.input,
      inputDetails: { included: true },
      ...(e.output !== null ? { output: e.output, outputDetails: { included: true } } : {}),
      ...(e.error !== null ? { error: e.error } : {}),
      ...(e.cause !== null ? { cause: e.cause } : {}),
      ...(e.versionArn ? { stateMachineVersionArn: e.versionArn } : {}),
      ...(e.aliasArn ? { stateMachineAliasArn: e.aliasArn } : {}),
      redriveCount: e.redriveCount,
      ...(e.redriveDate !== null ? { redriveDate: new Date(e.redriveDate) } : {}),
      ...this.redriveStatus(e),
    };
  }

  /**
   * Whether RedriveExecution can continue an execution, with AWS's reasons when it cannot
   * (https://docs.aws.amazon.com/step-functions/latest/apireference/API_DescribeExecution.html#StepFunctions-DescribeExecution-response-redriveStatusReason).
   */
  private redriveStatus(e: ExecutionRow): { redriveStatus: string; redriveStatusReason?: string } {
    const not = (reason: string) => ({ redriveStatus: 'NOT_REDRIVABLE', redriveStatusReason: reason });
    if (e.status === 'RUNNING') return not('Execution is RUNNING and cannot be redriven.');
    if (e.status === 'SUCCEEDED') return not('Execution is SUCCEEDED and cannot be redriven.');
    if (e.stop !== null && this.clock.now() - e.stop > REDRIVABLE_PERIOD_MS) {
      return not('Execution redrivable period exceeded.');
    }
    if (!this.store.getStateMachine(e.smArn)) return not('State machine is in DELETING status.');
    const point = this.store.redrivePoint(e.seq);
    if (point === undefined)
      return not('The execution stopped before the local runtime kept redrive points.');
    const parsed = JSON.parse(point) as RedrivePoint | { reason: string };
    if ('reason' in parsed) return not(parsed.reason);
    return { redriveStatus: 'REDRIVABLE' };
  }

  /**
   * Continues a FAILED, TIMED_OUT or ABORTED execution from the state it stopped in, with the same ARN,
   * definition and input (https://docs.aws.amazon.com/step-functions/latest/apireference/API_RedriveExecution.html).
   * A clientToken used for the same execution in the last 15 minutes answers as the redrive it started did.
   */
  async redriveExecution(input: unknown): Promise<{ redriveDate: Date }> {
    const req = parse(S.redrive, input);
    const e = this.execution(req.executionArn);
    const now = this.clock.now();
    const tokens = (this.redriveTokens.get(e.arn) ?? []).filter((t) => now - t.at < CLIENT_TOKEN_MS);
    const earlier = req.clientToken && tokens.find((t) => t.token === req.clientToken);
    if (earlier) return { redriveDate: new Date(earlier.at) };
    const running = this.engine.runningRow(e.arn);
    const status = running
      ? {
          redriveStatus: 'NOT_REDRIVABLE',
          redriveStatusReason: 'Execution is RUNNING and cannot be redriven.',
        }
      : this.redriveStatus(e);
    if (status.redriveStatus !== 'REDRIVABLE') {
      throw new SfnApiError(
        'ExecutionNotRedrivable',
        `Execution '${e.arn}' cannot be redriven: ${status.redriveStatusReason}`,
      );
    }
    const point = JSON.parse(this.store.redrivePoint(e.seq)!) as RedrivePoint;
    await this.engine.redrive(e, point);
    if (req.clientToken) {
      this.redriveTokens.set(e.arn, [...tokens, { token: req.clientToken, at: now }].slice(-10));
    }
    return { redriveDate: new Date(now) };
  }

  /** The last 10 clientTokens of RedriveExecution per execution, as AWS keeps them (for 15 minutes). */
  private readonly redriveTokens = new Map<string, Array<{ token: string; at: number }>>();

  async listExecutions(input: unknown) {
    const req = parse(S.listExecutions, input);
    const [listed] = splitTestCase(req.stateMachineArn);
    const { machineArn, qualifier } = splitQualified(listed);
    if (qualifier !== undefined) this.versions.target(listed); // the version or alias exists
    if (this.machine(machineArn).type === 'EXPRESS') {
      throw new SfnApiError(
        'StateMachineTypeNotSupported',
        'This operation is not supported by this type of state machine',
      );
    }
    const limit = req.maxResults || 100;
    const from = decodeToken(req.nextToken, isNum('seq'));
    const rows = this.store.listExecutions(
      machineArn,
      req.statusFilter,
      from?.seq ?? Number.MAX_SAFE_INTEGER,
      limit + 1,
      req.redriveFilter === undefined ? undefined : req.redriveFilter === 'REDRIVEN',
      qualifier === undefined ? undefined : listed,
    );
    const page = rows.slice(0, limit);
    return {
      executions: page.map((e) => ({
        executionArn: e.arn,
        stateMachineArn: e.smArn,
        name: e.name,
        status: e.status as ExecutionStatus,
        startDate: new Date(e.start),
        ...(e.stop !== null ? { stopDate: new Date(e.stop) } : {}),
        redriveCount: e.redriveCount,
        ...(e.redriveDate !== null ? { redriveDate: new Date(e.redriveDate) } : {}),
        ...(e.versionArn ? { stateMachineVersionArn: e.versionArn } : {}),
        ...(e.aliasArn ? { stateMachineAliasArn: e.aliasArn } : {}),
      })),
      ...(rows.length > limit ? { nextToken: encodeToken({ seq: page.at(-1)!.seq }) } : {}),
    };
  }

  async getExecutionHistory(input: unknown) {
    const req = parse(S.history, input);
    const e = this.execution(req.executionArn);
    const limit = req.maxResults || 100;
    const reverse = req.reverseOrder ?? false;
    const from = decodeToken(req.nextToken, isNum('id'));
    const start = from?.id ?? (reverse ? Number.MAX_SAFE_INTEGER : 0);
    const rows = this.store.events(e.seq, reverse, start, limit + 1);
    const page = rows.slice(0, limit);
    const withData = req.includeExecutionData ?? true;
    return {
      events: page.map((r) => {
        const details = r.details ? (JSON.parse(r.details) as Record<string, Record<string, unknown>>) : {};
        if (!withData) {
          for (const d of Object.values(details)) {
            for (const k of ['input', 'output', 'parameters', 'inputDetails', 'outputDetails']) delete d[k];
          }
        }
        return {
          timestamp: new Date(r.ts),
          type: r.type,
          id: r.id,
          previousEventId: r.prev,
          ...details,
        };
      }),
      ...(rows.length > limit ? { nextToken: encodeToken({ id: page.at(-1)!.id }) } : {}),
    };
  }

  async describeStateMachineForExecution(input: unknown) {
    const req = parse(S.executionArn, input);
    const e = this.execution(req.executionArn);
    return {
      stateMachineArn: e.smArn,
      name: e.smArn.split(':').pop()!,
      definition: e.definition,
      roleArn: e.roleArn,
      updateDate: new Date(e.smUpdated),
      revisionId: revisionOf(e.definition, e.roleArn),
      loggingConfiguration: { level: 'OFF', includeExecutionData: false },
      tracingConfiguration: { enabled: false },
    };
  }

  async stopExecution(input: unknown): Promise<{ stopDate: Date }> {
    const req = parse(S.stop, input);
    const e = this.execution(req.executionArn);
    if (e.status !== 'RUNNING' || !this.engine.isRunning(e.arn)) {
      // Stopping a stopped execution changes nothing and reports when it stopped.
      return { stopDate: new Date(e.stop ?? this.clock.now()) };
    }
    await this.engine.stop(e.arn, req.error, req.cause);
    return { stopDate: new Date(this.store.getExecution(e.arn)?.stop ?? this.clock.now()) };
  }

  // ---- versions and aliases ---------------------------------------------------------------------------------

  async publishStateMachineVersion(input: unknown) {
    const req = parse(VersionRequests.publish, input);
    return this.versions.publish(this.machine(req.stateMachineArn), req.description, req.revisionId);
  }

  async listStateMachineVersions(input: unknown) {
    const req = parse(VersionRequests.list, input);
    const from = decodeToken(req.nextToken, isNum('version'));
    const { page, last } = this.versions.list(
      req.stateMachineArn,
      req.maxResults || 100,
      from?.version ?? Number.MAX_SAFE_INTEGER,
    );
    return {
      stateMachineVersions: page,
      ...(last !== undefined ? { nextToken: encodeToken({ version: last }) } : {}),
    };
  }

  async deleteStateMachineVersion(input: unknown): Promise<Record<string, never>> {
    this.versions.deleteVersion(parse(VersionRequests.version, input).stateMachineVersionArn);
    return {};
  }

  async createStateMachineAlias(input: unknown) {
    return this.versions.createAlias(parse(VersionRequests.createAlias, input));
  }

  async describeStateMachineAlias(input: unknown) {
    return this.versions.describeAlias(parse(VersionRequests.alias, input).stateMachineAliasArn);
  }

  async listStateMachineAliases(input: unknown) {
    const req = parse(VersionRequests.list, input);
    const from = decodeToken(
      req.nextToken,
      (v): v is { arn: string } => typeof (v as { arn?: unknown })?.arn === 'string',
    );
    const { page, last } = this.versions.listAliases(
      req.stateMachineArn,
      req.maxResults || 100,
      from?.arn ?? '',
    );
    return {
      stateMachineAliases: page,
      ...(last !== undefined ? { nextToken: encodeToken({ arn: last }) } : {}),
    };
  }

  async updateStateMachineAlias(input: unknown) {
    return this.versions.updateAlias(parse(VersionRequests.updateAlias, input));
  }

  async deleteStateMachineAlias(input: unknown): Promise<Record<string, never>> {
    this.versions.deleteAlias(parse(VersionRequests.alias, input).stateMachineAliasArn);
    return {};
  }

  // ---- tags ----------------------------------------------------------------------------------------------

  async tagResource(input: unknown): Promise<Record<string, never>> {
    const req = parse(S.tagResource, input);
    const arn = this.taggable(req.resourceArn);
    const tags = lastPerKey(req.tags);
    const keys = new Set([...this.store.tags(arn).map((t) => t.key), ...tags.map((t) => t.key)]);
    if (keys.size > MAX_TAGS) throw tooManyTags(arn);
    this.store.changeTags(arn, tags);
    return {};
  }

  async untagResource(input: unknown): Promise<Record<string, never>> {
    const req = parse(S.untagResource, input);
    this.store.changeTags(this.taggable(req.resourceArn), [], req.tagKeys);
    return {};
  }

  async listTagsForResource(input: unknown): Promise<{ tags: Array<{ key: string; value: string }> }> {
    const req = parse(S.listTags, input);
    return { tags: this.store.tags(this.taggable(req.resourceArn)) };
  }

  /** A resource that takes tags: "Only state machine and activity ARNs are supported", and this has no activities. */
  private taggable(arn: string): string {
    const parts = arn.split(':');
    if (parts.length < 7 || parts[0] !== 'arn' || parts[2] !== 'states') {
      throw new SfnApiError('InvalidArn', `Invalid Arn: '${arn}'`);
    }
    if (parts[5] !== 'stateMachine' || parts.length !== 7 || !this.store.getStateMachine(arn)) {
      throw new SfnApiError('ResourceNotFound', `Resource not found: '${arn}'`);
    }
    return arn;
  }

  // ---- callbacks -----------------------------------------------------------------------------------------

  async sendTaskSuccess(input: unknown): Promise<Record<string, never>> {
    const req = parse(S.success, input);
    if (Buffer.byteLength(req.output, 'utf8') > MAX_PAYLOAD) {
      throw new SfnApiError(
        'ValidationException',
        `1 validation error detected: Value at 'output' failed to satisfy constraint: Member must have length less than or equal to ${MAX_PAYLOAD}`,
      );
    }
    let output: Json;
    try {
      output = JSON.parse(req.output);
    } catch {
      throw new SfnApiError('InvalidOutput', `Invalid Output: '${req.output.slice(0, 100)}'`);
    }
    await this.withToken(() => this.engine.sendTaskSuccess(req.taskToken, output));
    return {};
  }

  async sendTaskFailure(input: unknown): Promise<Record<string, never>> {
    const req = parse(S.failure, input);
    await this.withToken(() =>
      this.engine.sendTaskFailure(req.taskToken, { error: req.error ?? '', cause: req.cause }),
    );
    return {};
  }

  async sendTaskHeartbeat(input: unknown): Promise<Record<string, never>> {
    const req = parse(S.heartbeat, input);
    await this.withToken(() => this.engine.sendTaskHeartbeat(req.taskToken));
    return {};
  }

  private async withToken(fn: () => Promise<void>): Promise<void> {
    try {
      await fn();
    } catch (error) {
      if (error instanceof TokenError) throw new SfnApiError(error.code, error.message);
      throw error;
    }
  }
}

/**
 * Create/UpdateStateMachine fields whose effect this runtime does not produce are refused, not dropped: a
 * version that was never published, logs that are never written, keys that are never used.
 */
function refuseNotRun(req: {
  publish?: boolean;
  versionDescription?: string;
  loggingConfiguration?: { level?: string };
  tracingConfiguration?: { enabled?: boolean };
  encryptionConfiguration?: { type?: string };
}): void {
  const refuse = (what: string) => {
    throw new SfnApiError(
      'ValidationException',
      `${what} is not supported by the local Step Functions runtime`,
    );
  };
  if (req.versionDescription !== undefined && !req.publish) {
    throw new SfnApiError('ValidationException', 'versionDescription can only be set when publish is true');
  }
  const level = req.loggingConfiguration?.level;
  if (level !== undefined && level !== 'OFF') refuse(`loggingConfiguration level ${level} (CloudWatch Logs)`);
  if (req.tracingConfiguration?.enabled) refuse('tracingConfiguration (X-Ray)');
  const key = req.encryptionConfiguration?.type;
  if (key !== undefined && key !== 'AWS_OWNED_KEY') refuse(`encryptionConfiguration type ${key} (KMS)`);
}

/** Tags as stored: a key given twice keeps its last value. */
function lastPerKey(
  tags: ReadonlyArray<{ key: string; value: string }>,
): Array<{ key: string; value: string }> {
  return [...new Map(tags.map((t) => [t.key, t.value])).entries()].map(([key, value]) => ({ key, value }));
}

function tooManyTags(resourceName: string): SfnApiError {
  return new SfnApiError('TooManyTags', `A resource can have at most ${MAX_TAGS} tags`, 400, {
    resourceName,
  });
}

function revisionOf(definition: string, roleArn: string): string {
  return createHash('sha256').update(definition).update('\0').update(roleArn).digest('hex').slice(0, 32);
}

/** The longest an execution of this machine may run beyond its own TimeoutSeconds: five minutes for EXPRESS. */
function maxSeconds(m: StateMachineRow): number | undefined {
  return m.type === 'EXPRESS' ? EXPRESS_MAX_SECONDS : undefined;
}

/** `arn…:stateMachine:Name#TestCase` selects a test case of the mock configuration, as Step Functions Local does. */
function splitTestCase(arn: string): [string, string | undefined] {
  const i = arn.indexOf('#');
  return i < 0 ? [arn, undefined] : [arn.slice(0, i), arn.slice(i + 1)];
}

/**
 * The output of a `.sync` startExecution task: the nested execution as DescribeExecution describes it, with
 * PascalCase keys, dates in epoch milliseconds and Output a JSON string (`.sync:2` parses it).
 * https://docs.aws.amazon.com/step-functions/latest/dg/connect-stepfunctions.html
 */
function describeForParent(row: ExecutionRow): Record<string, Json> {
  return {
    ExecutionArn: row.arn,
    Input: row.input,
    InputDetails: { Included: true },
    Name: row.name,
    ...(row.output !== null ? { Output: row.output, OutputDetails: { Included: true } } : {}),
    ...(row.error !== null ? { Error: row.error } : {}),
    ...(row.cause !== null ? { Cause: row.cause } : {}),
    RedriveCount: row.redriveCount,
    RedriveStatus: 'NOT_REDRIVABLE',
    StartDate: row.start,
    StateMachineArn: row.smArn,
    Status: row.status,
    ...(row.stop !== null ? { StopDate: row.stop } : {}),
  };
}

/** An API error raised while a task starts a nested execution fails the task, named as the SDK names it. */
function asTaskError(error: unknown): unknown {
  if (error instanceof SfnApiError) {
    return new StatesFailure({ error: `StepFunctions.${error.code}Exception`, cause: error.message });
  }
  return error;
}
