// The JSONata query language of Step Functions (https://docs.aws.amazon.com/step-functions/latest/dg/transforming-data.html):
// a value is walked and every string that is wholly `{% expression %}` is evaluated with jsonata 2.0.6 (the
// version AWS implements), with `$states` and the workflow variables bound, plus the functions Step Functions
// adds ($partition, $range, $hash, $random with an optional seed, $uuid, $parse) and without $eval, which AWS
// does not offer. Time ($now, $millis) and randomness come from the engine.

import jsonata from 'jsonata';
import { StatesError, StatesErrorNames } from './errors.ts';
import { hashHex, partition, range, seededRandom } from './intrinsics.ts';
import { type EvalEnv, isPlainObject } from './types.ts';

/** The reserved `$states` variable (https://docs.aws.amazon.com/step-functions/latest/dg/workflow-variables.html). */
export interface StatesBinding {
  /** The state's raw input. */
  input: unknown;
  /** The task, Parallel or Map result, once there is one (Output, Assign). */
  result?: unknown;
  /** The error output `{ Error, Cause }`, inside a Catcher only. */
  errorOutput?: unknown;
  /** The context object. */
  context: unknown;
}

export interface JsonataBindings {
  states: StatesBinding;
  /** Variables visible to the state, bound as `$name`. */
  variables: Readonly<Record<string, unknown>>;
}

/** Extra evaluation inputs: randomness for $random/$uuid, and the clock for $now/$millis. */
export interface JsonataEnv extends EvalEnv {
  /** Epoch milliseconds used by $now() and $millis(); when absent jsonata reads the system clock. */
  now?(): number;
}

const TEMPLATE = /^\{%([\s\S]*)%\}$/;

/** Whether a string is a JSONata template, `{% … %}`. */
export function isJsonataTemplate(value: unknown): value is string {
  return typeof value === 'string' && TEMPLATE.test(value);
}

const compiled = new Map<string, jsonata.Expression>();

function compile(expression: string, field: string): jsonata.Expression {
  let expr = compiled.get(expression);
  if (!expr) {
    try {
      expr = jsonata(expression);
    } catch (error) {
      throw queryError(expression, field, error);
    }
    if (compiled.size > 5000) compiled.clear();
    compiled.set(expression, expr);
  }
  return expr;
}

function queryError(expression: string, field: string, error: unknown): StatesError {
  // jsonata throws plain objects with `code` and `message`; our own functions throw StatesError.
  const fields = (typeof error === 'object' && error !== null ? error : {}) as {
    code?: unknown;
    message?: unknown;
  };
  const code = fields.code;
  const message =
    error instanceof StatesError
      ? error.cause
      : typeof fields.message === 'string'
        ? fields.message
        : String(error);
  return new StatesError(
    StatesErrorNames.QueryEvaluationError,
    `The JSONata expression '${expression}' specified for the field '${field}' threw an error during evaluation. ${
      typeof code === 'string' ? `${code}: ` : ''
    }${message}`,
  );
}

function fnFailure(name: string, detail: string): StatesError {
  return new StatesError(StatesErrorNames.QueryEvaluationError, `${name}: ${detail}`);
}

const fromMillis = jsonata('$fromMillis($ms, $picture, $timezone)');

