// The local cloud: synthesises the CDK app and runs its assembly on this machine — DynamoDB Local, the local
// SES, a local Secrets Manager, the Step Functions runtime, the functions in worker threads, the HTTP APIs and
// the schedules — all on one controllable clock. It has no list of resources of its own: whatever the
// assembly contains runs, and nothing else (ARCHITECTURE.md). Each service is started and stopped by its own
// module (services/); this one starts them in dependency order, and its composer stops them in the reverse.
import { join, relative, resolve } from 'node:path';
import type { ControlledClock } from '../clock.ts';
import { assertJava, type JvmCompiler, type LocalAws } from '../dynamodb-local.ts';
import { isLoopbackName } from '../host-check.ts';
import type { StepFunctionsRuntime } from '../stepfunctions/runtime.ts';
import { PROJECT_ROOT, synthesize } from './assembly.ts';
import { ClockOptionError } from './clock-state.ts';
import type { HttpApiDefinition } from './http-api.ts';
import type { InvokeResult, LambdaService, LocalFunction } from './lambda.ts';
import type { Mailbox } from './mailbox.ts';
import type { LocalSchedule } from './schedules.ts';
import type { LocalSecret } from './secrets.ts';
import { startClock } from './services/clock.ts';
import { Services } from './services/compose.ts';
import { openDataDir } from './services/data-dir.ts';
import { type RunningDynamoDbLocal, startDynamoDb } from './services/dynamodb.ts';
import { reservePorts } from './services/ports.ts';
import type { LocalStateMachine } from './state-machines.ts';

export { type Mail, Mailbox, type MailFilter } from './mailbox.ts';

export interface LocalCloudOptions {
  /** The data directory (default `.pilotflow` in the current directory). */
  dataDir?: string;
  /** The CDK app's entry file (default: cdk.json's `app`). Tests pass small fixture apps. */
  app?: string;
  /** Extra CDK context for the synth. */
  context?: Record<string, unknown>;
  /** Where synthesised assemblies are kept (default `<dataDir>/assembly`). */
  assemblyDir?: string;
  /** Reuse the assembly when the app's inputs have not changed (default true). */
  reuseAssembly?: boolean;
  /**
   * The HTTP API's port: given, it must be free; 0 takes any free port; by default 3000, or any free port when
   * 3000 is busy. The other services take the following free ports.
   */
  port?: number;
  host?: string;
  /** Where the clock starts: an ISO date-time, `plan-start`, `now` or epoch ms (default: the stored time, else plan-start). */
  clock?: string | number | Date;
  /** Virtual milliseconds per real millisecond (default 1; 0 pauses the clock). */
  speed?: number;
  /** The programme plan launched once (default `plans/sample.yaml`). */
  plan?: string;
  /** Launch the plan if it has not been launched from this data directory (default true). */
  launch?: boolean;
  /** Concurrent executions per function when the template reserves none (default 4). */
  concurrency?: number;
  /**
   * Count the functions' and the runtime's DynamoDB requests by operation, for `usage()`: the functions' in
   * their sandboxes, the runtime's through a small proxy in front of DynamoDB Local. Off by default.
   */
  meter?: boolean;
  /**
   * A DynamoDB Local that is already running (with `-dbPath`, without `-sharedDb`) to keep the tables in,
   * instead of starting a JVM: the cloud keeps them there in a database of its own, copied in from the data
   * directory at start and back at stop (local/cloud/services/dynamodb.ts). For tools that start many clouds
   * one after another, such as the test suite; a cloud that is killed instead of stopped loses what it wrote.
   */
  dynamodb?: RunningDynamoDbLocal;
  /**
   * How DynamoDB Local's JVM compiles, when the cloud starts one (default `quick`, for a fast start):
   * `optimising` for a run of hundreds of thousands of requests, such as a large programme's rehearsal.
   */
  dynamodbCompiler?: JvmCompiler;
  /** Progress while starting (one line each). */
  onProgress?: (line: string) => void;
  /** Notes and warnings while running (schedule failures, skipped launch…). */
  log?: (line: string) => void;
}

