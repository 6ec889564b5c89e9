// The local cloud: synthesises the CDK app and runs its assembly on this machine — DynamoDB Local, the local
// SES, a local Secrets Manager, the Step Functions runtime, the functions in worker threads, the HTTP APIs and
// the schedules — all on one controllable clock. It has no list of resources of its own: whatever the
// assembly contains runs, and nothing else (ARCHITECTURE.md).
import type { ChildProcess } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import * as z from 'zod';
import { ControlledClock } from '../clock.ts';
import { assertJava, type DynamoDbLocal, LOCAL_AWS, startDynamoDbLocal } from '../dynamodb-local.ts';
import { guardHost, isLoopbackName } from '../host-check.ts';
import { freePort, freePorts } from '../ports.ts';
import { StepFunctionsRuntime } from '../stepfunctions/runtime.ts';
import { type CloudStack, PROJECT_ROOT, readAssembly, synthesize } from './assembly.ts';
import { clockForms, dashboardPageRequest } from './clock-route.ts';
import {
  ClockOptionError,
  clockFileOf,
  clockStart,
  clockState,
  parseDuration,
  saveClock,
} from './clock-state.ts';
import { startDynamoDbMeter } from './dynamodb-meter.ts';
import { makePrivateDir, readJsonFile, writeJsonFile } from './files.ts';
import { type HttpApiDefinition, HttpApiServer, httpApisOf } from './http-api.ts';
import { LOCAL_ACCOUNT, Resolver } from './intrinsics.ts';
import { LocalIssuer } from './jwt.ts';
import { functionsOf, type InvokeResult, LambdaService, type LocalFunction } from './lambda.ts';
import { LambdaEndpoint } from './lambda-endpoint.ts';
import { acquireLock } from './lock.ts';
import { Mailbox } from './mailbox.ts';
import { type LocalSchedule, Scheduler, schedulesOf } from './schedules.ts';
import { type LocalSecret, loadSecrets, SecretsServer } from './secrets.ts';
import { startSes } from './ses.ts';
import { deployStateMachines, type LocalStateMachine, stateMachinesOf } from './state-machines.ts';
import { ensureTable } from './tables.ts';

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
   * Count the functions' and the runtime's DynamoDB requests by operation (through a small proxy in front of
   * DynamoDB Local), for `usage()`. Off by default: it adds a hop to every request.
   */
  meter?: boolean;
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
  /** The local administrator's token for JWT-protected routes and /_local/. */
  adminToken: string;
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
  /** What the assembly contains, as the local cloud runs it. */
  resources: {
    assemblyDir: string;
    tables: string[];
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


const clockRequest = z.union([
  z.object({ set: z.iso.datetime({ offset: true }) }).strict(),
  z.object({ advance: z.union([z.literal('next'), z.string().regex(/^P/)]) }).strict(),
  z.object({ speed: z.number().min(0).max(1_000_000_000) }).strict(),
]);

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
  assertJava();
  makePrivateDir(dataDir);
  const lock = acquireLock(dataDir);
  // Released on a normal stop, and also when the process exits without one.
  process.once('exit', lock);
  const releaseLock = () => {
    lock();
    process.off('exit', lock);
  };
  const stoppers: Array<() => Promise<void> | void> = [releaseLock];
  const stopAll = async () => {
    for (const stopper of stoppers.splice(0).reverse()) {
      try {
        await stopper();
      } catch (error) {
        log(`while stopping: ${(error as Error).message}`);
      }
    }
  };

  try {
    // The clock first: everything started later reads it.
    const clockFile = clockFileOf(dataDir);
    const start = clockStart({
      ...(options.clock !== undefined ? { clock: options.clock } : {}),
      stateFile: clockFile,
      planFile,
    });
    const clock = new ControlledClock({ start: start.at, speed: options.speed ?? 1 });
    progress(`clock: ${new Date(start.at).toISOString()} (${start.source}), speed ${clock.speed}`);
    clock.onChange(() => saveClock(clock, clockFile));
    const clockSaver = setInterval(() => saveClock(clock, clockFile), 5000);
    clockSaver.unref();
    stoppers.push(() => {
      clearInterval(clockSaver);
      saveClock(clock, clockFile);
    });
    saveClock(clock, clockFile);

    const apiPort =
      options.port === 0 ? await freePort(undefined, host) : await freePort(options.port ?? 3000, host);
    if (options.port && apiPort !== options.port) {
      throw new Error(`port ${options.port} is in use: choose another with --port`);
    }
    const [dynamoPort, sesPort, secretsPort, sfnPort, lambdaPort] = (await freePorts(
      5,
      apiPort + 1,
      host,
    )) as [number, number, number, number, number];

    // The slow parts run side by side: the synth (bundling), DynamoDB Local (a JVM) and SES.
    progress('DynamoDB Local: starting');
    const dynamoStarting = startDynamoDb(dynamoPort, join(dataDir, 'dynamodb'), host, (child) => {
      // If this process dies without stopping (a signal while starting, a crash, process.exit), the JVM must
      // not outlive it.
      const kill = () => child.kill('SIGKILL');
      process.once('exit', kill);
      child.once('exit', () => process.off('exit', kill));
    });
    const synth = synthesize({
      ...(options.app ? { app: options.app } : {}),
      outdir: options.assemblyDir ?? join(dataDir, 'assembly'),
      ...(options.context ? { context: options.context } : {}),
      reuse: options.reuseAssembly !== false,
      prune: options.assemblyDir === undefined,
      onProgress: progress,
    });
    const sesStarting = startSes({ port: sesPort, host, dataDir });
    const [dynamoResult, sesResult, synthResult] = await Promise.allSettled([
      dynamoStarting,
      sesStarting,
      synth,
    ]);
    if (
      dynamoResult.status === 'rejected' ||
      sesResult.status === 'rejected' ||
      synthResult.status === 'rejected'
    ) {
      // Stop whichever of them did start, and report the first failure.
      if (dynamoResult.status === 'fulfilled') await dynamoResult.value.stop();
      if (sesResult.status === 'fulfilled') await sesResult.value.close();
      const failed = [dynamoResult, sesResult, synthResult].find((r) => r.status === 'rejected');
      throw (failed as PromiseRejectedResult).reason;
    }
    const dynamo = dynamoResult.value;
    const ses = sesResult.value;
    const assemblyDir = synthResult.value.dir;
    stoppers.push(() => dynamo.stop());
    stoppers.push(() => ses.close());
    // What the functions and the runtime use: DynamoDB Local itself, or the counting proxy in front of it.
    const meter = options.meter ? await startDynamoDbMeter({ target: dynamo.endpoint, host }) : undefined;
    if (meter) stoppers.push(() => meter.close());
    const dynamoForWork = meter?.url ?? dynamo.endpoint;
    progress(`DynamoDB Local: ${dynamo.endpoint}`);
    progress(`SES: ${ses.url}`);

    const assembly = readAssembly(assemblyDir);
    const elsewhere = notRunLocally(assembly.stacks);
    if (elsewhere.length) progress(`not run locally: ${elsewhere.join(', ')}`);
    progress(
      `assembly: ${assembly.stacks.map((s) => s.stackName).join(', ')} (${relative(process.cwd(), assemblyDir) || assemblyDir})`,
    );
    const apiPorts = new Map<string, number>();
    const extraPorts: number[] = [];
    const resolvers = new Map<CloudStack, Resolver>();
    for (const stack of assembly.stacks) {
      const apis = Object.entries(stack.template.Resources ?? {}).filter(
        ([, r]) => r.Type === 'AWS::ApiGatewayV2::Api',
      );
      for (const [logicalId] of apis) {
        const key = `${stack.stackName}/${logicalId}`;
        if (apiPorts.size === 0) apiPorts.set(key, apiPort);
        else {
          const port = await freePort(Math.max(lambdaPort, sfnPort, apiPort, ...extraPorts) + 1, host);
          extraPorts.push(port);
          apiPorts.set(key, port);
        }
      }
      resolvers.set(
        stack,
        new Resolver({
          stackName: stack.stackName,
          template: stack.template,
          account: LOCAL_ACCOUNT,
          apiEndpoint: (logicalId) => {
            const port = apiPorts.get(`${stack.stackName}/${logicalId}`);
            return port === undefined ? undefined : `http://${host}:${port}`;
          },
        }),
      );
    }

    // Tables.
    const dynamoClient = new DynamoDBClient({ endpoint: dynamo.endpoint, ...LOCAL_AWS });
    const tables: string[] = [];
    try {
      for (const [stack, resolver] of resolvers) {
        for (const [logicalId, resource] of Object.entries(stack.template.Resources ?? {})) {
          if (resource.Type !== 'AWS::DynamoDB::Table' && resource.Type !== 'AWS::DynamoDB::GlobalTable')
            continue;
          const name = resolver.identity(logicalId).ref;
          await ensureTable(dynamoClient, resource, name);
          tables.push(name);
        }
      }
    } finally {
      dynamoClient.destroy();
    }
    progress(`tables: ${tables.length ? tables.join(', ') : 'none'}`);

    // Secrets.
    const secretsFile = join(dataDir, 'secrets.json');
    const secrets = [...resolvers.values()].flatMap((resolver) =>
      loadSecrets(resolver, secretsFile, clock.now()),
    );
    const secretsServer = await SecretsServer.listen(secrets, secretsPort, host, {
      file: secretsFile,
      now: () => clock.now(),
    });
    stoppers.push(() => secretsServer.close());

    // Functions.
    const functions = [...assembly.stacks].flatMap((stack) =>
      functionsOf(stack, resolvers.get(stack) as Resolver),
    );
    const mailboxUrl = `${ses.url}/`;
    const baseEnvironment: Record<string, string> = {
      AWS_ACCESS_KEY_ID: LOCAL_AWS.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: LOCAL_AWS.credentials.secretAccessKey,
      AWS_SESSION_TOKEN: 'local',
      AWS_ENDPOINT_URL_DYNAMODB: dynamoForWork,
      AWS_ENDPOINT_URL_SFN: `http://${host}:${sfnPort}`,
      AWS_ENDPOINT_URL_SESV2: ses.url,
      AWS_ENDPOINT_URL_SES: ses.url,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: secretsServer.url,
      AWS_ENDPOINT_URL_LAMBDA: `http://${host}:${lambdaPort}`,
      PILOTFLOW_LOCAL: '1',
      LOCAL_MAILBOX_URL: mailboxUrl,
    };
    const lambda = new LambdaService({
      functions,
      clock,
      logDir: join(dataDir, 'logs'),
      region: LOCAL_ACCOUNT.region,
      baseEnvironment,
      ...(options.concurrency ? { concurrency: options.concurrency } : {}),
    });
    stoppers.push(() => lambda.close());
    const runnable = functions.filter((f) => f.codeDir);
    progress(
      `functions: ${runnable.length}${functions.length > runnable.length ? ` (${functions.length - runnable.length} not runnable here)` : ''}`,
    );
    const invoke = (nameOrArn: string, payload: unknown) => lambda.invoke(nameOrArn, payload);
    const lambdaEndpoint = await LambdaEndpoint.listen({
      port: lambdaPort,
      host,
      find: (name) => lambda.find(name),
      invoke: (name, payload, invokeOptions) => lambda.invoke(name, payload, invokeOptions),
    });
    guardHost(lambdaEndpoint.server, host);
    stoppers.push(() => lambdaEndpoint.close());

    // Step Functions.
    const machines = [...resolvers.values()].flatMap((resolver) => stateMachinesOf(resolver));
    const runtime = await StepFunctionsRuntime.open({
      dataDir: join(dataDir, 'stepfunctions'),
      clock,
      region: LOCAL_ACCOUNT.region,
      accountId: LOCAL_ACCOUNT.accountId,
      invokeLambda: (arn, payload, meta) =>
        lambda.invoke(arn, payload, meta.clientContext ? { clientContext: meta.clientContext } : {}),
      dynamodbEndpoint: dynamoForWork,
      sesEndpoint: ses.url,
      log: fileLog(join(dataDir, 'logs', 'stepfunctions.log')),
    });
    stoppers.push(() => runtime.close());
    await deployStateMachines(runtime, machines);
    const stepfunctionsUrl = (await runtime.listen({ port: sfnPort, host })).url;
    progress(`state machines: ${machines.length ? machines.map((m) => m.name).join(', ') : 'none'}`);

    // Schedules.
    const schedules = [...resolvers.values()].flatMap((resolver) => schedulesOf(resolver));
    const scheduler = new Scheduler({
      schedules,
      clock,
      stateFile: join(dataDir, 'schedules.json'),
      invoke,
      startExecution: (input) => runtime.startExecution(input),
      log,
    });
    stoppers.push(() => scheduler.stop());

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

    // HTTP APIs.
    const issuer = LocalIssuer.open(join(dataDir, 'admin-key.pem'));
    const apis = [...resolvers.values()].flatMap((resolver) => httpApisOf(resolver));
    const jwtRules = apis.flatMap((api) => api.routes.flatMap((r) => (r.jwt ? [r.jwt] : [])));
    const scopes = [...new Set(apis.flatMap((api) => api.routes.flatMap((r) => r.scopes)))];
    const adminToken = await issuer.issue({
      iss: jwtRules[0]?.issuer ?? 'https://pilotflow.local',
      aud: [...new Set(jwtRules.flatMap((r) => r.audiences))].length
        ? [...new Set(jwtRules.flatMap((r) => r.audiences))]
        : 'pilotflow-local',
      sub: 'local-admin',
      email: 'admin@pilotflow.local',
      name: 'Local administrator',
      'cognito:groups': ['admin'],
      ...(scopes.length ? { scope: scopes.join(' ') } : {}),
    });
    // The clock bar's plain form (no JavaScript) is turned into this JSON request by clockForms.
    const local = clockForms(async (request: { method: string; path: string; body: Buffer }) => {
      if (request.path !== '/_local/clock') return { status: 404, body: { message: 'Not Found' } };
      if (request.method === 'GET') return { status: 200, body: clockState(clock) };
      if (request.method !== 'POST') return { status: 405, body: { message: 'Method Not Allowed' } };
      let parsed: z.infer<typeof clockRequest>;
      try {
        parsed = clockRequest.parse(JSON.parse(request.body.toString('utf8') || '{}'));
      } catch {
        return {
          status: 400,
          body: { message: 'expected {"set": ISO date-time}, {"advance": "P3D" | "next"} or {"speed": N}' },
        };
      }
      try {
        if ('set' in parsed) await clock.advanceTo(Date.parse(parsed.set));
        else if ('speed' in parsed) clock.setSpeed(parsed.speed);
        else if (parsed.advance === 'next') await clock.advanceToNextTimer();
        else await clock.advance(parseDuration(parsed.advance));
      } catch (error) {
        if (error instanceof ClockOptionError || error instanceof RangeError) {
          return { status: 400, body: { message: error.message } };
        }
        throw error;
      }
      return { status: 200, body: clockState(clock) };
    });
    // The cookie of the function marked with one (the dashboard's sign-in cookie), for browsers.
    const adminCookie = functions.find((f) => f.adminCookie)?.adminCookie;
    const servers: HttpApiServer[] = [];
    for (const api of apis) {
      const stackName = [...resolvers.entries()].find(([, r]) =>
        r.resourcesOfType('AWS::ApiGatewayV2::Api').some(([id]) => id === api.logicalId),
      )?.[0].stackName;
      const port = apiPorts.get(`${stackName}/${api.logicalId}`) as number;
      const server = await HttpApiServer.listen({
        api,
        port,
        host,
        accountId: LOCAL_ACCOUNT.accountId,
        clock,
        issuer,
        invoke,
        local,
        ...(adminCookie ? { adminCookie } : {}),
        pageRequest: dashboardPageRequest,
        onError: (error) => log(`HTTP API: ${(error as Error).message}`),
      });
      servers.push(server);
      stoppers.push(() => server.close());
    }
    if (servers.length === 0) {
      // No HTTP API in the template: the clock's local routes still get a server on --port.
      const server = await HttpApiServer.listen({
        api: {
          logicalId: 'local',
          apiId: 'local',
          name: 'local',
          stagePrefix: '',
          stage: '$default',
          routes: [],
        },
        port: apiPort,
        host,
        accountId: LOCAL_ACCOUNT.accountId,
        clock,
        issuer,
        invoke,
        local,
        ...(adminCookie ? { adminCookie } : {}),
        pageRequest: dashboardPageRequest,
      });
      servers.push(server);
      stoppers.push(() => server.close());
    }
    const routeCount = apis.reduce((n, api) => n + api.routes.length, 0);
    progress(`routes: ${routeCount} on ${servers.map((s) => s.url).join(', ')}`);

    scheduler.start();
    const next = scheduler.upcoming();
    progress(
      `schedules: ${schedules.length}${next.length ? ` (${next.map((s) => `${s.name} next at ${s.at === undefined ? 'never' : new Date(s.at).toISOString()}`).join('; ')})` : ''}`,
    );

    const apiUrl = (servers[0] as HttpApiServer).url;
    // The route marked as the dashboard's home page, on its API's server.
    const dashboard = apis.flatMap((api, i) =>
      api.routes
        .filter((r) => r.role === 'dashboard' && r.segments)
        .map((r) => `${servers[i]?.url}${api.stagePrefix}/${r.segments?.join('/')}`),
    )[0];
    const endpoints: Endpoints = {
      api: apiUrl,
      dashboard: dashboard ?? `${apiUrl}/`,
      stepfunctions: stepfunctionsUrl,
      dynamodb: dynamo.endpoint,
      ses: ses.url,
      mailbox: mailboxUrl,
      secretsmanager: secretsServer.url,
      lambda: lambdaEndpoint.url,
      adminToken,
    };

    // The plan launch: done by the function the template marks as the launcher, once per data directory.
    const launcher = functions.find((f) => f.role === 'launcher');
    await launchOnce({ options, dataDir, planFile, launcher, invoke, progress, log });

    const endpointsFile = join(dataDir, 'endpoints.json');
    writeJsonFile(endpointsFile, endpoints, 0o600);
    stoppers.push(() => rmSync(endpointsFile, { force: true }));
    // A stop begins with the runtime (stoppers run last first; its own stopper above then does nothing): it
    // takes no more work (the turn in progress commits, nothing after it), so that what fails because of the
    // stop — a sandbox terminated under an invocation, a closed server, DynamoDB Local gone with the terminal's
    // Ctrl-C — is not recorded as a task's failure. What was in flight is repeated on the next start.
    stoppers.push(() => runtime.close());
    progress('ready');

    let stopping: Promise<void> | undefined;
    return {
      endpoints,
      clock,
      lambda,
      invoke,
      runtime,
      mailbox: new Mailbox(ses.url),
      dataDir,
      resources: {
        assemblyDir,
        tables,
        functions,
        stateMachines: machines,
        apis,
        schedules,
        secrets: secrets.map(({ value: _value, previous: _previous, ...rest }) => rest),
      },
      whenIdle,
      usage: () => ({
        lambdaInvocations: { ...lambda.invocationsByFunction },
        stateTransitions: runtime.transitions,
        scheduleFires: scheduler.fires,
        ...(meter ? { dynamodbRequests: { ...meter.counts } } : {}),
      }),
      stop() {
        stopping ??= stopAll();
        return stopping;
      },
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

/** What the local cloud runs, and what has no local meaning (permissions, log groups, identities…). */
const RUN =
  /^AWS::(DynamoDB::(Global)?Table|Lambda::Function|StepFunctions::StateMachine|SecretsManager::Secret|ApiGatewayV2::(Api|Route|Integration|Authorizer|Stage)|Scheduler::Schedule)$/;
const NO_LOCAL_MEANING =
  /^(AWS::IAM::|AWS::Logs::|AWS::KMS::|AWS::CloudWatch::|AWS::Lambda::(Permission|EventInvokeConfig)$|AWS::CDK::Metadata$|AWS::Scheduler::ScheduleGroup$|AWS::SES::(EmailIdentity|ConfigurationSet|ConfigurationSetEventDestination)$)/;

/** The template's resource types the local cloud does not run, with their counts (shown while starting). */
function notRunLocally(stacks: CloudStack[]): string[] {
  const counts = new Map<string, number>();
  for (const stack of stacks) {
    for (const resource of Object.values(stack.template.Resources ?? {})) {
      if (RUN.test(resource.Type) || NO_LOCAL_MEANING.test(resource.Type)) continue;
      counts.set(resource.Type, (counts.get(resource.Type) ?? 0) + 1);
    }
  }
  return [...counts].map(([type, n]) => (n > 1 ? `${type} ×${n}` : type));
}

/**
 * Starts DynamoDB Local on `port`, or on another free port if something took that one while the JVM was
 * starting (it binds seconds after the port was found free).
 */
async function startDynamoDb(
  port: number,
  dir: string,
  host: string,
  onSpawn: (child: ChildProcess) => void,
): Promise<DynamoDbLocal> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startDynamoDbLocal({ port, dataDir: dir, onSpawn });
    } catch (error) {
      if (attempt >= 3 || !/Address already in use|BindException/.test((error as Error).message)) throw error;
      port = await freePort(undefined, host);
    }
  }
}

