// The engine's one door into the language layer (lang/): per state type, the input and output processing of
// both query languages, Choice, Wait, Fail, Retry and Catch. Everything here composes lang/ functions; the
// engine itself never reads a path or evaluates an expression.
import { chooseJsonPath, defaultChoice } from './lang/choice.ts';
import { errorMatches, errorOutputOf, StatesError, StatesErrorNames } from './lang/errors.ts';
import { evaluateIntrinsic, isIntrinsic } from './lang/intrinsics.ts';
import {
  evaluateJsonataCondition,
  evaluateJsonataTemplate,
  type JsonataBindings,
  type JsonataEnv,
} from './lang/jsonata.ts';
import { readPath, writeResultPath } from './lang/jsonpath.ts';
import { evaluatePayloadTemplate } from './lang/payload.ts';
import { parseTimestamp } from './lang/timestamps.ts';
import type { Failure, Json } from './types.ts';

type State = Record<string, unknown> & { Type: string };
type Vars = Record<string, Json>;

export interface Env {
  random(): number;
  uuid(): string;
  now?(): number;
}

export interface Scope {
  context: Record<string, unknown>;
  variables: Vars;
  language: string;
  env: Env;
}

export interface Outcome {
  output: Json;
  variables: Vars | undefined;
}

const MAX_PAYLOAD = 262_144;

/** A failure from anything the language layer (or a task) throws, or undefined for an unexpected error. */
export function asFailure(error: unknown): Failure | undefined {
  if (error instanceof StatesError) return { error: error.error, cause: error.cause };
  if (error && typeof error === 'object' && 'failure' in error) {
    const f = (error as { failure: unknown }).failure as Failure;
    if (f && typeof f.error === 'string') return f;
  }
  return undefined;
}

/** States.DataLimitExceeded when a state's output is over the 256 KiB quota. */
export function checkSize(value: Json, what: string): void {
  const text = JSON.stringify(value ?? null);
  if (text.length * 3 > MAX_PAYLOAD && Buffer.byteLength(text, 'utf8') > MAX_PAYLOAD) {
    throw new StatesError(
      StatesErrorNames.DataLimitExceeded,
      `${what} is larger than ${MAX_PAYLOAD} bytes, the Step Functions payload quota`,
    );
  }
}

const isJsonata = (scope: Scope) => scope.language === 'JSONata';

function bindings(scope: Scope, input: Json, extra?: { result?: Json; errorOutput?: Json }): JsonataBindings {
  return { states: { input, context: scope.context, ...extra }, variables: scope.variables };
}

function jenv(scope: Scope): JsonataEnv {
  return scope.env;
}

// ---- JSONPath pieces (https://docs.aws.amazon.com/step-functions/latest/dg/concepts-input-output-filtering.html)

function pathOrEmpty(path: unknown, data: Json, scope: Scope): Json {
  if (path === null) return {};
  if (path === undefined) return data;
  return readPath(path as string, data, scope);
}

/** InputPath, then Parameters (or ItemSelector…) when given. */
function jsonPathEffective(state: State, raw: Json, scope: Scope, template?: unknown): Json {
  const afterInputPath = pathOrEmpty(state.InputPath, raw, scope);
  if (template === undefined) return afterInputPath;
  return evaluatePayloadTemplate(template, afterInputPath, scope, scope.env);
}

/** ResultSelector, ResultPath, OutputPath; Assign reads the (selected) result. */
function jsonPathOutput(state: State, raw: Json, result: Json, scope: Scope): Outcome {
  const selected =
    state.ResultSelector === undefined
      ? result
      : evaluatePayloadTemplate(state.ResultSelector, result, scope, scope.env);
  const variables =
    state.Assign === undefined
      ? undefined
      : (evaluatePayloadTemplate(state.Assign, selected, scope, scope.env) as Vars);
  const combined = writeResultPath(state.ResultPath as string | null | undefined, raw, selected);
  return { output: pathOrEmpty(state.OutputPath, combined, scope), variables };
}

// ---- JSONata pieces (https://docs.aws.amazon.com/step-functions/latest/dg/transforming-data.html)

