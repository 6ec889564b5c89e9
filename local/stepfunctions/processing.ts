// The engine's one door into the language layer (lang/): per state type, which lang/ functions process its
// input and output in its query language. The engine itself never reads a path or evaluates an expression.
import {
  AslDefinitionError,
  type AslState,
  applyInputPath,
  type Catcher,
  checkPayloadSize,
  completeCatch,
  completeState,
  decideChoice,
  type EvalContext,
  errorOutputOf,
  evaluateJsonataTemplate,
  evaluatePayloadTemplate,
  failErrorAndCause,
  findCatcher,
  heartbeatSeconds,
  jsonataArguments,
  jsonataBindings,
  jsonPathEffectiveInput,
  mapItemInput as langMapItemInput,
  waitUntil as langWaitUntil,
  mapItems,
  maxConcurrency,
  nextRetry,
  passResult,
  type QueryLanguage,
  type Retrier,
  type RetryCounters,
  type RetryDecision,
  StatesError,
  StatesErrorNames,
  timeoutSeconds,
  toleratedFailures,
} from './lang/index.ts';
import type { Failure, Json } from './types.ts';

type State = AslState;
type Vars = Record<string, Json>;

export interface Env {
  random(): number;
  uuid(): string;
  now(): number;
}

export interface Scope {
  context: Record<string, unknown>;
  variables: Vars;
  language: QueryLanguage;
  env: Env;
}

export interface Outcome {
  output: Json;
  variables: Vars | undefined;
}

function ctx(scope: Scope): EvalContext {
  return {
    queryLanguage: scope.language,
    scope: { context: scope.context, variables: scope.variables },
    env: scope.env,
  };
}

const jsonPath = (scope: Scope) => scope.language === 'JSONPath';

/** A failure from anything the language layer (or a task) throws, or undefined for an unexpected error. */
export function asFailure(error: unknown): Failure | undefined {
  if (error instanceof StatesError) return { error: error.error, cause: error.cause };
  // A definition the validator let through but no execution can run ends the execution, as on AWS.
  if (error instanceof AslDefinitionError) return { error: StatesErrorNames.Runtime, cause: error.message };
  if (error && typeof error === 'object' && 'failure' in error) {
    const f = (error as { failure: unknown }).failure as Failure;
    if (f && typeof f.error === 'string') return f;
  }
  return undefined;
}

/** States.DataLimitExceeded when a state's output is over the 256 KiB quota. */
export function checkSize(value: Json, what: string): void {
  checkPayloadSize(value, what);
}

const outcome = (c: { output: unknown; assigned: Record<string, unknown> | undefined }): Outcome => ({
  output: c.output,
  variables: c.assigned,
});

export async function passOutput(state: State, raw: Json, scope: Scope): Promise<Outcome> {
  const c = ctx(scope);
  if (!jsonPath(scope)) return outcome(await completeState(state, raw, undefined, c));
  const effective = jsonPathEffectiveInput(state, raw, c.scope, c.env);
  return outcome(await completeState(state, raw, passResult(state, effective), c));
}

/** Succeed and Wait: no result; JSONPath passes the effective input to OutputPath, JSONata has Output. */
export async function plainOutput(state: State, raw: Json, scope: Scope): Promise<Outcome> {
  const c = ctx(scope);
  const result = jsonPath(scope) ? jsonPathEffectiveInput(state, raw, c.scope, c.env) : undefined;
  return outcome(await completeState(state, raw, result, c));
}

export async function choose(state: State, raw: Json, scope: Scope): Promise<Outcome & { next: string }> {
  const d = await decideChoice(state, raw, ctx(scope));
  return { next: d.next, output: d.output, variables: d.assigned };
}

export async function failOf(state: State, raw: Json, scope: Scope): Promise<Failure> {
  const { error, cause } = await failErrorAndCause(state, raw, ctx(scope));
  return { error: error ?? 'States.Fail', ...(cause !== undefined ? { cause } : {}) };
}