async function launchOnce(context: {
  options: LocalCloudOptions;
  dataDir: string;
  planFile: string;
  launcher: LocalFunction | undefined;
  invoke: (nameOrArn: string, payload: unknown) => Promise<InvokeResult>;
  progress: (line: string) => void;
  log: (line: string) => void;
}): Promise<void> {
  const { options, dataDir, planFile, launcher, invoke, progress } = context;
  const source = relative(process.cwd(), planFile) || planFile;
  if (options.launch === false) return progress('launch: skipped (--no-launch)');
  const stateFile = join(dataDir, 'launched.json');
  const launched = readJsonFile<{ source: string; at: string } | undefined>(stateFile, undefined);
  if (launched) return progress(`launch: ${launched.source} was launched at ${launched.at}`);
  if (!launcher) return progress('launch: skipped (the assembly has no function marked as the launcher)');
  if (!existsSync(planFile)) return progress(`launch: skipped (${source} does not exist)`);
  const result = await invoke(launcher.arn, { planYaml: readFileSync(planFile, 'utf8'), source });
  if (result.functionError) {
    const error = result.payload as { errorType?: string; errorMessage?: string };
    context.log(`launch: ${launcher.name} failed: ${error.errorType}: ${error.errorMessage}`);
    return;
  }
  writeJsonFile(stateFile, { source, at: new Date().toISOString(), result: result.payload });
  progress(`launch: ${source} launched`);
}

function fileLog(file: string) {
  mkdirSync(join(file, '..'), { recursive: true, mode: 0o700 });
  const write = (level: string) => (message: string) => {
    try {
      // Appends synchronously: the runtime logs rarely, and a crash must not lose the last lines.
      appendFileSync(file, `${new Date().toISOString()} ${level} ${message}\n`, { mode: 0o600 });
    } catch {
      // Logging must never break the runtime.
    }
  };
  return { info: write('INFO'), warn: write('WARN'), error: write('ERROR') };
}

export { ClockOptionError };
