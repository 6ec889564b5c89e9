// Reading a plan: YAML text → validated, frozen Plan, or every problem with its path and line. Never throws on
// any text: syntax errors, wrong shapes and broken cross-references all come back as problems.
import { readFile } from 'node:fs/promises';
import { type Document, isAlias, isMap, isScalar, isSeq, LineCounter, type Node, parseDocument } from 'yaml';
import { z } from 'zod';
import { closest, formatPath } from './rules.ts';
import { type Plan, PlanSchema, PlanShapeSchema } from './schema.ts';

/** One thing wrong with a plan: where (`pilots[3].contacts[0].email`), what and how to fix it, and the line. */
export interface Problem {
  path: string;
  message: string;
  line?: number;
}

export type ParseResult =
  | { ok: true; plan: Plan; source?: string }
  | { ok: false; problems: Problem[]; source?: string };

export type ValidationResult = { ok: true; plan: Plan } | { ok: false; problems: Problem[] };

/** The plan file could not be read at all (missing, a folder, no permission). */
export class PlanFileError extends Error {
  readonly path: string;
  constructor(path: string, message: string) {
    super(message);
    this.name = 'PlanFileError';
    this.path = path;
  }
}

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

const MAX_YAML_ERRORS = 20;

interface RawProblem {
  path: PropertyKey[];
  message: string;
}

/** Validates an already-parsed value (JSON from an API, an object in a test). Problems carry no lines. */
export function validatePlan(data: unknown): ValidationResult {
  const raw = validateRaw(data);
  if (raw.ok) return raw;
  return { ok: false, problems: raw.problems.map((p) => ({ path: formatPath(p.path), message: p.message })) };
}

/** Parses and validates plan YAML. `source` (a file name) is echoed back for the caller's messages. */
export function parsePlan(text: string, source?: string): ParseResult {
  const withSource = <T extends object>(r: T) => (source === undefined ? r : { ...r, source });
  try {
    if (typeof text !== 'string') {
      return withSource({ ok: false, problems: [{ path: '', message: 'the plan must be text (YAML)' }] });
    }
    const lines = new LineCounter();
    const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
    const lineAt = (offset: number) => Math.max(1, lines.linePos(offset).line);
    if (doc.errors.length === 0 && doc.contents === null) {
      const message = 'the file is empty: a plan starts with "programme:"; copy plans/sample.yaml to begin';
      return withSource({ ok: false, problems: [{ path: '', message, line: 1 }] });
    }
    if (doc.errors.length > 0) {
      // Later syntax errors are mostly echoes of the first ones; a hostile file could have thousands.
      const problems: Problem[] = doc.errors.slice(0, MAX_YAML_ERRORS).map((error) => {
        const path = pathAtOffset(doc.contents, error.pos[0]);
        return {
          path: formatPath(path),
          message: yamlMessage(error.code, error.message),
          line: lineAt(error.pos[0]),
        };
      });
      if (doc.errors.length > MAX_YAML_ERRORS) {
        const more = doc.errors.length - MAX_YAML_ERRORS;
        problems.push({
          path: '',
          message: `… and ${more} more YAML syntax errors: fix the ones above first`,
        });
      }
      return withSource({ ok: false, problems: sortByLine(problems) });
    }
    let data: unknown;
    try {
      data = doc.toJS({ maxAliasCount: 1000 });
    } catch (error) {
      // toJS refuses alias bombs (billion laughs) and circular aliases it cannot build.
      const message = error instanceof Error ? error.message : String(error);
      return withSource({
        ok: false,
        problems: [{ path: '', message: `the YAML cannot be read: ${message}`, line: 1 }],
      });
    }
    const result = validateRaw(data);
    if (result.ok) return withSource(result);
    const problems = result.problems.map((p) => ({
      path: formatPath(p.path),
      message: p.message,
      line: lineOfPath(doc, p.path, lineAt),
    }));
    return withSource({ ok: false, problems: sortByLine(problems) });
  } catch (error) {
    // A last resort: a bug here must still come back as a problem, never as an exception to the caller.
    const message = error instanceof Error ? error.message : String(error);
    return withSource({
      ok: false,
      problems: [{ path: '', message: `the plan could not be checked: ${message}` }],
    });
  }
}

