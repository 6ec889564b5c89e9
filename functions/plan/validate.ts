// Validating a plan that is already parsed (JSON, an object): the schema, and every problem with its path in
// words a clerk can act on. No YAML here, so functions that only re-validate a stored plan do not bundle a parser.
import * as z from 'zod';
import { closest, formatPath } from './rules.ts';
import { type Plan, PlanSchema, PlanShapeSchema } from './schema.ts';

/** One thing wrong with a plan: where (`pilots[3].contacts[0].email`), what and how to fix it, and the line. */
export interface Problem {
  path: string;
  message: string;
  line?: number;
}

export type ValidationResult = { ok: true; plan: Plan } | { ok: false; problems: Problem[] };

/** A plan that does not validate, for callers that need a Plan or nothing. */
export class InvalidPlanError extends Error {
  readonly problems: Problem[];
  constructor(source: string, problems: Problem[]) {
    super(
      `${source}: ${problems.length} problem${problems.length === 1 ? '' : 's'}\n${problems.map(formatProblem).join('\n')}`,
    );
    this.name = 'InvalidPlanError';
    this.problems = problems;
  }
}

export interface RawProblem {
  path: PropertyKey[];
  message: string;
}

/** Validates an already-parsed value (JSON from an API, an object in a test). Problems carry no lines. */
export function validatePlan(data: unknown): ValidationResult {
  const raw = validateRaw(data);
  if (raw.ok) return raw;
  return { ok: false, problems: raw.problems.map((p) => ({ path: formatPath(p.path), message: p.message })) };
}

/** `pilots[3].contacts[0].email: not an e-mail address (line 87)`; the whole plan shows as `(plan)`. */
export function formatProblem(problem: Problem): string {
  return `${problem.path || '(plan)'}: ${problem.message}${problem.line === undefined ? '' : ` (line ${problem.line})`}`;
}

export function validateRaw(data: unknown): { ok: true; plan: Plan } | { ok: false; problems: RawProblem[] } {
  const result = PlanSchema.safeParse(data, { reportInput: true });
  if (result.success) return { ok: true, plan: deepFreeze(result.data) };
  return { ok: false, problems: result.error.issues.flatMap(toProblems) };
}

// ---- Messages -----------------------------------------------------------------------------------------

const EXPECTED: Record<string, string> = {
  string: 'text',
  number: 'a number',
  boolean: 'true or false',
  array: 'a list of "- " entries',
  object: 'a section of "name: value" lines',
};

function describeValue(v: unknown): string {
  if (v === null) return 'an empty value';
  if (typeof v === 'string') return `text "${v.length > 40 ? `${v.slice(0, 40)}…` : v}"`;
  if (typeof v === 'number')
    return Number.isFinite(v) ? `the number ${v}` : `a number too large to use (${v})`;
  if (typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  if (Array.isArray(v)) return 'a list';
  if (ArrayBuffer.isView(v)) return 'binary data';
  if (v instanceof Date) return 'a timestamp';
  return 'a section';
}

function toProblems(issue: z.core.$ZodIssue): RawProblem[] {
  const path = issue.path;
  const input = (issue as { input?: unknown }).input;
  switch (issue.code) {
    case 'invalid_type': {
      const expected = EXPECTED[issue.expected] ?? issue.expected;
      if (input === undefined) return [{ path, message: `missing: add this field (${expected})` }];
      if (input === null) return [{ path, message: `empty: write ${expected} after the colon` }];
      if (issue.expected === 'string' && (typeof input === 'number' || typeof input === 'boolean')) {
        return [
          { path, message: `must be text, not ${describeValue(input)}: put it in quotes ("${input}")` },
        ];
      }
      return [{ path, message: `must be ${expected}, not ${describeValue(input)}` }];
    }
    case 'invalid_value': {
      const allowed = issue.values.map((v) => JSON.stringify(v));
      const near = typeof input === 'string' ? closest(input, issue.values.map(String)) : undefined;
      return [
        {
          path,
          message: `must be one of ${allowed.join(', ')}, not ${describeValue(input)}${near ? ` (did you mean "${near}"?)` : ''}`,
        },
      ];
    }
    case 'unrecognized_keys': {
      const allowed = allowedKeysAt(path) ?? [];
      return issue.keys.map((key) => {
        const near = closest(key, allowed);
        return {
          path: [...path, key],
          message:
            `unknown field: remove it or fix its name${near ? ` (did you mean "${near}"?)` : ''}; ` +
            `fields here: ${allowed.join(', ')}`,
        };
      });
    }
    case 'too_small': {
      const min = Number(issue.minimum);
      if (issue.origin === 'string') return [{ path, message: 'must not be empty' }];
      if (issue.origin === 'array')
        return [{ path, message: `needs at least ${min} entr${min === 1 ? 'y' : 'ies'}` }];
      const bound = issue.inclusive ? `at least ${min}` : `more than ${min}`;
      return [{ path, message: `must be ${bound}, not ${describeValue(input)}` }];
    }
    case 'too_big': {
      const max = Number(issue.maximum);
      if (issue.origin === 'string') return [{ path, message: `is too long: at most ${max} characters` }];
      if (issue.origin === 'array') return [{ path, message: `has too many entries: at most ${max}` }];
      const bound = issue.inclusive ? `at most ${max}` : `less than ${max}`;
      return [{ path, message: `must be ${bound}, not ${describeValue(input)}` }];
    }
    default:
      // invalid_format and custom carry the schema's and the rules' own messages.
      return [{ path, message: issue.message }];
  }
}

/** The field names of the section at `path` in the schema, to suggest the right one for a misspelt field. */
function allowedKeysAt(path: PropertyKey[]): string[] | undefined {
  let schema: z.ZodType | undefined = PlanShapeSchema;
  const unwrap = (s: z.ZodType | undefined) => {
    let out = s;
    while (out instanceof z.ZodOptional) out = out.unwrap() as z.ZodType;
    return out;
  };
  for (const seg of path) {
    schema = unwrap(schema);
    if (schema instanceof z.ZodObject) schema = (schema.shape as Record<string, z.ZodType>)[String(seg)];
    else if (schema instanceof z.ZodArray) schema = schema.element as z.ZodType;
    else return undefined;
  }
  schema = unwrap(schema);
  return schema instanceof z.ZodObject ? Object.keys(schema.shape) : undefined;
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
