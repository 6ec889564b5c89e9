// Payload templates of JSONPath states: Parameters, ResultSelector, ItemSelector and Assign
// (https://states-language.net/spec.html#payload-template). A key ending in `.$` takes its value from a path
// (`$` the data, `$$` the context object, `$name` a variable) or an intrinsic function, and loses the suffix;
// every other value is copied; objects and arrays are walked.

import { StatesError, StatesErrorNames } from './errors.ts';
import { evaluateIntrinsic, isIntrinsic } from './intrinsics.ts';
import { queryPath } from './jsonpath.ts';
import { type EvalEnv, isPlainObject, type PathScope } from './types.ts';

/**
 * Evaluates a payload template against `input`. A path that names nothing is States.Runtime with the message
 * AWS gives, e.g. "The JSONPath '$.JobName' specified for the field 'JobName.$' could not be found in the input
 * '{}'" (seen in real execution histories). The spec names States.ParameterPathFailure for this case, but AWS
 * reports States.Runtime, which no Catch can handle; we follow AWS so that a definition behaves the same in
 * both clouds.
 */
export function evaluatePayloadTemplate(
  template: unknown,
  input: unknown,
  scope: PathScope,
  env: EvalEnv,
): unknown {
  if (Array.isArray(template))
    return template.map((item) => evaluatePayloadTemplate(item, input, scope, env));
  if (!isPlainObject(template)) return template;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(template)) {
    if (key.endsWith('.$')) {
      out[key.slice(0, -2)] = evaluateDynamicValue(key, value, input, scope, env);
    } else {
      out[key] = evaluatePayloadTemplate(value, input, scope, env);
    }
  }
  return out;
}

function evaluateDynamicValue(
  key: string,
  value: unknown,
  input: unknown,
  scope: PathScope,
  env: EvalEnv,
): unknown {
  if (typeof value !== 'string') {
    throw new StatesError(
      StatesErrorNames.Runtime,
      `The value for the field '${key}' must be a JSONPath or an intrinsic function, but was ${JSON.stringify(value)}`,
    );
  }
  if (isIntrinsic(value)) return evaluateIntrinsic(value.trim(), input, scope, env);
  const result = queryPath(value, input, scope);
  if (!result.found) {
    throw new StatesError(
      StatesErrorNames.Runtime,
      `The JSONPath '${value}' specified for the field '${key}' could not be found in the input '${JSON.stringify(input)}'`,
    );
  }
  return result.value;
}