/** Reads and parses a plan file. Throws {@link PlanFileError} only when the file cannot be read. */
export async function loadPlanFile(path: string): Promise<ParseResult> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EISDIR'
          ? 'it is a folder, not a file'
          : code === 'EACCES'
            ? 'permission denied'
            : (error as Error).message;
    throw new PlanFileError(path, `cannot read ${path}: ${why}`);
  }
  return parsePlan(text, path);
}

/** Reads a plan file that must be valid: the Plan, or {@link InvalidPlanError} / {@link PlanFileError}. */
export async function loadValidPlanFile(path: string): Promise<Plan> {
  const result = await loadPlanFile(path);
  if (!result.ok) throw new InvalidPlanError(path, result.problems);
  return result.plan;
}

/** `pilots[3].contacts[0].email: not an e-mail address (line 87)`; the whole plan shows as `(plan)`. */
export function formatProblem(problem: Problem): string {
  return `${problem.path || '(plan)'}: ${problem.message}${problem.line === undefined ? '' : ` (line ${problem.line})`}`;
}

function sortByLine(problems: Problem[]): Problem[] {
  return problems
    .map((p, i) => ({ p, i }))
    .sort(
      (a, b) => (a.p.line ?? Number.POSITIVE_INFINITY) - (b.p.line ?? Number.POSITIVE_INFINITY) || a.i - b.i,
    )
    .map(({ p }) => p);
}

function validateRaw(data: unknown): { ok: true; plan: Plan } | { ok: false; problems: RawProblem[] } {
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

function yamlMessage(code: string, message: string): string {
  switch (code) {
    case 'DUPLICATE_KEY':
      return 'this field is written twice in the same section: keep one';
    case 'MULTIPLE_DOCS':
      return 'the file holds more than one YAML document (a second "---"): a plan is one document';
    case 'TAB_AS_INDENT':
      return 'a tab is used to indent: YAML needs spaces';
    default:
      return `YAML syntax error: ${message.split('\n')[0]}`;
  }
}

// ---- Lines --------------------------------------------------------------------------------------------

/**
 * The line of the node at `path`. A scalar value's own line; a section or list value's key line (where the
 * clerk wrote `contacts:`); for a path that does not exist (a missing field) the nearest existing parent.
 */
function lineOfPath(
  doc: Document,
  path: PropertyKey[],
  lineAt: (offset: number) => number,
): number | undefined {
  let node: unknown = doc.contents;
  let line = isNode(node) && node.range ? lineAt(node.range[0]) : 1;
  for (const seg of path) {
    if (isAlias(node)) node = node.resolve(doc);
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(seg));
      if (!pair) return line;
      const key = pair.key as Node;
      const value = pair.value;
      const keyLine = key.range ? lineAt(key.range[0]) : line;
      const emptyValue =
        !isNode(value) || !value.range || (isScalar(value) && value.range[0] === value.range[1]);
      line = emptyValue || isMap(value) || isSeq(value) ? keyLine : lineAt(value.range![0]);
      node = value;
    } else if (isSeq(node) && typeof seg === 'number') {
      const item = node.items[seg];
      if (!isNode(item)) return line;
      if (item.range) line = lineAt(item.range[0]);
      node = item;
    } else {
      return line;
    }
  }
  return line;
}

/** The path of the deepest node at a source offset, to give a YAML error (a duplicate key) its path. */
function pathAtOffset(node: unknown, offset: number, path: PropertyKey[] = []): PropertyKey[] {
  // A plan is a few levels deep; a deeper path would only be noise (and deep recursion a risk on hostile input).
  if (path.length >= 12) return path;
  const contains = (n: unknown): n is Node =>
    isNode(n) && !!n.range && n.range[0] <= offset && offset < n.range[2];
  if (isMap(node)) {
    for (const pair of node.items) {
      const name = isScalar(pair.key) ? String(pair.key.value) : undefined;
      if (name === undefined) continue;
      if (contains(pair.key)) return [...path, name];
      if (contains(pair.value)) return pathAtOffset(pair.value, offset, [...path, name]);
    }
  } else if (isSeq(node)) {
    const i = node.items.findIndex(contains);
    if (i >= 0) return pathAtOffset(node.items[i], offset, [...path, i]);
  }
  return path;
}

function isNode(v: unknown): v is Node {
  return isScalar(v) || isMap(v) || isSeq(v) || isAlias(v);
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