async function jsonataOutcome(
  holder: Record<string, unknown>,
  scope: Scope,
  raw: Json,
  fallback: Json,
  extra?: { result?: Json; errorOutput?: Json },
): Promise<Outcome> {
  const b = bindings(scope, raw, extra);
  // Assign and Output both see the variables as they were before the state (AWS evaluates them together).
  const variables =
    holder.Assign === undefined
      ? undefined
      : ((await evaluateJsonataTemplate(holder.Assign, b, jenv(scope), 'Assign')) as Vars);
  const output =
    holder.Output === undefined
      ? fallback
      : await evaluateJsonataTemplate(holder.Output, b, jenv(scope), 'Output');
  return { output, variables };
}

async function jsonataValue(value: unknown, scope: Scope, raw: Json, field: string): Promise<Json> {
  return await evaluateJsonataTemplate(value, bindings(scope, raw), jenv(scope), field);
}

// ---- per state type -----------------------------------------------------------------------------------

export async function passOutput(state: State, raw: Json, scope: Scope): Promise<Outcome> {
  if (isJsonata(scope)) return await jsonataOutcome(state, scope, raw, raw);
  const effective = jsonPathEffective(state, raw, scope, state.Parameters);
  const result = 'Result' in state ? state.Result : effective;
  return jsonPathOutput(state, raw, result, scope);
}

/** Succeed and Wait: InputPath then OutputPath (JSONPath), Output (JSONata). */
export async function plainOutput(state: State, raw: Json, scope: Scope): Promise<Outcome> {
  if (isJsonata(scope)) return await jsonataOutcome(state, scope, raw, raw);
  const effective = jsonPathEffective(state, raw, scope);
  const variables =
    state.Assign === undefined
      ? undefined
      : (evaluatePayloadTemplate(state.Assign, effective, scope, scope.env) as Vars);
  return { output: pathOrEmpty(state.OutputPath, effective, scope), variables };
}

export async function choose(state: State, raw: Json, scope: Scope): Promise<Outcome & { next: string }> {
  if (isJsonata(scope)) {
    const choices = (state.Choices as Array<Record<string, unknown>>) ?? [];
    const b = bindings(scope, raw);
    for (let i = 0; i < choices.length; i++) {
      const rule = choices[i]!;
      if (await evaluateJsonataCondition(rule.Condition, b, jenv(scope), `Choices[${i}]/Condition`)) {
        const outcome = await jsonataOutcome(
          { Output: state.Output, Assign: state.Assign, ...pick(rule) },
          scope,
          raw,
          raw,
        );
        return { ...outcome, next: String(rule.Next) };
      }
    }
    const { next } = defaultChoice(state as { Default?: unknown });
    return { ...(await jsonataOutcome(state, scope, raw, raw)), next };
  }
  const effective = jsonPathEffective(state, raw, scope);
  const { next, ruleIndex } = chooseJsonPath(state as { Choices?: unknown }, effective, scope);
  const rule =
    ruleIndex === undefined ? undefined : (state.Choices as Array<Record<string, unknown>>)[ruleIndex];
  const assign = rule?.Assign ?? state.Assign;
  const variables =
    assign === undefined ? undefined : (evaluatePayloadTemplate(assign, effective, scope, scope.env) as Vars);
  return { output: pathOrEmpty(state.OutputPath, effective, scope), variables, next };
}

function pick(rule: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (rule.Output !== undefined) out.Output = rule.Output;
  if (rule.Assign !== undefined) out.Assign = rule.Assign;
  return out;
}

function pathOrIntrinsic(value: string, data: Json, scope: Scope): Json {
  return isIntrinsic(value) ? evaluateIntrinsic(value, data, scope, scope.env) : readPath(value, data, scope);
}

export async function failOf(state: State, raw: Json, scope: Scope): Promise<Failure> {
  if (isJsonata(scope)) {
    const error =
      state.Error === undefined ? undefined : await jsonataValue(state.Error, scope, raw, 'Error');
    const cause =
      state.Cause === undefined ? undefined : await jsonataValue(state.Cause, scope, raw, 'Cause');
    return { error: asText(error) ?? 'States.Fail', cause: asText(cause) };
  }
  const error =
    typeof state.ErrorPath === 'string'
      ? pathOrIntrinsic(state.ErrorPath, raw, scope)
      : (state.Error as Json);
  const cause =
    typeof state.CausePath === 'string'
      ? pathOrIntrinsic(state.CausePath, raw, scope)
      : (state.Cause as Json);
  return { error: asText(error) ?? 'States.Fail', cause: asText(cause) };
}