export interface Endpoints {
  /** The HTTP API (the first one, if the template has several). */
  api: string;
  dashboard: string;
  stepfunctions: string;
  dynamodb: string;
  /** The SES API endpoint (v1 and v2). */
  ses: string;
  /** The web mailbox (and its store API, see Mailbox). */
  mailbox: string;
  secretsmanager: string;
  /** The Lambda Invoke API of the local functions. */
  lambda: string;
  /** The local S3 server (path-style; signatures and browser uploads' POST policies checked). */
  s3: string;
  /** The bucket of evidence files, when the template has one (marked `evidence`). */
  evidenceBucket?: string;
  /** The function marked as the plan's launcher (`pilotflow launch` invokes it), if the template has one. */
  launcher?: string;
  /** The local administrator's token (Bearer) for the admin routes and /_local/. */
  adminToken: string;
  /** One click signs the local administrator in through the local identity provider and lands on /admin. */
  signInUrl?: string;
  /** The local identity provider (Cognito's stand-in), when the template has a user pool client. */
  identity?: string;
}

export interface LocalCloud {
  endpoints: Endpoints;
  clock: ControlledClock;
  /** The functions' host: `find`, `invocations` (a counter), `inFlight`… */
  lambda: LambdaService;
  /** Invokes a function (by name, ARN, logical id or construct path) as the Lambda Invoke API would. */
  invoke(functionNameOrArn: string, payload: unknown): Promise<InvokeResult>;
  /** The embedded Step Functions runtime: the AWS API's operations as methods (startExecution, …). */
  runtime: StepFunctionsRuntime;
  mailbox: Mailbox;
  dataDir: string;
  /** The region and dummy credentials its services accept; DynamoDB Local keeps its tables under them. */
  aws: LocalAws;
  /** What the assembly contains, as the local cloud runs it. */
  resources: {
    assemblyDir: string;
    tables: string[];
    buckets: string[];
    functions: LocalFunction[];
    stateMachines: LocalStateMachine[];
    apis: HttpApiDefinition[];
    schedules: LocalSchedule[];
    secrets: Array<Omit<LocalSecret, 'value' | 'previous'>>;
  };
  /** Resolves when no function, execution or schedule delivery is in flight. */
  whenIdle(): Promise<void>;
  /** What ran since this local cloud started: the figures a cost estimate needs. */
  usage(): LocalUsage;
  /** Stops everything it started; safe to call twice. */
  stop(): Promise<void>;
}

/** Counted since the local cloud started (a restart starts again from zero). */
export interface LocalUsage {
  /** Invocations by function name. */
  lambdaInvocations: Record<string, number>;
  /** States entered by every execution. */
  stateTransitions: number;
  /** Schedule fires. */
  scheduleFires: number;
  /** DynamoDB requests of the functions and the runtime by operation (only with the `meter` option). */
  dynamodbRequests?: Record<string, number>;
}

export { JavaMissingError } from '../dynamodb-local.ts';
export { DataDirInUseError } from './lock.ts';
export { ClockOptionError };

function addCounts(a: Record<string, number>, b: Record<string, number>): Record<string, number> {
  const sum = { ...a };
  for (const [key, n] of Object.entries(b)) sum[key] = (sum[key] ?? 0) + n;
  return sum;
}

