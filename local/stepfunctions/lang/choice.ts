// Choice rules of JSONPath states (https://states-language.net/spec.html#choice-state and
// https://docs.aws.amazon.com/step-functions/latest/dg/state-choice.html): comparison operators with their
// `…Path` forms, the type tests, StringMatches, and And/Or/Not. A comparison whose operands are not of the
// operator's type is simply false; a Variable (or `…Path` operand) that names nothing is States.Runtime,
// except under IsPresent, which exists to test exactly that.

import { StatesError, StatesErrorNames } from './errors.ts';
import { queryPath } from './jsonpath.ts';
import { parseTimestamp } from './timestamps.ts';
import { isPlainObject, type PathScope } from './types.ts';

export type ChoiceRule = Readonly<Record<string, unknown>>;

type Kind = 'String' | 'Numeric' | 'Boolean' | 'Timestamp';
type Relation = 'Equals' | 'LessThan' | 'GreaterThan' | 'LessThanEquals' | 'GreaterThanEquals';

const COMPARISONS: ReadonlyMap<string, { kind: Kind; relation: Relation; path: boolean }> = (() => {
  const map = new Map<string, { kind: Kind; relation: Relation; path: boolean }>();
  const relations: Relation[] = ['Equals', 'LessThan', 'GreaterThan', 'LessThanEquals', 'GreaterThanEquals'];
  for (const kind of ['String', 'Numeric', 'Timestamp'] as const) {
    for (const relation of relations) {
      map.set(`${kind}${relation}`, { kind, relation, path: false });
      map.set(`${kind}${relation}Path`, { kind, relation, path: true });
    }
  }
  map.set('BooleanEquals', { kind: 'Boolean', relation: 'Equals', path: false });
  map.set('BooleanEqualsPath', { kind: 'Boolean', relation: 'Equals', path: true });
  return map;
})();

const TYPE_TESTS = ['IsNull', 'IsPresent', 'IsNumeric', 'IsString', 'IsBoolean', 'IsTimestamp'] as const;

function invalidPath(path: string): StatesError {
  // Wording as AWS reports it for a Choice Variable that names nothing.
  return new StatesError(
    StatesErrorNames.Runtime,
    `Invalid path '${path}': The choice state's condition path references an invalid value.`,
  );
}

function readChoicePath(path: unknown, input: unknown, scope: PathScope): unknown {
  if (typeof path !== 'string')
    throw new StatesError(StatesErrorNames.Runtime, `Invalid path '${String(path)}'`);
  const result = queryPath(path, input, scope);
  if (!result.found) throw invalidPath(path);
  return result.value;
}

function compareOrdered<T extends string | number | bigint>(relation: Relation, a: T, b: T): boolean {
  switch (relation) {
    case 'Equals':
      return a === b;
    case 'LessThan':
      return a < b;
    case 'GreaterThan':
      return a > b;
    case 'LessThanEquals':
      return a <= b;
    case 'GreaterThanEquals':
      return a >= b;
  }
}

function compare(kind: Kind, relation: Relation, value: unknown, operand: unknown): boolean {
  switch (kind) {
    case 'String':
      return (
        typeof value === 'string' && typeof operand === 'string' && compareOrdered(relation, value, operand)
      );
    case 'Numeric':
      return (
        typeof value === 'number' && typeof operand === 'number' && compareOrdered(relation, value, operand)
      );
    case 'Boolean':
      return typeof value === 'boolean' && value === operand;
    case 'Timestamp': {
      const a = parseTimestamp(value);
      const b = parseTimestamp(operand);
      return a !== undefined && b !== undefined && compareOrdered(relation, a.nanos, b.nanos);
    }
  }
}

/**
 * StringMatches: `*` matches any run of characters (including none); `\*` is a literal star and `\\` a
 * literal backslash (in the JSON definition these are written "\\*" and "\\\\").
 */
export function stringMatches(value: string, pattern: string): boolean {
  let source = '^';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i] as string;
    if (ch === '\\' && (pattern[i + 1] === '*' || pattern[i + 1] === '\\')) {
      source += `\\${pattern[i + 1]}`;
      i++;
    } else if (ch === '*') source += '[\\s\\S]*';
    else source += ch.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  return new RegExp(`${source}$`, 'u').test(value);
}

/** Evaluates one JSONPath Choice rule (a top-level rule or a nested one) against the state's effective input. */
export function evaluateChoiceRule(rule: ChoiceRule, input: unknown, scope: PathScope): boolean {
  if (Array.isArray(rule.And)) return rule.And.every((r) => evaluateChoiceRule(asRule(r), input, scope));
  if (Array.isArray(rule.Or)) return rule.Or.some((r) => evaluateChoiceRule(asRule(r), input, scope));
  if (rule.Not !== undefined) return !evaluateChoiceRule(asRule(rule.Not), input, scope);

  const variable = rule.Variable;
  if (typeof variable !== 'string') {
    throw new StatesError(StatesErrorNames.Runtime, 'A Choice rule must have Variable, And, Or or Not');
  }
  if (rule.IsPresent !== undefined) {
    return queryPath(variable, input, scope).found === rule.IsPresent;
  }
  const value = readChoicePath(variable, input, scope);

  for (const test of TYPE_TESTS) {
    if (rule[test] === undefined) continue;
    const expected = rule[test] === true;
    switch (test) {
      case 'IsNull':
        return (value === null) === expected;
      case 'IsNumeric':
        return (typeof value === 'number') === expected;
      case 'IsString':
        return (typeof value === 'string') === expected;
      case 'IsBoolean':
        return (typeof value === 'boolean') === expected;
      case 'IsTimestamp':
        return (parseTimestamp(value) !== undefined) === expected;
    }
  }
  if (rule.StringMatches !== undefined) {
    return (
      typeof value === 'string' &&
      typeof rule.StringMatches === 'string' &&
      stringMatches(value, rule.StringMatches)
    );
  }
  for (const [operator, spec] of COMPARISONS) {
    if (rule[operator] === undefined) continue;
    const operand = spec.path ? readChoicePath(rule[operator], input, scope) : rule[operator];
    return compare(spec.kind, spec.relation, value, operand);
  }
  throw new StatesError(
    StatesErrorNames.Runtime,
    `The Choice rule on '${variable}' has no comparison operator`,
  );
}

function asRule(value: unknown): ChoiceRule {
  if (!isPlainObject(value))
    throw new StatesError(StatesErrorNames.Runtime, 'A Choice rule must be an object');
  return value;
}

export interface ChoiceOutcome {
  /** The state to go to. */
  next: string;
  /** Index in Choices of the rule that matched, or undefined when Default was taken. */
  ruleIndex: number | undefined;
}

/** The first matching rule's Next, else Default, else States.NoChoiceMatched (JSONPath Choice states). */
export function chooseJsonPath(
  state: Readonly<Record<string, unknown>>,
  input: unknown,
  scope: PathScope,
): ChoiceOutcome {
  const choices = Array.isArray(state.Choices) ? state.Choices : [];
  for (let i = 0; i < choices.length; i++) {
    const rule = asRule(choices[i]);
    if (evaluateChoiceRule(rule, input, scope)) return { next: String(rule.Next), ruleIndex: i };
  }
  return defaultChoice(state);
}

export function defaultChoice(state: Readonly<Record<string, unknown>>): ChoiceOutcome {
  if (typeof state.Default === 'string') return { next: state.Default, ruleIndex: undefined };
  throw new StatesError(
    StatesErrorNames.NoChoiceMatched,
    'No Choice rule matched the input and the Choice state has no Default',
  );
}
