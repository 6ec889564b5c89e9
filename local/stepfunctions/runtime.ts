// The local Step Functions runtime: the API operations (same request and response shapes as the AWS API, dates
// as Date), the durable engine behind them, and the wiring of task resources. Embedded by the local cloud;
// served over HTTP by `pilotflow stepfunctions`.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { type Clock, systemClock } from '../clock.ts';
import { Activities } from './activities.ts';
import { SfnApiError } from './api-errors.ts';
import { sendTaskFailure, sendTaskHeartbeat, sendTaskSuccess } from './callbacks.ts';
import { Engine } from './engine.ts';
import { type Prepared, prepareExecution } from './executions.ts';
import type { LocalCredentials } from './integrations/client-config.ts';
import { lazyItemReader } from './items.ts';
import { invokeLambdaTask, lambdaInvokeIntegration } from './lambda.ts';
import { MapRuns } from './maprun.ts';
import { type MockConfig, mockResponder, parseMockConfig } from './mock-config.ts';
import { asTaskError, describeForParent } from './nested.ts';
import { Redrives } from './redrive.ts';
import {
  checkArn,
  decodeToken,
  encodeToken,
  isNum,
  lastPerKey,
  MAX_TAGS,
  parse,
  refuseNotRun,
  revisionOf,
  S,
  splitTestCase,
  tooManyTags,
  validName,
} from './requests.ts';
import type { ChildStart, TaskServices } from './states/task.ts';
import { type ExecutionRow, type StateMachineRow, Store } from './store.ts';
import { Tags } from './tags.ts';
import { taskCaller, testState } from './test-state.ts';
import type { ExecutionStatusEvent, InvokeLambda, RuntimeLog, ServiceIntegration } from './types.ts';
import { describeProblem, type RuntimeSupport, validateDefinition } from './validate.ts';
import { splitQualified, type Target, VersionRequests, Versions } from './versions.ts';
import {
  executionDescription,
  executionListItem,
  historyEvent,
  syncResult,
  typeNotSupported,
} from './views.ts';

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
  /** The DynamoDB tasks' dummy credentials (DynamoDB Local without -sharedDb keeps a database per key). */
  dynamodbCredentials?: LocalCredentials;
  sesEndpoint?: string;
  /** Step Functions Local's mocked service integrations: the parsed file, or its path. */
  mockConfig?: MockConfig | string;
  /** Extra or replacement integrations, keyed `service:action` (for example `aws-sdk:s3:getObject`). */
  integrations?: Record<string, ServiceIntegration>;
  log?: RuntimeLog;
  /** A Distributed Map's ItemReader reads S3 through @aws-sdk/client-s3 at this URL (`--s3-endpoint`). */
  s3Endpoint?: string;
  /** Source of randomness for retry jitter (tests make it repeatable). */
  random?: () => number;
  /** How long GetActivityTask holds a poll with no task: 60 s as on AWS (tests shorten it). */
  activityPollMs?: number;
}

/** "Express Workflows can run for up to five minutes" (https://docs.aws.amazon.com/step-functions/latest/dg/choosing-workflow-type.html). */
const EXPRESS_MAX_SECONDS = 300;

