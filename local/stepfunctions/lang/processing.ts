// The whole per-state data flow, so that the engine only orchestrates.
//
// JSONPath states (https://docs.aws.amazon.com/step-functions/latest/dg/concepts-input-output-filtering.html):
//   raw input → InputPath → Parameters (effective input) → work → ResultSelector → [Assign reads this]
//   → ResultPath (merges into the raw input) → OutputPath → output.
// JSONata states (https://docs.aws.amazon.com/step-functions/latest/dg/transforming-data.html):
//   `$states.input` is the raw input; Arguments → work → `$states.result`; Assign and Output are evaluated
//   with the same bindings (variables as they were on entry).
//
// Errors: a path that names nothing, or a value of the wrong type where the definition needs a number or a
// timestamp, is States.Runtime in JSONPath states (uncatchable); a failing JSONata expression is
// States.QueryEvaluationError (catchable); ResultPath that cannot be applied is States.ResultPathMatchFailure.

import { chooseJsonPath, defaultChoice } from './choice.ts';
import { AslDefinitionError, type ErrorOutput, StatesError, StatesErrorNames } from './errors.ts';
import { evaluateIntrinsic, isIntrinsic } from './intrinsics.ts';
import {
  evaluateJsonataCondition,
  evaluateJsonataTemplate,
  isJsonataTemplate,
  type JsonataBindings,
  type JsonataEnv,
} from './jsonata.ts';
import { readPath, writeResultPath } from './jsonpath.ts';
import { checkAssignSize } from './limits.ts';
import { evaluatePayloadTemplate } from './payload.ts';
import { parseTimestamp } from './timestamps.ts';
import {
  type AslMachine,
  type AslState,
  type Catcher,
  type EvalEnv,
  isPlainObject,
  type PathScope,
  type QueryLanguage,
} from './types.ts';

/** Everything a state's expressions can see besides its data. */
export interface EvalContext {
  queryLanguage: QueryLanguage;
  /** Context object and the variables visible to the state (see variables.ts). */
  scope: PathScope;
  /** Randomness (and, for JSONata's $now/$millis, the clock). */
  env: JsonataEnv;
}

// ---------------------------------------------------------------------------------------------------------
// Query language

function languageValue(value: unknown, where: string): QueryLanguage | undefined {
  if (value === undefined) return undefined;
  if (value === 'JSONPath' || value === 'JSONata') return value;
  throw new AslDefinitionError(
    `${where}: QueryLanguage must be "JSONPath" or "JSONata", not ${JSON.stringify(value)}`,
  );
}

/**
 * A state's query language: its own QueryLanguage, else the machine's, else JSONPath. A machine whose top level
 * is JSONata cannot contain a JSONPath state; only the other way round is allowed
 * (https://docs.aws.amazon.com/step-functions/latest/dg/statemachine-structure.html).
 */
export function queryLanguageOf(state: AslState, machine: AslMachine): QueryLanguage {
  const top = languageValue(machine.QueryLanguage, 'State machine') ?? 'JSONPath';
  const own = languageValue(state.QueryLanguage, 'State');
  if (top === 'JSONata' && own === 'JSONPath') {
    throw new AslDefinitionError('A state cannot use JSONPath when the state machine uses JSONata');
  }
  return own ?? top;
}

// ---------------------------------------------------------------------------------------------------------
// JSONPath states

/** InputPath: absent → the whole input; null → {} (the spec: "the effective input is an empty JSON object"). */
export function applyInputPath(state: AslState, rawInput: unknown, scope: PathScope): unknown {
  if (state.InputPath === undefined) return rawInput;
  if (state.InputPath === null) return {};
  return readPath(String(state.InputPath), rawInput, scope);
}

/**
 * The effective input: InputPath, then Parameters. A Map state's Parameters is its per-item selector (the old
 * name of ItemSelector), so for Map only InputPath applies here; see mapItemInput.
 */