function asText(v: Json): string | undefined {
  if (v === undefined || v === null) return undefined;
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/** When a Wait state ends, in epoch ms. https://states-language.net/spec.html#wait-state */
export async function waitUntil(state: State, raw: Json, scope: Scope): Promise<number> {
  const now = scope.env.now?.() ?? Date.now();
  let seconds: Json;
  let timestamp: Json;
  if (isJsonata(scope)) {
    if (state.Seconds !== undefined) seconds = await jsonataValue(state.Seconds, scope, raw, 'Seconds');
    if (state.Timestamp !== undefined)
      timestamp = await jsonataValue(state.Timestamp, scope, raw, 'Timestamp');
  } else {
    const effective = jsonPathEffective(state, raw, scope);
    seconds =
      typeof state.SecondsPath === 'string' ? readPath(state.SecondsPath, effective, scope) : state.Seconds;
    timestamp =
      typeof state.TimestampPath === 'string'
        ? readPath(state.TimestampPath, effective, scope)
        : state.Timestamp;
  }
  if (seconds !== undefined) {
    if (typeof seconds !== 'number' || !Number.isInteger(seconds) || seconds < 0) {
      throw new StatesError(
        StatesErrorNames.Runtime,
        `The Wait state's seconds must be a non-negative integer, got ${JSON.stringify(seconds)}`,
      );
    }
    return now + seconds * 1000;
  }
  const parsed = parseTimestamp(timestamp);
  if (!parsed) {
    throw new StatesError(
      StatesErrorNames.Runtime,
      `The Wait state's timestamp is not an RFC 3339 timestamp: ${JSON.stringify(timestamp)}`,
    );
  }
  return parsed.epochMs;
}

export async function taskResource(state: State, _raw: Json, _scope: Scope): Promise<string> {
  return String(state.Resource);
}

export async function taskParameters(state: State, raw: Json, scope: Scope): Promise<Json> {
  if (isJsonata(scope)) {
    return state.Arguments === undefined ? raw : await jsonataValue(state.Arguments, scope, raw, 'Arguments');
  }
  return jsonPathEffective(state, raw, scope, state.Parameters);
}

export async function taskTimeouts(
  state: State,
  raw: Json,
  scope: Scope,
): Promise<{ timeout?: number; heartbeat?: number }> {
  const read = async (value: unknown, path: unknown, field: string): Promise<number | undefined> => {
    let v: Json;
    if (isJsonata(scope) && value !== undefined) v = await jsonataValue(value, scope, raw, field);
    else if (typeof path === 'string') v = readPath(path, jsonPathEffective(state, raw, scope), scope);
    else v = value;
    if (v === undefined) return undefined;
    if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0) {
      throw new StatesError(
        StatesErrorNames.Runtime,
        `${field} must be a positive integer, got ${JSON.stringify(v)}`,
      );
    }
    return v;
  };
  const timeout = await read(state.TimeoutSeconds, state.TimeoutSecondsPath, 'TimeoutSeconds');
  const heartbeat = await read(state.HeartbeatSeconds, state.HeartbeatSecondsPath, 'HeartbeatSeconds');
  return { ...(timeout !== undefined ? { timeout } : {}), ...(heartbeat !== undefined ? { heartbeat } : {}) };
}

/** A Task, Parallel or Map result through the state's output processing. */
export async function taskOutput(state: State, raw: Json, result: Json, scope: Scope): Promise<Outcome> {
  if (isJsonata(scope)) return await jsonataOutcome(state, scope, raw, result, { result });
  return jsonPathOutput(state, raw, result, scope);
}

interface Retrier {
  ErrorEquals: string[];
  IntervalSeconds?: number;
  MaxAttempts?: number;
  BackoffRate?: number;
  MaxDelaySeconds?: number;
  JitterStrategy?: 'FULL' | 'NONE';
}

/**
 * The first Retrier whose ErrorEquals matches decides (https://states-language.net/spec.html#retrying-after-error):
 * retry after IntervalSeconds × BackoffRate^attempt (capped by MaxDelaySeconds, jittered when FULL) while its
 * attempts are below MaxAttempts; otherwise no retry.
 */
