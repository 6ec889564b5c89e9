// Checks a definition before CreateStateMachine/UpdateStateMachine accept it: JSON, then this runtime's own
// checks (validation/checks.ts: the fields each state may have, AWS's Retry and Catch rules, and whatever this
// runtime does not run, refused with the state's path), then the ASL schema and graph checks of asl-validator
// (types, missing targets, unreachable states, missing terminal state).
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkDefinition, type DefinitionProblem, type RuntimeSupport } from './validation/checks.ts';

export type { DefinitionProblem, RuntimeSupport } from './validation/checks.ts';

type AslValidator = (definition: unknown) => {
  isValid: boolean;
  errors: Array<{ 'Error code'?: string; Message?: string; message?: string; path?: string }>;
};

// asl-validator ships CommonJS without type declarations.
const require = createRequire(import.meta.url);
const loaded = require('asl-validator') as AslValidator & { default?: AslValidator };
const aslValidator: AslValidator = loaded.default ?? loaded;

// asl-validator builds and compiles its JSON schemas on every call (about a second on a small machine), so
// its results are remembered per definition text: the local cloud creates the same machines at every start.
const remembered = new Map<string, DefinitionProblem[]>();
const REMEMBER = 500;

// …and across processes, for the definitions it found valid: every rehearsal, test and start creates the
// same machines, and their first check cost 2.5 s of CPU per run. An empty file per definition and validator
// version (a problem found is not kept: it is checked again, and shown as it is found).
const VALID_CACHE = fileURLToPath(new URL('../../node_modules/.cache/pilotflow/asl-valid/', import.meta.url));
const VALIDATOR_VERSION = (require('asl-validator/package.json') as { version: string }).version;

function validMark(definition: string): string {
  const hash = createHash('sha256').update(VALIDATOR_VERSION).update('\0').update(definition).digest('hex');
  return join(VALID_CACHE, hash);
}

function knownValid(definition: string): boolean {
  return existsSync(validMark(definition));
}

function rememberValid(definition: string): void {
  try {
    mkdirSync(VALID_CACHE, { recursive: true });
    writeFileSync(validMark(definition), '');
  } catch {
    // A read-only checkout validates again next time.
  }
}

/** Every problem of a definition for a runtime that runs what `support` says; none when it is valid. */
export function validateDefinition(definition: string, support: RuntimeSupport): DefinitionProblem[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(definition);
  } catch (error) {
    return [{ code: 'INVALID_JSON_DESCRIPTION', message: (error as Error).message }];
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return [{ code: 'SCHEMA_VALIDATION_FAILED', message: 'The definition must be a JSON object' }];
  }
  const own = checkDefinition(parsed as Record<string, unknown>, support);
  if (own.length) return own;
  let problems = remembered.get(definition);
  if (!problems) {
    if (knownValid(definition)) problems = [];
    else {
      problems = schemaProblems(parsed as Record<string, unknown>);
      if (!problems.length) rememberValid(definition);
    }
    if (remembered.size >= REMEMBER) remembered.delete(remembered.keys().next().value as string);
    remembered.set(definition, problems);
  }
  return problems;
}

/** One line per problem, as AWS writes them in InvalidDefinition: `CODE: message at /path`. */
export function describeProblem(p: DefinitionProblem): string {
  return `${p.code}: ${p.message}${p.location ? ` at ${p.location}` : ''}`;
}

function schemaProblems(parsed: Record<string, unknown>): DefinitionProblem[] {
  const result = aslValidator(showableToAslValidator(parsed));
  if (result.isValid) return [];
  return result.errors.map((e) => ({
    code: e['Error code'] ?? 'SCHEMA_VALIDATION_FAILED',
    message: `${e.Message ?? e.message ?? 'invalid'}${e.path ? ` at ${e.path}` : ''}`,
  }));
}

/**
 * A copy of the definition that asl-validator judges as AWS does. AWS takes any JSON value as a JSONata state's
 * Output, a plain string included ("Output … can be any JSON value", https://docs.aws.amazon.com/step-functions/latest/dg/transforming-data.html);
 * asl-validator 4 takes only an expression or an object, so such an Output is shown to it as an expression.
 */
function showableToAslValidator(def: Record<string, unknown>): unknown {
  const copy = structuredClone(def);
  const top = copy.QueryLanguage ?? 'JSONPath';
  const walk = (block: unknown) => {
    const states = (block as { States?: unknown })?.States;
    if (typeof states !== 'object' || states === null) return;
    for (const state of Object.values(states as Record<string, Record<string, unknown>>)) {
      if (typeof state !== 'object' || state === null) continue;
      const language = state.QueryLanguage ?? top;
      const output = state.Output;
      const expression = typeof output === 'string' && /^\{%[\s\S]*%\}$/.test(output);
      const object = typeof output === 'object' && output !== null && !Array.isArray(output);
      if (language === 'JSONata' && output !== undefined && !expression && !object)
        state.Output = '{% null %}';
      for (const branch of (state.Branches as unknown[] | undefined) ?? []) walk(branch);
      walk(state.ItemProcessor ?? state.Iterator);
    }
  };
  walk(copy);
  return copy;
}
