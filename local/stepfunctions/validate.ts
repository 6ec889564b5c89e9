// Checks a definition before CreateStateMachine/UpdateStateMachine accept it: JSON, then the ASL schema and
// the graph checks of asl-validator (missing targets, unreachable states, missing terminal state).
import { createRequire } from 'node:module';

export interface DefinitionProblem {
  code: string;
  message: string;
}

type AslValidator = (definition: unknown) => {
  isValid: boolean;
  errors: Array<{ 'Error code'?: string; Message?: string; message?: string; path?: string }>;
};

// asl-validator ships CommonJS without type declarations.
const require = createRequire(import.meta.url);
const loaded = require('asl-validator') as AslValidator & { default?: AslValidator };
const aslValidator: AslValidator = loaded.default ?? loaded;

// asl-validator builds and compiles its JSON schemas on every call (about a second on a small machine), so
// results are remembered per definition text: the local cloud creates the same machines at every start.
const remembered = new Map<string, DefinitionProblem[]>();
const REMEMBER = 500;

export function validateDefinition(definition: string): DefinitionProblem[] {
  const known = remembered.get(definition);
  if (known) return known;
  const problems = check(definition);
  if (remembered.size >= REMEMBER) remembered.delete(remembered.keys().next().value as string);
  remembered.set(definition, problems);
  return problems;
}

function check(definition: string): DefinitionProblem[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(definition);
  } catch (error) {
    return [{ code: 'INVALID_JSON_DESCRIPTION', message: (error as Error).message }];
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return [{ code: 'SCHEMA_VALIDATION_FAILED', message: 'The definition must be a JSON object' }];
  }
  const result = aslValidator(parsed);
  if (result.isValid) return [];
  return result.errors.map((e) => ({
    code: e['Error code'] ?? 'SCHEMA_VALIDATION_FAILED',
    message: `${e.Message ?? e.message ?? 'invalid'}${e.path ? ` at ${e.path}` : ''}`,
  }));
}