function functionBindings(env: JsonataEnv): Record<string, unknown> {
  const bindings: Record<string, unknown> = {
    partition(array: unknown, size: unknown) {
      const list = Array.isArray(array) ? array : array === undefined ? [] : [array];
      if (typeof size !== 'number' || !Number.isInteger(size) || size <= 0) {
        throw fnFailure('$partition', 'the chunk size must be a positive integer');
      }
      return partition(list, size);
    },
    range(start: unknown, end: unknown, step: unknown) {
      if (![start, end, step].every((n) => typeof n === 'number' && Number.isInteger(n))) {
        throw fnFailure('$range', 'start, end and step must be integers');
      }
      if (step === 0) throw fnFailure('$range', 'the step must not be 0');
      return range(start as number, end as number, step as number, (d) => fnFailure('$range', d));
    },
    hash(value: unknown, algorithm: unknown) {
      if (typeof value !== 'string') throw fnFailure('$hash', 'the value to hash must be a string');
      return hashHex(value, String(algorithm), (d) => fnFailure('$hash', d));
    },
    random(seed?: unknown) {
      if (seed === undefined) return env.random();
      if (typeof seed !== 'number') throw fnFailure('$random', 'the seed must be a number');
      return seededRandom(seed);
    },
    uuid() {
      return env.uuid();
    },
    parse(text: unknown) {
      if (typeof text !== 'string') throw fnFailure('$parse', 'the argument must be a string');
      try {
        return JSON.parse(text) as unknown;
      } catch {
        throw fnFailure('$parse', 'the argument is not a valid JSON text');
      }
    },
    eval() {
      throw fnFailure('$eval', 'not available in Step Functions; use $parse');
    },
  };
  const now = env.now;
  if (now) {
    bindings.now = (picture?: unknown, timezone?: unknown) =>
      picture === undefined && timezone === undefined
        ? new Date(now()).toISOString()
        : fromMillis.evaluate(undefined, { ms: now(), picture, timezone });
    bindings.millis = () => now();
  }
  return bindings;
}

/** jsonata results can be sequences (arrays with extra flags) or hold functions; keep plain JSON only. */
function toJson(value: unknown): unknown {
  if (value === undefined) return undefined;
  return JSON.parse(JSON.stringify(value)) as unknown;
}

/**
 * Evaluates one `{% … %}` string (or a bare expression when `bare`). An expression that returns nothing is
 * States.QueryEvaluationError, as AWS reports it: "The JSONata expression '$states.input.missing' specified for
 * the field 'Arguments/Input/missing' returned nothing (undefined)." (seen in real AWS execution output).
 */
export async function evaluateJsonataExpression(
  template: string,
  bindings: JsonataBindings,
  env: JsonataEnv,
  field: string,
): Promise<unknown> {
  const match = TEMPLATE.exec(template);
  const expression = (match ? (match[1] as string) : template).trim();
  const expr = compile(expression, field);
  const states: Record<string, unknown> = { input: bindings.states.input, context: bindings.states.context };
  if ('result' in bindings.states) states.result = bindings.states.result;
  if ('errorOutput' in bindings.states) states.errorOutput = bindings.states.errorOutput;
  let value: unknown;
  try {
    value = await expr.evaluate(undefined, { ...bindings.variables, ...functionBindings(env), states });
  } catch (error) {
    throw queryError(expression, field, error);
  }
  const json = toJson(value);
  if (json === undefined) {
    throw new StatesError(
      StatesErrorNames.QueryEvaluationError,
      `The JSONata expression '${expression}' specified for the field '${field}' returned nothing (undefined).`,
    );
  }
  return json;
}

/**
 * Walks `value` and evaluates each `{% … %}` string; everything else is copied. `field` names the state field
 * being evaluated ('Arguments', 'Output', 'Assign'…) and errors name the exact place, e.g.
 * 'Arguments/Input/pushLocation' or 'Output/list[0]'.
 */
export async function evaluateJsonataTemplate(
  value: unknown,
  bindings: JsonataBindings,
  env: JsonataEnv,
  field = 'Output',
): Promise<unknown> {
  if (typeof value === 'string') {
    return isJsonataTemplate(value) ? evaluateJsonataExpression(value, bindings, env, field) : value;
  }
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    for (let i = 0; i < value.length; i++) {
      out.push(await evaluateJsonataTemplate(value[i], bindings, env, `${field}[${i}]`));
    }
    return out;
  }
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      out[key] = await evaluateJsonataTemplate(item, bindings, env, `${field}/${key}`);
    }
    return out;
  }
  return value;
}

/** A Choice rule's Condition: a `{% … %}` string (or a literal boolean) that must yield a boolean. */
export async function evaluateJsonataCondition(
  condition: unknown,
  bindings: JsonataBindings,
  env: JsonataEnv,
  field = 'Condition',
): Promise<boolean> {
  const value = await evaluateJsonataTemplate(condition, bindings, env, field);
  if (typeof value !== 'boolean') {
    throw new StatesError(
      StatesErrorNames.QueryEvaluationError,
      `The Condition specified for the field '${field}' must evaluate to a boolean, but returned ${JSON.stringify(value)}.`,
    );
  }
  return value;
}
