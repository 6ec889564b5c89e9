// TestState: runs one state with an input and answers with its output, error and cause, next state, status and
// (inspectionLevel DEBUG or TRACE) each step of its data flow, as the API does:
// https://docs.aws.amazon.com/step-functions/latest/apireference/API_TestState.html ("Accepts the definition of
// a single state and executes it … TestState doesn't support Activity tasks, .sync or .waitForTaskToken service
// integration patterns, Parallel, or Map states" without a mock; statuses SUCCEEDED, FAILED, RETRIABLE,
// CAUGHT_ERROR). A Task calls its resource for real (the local cloud's Lambda, DynamoDB, SES), once: a
// matching Retrier makes the status RETRIABLE, a matching Catcher CAUGHT_ERROR with the Catcher's output.
// Not run here: `mock`, `context` and `stateConfiguration` (refused), HTTP Tasks (refused by validation).
import * as z from 'zod';
import { SfnApiError } from './api-errors.ts';
import { StatesFailure, toFailure } from './failure.ts';
import {
  type AslState,
  applyInputPath,
  type EvalContext,
  jsonataArguments,
  jsonataBindings,
  jsonPathEffectiveInput,
  jsonPathResultSelector,
  passResult,
  queryLanguageOf,
  writeResultPath,
} from './lang/index.ts';
import { asTaskError } from './nested.ts';
import * as P from './processing.ts';
import { parse } from './requests.ts';
import { type ResolvedResource, resolveResource } from './resources.ts';
import type { Failure, Json, ServiceIntegration, TaskCall } from './types.ts';
import { describeProblem, type RuntimeSupport, validateDefinition } from './validate.ts';

const request = z
  .object({
    definition: z.string().min(1).max(1_048_576),
    roleArn: z.string().min(1).max(2048).optional(),
    input: z.string().max(262_144).optional(),
    inspectionLevel: z.enum(['INFO', 'DEBUG', 'TRACE']).optional(),
    revealSecrets: z.boolean().optional(),
    variables: z.string().max(262_144).optional(),
    stateName: z.string().min(1).max(80).optional(),
  })
  .loose();

/** Request fields whose effect this runtime does not produce: refused rather than ignored. */
const NOT_RUN = ['mock', 'context', 'stateConfiguration'];

export interface TestStateServices {
  support: RuntimeSupport;
  env: P.Env;
  region: string;
  accountId: string;
  /** Calls a Task's resource (request-response) as an execution would. */
  callTask: (resource: ResolvedResource, parameters: Json, call: TaskCall) => Promise<Json>;
}

type Inspection = Record<string, unknown>;
type Status = 'SUCCEEDED' | 'FAILED' | 'RETRIABLE' | 'CAUGHT_ERROR';

export interface TestStateResult {
  output?: string;
  error?: string;
  cause?: string;
  inspectionData?: Inspection;
  nextState?: string;
  status: Status;
}

export async function testState(input: unknown, s: TestStateServices): Promise<TestStateResult> {
  const req = parse(request, input);
  const extra = NOT_RUN.filter((k) => (input as Record<string, unknown>)[k] !== undefined);
  if (extra.length) {
    throw new SfnApiError(
      'ValidationException',
      `TestState ${extra.join(', ')} is not supported by the local Step Functions runtime`,
    );
  }
  const { name, state, machine } = stateUnderTest(req.definition, req.stateName, s.support);
  if (state.Type === 'Parallel' || state.Type === 'Map') {
    throw new SfnApiError('ValidationException', `TestState does not support ${state.Type} states`);
  }
  const raw = jsonArg(req.input ?? '{}', 'input');
  const variables = jsonArg(req.variables ?? '{}', 'variables');
  if (typeof variables !== 'object' || variables === null || Array.isArray(variables)) {
    throw new SfnApiError('ValidationException', 'TestState variables must be a JSON object');
  }
  const language = queryLanguageOf(state as AslState, machine as never);
  const now = s.env.now();
  const executionArn = `arn:aws:states:${s.region}:${s.accountId}:execution:TestStateMachine:${s.env.uuid()}`;
  const scope: P.Scope = {
    context: {
      Execution: {
        Id: executionArn,
        Input: raw,
        Name: executionArn.split(':').pop(),
        RoleArn: req.roleArn ?? '',
        StartTime: new Date(now).toISOString(),
        RedriveCount: 0,
      },
      State: { EnteredTime: new Date(now).toISOString(), Name: name, RetryCount: 0 },
      StateMachine: {
        Id: `arn:aws:states:${s.region}:${s.accountId}:stateMachine:TestStateMachine`,
        Name: 'TestStateMachine',
      },
    },
    variables: variables as Record<string, Json>,
    language,
    env: s.env,
  };
  const debug = req.inspectionLevel === 'DEBUG' || req.inspectionLevel === 'TRACE';
  const seen: Inspection = { input: JSON.stringify(raw) };
  const answer = await run(state, raw, scope, seen, (resource, parameters) =>
    s.callTask(resource, parameters, { executionArn, stateName: name }),
  );
  if (debug && answer.variables) seen.variables = JSON.stringify({ ...variables, ...answer.variables });
  return { ...answer.result, ...(debug ? { inspectionData: seen } : {}) };
}