export function jsonPathEffectiveInput(
  state: AslState,
  rawInput: unknown,
  scope: PathScope,
  env: EvalEnv,
): unknown {
  const input = applyInputPath(state, rawInput, scope);
  if (state.Type === 'Map' || state.Parameters === undefined) return input;
  return evaluatePayloadTemplate(state.Parameters, input, scope, env);
}

/** A Pass state's result: its Result field, else its effective input. */
export function passResult(state: AslState, effectiveInput: unknown): unknown {
  return Object.hasOwn(state, 'Result') ? state.Result : effectiveInput;
}

/** ResultSelector (Task, Map, Parallel): reshapes the raw result before ResultPath. */
export function jsonPathResultSelector(
  state: AslState,
  result: unknown,
  scope: PathScope,
  env: EvalEnv,
): unknown {
  return state.ResultSelector === undefined
    ? result
    : evaluatePayloadTemplate(state.ResultSelector, result, scope, env);
}

export function applyOutputPath(state: AslState, value: unknown, scope: PathScope): unknown {
  if (state.OutputPath === undefined) return value;
  if (state.OutputPath === null) return {};
  return readPath(String(state.OutputPath), value, scope);
}

/**
 * ResultSelector, ResultPath, OutputPath. `result` is the task/branch/iteration result, the Pass result, or —
 * for Choice, Wait and Succeed, which have no result — their effective input (they have no ResultPath, so the
 * output is OutputPath applied to it).
 */
export function jsonPathStateOutput(
  state: AslState,
  rawInput: unknown,
  result: unknown,
  scope: PathScope,
  env: EvalEnv,
): unknown {
  const selected = jsonPathResultSelector(state, result, scope, env);
  return jsonPathOutputFromSelected(state, rawInput, selected, scope);
}

function jsonPathOutputFromSelected(
  state: AslState,
  rawInput: unknown,
  selected: unknown,
  scope: PathScope,
): unknown {
  const resultPath = state.ResultPath as string | null | undefined;
  return applyOutputPath(state, writeResultPath(resultPath, rawInput, selected), scope);
}

/** A Catcher's ResultPath (default `$`: the error output replaces the input). */
export function jsonPathCatchOutput(catcher: Catcher, rawInput: unknown, errorOutput: ErrorOutput): unknown {
  return writeResultPath(catcher.ResultPath, rawInput, errorOutput);
}

// ---------------------------------------------------------------------------------------------------------
// JSONata states

/** `$states` and the variables for a JSONata state. */
export function jsonataBindings(
  input: unknown,
  scope: PathScope,
  extra: { result?: unknown; errorOutput?: unknown } = {},
): JsonataBindings {
  const states: JsonataBindings['states'] = { input, context: scope.context };
  if ('result' in extra) states.result = extra.result;
  if ('errorOutput' in extra) states.errorOutput = extra.errorOutput;
  return { states, variables: scope.variables ?? {} };
}

/** Arguments (Task, Parallel); without Arguments the state input is passed on. */
export async function jsonataArguments(
  state: AslState,
  bindings: JsonataBindings,
  env: JsonataEnv,
): Promise<unknown> {
  if (state.Arguments === undefined) return bindings.states.input;
  return evaluateJsonataTemplate(state.Arguments, bindings, env, 'Arguments');
}

const RESULT_STATES = new Set(['Task', 'Parallel', 'Map']);

/**
 * Output. Without an Output field a Task, Parallel or Map state outputs its result and every other state its
 * input (https://docs.aws.amazon.com/step-functions/latest/dg/transforming-data.html).
 */
export async function jsonataOutput(
  state: AslState,
  bindings: JsonataBindings,
  env: JsonataEnv,
): Promise<unknown> {
  return outputOf(state, state.Output, bindings, env, 'Output');
}