const silentLog: RuntimeLog = { info() {}, warn() {}, error() {} };

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
    this.lambdaTask = (arn, parameters, call) =>
      invokeLambdaTask(invoke, options.lambdaEndpoint, arn, parameters, call);
    this.random = options.random ?? Math.random;
    integrations.set(
      'lambda:invoke',
      lambdaInvokeIntegration(invoke, options.lambdaEndpoint, this.region, this.accountId),
    );
    this.engine = new Engine({
      store: this.store,
      clock: this.clock,
      region: this.region,
      integrations,
      invokeLambdaTask: this.lambdaTask,
      startChild: (start) => this.startChild(start),
      describeForParent: (row) => describeForParent(row),
      mockResponse: this.mocks && mockResponder(this.mocks),
      activityExists: (arn) => this.store.activity(arn) !== undefined,
      offerActivity: (task) => this.activities.offer(task),
      readItems: options.s3Endpoint ? lazyItemReader(options.s3Endpoint, this.region) : undefined,
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
    this.redrives = new Redrives({
      store: this.store,
      clock: this.clock,
      isRunning: (arn) => this.engine.isRunning(arn),
      redrive: (row, point) => this.engine.redrive(row, point),
    });
    this.tags = new Tags(this.store);
    this.mapRuns = new MapRuns({
      store: this.store,
      isRunning: (arn) => this.engine.isRunning(arn),
      update: (row, changes) => this.engine.updateMapRun(row.executionArn, row.arn, changes),
    });
    this.activities = new Activities({
      store: this.store,
      clock: this.clock,
      region: this.region,
      accountId: this.accountId,
      pollMs: options.activityPollMs ?? 60_000,
      claim: (task, worker) => this.engine.claimActivity(task.token, worker),
    });
  }

  private readonly activities: Activities;
  private readonly mapRuns: MapRuns;
  private readonly lambdaTask: TaskServices['invokeLambdaTask'];
  private readonly random: () => number;

  private readonly versions: Versions;
  private readonly redrives: Redrives;
  private readonly tags: Tags;

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
    this.activities.close();
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

  private readonly machines = new Map<string, StateMachineRow>();

  private machine(arn: string): StateMachineRow {
    checkArn(arn, 'stateMachine');
    let m = this.machines.get(arn);
    if (!m) {
      m = this.store.getStateMachine(arn);
      if (m) this.machines.set(arn, m);
    }
    if (!m) throw new SfnApiError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${arn}'`);
    return m;
  }

  private execution(arn: string): ExecutionRow {
    checkArn(arn, 'execution');
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
    if (splitQualified(req.stateMachineArn).qualifier !== undefined) {
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
    checkArn(req.stateMachineArn, 'stateMachine');
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
    if (m.type !== 'EXPRESS') throw typeNotSupported();
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
    return syncResult(this.store.getExecution(row.arn)!, req.includedData, req.traceHeader);
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

  private prepareExecution(target: Target, name: string, input: string, testCase: string | null) {
    const { region, accountId, clock, engine, store } = this;
    return prepareExecution({ region, accountId, clock, engine, store }, target, name, input, testCase);
  }

  private async startChild(start: ChildStart): Promise<{ executionArn: string; startDate: number }> {
    let target: Target;
    try {
      target = this.versions.target(start.stateMachineArn);
    } catch (error) {
      throw asTaskError(error);
    }
    const m = target.machine;
    let prepared: Prepared;
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
    return { ...executionDescription(e), ...this.redrives.status(e) };
  }

  /**
   * Continues a FAILED, TIMED_OUT or ABORTED execution from the state it stopped in (redrive.ts).
   */
  async redriveExecution(input: unknown): Promise<{ redriveDate: Date }> {
    const req = parse(S.redrive, input);
    return await this.redrives.redrive(this.execution(req.executionArn), req.clientToken);
  }

  async listExecutions(input: unknown) {
    const req = parse(S.listExecutions, input);
    const [listed] = splitTestCase(req.stateMachineArn);
    const { machineArn, qualifier } = splitQualified(listed);
    if (qualifier !== undefined) this.versions.target(listed); // the version or alias exists
    if (this.machine(machineArn).type === 'EXPRESS') throw typeNotSupported();
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
      executions: page.map(executionListItem),
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
      events: page.map((r) => historyEvent(r, withData)),
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
    return this.versions.listVersions(parse(VersionRequests.list, input));
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
    return this.versions.listAliases(parse(VersionRequests.list, input));
  }

  async updateStateMachineAlias(input: unknown) {
    return this.versions.updateAlias(parse(VersionRequests.updateAlias, input));
  }

  async deleteStateMachineAlias(input: unknown): Promise<Record<string, never>> {
    this.versions.deleteAlias(parse(VersionRequests.alias, input).stateMachineAliasArn);
    return {};
  }

  // ---- tags (tags.ts) -----------------------------------------------------------------------------------

  async tagResource(input: unknown): Promise<Record<string, never>> {
    this.tags.tag(parse(S.tagResource, input));
    return {};
  }

  async untagResource(input: unknown): Promise<Record<string, never>> {
    this.tags.untag(parse(S.untagResource, input));
    return {};
  }

  async listTagsForResource(input: unknown): Promise<{ tags: Array<{ key: string; value: string }> }> {
    return { tags: this.tags.list(parse(S.listTags, input).resourceArn) };
  }

  /** TestState (test-state.ts): one state run with an input; a Task calls its resource for real. */
  async testState(input: unknown) {
    return await testState(input, {
      support: this.support(undefined, 'STANDARD'),
      env: { random: this.random, uuid: randomUUID, now: () => this.clock.now() },
      region: this.region,
      accountId: this.accountId,
      callTask: taskCaller(this.lambdaTask, this.integrations, (i) => this.startExecution(i)),
    });
  }

  // ---- map runs (maprun.ts) ----------------------------------------------------------------------------------

  async describeMapRun(input: unknown) {
    return this.mapRuns.describe(input);
  }

  async listMapRuns(input: unknown) {
    return this.mapRuns.list(input);
  }

  async updateMapRun(input: unknown) {
    return await this.mapRuns.update(input);
  }

  // ---- activities (activities.ts) ---------------------------------------------------------------------------

  async createActivity(input: unknown) {
    return this.activities.create(input);
  }

  async describeActivity(input: unknown) {
    return this.activities.describe(input);
  }

  async listActivities(input: unknown) {
    return this.activities.list(input);
  }

  async deleteActivity(input: unknown) {
    return this.activities.delete(input);
  }

  /** Long poll: up to 60 s for a task scheduled on the activity. */
  async getActivityTask(input: unknown) {
    return await this.activities.getTask(input);
  }

  // ---- callbacks -----------------------------------------------------------------------------------------

  async sendTaskSuccess(input: unknown): Promise<Record<string, never>> {
    return await sendTaskSuccess(this.engine, input);
  }

  async sendTaskFailure(input: unknown): Promise<Record<string, never>> {
    return await sendTaskFailure(this.engine, input);
  }

  async sendTaskHeartbeat(input: unknown): Promise<Record<string, never>> {
    return await sendTaskHeartbeat(this.engine, input);
  }
}

/** The longest an execution of this machine may run beyond its own TimeoutSeconds: five minutes for EXPRESS. */
function maxSeconds(m: StateMachineRow): number | undefined {
  return m.type === 'EXPRESS' ? EXPRESS_MAX_SECONDS : undefined;
}