/** The state to run: the definition itself, or with `stateName` the named top-level state of a state machine. */
function stateUnderTest(
  definition: string,
  stateName: string | undefined,
  support: RuntimeSupport,
): { name: string; state: Record<string, unknown> & { Type: string }; machine: Record<string, unknown> } {
  const parsed = jsonArg(definition, 'definition') as Record<string, unknown>;
  let name = 'TestState';
  let machine: Record<string, unknown>;
  if (stateName !== undefined) {
    const states = (parsed?.States ?? {}) as Record<string, unknown>;
    if (!Object.hasOwn(states, stateName)) {
      throw new SfnApiError('ValidationException', `State '${stateName}' is not a state of the definition`);
    }
    machine = parsed;
    name = stateName;
  } else {
    if (typeof parsed?.Type !== 'string') {
      throw new SfnApiError('InvalidDefinition', "Invalid State Definition: the state has no 'Type'");
    }
    // The state in a machine of its own, its transitions leading to placeholder states, so that the
    // runtime's own validation (fields, resources, Retry and Catch rules) checks it.
    const targets = new Set<string>();
    const add = (v: unknown) => typeof v === 'string' && targets.add(v);
    add(parsed.Next);
    add(parsed.Default);
    for (const c of (parsed.Choices as Array<Record<string, unknown>> | undefined) ?? []) add(c?.Next);
    for (const c of (parsed.Catch as Array<Record<string, unknown>> | undefined) ?? []) add(c?.Next);
    targets.delete(name);
    const states: Record<string, unknown> = { [name]: parsed };
    for (const t of targets) states[t] = { Type: 'Succeed' };
    machine = { StartAt: name, States: states };
  }
  const problems = validateDefinition(JSON.stringify(machine), support);
  if (problems.length) {
    throw new SfnApiError(
      'InvalidDefinition',
      `Invalid State Machine Definition: '${problems.map(describeProblem).join(', ')}'`,
    );
  }
  const state = (machine.States as Record<string, Record<string, unknown> & { Type: string }>)[name]!;
  return { name, state, machine };
}

function jsonArg(text: string, field: string): Json {
  try {
    return JSON.parse(text);
  } catch {
    throw new SfnApiError(
      field === 'definition' ? 'InvalidDefinition' : 'ValidationException',
      `TestState ${field} is not valid JSON`,
    );
  }
}

type Call = (resource: ResolvedResource, parameters: Json) => Promise<Json>;
type Run = { result: TestStateResult; variables?: Record<string, Json> };

async function run(
  state: Record<string, unknown> & { Type: string },
  raw: Json,
  scope: P.Scope,
  seen: Inspection,
  call: Call,
): Promise<Run> {
  const c: EvalContext = {
    queryLanguage: scope.language,
    scope: { context: scope.context, variables: scope.variables },
    env: scope.env,
  };
  const jsonPath = scope.language === 'JSONPath';
  const next = typeof state.Next === 'string' ? { nextState: state.Next } : {};
  try {
    if (jsonPath && state.Type !== 'Fail') {
      seen.afterInputPath = JSON.stringify(applyInputPath(state as AslState, raw, c.scope));
    }
    switch (state.Type) {
      case 'Fail': {
        const failure = await P.failOf(state, raw, scope);
        return { result: { status: 'FAILED', ...failure } };
      }
      case 'Choice': {
        const chosen = await P.choose(state, raw, scope);
        return done(chosen, { nextState: chosen.next });
      }
      case 'Pass': {
        if (jsonPath) {
          const effective = jsonPathEffectiveInput(state as AslState, raw, c.scope, c.env);
          seen.afterParameters = JSON.stringify(effective);
          const result = passResult(state as AslState, effective);
          seen.result = JSON.stringify(result);
          seen.afterResultPath = JSON.stringify(writeResultPath(state.ResultPath as string, raw, result));
        }
        return done(await P.passOutput(state, raw, scope), next);
      }
      case 'Wait':
      case 'Succeed':
        return done(await P.plainOutput(state, raw, scope), next);
      case 'Task':
        break;
      default:
        throw new SfnApiError('ValidationException', `TestState does not support ${state.Type} states`);
    }
  } catch (error) {
    if (error instanceof SfnApiError) throw error;
    return { result: { status: 'FAILED', ...failureOf(error) } };
  }
  return await runTask(state, raw, scope, c, seen, call, next);
}