async function outputOf(
  state: AslState,
  output: unknown,
  bindings: JsonataBindings,
  env: JsonataEnv,
  field: string,
): Promise<unknown> {
  if (output === undefined) {
    return RESULT_STATES.has(state.Type) ? bindings.states.result : bindings.states.input;
  }
  return evaluateJsonataTemplate(output, bindings, env, field);
}

/** A Catcher's Output (default: the error output). `bindings.states.errorOutput` must be set. */
export async function jsonataCatchOutput(
  catcher: Catcher,
  bindings: JsonataBindings,
  env: JsonataEnv,
  catcherIndex = 0,
): Promise<unknown> {
  if (catcher.Output === undefined) return bindings.states.errorOutput;
  return evaluateJsonataTemplate(catcher.Output, bindings, env, `Catch[${catcherIndex}]/Output`);
}

// ---------------------------------------------------------------------------------------------------------
// Variables

/**
 * Evaluates an Assign field and returns the new values (the engine merges them with applyAssigned in
 * variables.ts once the state has finished). In JSONPath states `source` is `{ data, scope }`: keys ending in
 * `.$` read `data` — the state's result after ResultSelector (Task, Map, Parallel), the Pass result, the
 * effective input (Choice, Wait), or the error output (in a Catcher) — and `$$`/`$name` from the scope. In
 * JSONata states `source` is the bindings, with `$states.input` and `$states.result`/`errorOutput`. Either way
 * every entry sees the variables as they were before the state, never each other's new values.
 */
export async function evaluateAssign(
  assign: unknown,
  source: { data: unknown; scope: PathScope } | JsonataBindings,
  queryLanguage: QueryLanguage,
  env: JsonataEnv,
  field = 'Assign',
): Promise<Record<string, unknown>> {
  if (!isPlainObject(assign)) throw new AslDefinitionError(`${field} must be a JSON object`);
  let assigned: Record<string, unknown>;
  if (queryLanguage === 'JSONPath') {
    if (!('data' in source)) throw new AslDefinitionError('JSONPath Assign needs { data, scope }');
    assigned = evaluatePayloadTemplate(assign, source.data, source.scope, env) as Record<string, unknown>;
  } else {
    if (!('states' in source)) throw new AslDefinitionError('JSONata Assign needs bindings');
    assigned = (await evaluateJsonataTemplate(assign, source, env, field)) as Record<string, unknown>;
  }
  checkAssignSize(assigned, field);
  return assigned;
}

// ---------------------------------------------------------------------------------------------------------
// Whole-state completion

export interface StateCompletion {
  output: unknown;
  /** The values the state's Assign produced, if it has one. */
  assigned: Record<string, unknown> | undefined;
}

/**
 * Finishes a state that succeeded: Assign and output processing in the state's query language.
 * - JSONPath: `result` as for jsonPathStateOutput; Assign reads the result after ResultSelector.
 * - JSONata: `result` becomes `$states.result` for Task, Parallel and Map (ignored otherwise).
 * `fields` replaces the state's own Assign/Output: a JSONata Choice passes the matched rule's fields.
 */
export async function completeState(
  state: AslState,
  rawInput: unknown,
  result: unknown,
  ctx: EvalContext,
  fields: { Assign?: unknown; Output?: unknown; assignField?: string; outputField?: string } = {
    Assign: state.Assign,
    Output: state.Output,
  },
): Promise<StateCompletion> {
  if (ctx.queryLanguage === 'JSONPath') {
    const selected = jsonPathResultSelector(state, result, ctx.scope, ctx.env);
    const assigned =
      fields.Assign === undefined
        ? undefined
        : await evaluateAssign(fields.Assign, { data: selected, scope: ctx.scope }, 'JSONPath', ctx.env);
    return { output: jsonPathOutputFromSelected(state, rawInput, selected, ctx.scope), assigned };
  }
  const bindings = jsonataBindings(rawInput, ctx.scope, RESULT_STATES.has(state.Type) ? { result } : {});
  const assigned =
    fields.Assign === undefined
      ? undefined
      : await evaluateAssign(fields.Assign, bindings, 'JSONata', ctx.env, fields.assignField ?? 'Assign');
  const output = await outputOf(state, fields.Output, bindings, ctx.env, fields.outputField ?? 'Output');
  return { output, assigned };
}

