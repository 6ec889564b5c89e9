// Generated mutations of the sample plan (fast-check), at the text level (lines deleted, repeated, swapped,
// re-indented, values replaced by YAML's odd tokens, the file cut short) and at the data level (a field
// removed, replaced by any JSON value, a list entry repeated). Each mutant either validates or is refused
// with problems that each carry a path, a message and a line in the file: never an exception.
// Longer runs: `npm run test:soak`.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { parsePlan } from '#plan/load.ts';
import { readProjectFile, SAMPLE_FILE } from '#test/fixtures/plans.ts';
import { fuzzTimeout, runs } from '#test/support/fuzz.ts';

const SAMPLE = readProjectFile(SAMPLE_FILE);
const LINES = SAMPLE.split('\n');

// What a clerk's editor (or a bad copy and paste) can put where a value was.
const ODD_VALUES = [
  '',
  '~',
  'null',
  'true',
  'no',
  '0x1F',
  '1e999',
  '.nan',
  '-.inf',
  '2023-02-30',
  '[',
  '{',
  '[]',
  '{}',
  '*missing',
  '&anchor x',
  '!!binary aGVsbG8=',
  '!!timestamp 2023-01-01',
  "'unterminated",
  '"unterminated',
  '|',
  '>-',
  '- a',
  'a: b: c',
  '\t',
  '#',
  '<<: *x',
  '试点'.repeat(500),
  '\u0000',
  '\uFEFF',
  '\u202E',
];

type Mutation = (lines: string[]) => string[];

const lineIndex = fc.nat({ max: LINES.length - 1 });

const textMutation: fc.Arbitrary<Mutation> = fc.oneof(
  lineIndex.map((i) => (l: string[]) => l.filter((_, j) => j !== i % l.length)),
  lineIndex.map((i) => (l: string[]) => l.flatMap((line, j) => (j === i % l.length ? [line, line] : [line]))),
  fc.tuple(lineIndex, lineIndex).map(([a, b]) => (l: string[]) => {
    const out = [...l];
    const [x, y] = [a % out.length, b % out.length];
    [out[x], out[y]] = [out[y] as string, out[x] as string];
    return out;
  }),
  fc.tuple(lineIndex, fc.constantFrom('  ', '    ', '\t', ' ')).map(
    ([i, indent]) =>
      (l: string[]) =>
        l.map((line, j) => (j === i % l.length ? indent + line : line)),
  ),
  lineIndex.map((i) => (l: string[]) => l.map((line, j) => (j === i % l.length ? line.trimStart() : line))),
  fc
    .tuple(lineIndex, fc.oneof(fc.constantFrom(...ODD_VALUES), fc.string({ unit: 'binary', maxLength: 40 })))
    .map(
      ([i, value]) =>
        (l: string[]) =>
          l.map((line, j) =>
            j === i % l.length ? line.replace(/^(\s*(?:- )?[\w.-]+:).*$/, `$1 ${value}`) : line,
          ),
    ),
  fc.tuple(lineIndex, fc.nat({ max: 80 }), fc.string({ unit: 'binary', maxLength: 20 })).map(
    ([i, at, text]) =>
      (l: string[]) =>
        l.map((line, j) => (j === i % l.length ? line.slice(0, at) + text + line.slice(at) : line)),
  ),
  lineIndex.map((i) => (l: string[]) => l.slice(0, (i % l.length) + 1)),
);

type Path = Array<string | number>;

/** Every path to a value in `data`, so a data-level mutation can pick any of them. */
function pathsOf(data: unknown, prefix: Path = []): Path[] {
  if (Array.isArray(data)) return [prefix, ...data.flatMap((v, i) => pathsOf(v, [...prefix, i]))];
  if (data !== null && typeof data === 'object') {
    return [prefix, ...Object.entries(data).flatMap(([k, v]) => pathsOf(v, [...prefix, k]))];
  }
  return [prefix];
}

const DATA = parse(SAMPLE) as Record<string, unknown>;
const PATHS = pathsOf(DATA).filter((p) => p.length > 0);

type DataMutation = { path: Path; change: 'delete' | 'replace' | 'repeat'; value: unknown };

/** Applies `m` to `data` in place; a path that an earlier mutation removed is skipped. */
function applyData(data: unknown, m: DataMutation): void {
  let parent: unknown = data;
  for (const key of m.path.slice(0, -1)) {
    if (parent === null || typeof parent !== 'object') return;
    parent = (parent as Record<string | number, unknown>)[key];
  }
  if (parent === null || typeof parent !== 'object') return;
  const key = m.path[m.path.length - 1] as string | number;
  if (m.change === 'delete') {
    if (Array.isArray(parent)) parent.splice(Number(key), 1);
    else delete (parent as Record<string, unknown>)[key];
  } else if (m.change === 'repeat' && Array.isArray(parent) && Number(key) < parent.length) {
    parent.splice(Number(key), 0, structuredClone(parent[Number(key)]));
  } else {
    (parent as Record<string | number, unknown>)[key] = m.value;
  }
}

const dataMutation: fc.Arbitrary<DataMutation> = fc.record({
  path: fc.constantFrom(...PATHS),
  change: fc.constantFrom('delete', 'replace', 'repeat'),
  value: fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.constantFrom(...ODD_VALUES), fc.date()),
});

/** The property: a result, never a throw; a refusal names each problem's place and line in `text`. */
function checkResult(text: string): void {
  const result = parsePlan(text, 'mutant.yaml');
  if (result.ok) return;
  const lineCount = text.split('\n').length;
  expect(result.problems.length).toBeGreaterThan(0);
  for (const problem of result.problems) {
    expect(typeof problem.path).toBe('string');
    expect(problem.message.trim().length, JSON.stringify(problem)).toBeGreaterThan(0);
    expect(problem.line, JSON.stringify(problem)).toBeGreaterThanOrEqual(1);
    expect(problem.line, JSON.stringify(problem)).toBeLessThanOrEqual(lineCount);
  }
}

describe('mutations of the sample plan', () => {
  it(
    'edited as text (one to four edits) validate or are refused with a path and a line for each problem',
    () => {
      fc.assert(
        fc.property(fc.array(textMutation, { minLength: 1, maxLength: 4 }), (mutations) => {
          checkResult(mutations.reduce((lines, m) => m(lines), LINES).join('\n'));
        }),
        { numRuns: runs(150) },
      );
    },
    fuzzTimeout(60_000),
  );

  it(
    'edited as data (a field removed, replaced or repeated) validate or are refused with a path and a line',
    () => {
      fc.assert(
        fc.property(fc.array(dataMutation, { minLength: 1, maxLength: 3 }), (mutations) => {
          const data = structuredClone(DATA);
          for (const m of mutations) applyData(data, m);
          const text = stringify(data);
          checkResult(text);
        }),
        { numRuns: runs(150) },
      );
    },
    fuzzTimeout(60_000),
  );
});

describe('a file with more syntax errors than are listed', () => {
  it('ends with a note that points at the line where the unlisted errors begin', () => {
    // Line 242 of the sample (an indicator's `- id:`) moved to the left margin breaks every line after it.
    const lines = LINES.map((line, i) => (i === 241 ? line.trimStart() : line));
    const result = parsePlan(lines.join('\n'));
    if (result.ok) throw new Error('the mutant validated');
    const note = result.problems.find((p) => p.message.includes('more YAML syntax errors'));
    expect(note?.line).toBeGreaterThan(242);
    expect(note?.line).toBeLessThanOrEqual(lines.length);
  });
});