function done(outcome: P.Outcome, next: { nextState?: string }): Run {
  return {
    result: { status: 'SUCCEEDED', output: JSON.stringify(outcome.output), ...next },
    ...(outcome.variables ? { variables: outcome.variables as Record<string, Json> } : {}),
  };
}

function failureOf(error: unknown): Failure {
  return P.asFailure(error) ?? toFailure(error);
}

async function runTask(
  state: Record<string, unknown> & { Type: string },
  raw: Json,
  scope: P.Scope,
  c: EvalContext,
  seen: Inspection,
  call: Call,
  next: { nextState?: string },
): Promise<Run> {
  const resource = resolveResource(String(state.Resource));
  if (!resource || resource.activityArn || resource.pattern !== 'request') {
    throw new SfnApiError(
      'ValidationException',
      'TestState does not support Activity tasks, .sync or .waitForTaskToken service integration patterns',
    );
  }
  let failure: Failure;
  try {
    let parameters: Json;
    if (scope.language === 'JSONPath') {
      parameters = jsonPathEffectiveInput(state as AslState, raw, c.scope, c.env);
      seen.afterParameters = JSON.stringify(parameters);
    } else {
      parameters = await jsonataArguments(state as AslState, jsonataBindings(raw, c.scope), c.env);
      seen.afterArguments = JSON.stringify(parameters);
    }
    const result = await call(resource, parameters);
    seen.result = JSON.stringify(result);
    if (scope.language === 'JSONPath') {
      const selected = jsonPathResultSelector(state as AslState, result, c.scope, c.env);
      seen.afterResultSelector = JSON.stringify(selected);
      seen.afterResultPath = JSON.stringify(writeResultPath(state.ResultPath as string, raw, selected));
    }
    return done(await P.taskOutput(state, raw, result, scope), next);
  } catch (error) {
    failure = failureOf(error);
  }
  const retry = P.retryFor(state, failure, [], scope.env.random);
  if (retry) {
    seen.errorDetails = { retryIndex: retry.index, retryBackoffIntervalSeconds: retry.delayMs / 1000 };
    return { result: { status: 'RETRIABLE', ...failure } };
  }
  const caught = P.catcherFor(state, failure);
  if (caught) {
    seen.errorDetails = { catchIndex: caught.index };
    const out = await P.catchOutput(caught, raw, failure, scope);
    return {
      result: {
        status: 'CAUGHT_ERROR',
        ...failure,
        output: JSON.stringify(out.output),
        nextState: caught.catcher.Next as string,
      },
      ...(out.variables ? { variables: out.variables as Record<string, Json> } : {}),
    };
  }
  return { result: { status: 'FAILED', ...failure } };
}

/** How TestState calls a Task's resource: the runtime's Lambda, a new execution, or a service integration. */
export function taskCaller(
  lambda: (functionArn: string, parameters: Json, call: TaskCall) => Promise<Json>,
  integrations: ReadonlyMap<string, ServiceIntegration>,
  startExecution: (input: unknown) => Promise<{ executionArn: string; startDate: Date }>,
): TestStateServices['callTask'] {
  return async (r, parameters, call) => {
    if (r.lambdaArn) return await lambda(r.resource, parameters, call);
    if (r.service === 'states' && r.action === 'startExecution') {
      const p = (parameters ?? {}) as Record<string, unknown>;
      const input = p.Input === undefined || typeof p.Input === 'string' ? p.Input : JSON.stringify(p.Input);
      try {
        const out = await startExecution({ stateMachineArn: p.StateMachineArn, input, name: p.Name });
        return { ExecutionArn: out.executionArn, StartDate: out.startDate.getTime() };
      } catch (error) {
        throw asTaskError(error);
      }
    }
    const integration = integrations.get(`${r.service}:${r.action}`);
    if (!integration) {
      throw new StatesFailure({
        error: 'States.Runtime',
        cause: `The resource ${r.resource} is not supported by the local Step Functions runtime`,
      });
    }
    return await integration(parameters, call);
  };
}