/** Finishes a state whose error a Catcher caught: the Catcher's Assign, then its ResultPath or Output. */
export async function completeCatch(
  catcher: Catcher,
  catcherIndex: number,
  rawInput: unknown,
  errorOutput: ErrorOutput,
  ctx: EvalContext,
): Promise<StateCompletion> {
  const prefix = `Catch[${catcherIndex}]/`;
  if (ctx.queryLanguage === 'JSONPath') {
    const assigned =
      catcher.Assign === undefined
        ? undefined
        : await evaluateAssign(catcher.Assign, { data: errorOutput, scope: ctx.scope }, 'JSONPath', ctx.env);
    return { output: jsonPathCatchOutput(catcher, rawInput, errorOutput), assigned };
  }
  const bindings = jsonataBindings(rawInput, ctx.scope, { errorOutput });
  const assigned =
    catcher.Assign === undefined
      ? undefined
      : await evaluateAssign(catcher.Assign, bindings, 'JSONata', ctx.env, `${prefix}Assign`);
  return { output: await jsonataCatchOutput(catcher, bindings, ctx.env, catcherIndex), assigned };
}

// ---------------------------------------------------------------------------------------------------------
// Choice

export interface ChoiceDecision {
  next: string;
  /** Index of the matched rule; undefined when Default was taken. */
  ruleIndex: number | undefined;
  output: unknown;
  assigned: Record<string, unknown> | undefined;
}

/**
 * Chooses the next state and completes the Choice state. JSONPath: rules are tested against the effective
 * input; JSONata: each rule's Condition, and the matched rule's own Assign/Output apply (the state-level ones
 * when Default is taken). No match and no Default is States.NoChoiceMatched.
 */
export async function decideChoice(
  state: AslState,
  rawInput: unknown,
  ctx: EvalContext,
): Promise<ChoiceDecision> {
  if (ctx.queryLanguage === 'JSONPath') {
    const input = jsonPathEffectiveInput(state, rawInput, ctx.scope, ctx.env);
    const { next, ruleIndex } = chooseJsonPath(state, input, ctx.scope);
    const rule =
      ruleIndex === undefined ? undefined : (state.Choices as Record<string, unknown>[])[ruleIndex];
    const fields = { Assign: rule?.Assign ?? state.Assign };
    const { output, assigned } = await completeState(state, rawInput, input, ctx, fields);
    return { next, ruleIndex, output, assigned };
  }
  const bindings = jsonataBindings(rawInput, ctx.scope);
  const choices = Array.isArray(state.Choices) ? state.Choices : [];
  for (let i = 0; i < choices.length; i++) {
    const rule = choices[i] as Record<string, unknown>;
    if (await evaluateJsonataCondition(rule.Condition, bindings, ctx.env, `Choices[${i}]/Condition`)) {
      const fields = {
        Assign: rule.Assign ?? state.Assign,
        Output: rule.Output ?? state.Output,
        assignField: rule.Assign === undefined ? 'Assign' : `Choices[${i}]/Assign`,
        outputField: rule.Output === undefined ? 'Output' : `Choices[${i}]/Output`,
      };
      const { output, assigned } = await completeState(state, rawInput, undefined, ctx, fields);
      return { next: String(rule.Next), ruleIndex: i, output, assigned };
    }
  }
  const { next } = defaultChoice(state);
  const { output, assigned } = await completeState(state, rawInput, undefined, ctx);
  return { next, ruleIndex: undefined, output, assigned };
}

// ---------------------------------------------------------------------------------------------------------
// Numbers, timestamps and strings that a state reads from its data