export async function startLocalCloud(options: LocalCloudOptions = {}): Promise<LocalCloud> {
  const progress = options.onProgress ?? (() => {});
  const log = options.log ?? ((line: string) => console.warn(line));
  const dataDir = resolve(options.dataDir ?? '.pilotflow');
  const host = options.host ?? '127.0.0.1';
  const planFile = resolve(options.plan ?? join(PROJECT_ROOT, 'plans', 'sample.yaml'));
  // Only loopback servers check the Host header (local/host-check.ts): say so when they are not loopback.
  if (!isLoopbackName(host)) {
    log(
      `warning: --host ${host} is not a loopback address: other machines can reach the HTTP API, the mailbox with every signed link, the secrets and the Step Functions API, and they answer any Host name`,
    );
  }
  // Before anything slow: without Java there is no DynamoDB Local, and the error says how to fix it.
  if (!options.dynamodb) assertJava();
  const services = new Services(log);
  services.add(openDataDir(dataDir));
  try {
    // The clock first: everything started later reads it.
    const { clock } = services.add(
      startClock({
        dataDir,
        planFile,
        ...(options.clock !== undefined ? { clock: options.clock } : {}),
        ...(options.speed !== undefined ? { speed: options.speed } : {}),
        progress,
      }),
    );
    const ports = await reservePorts(options.port, host);

    // The slow parts run side by side: the synth (the CDK app, and the bundling beside it), DynamoDB Local (a JVM)
    // and SES. The synth's processes and the JVM are spawned first; the other services' modules (most of the CLI's
    // second of loading) load while they run.
    const synthesizing = synthesize({
      ...(options.app ? { app: options.app } : {}),
      outdir: options.assemblyDir ?? join(dataDir, 'assembly'),
      ...(options.context ? { context: options.context } : {}),
      reuse: options.reuseAssembly !== false,
      prune: options.assemblyDir === undefined,
      onProgress: progress,
    });
    if (!options.dynamodb) progress('DynamoDB Local: starting');
    const dynamoStarting = startDynamoDb({
      port: ports.dynamodb,
      dataDir,
      host,
      log,
      ...(options.dynamodb ? { running: options.dynamodb } : {}),
      ...(options.dynamodbCompiler ? { compiler: options.dynamodbCompiler } : {}),
    });
    // Their failures are reported below, by services.together; meanwhile they are not unhandled rejections.
    synthesizing.catch(() => {});
    dynamoStarting.catch(() => {});
    // One turn of the event loop: the app's process and the bundling start before these modules load.
    await new Promise((resolveTurn) => setImmediate(resolveTurn));
    const loading = import('./services/all.ts');
    // A failure of any of the three stops what the others started (services.together keeps what started).
    const [synth, dynamo, mail] = await services.together([
      synthesizing,
      dynamoStarting,
      loading.then(({ startMail }) => startMail({ port: ports.ses, host, dataDir, clock, planFile })),
    ] as const);
    const {
      createStore,
      createTables,
      launcherOf,
      launchOnce,
      localRoutes,
      publishEndpoints,
      readTemplate,
      startFunctions,
      startHttpApis,
      startIdentity,
      startMeter,
      startS3,
      startSchedules,
      startSecrets,
      startStepFunctions,
    } = await loading;
    // What the runtime uses: DynamoDB Local itself, or the counting proxy in front of it. The functions go to
    // DynamoDB Local directly and count their requests in their sandboxes (lambda-worker.ts).
    const { aws } = dynamo;
    const meter = options.meter ? await services.start(startMeter(dynamo.endpoint, host)) : undefined;
    const dynamodbForRuntime = meter?.url ?? dynamo.endpoint;
    progress(`DynamoDB Local: ${dynamo.endpoint}`);
    progress(`SES: ${mail.url}`);

    const template = await readTemplate(synth.dir, host, ports);
    if (template.notRunLocally.length) progress(`not run locally: ${template.notRunLocally.join(', ')}`);
    progress(
      `assembly: ${template.stackNames.join(', ')} (${relative(process.cwd(), synth.dir) || synth.dir})`,
    );
    const tables = await createTables(dynamo.endpoint, aws, template.tables);
    progress(`tables: ${tables.length ? tables.join(', ') : 'none'}`);
    // The mailbox page lists each person's open tasks from the app's table (DynamoDB Local itself, so the
    // page's reads are not metered), when the app has one table.
    if (tables.length === 1 && tables[0]) {
      mail.useStore(createStore(tables[0], { endpoint: dynamo.endpoint, ...aws }));
    }
    const secrets = await services.start(
      startSecrets({ resolvers: template.resolvers, dataDir, clock, port: ports.secrets, host }),
    );

    const s3 = await services.start(
      startS3({ buckets: template.buckets.names, dataDir, clock, port: ports.s3, host, aws }),
    );
    if (s3.buckets.length) progress(`S3: ${s3.url} (${s3.buckets.join(', ')})`);

    const { functions } = template;
    const fns = await services.start(
      startFunctions({
        functions,
        clock,
        dataDir,
        host,
        port: ports.lambda,
        aws,
        ...(options.concurrency ? { concurrency: options.concurrency } : {}),
        ...(options.meter ? { countDynamoDb: true } : {}),
        endpoints: {
          dynamodb: dynamo.endpoint,
          stepfunctions: `http://${host}:${ports.stepfunctions}`,
          ses: mail.url,
          secretsmanager: secrets.url,
          mailbox: mail.mailboxUrl,
          s3: s3.url,
        },
      }),
    );
    const { lambda, invoke } = fns;
    const runnable = functions.filter((f) => f.codeDir);
    progress(
      `functions: ${runnable.length}${functions.length > runnable.length ? ` (${functions.length - runnable.length} not runnable here)` : ''}`,
    );

    const machines = template.stateMachines;
    const { runtime, url: stepfunctionsUrl } = await services.start(
      startStepFunctions({
        machines,
        dataDir,
        clock,
        lambda,
        endpoints: { dynamodb: dynamodbForRuntime, ses: mail.url },
        aws,
        port: ports.stepfunctions,
        host,
      }),
    );
    progress(`state machines: ${machines.length ? machines.map((m) => m.name).join(', ') : 'none'}`);

    const schedules = services.add(
      startSchedules({ schedules: template.schedules, clock, dataDir, invoke, runtime, log }),
    );
    const { scheduler } = schedules;
    // Advancing the clock waits for the work each timer starts before the next timer fires.
    const whenIdle = async () => {
      for (let round = 0; round < 10_000; round++) {
        const before = `${lambda.invocations}/${runtime.transitions}/${scheduler.fires}`;
        await scheduler.whenIdle();
        await runtime.whenIdle();
        await lambda.whenIdle();
        const after = `${lambda.invocations}/${runtime.transitions}/${scheduler.fires}`;
        if (before === after) return;
      }
    };
    clock.addSettler(whenIdle);

    const identity = await services.start(
      startIdentity({ dataDir, host, port: ports.identity, clients: template.clients }),
    );
    if (identity.url) progress(`identity provider: ${identity.url}`);
    const http = await services.start(
      startHttpApis({
        apis: template.apis,
        port: ports.api,
        host,
        issuer: identity.issuer,
        ...(identity.url && identity.clientId && identity.admin
          ? { identity: { url: identity.url, clientId: identity.clientId, admin: identity.admin } }
          : {}),
        clock,
        functions,
        invoke,
        local: localRoutes(clock),
        log,
      }),
    );
    progress(http.summary);
    progress(schedules.arm());

    const launcher = launcherOf(functions);
    const endpoints: Endpoints = {
      api: http.url,
      dashboard: http.dashboard,
      stepfunctions: stepfunctionsUrl,
      dynamodb: dynamo.endpoint,
      ses: mail.url,
      mailbox: mail.mailboxUrl,
      secretsmanager: secrets.url,
      lambda: fns.url,
      s3: s3.url,
      ...(template.buckets.evidence ? { evidenceBucket: template.buckets.evidence } : {}),
      ...(launcher ? { launcher: launcher.name } : {}),
      adminToken: http.adminToken,
      ...(http.signInUrl ? { signInUrl: http.signInUrl } : {}),
      ...(identity.url ? { identity: identity.url } : {}),
    };
    await launchOnce({
      launch: options.launch !== false,
      dataDir,
      planFile,
      functions,
      invoke,
      progress,
      log,
    });
    services.add(publishEndpoints(dataDir, endpoints));
    progress('ready');

    return {
      endpoints,
      clock,
      lambda,
      invoke,
      runtime,
      mailbox: mail.mailbox,
      dataDir,
      aws,
      resources: {
        assemblyDir: synth.dir,
        tables,
        buckets: s3.buckets,
        functions,
        stateMachines: machines,
        apis: template.apis.map((a) => a.api),
        schedules: template.schedules,
        secrets: secrets.secrets.map(({ value: _value, previous: _previous, ...rest }) => rest),
      },
      whenIdle,
      usage: () => ({
        lambdaInvocations: { ...lambda.invocationsByFunction },
        stateTransitions: runtime.transitions,
        scheduleFires: scheduler.fires,
        ...(meter ? { dynamodbRequests: addCounts(meter.counts, lambda.dynamodbRequests ?? {}) } : {}),
      }),
      stop: () => services.stop(),
    };
  } catch (error) {
    await services.stop();
    throw error;
  }
}