export function retryFor(
  state: State,
  failure: Failure,
  attempts: number[],
  random: () => number = Math.random,
): { index: number; delayMs: number } | undefined {
  const retriers = (state.Retry as Retrier[] | undefined) ?? [];
  const index = retriers.findIndex((r) => errorMatches(r.ErrorEquals, failure.error));
  if (index < 0) return undefined;
  const r = retriers[index]!;
  const attempt = attempts[index] ?? 0;
  if (attempt >= (r.MaxAttempts ?? 3)) return undefined;
  let delay = (r.IntervalSeconds ?? 1) * (r.BackoffRate ?? 2) ** attempt;
  if (r.MaxDelaySeconds !== undefined) delay = Math.min(delay, r.MaxDelaySeconds);
  if (r.JitterStrategy === 'FULL') delay = random() * delay;
  return { index, delayMs: Math.round(delay * 1000) };
}

export interface Catcher {
  ErrorEquals: string[];
  Next: string;
  ResultPath?: string | null;
  Output?: unknown;
  Assign?: unknown;
}

export function catcherFor(state: State, failure: Failure): Catcher | undefined {
  return ((state.Catch as Catcher[] | undefined) ?? []).find((c) =>
    errorMatches(c.ErrorEquals, failure.error),
  );
}

/** The output a Catcher passes on: the error output { Error, Cause } placed by ResultPath, or Output (JSONata). */
export async function catchOutput(
  _state: State,
  catcher: Catcher,
  raw: Json,
  failure: Failure,
  scope: Scope,
): Promise<Outcome> {
  const errorOutput = errorOutputOf(failure);
  if (isJsonata(scope)) {
    return await jsonataOutcome(catcher as unknown as Record<string, unknown>, scope, raw, errorOutput, {
      errorOutput,
    });
  }
  const variables =
    catcher.Assign === undefined
      ? undefined
      : (evaluatePayloadTemplate(catcher.Assign, errorOutput, scope, scope.env) as Vars);
  return { output: writeResultPath(catcher.ResultPath, raw, errorOutput), variables };
}

export async function parallelInput(state: State, raw: Json, scope: Scope): Promise<Json> {
  if (isJsonata(scope)) {
    return state.Arguments === undefined ? raw : await jsonataValue(state.Arguments, scope, raw, 'Arguments');
  }
  return jsonPathEffective(state, raw, scope, state.Parameters);
}

/** A Map state's items (ItemsPath or Items) and MaxConcurrency. https://states-language.net/spec.html#map-state */
export async function mapSetup(
  state: State,
  raw: Json,
  scope: Scope,
): Promise<{ items: Json[]; maxConcurrency: number; effective: Json }> {
  let items: Json;
  let effective: Json;
  let max: Json = state.MaxConcurrency ?? 0;
  if (isJsonata(scope)) {
    effective = raw;
    items = state.Items === undefined ? raw : await jsonataValue(state.Items, scope, raw, 'Items');
    if (typeof state.MaxConcurrency === 'string')
      max = await jsonataValue(state.MaxConcurrency, scope, raw, 'MaxConcurrency');
  } else {
    effective = jsonPathEffective(state, raw, scope);
    items = typeof state.ItemsPath === 'string' ? readPath(state.ItemsPath, effective, scope) : effective;
    if (typeof state.MaxConcurrencyPath === 'string')
      max = readPath(state.MaxConcurrencyPath, effective, scope);
  }
  if (!Array.isArray(items)) {
    throw new StatesError(
      StatesErrorNames.Runtime,
      `The Map state's items must be a JSON array, got ${JSON.stringify(items)?.slice(0, 200)}`,
    );
  }
  if (typeof max !== 'number' || !Number.isInteger(max) || max < 0) {
    throw new StatesError(
      StatesErrorNames.Runtime,
      `MaxConcurrency must be an integer ≥ 0, got ${JSON.stringify(max)}`,
    );
  }
  return { items, maxConcurrency: max, effective };
}

/** One iteration's input: the item, or ItemSelector (Parameters) evaluated with $$.Map.Item in the context. */
export async function mapItemInput(
  state: State,
  effective: Json,
  value: Json,
  _index: number,
  scope: Scope,
): Promise<Json> {
  const selector = state.ItemSelector ?? state.Parameters;
  if (selector === undefined) return value;
  if (isJsonata(scope)) return await jsonataValue(selector, scope, effective, 'ItemSelector');
  return evaluatePayloadTemplate(selector, effective, scope, scope.env);
}