function runtimeError(message: string): StatesError {
  return new StatesError(StatesErrorNames.Runtime, message);
}

function queryError(message: string): StatesError {
  return new StatesError(StatesErrorNames.QueryEvaluationError, message);
}

/**
 * A field that is a literal, a JSONata template (JSONata) or has a `…Path` twin (JSONPath). Returns undefined
 * when neither is present.
 */
async function readField(
  state: AslState,
  field: string,
  input: unknown,
  ctx: EvalContext,
): Promise<{ value: unknown; from: string } | undefined> {
  const pathField = `${field}Path`;
  if (ctx.queryLanguage === 'JSONPath' && state[pathField] !== undefined) {
    const path = String(state[pathField]);
    const value = isIntrinsic(path)
      ? evaluateIntrinsic(path, input, ctx.scope, ctx.env)
      : readPath(path, input, ctx.scope);
    return { value, from: pathField };
  }
  if (state[field] === undefined) return undefined;
  if (ctx.queryLanguage === 'JSONata' && isJsonataTemplate(state[field])) {
    const value = await evaluateJsonataTemplate(
      state[field],
      jsonataBindings(input, ctx.scope),
      ctx.env,
      field,
    );
    return { value, from: field };
  }
  return { value: state[field], from: field };
}

function typeError(ctx: EvalContext, message: string): StatesError {
  return ctx.queryLanguage === 'JSONata' ? queryError(message) : runtimeError(message);
}

async function readInteger(
  state: AslState,
  field: string,
  input: unknown,
  ctx: EvalContext,
  min: number,
): Promise<number | undefined> {
  const read = await readField(state, field, input, ctx);
  if (!read) return undefined;
  const { value, from } = read;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw typeError(
      ctx,
      `The value of ${from} must be an integer of at least ${min}, but was ${JSON.stringify(value)}`,
    );
  }
  return value;
}

/**
 * When a Wait state ends, in epoch milliseconds: Seconds/SecondsPath from `now`, or Timestamp/TimestampPath.
 * `input` is the effective input (JSONPath) or the state input (JSONata). A Timestamp in the past means no wait.
 */
export async function waitUntil(
  state: AslState,
  input: unknown,
  ctx: EvalContext,
  now: number,
): Promise<number> {
  const seconds = await readInteger(state, 'Seconds', input, ctx, 0);
  if (seconds !== undefined) return now + seconds * 1000;
  const read = await readField(state, 'Timestamp', input, ctx);
  if (!read)
    throw new AslDefinitionError('A Wait state needs Seconds, SecondsPath, Timestamp or TimestampPath');
  const parsed = parseTimestamp(read.value);
  if (!parsed) {
    throw typeError(
      ctx,
      `The value of ${read.from} must be an RFC 3339 timestamp, but was ${JSON.stringify(read.value)}`,
    );
  }
  return parsed.epochMs;
}

/** TimeoutSeconds/TimeoutSecondsPath of a Task (positive integer), or undefined when it has none. */
export function timeoutSeconds(
  state: AslState,
  input: unknown,
  ctx: EvalContext,
): Promise<number | undefined> {
  return readInteger(state, 'TimeoutSeconds', input, ctx, 1);
}

/** HeartbeatSeconds/HeartbeatSecondsPath of a Task (positive integer), or undefined when it has none. */
export function heartbeatSeconds(
  state: AslState,
  input: unknown,
  ctx: EvalContext,
): Promise<number | undefined> {
  return readInteger(state, 'HeartbeatSeconds', input, ctx, 1);
}