/** When a Wait state ends, in epoch ms. */
export async function waitUntil(state: State, raw: Json, scope: Scope): Promise<number> {
  const c = ctx(scope);
  const input = jsonPath(scope) ? jsonPathEffectiveInput(state, raw, c.scope, c.env) : raw;
  return await langWaitUntil(state, input, c, scope.env.now());
}

/** Parameters (JSONPath, after InputPath) or Arguments (JSONata) of a Task or Parallel state. */
export async function taskParameters(state: State, raw: Json, scope: Scope): Promise<Json> {
  const c = ctx(scope);
  if (jsonPath(scope)) return jsonPathEffectiveInput(state, raw, c.scope, c.env);
  return await jsonataArguments(state, jsonataBindings(raw, c.scope), c.env);
}

export const parallelInput = taskParameters;

export async function taskTimeouts(
  state: State,
  raw: Json,
  scope: Scope,
): Promise<{ timeout?: number; heartbeat?: number }> {
  const c = ctx(scope);
  const timeout = await timeoutSeconds(state, raw, c);
  const heartbeat = await heartbeatSeconds(state, raw, c);
  return { ...(timeout !== undefined ? { timeout } : {}), ...(heartbeat !== undefined ? { heartbeat } : {}) };
}

/** A Task, Parallel or Map result through the state's output processing (and Assign). */
export async function taskOutput(state: State, raw: Json, result: Json, scope: Scope): Promise<Outcome> {
  return outcome(await completeState(state, raw, result, ctx(scope)));
}

/** The retry decision of the state's Retry field, with the counters to keep for its next error. */
export function retryFor(
  state: State,
  failure: Failure,
  counters: RetryCounters,
  random: () => number,
): RetryDecision | undefined {
  return nextRetry(state.Retry as Retrier[] | undefined, failure.error, counters, random);
}

export function catcherFor(state: State, failure: Failure): { catcher: Catcher; index: number } | undefined {
  return findCatcher(state.Catch as Catcher[] | undefined, failure.error);
}

/** The output a Catcher passes on: the error output placed by ResultPath, or its Output (JSONata). */
export async function catchOutput(
  caught: { catcher: Catcher; index: number },
  raw: Json,
  failure: Failure,
  scope: Scope,
): Promise<Outcome> {
  return outcome(await completeCatch(caught.catcher, caught.index, raw, errorOutputOf(failure), ctx(scope)));
}

/** A Map state's items, MaxConcurrency and failure threshold, and the input its ItemSelector reads. */
export async function mapSetup(
  state: State,
  raw: Json,
  scope: Scope,
  /** A Distributed Map's ItemReader: reads the items with the reader's evaluated parameters. */
  readItems?: (parameters: Json) => Promise<Json[]>,
): Promise<{
  items: Json[];
  maxConcurrency: number;
  effective: Json;
  tolerated: { count?: number; percentage?: number };
}> {
  const c = ctx(scope);
  const effective = jsonPath(scope) ? jsonPathEffectiveInput(state, raw, c.scope, c.env) : raw;
  const items =
    state.ItemReader !== undefined && readItems
      ? await readItems(await itemReaderParameters(state, raw, c))
      : await mapItems(state, effective, c);
  return {
    items,
    maxConcurrency: await maxConcurrency(state, effective, c),
    effective,
    tolerated: await toleratedFailures(state, effective, c),
  };
}

/** ItemReader's Parameters (JSONPath, on the input after InputPath) or Arguments (JSONata). */
async function itemReaderParameters(state: State, raw: Json, c: EvalContext): Promise<Json> {
  const reader = state.ItemReader as Record<string, unknown>;
  if (c.queryLanguage === 'JSONPath') {
    const input = applyInputPath(state, raw, c.scope);
    return evaluatePayloadTemplate(reader.Parameters ?? {}, input, c.scope, c.env);
  }
  const bindings = jsonataBindings(raw, c.scope);
  return await evaluateJsonataTemplate(reader.Arguments ?? {}, bindings, c.env, 'ItemReader/Arguments');
}

export async function mapItemInput(state: State, effective: Json, value: Json, index: number, scope: Scope) {
  return await langMapItemInput(state, value, index, effective, ctx(scope));
}