/** A Fail state's Error and Cause (or ErrorPath/CausePath, which may also be intrinsic functions). */
export async function failErrorAndCause(
  state: AslState,
  input: unknown,
  ctx: EvalContext,
): Promise<{ error?: string; cause?: string }> {
  const out: { error?: string; cause?: string } = {};
  for (const [field, key] of [
    ['Error', 'error'],
    ['Cause', 'cause'],
  ] as const) {
    const read = await readField(state, field, input, ctx);
    if (!read) continue;
    if (typeof read.value !== 'string') {
      throw typeError(
        ctx,
        `The value of ${read.from} must be a string, but was ${JSON.stringify(read.value)}`,
      );
    }
    out[key] = read.value;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// Map

/**
 * The items a Map state iterates over: ItemsPath (default `$`) applied to the effective input, or the JSONata
 * Items field (default: the state input). Anything but an array is an error.
 */
export async function mapItems(state: AslState, input: unknown, ctx: EvalContext): Promise<unknown[]> {
  let items: unknown;
  if (ctx.queryLanguage === 'JSONPath') {
    items = state.ItemsPath === undefined ? input : readPath(String(state.ItemsPath), input, ctx.scope);
  } else {
    items =
      state.Items === undefined
        ? input
        : await evaluateJsonataTemplate(state.Items, jsonataBindings(input, ctx.scope), ctx.env, 'Items');
  }
  if (!Array.isArray(items)) {
    const where =
      ctx.queryLanguage === 'JSONPath' ? `ItemsPath '${String(state.ItemsPath ?? '$')}'` : 'Items';
    throw typeError(
      ctx,
      `The Map state's ${where} must select a JSON array, but selected ${JSON.stringify(items)}`,
    );
  }
  return items;
}

/** The context object as ItemSelector sees it: `$$.Map.Item.Index` and `$$.Map.Item.Value`. */
export function mapItemContext(context: unknown, index: number, value: unknown): Record<string, unknown> {
  return { ...(isPlainObject(context) ? context : {}), Map: { Item: { Index: index, Value: value } } };
}

/**
 * One iteration's input: ItemSelector (or a Map's Parameters, its older name) evaluated with the Map's
 * effective input as `$` (JSONPath) or `$states.input` (JSONata) and the item in the context object; without
 * a selector, the item itself.
 */
export async function mapItemInput(
  state: AslState,
  item: unknown,
  index: number,
  input: unknown,
  ctx: EvalContext,
): Promise<unknown> {
  const selector = state.ItemSelector ?? (ctx.queryLanguage === 'JSONPath' ? state.Parameters : undefined);
  if (selector === undefined) return item;
  const scope: PathScope = { ...ctx.scope, context: mapItemContext(ctx.scope.context, index, item) };
  if (ctx.queryLanguage === 'JSONPath') return evaluatePayloadTemplate(selector, input, scope, ctx.env);
  return evaluateJsonataTemplate(selector, jsonataBindings(input, scope), ctx.env, 'ItemSelector');
}

/** MaxConcurrency/MaxConcurrencyPath; 0 (the default) means no limit. */
export async function maxConcurrency(state: AslState, input: unknown, ctx: EvalContext): Promise<number> {
  return (await readInteger(state, 'MaxConcurrency', input, ctx, 0)) ?? 0;
}

/**
 * A Map's failure threshold: ToleratedFailureCount (an integer ≥ 0) and ToleratedFailurePercentage (0 to 100),
 * or their Path forms, each only when the state has it
 * (https://docs.aws.amazon.com/step-functions/latest/dg/maprun-fail-threshold.html).
 */
export async function toleratedFailures(
  state: AslState,
  input: unknown,
  ctx: EvalContext,
): Promise<{ count?: number; percentage?: number }> {
  const count = await readInteger(state, 'ToleratedFailureCount', input, ctx, 0);
  const read = await readField(state, 'ToleratedFailurePercentage', input, ctx);
  if (read && !(typeof read.value === 'number' && read.value >= 0 && read.value <= 100)) {
    throw typeError(
      ctx,
      `The value of ${read.from} must be a number from 0 to 100, but was ${JSON.stringify(read.value)}`,
    );
  }
  return {
    ...(count !== undefined ? { count } : {}),
    ...(read ? { percentage: read.value as number } : {}),
  };
}
