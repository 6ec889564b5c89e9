// JSONPath Choice rules: every operator, type mismatches, missing paths, And/Or/Not and timestamps.
// https://docs.aws.amazon.com/step-functions/latest/dg/state-choice.html
import { describe, expect, it } from 'vitest';
import {
  chooseJsonPath,
  evaluateChoiceRule,
  parseTimestamp,
  StatesErrorNames,
  stringMatches,
} from '#local/stepfunctions/lang/index.ts';

const input = {
  name: 'Apple',
  other: 'Banana',
  n: 10,
  m: 20,
  flag: true,
  nothing: null,
  when: '2023-01-15T12:00:00Z',
  later: '2023-01-15T13:00:00+00:30',
  list: [1, 2],
};
const scope = { context: { Execution: { Name: 'run-1' } }, variables: { threshold: 15 } };

function test(rule: Record<string, unknown>): boolean {
  return evaluateChoiceRule(rule, input, scope);
}

describe('string operators', () => {
  it('compares strings lexicographically', () => {
    expect(test({ Variable: '$.name', StringEquals: 'Apple' })).toBe(true);
    expect(test({ Variable: '$.name', StringLessThan: 'Banana' })).toBe(true);
    expect(test({ Variable: '$.name', StringGreaterThan: 'Apple' })).toBe(false);
    expect(test({ Variable: '$.name', StringLessThanEquals: 'Apple' })).toBe(true);
    expect(test({ Variable: '$.name', StringGreaterThanEquals: 'Apples' })).toBe(false);
  });

  it('compares with a value read from a path in the …Path forms', () => {
    expect(test({ Variable: '$.name', StringEqualsPath: '$.name' })).toBe(true);
    expect(test({ Variable: '$.name', StringLessThanPath: '$.other' })).toBe(true);
    expect(test({ Variable: '$.other', StringGreaterThanPath: '$.name' })).toBe(true);
    expect(test({ Variable: '$.name', StringLessThanEqualsPath: '$.other' })).toBe(true);
    expect(test({ Variable: '$.name', StringGreaterThanEqualsPath: '$.other' })).toBe(false);
  });

  it('matches StringMatches patterns with * wildcards and escaped stars and backslashes', () => {
    expect(stringMatches('log-2023.txt', 'log-*.txt')).toBe(true);
    expect(stringMatches('log-.txt', 'log-*.txt')).toBe(true);
    expect(stringMatches('log-2023.csv', 'log-*.txt')).toBe(false);
    expect(stringMatches('a*b', 'a\\*b')).toBe(true);
    expect(stringMatches('axb', 'a\\*b')).toBe(false);
    expect(stringMatches('a\\b', 'a\\\\b')).toBe(true);
    expect(stringMatches('a.b(c)', 'a.b(*)')).toBe(true);
    expect(test({ Variable: '$.name', StringMatches: 'A*e' })).toBe(true);
  });
});

describe('numeric, boolean and null operators', () => {
  it('compares numbers', () => {
    expect(test({ Variable: '$.n', NumericEquals: 10 })).toBe(true);
    expect(test({ Variable: '$.n', NumericLessThan: 10 })).toBe(false);
    expect(test({ Variable: '$.n', NumericGreaterThan: 9.5 })).toBe(true);
    expect(test({ Variable: '$.n', NumericLessThanEquals: 10 })).toBe(true);
    expect(test({ Variable: '$.n', NumericGreaterThanEquals: 11 })).toBe(false);
    expect(test({ Variable: '$.n', NumericLessThanPath: '$.m' })).toBe(true);
    expect(test({ Variable: '$.n', NumericEqualsPath: '$.m' })).toBe(false);
    expect(test({ Variable: '$.n', NumericGreaterThanPath: '$.m' })).toBe(false);
    expect(test({ Variable: '$.n', NumericLessThanEqualsPath: '$.n' })).toBe(true);
    expect(test({ Variable: '$.m', NumericGreaterThanEqualsPath: '$.n' })).toBe(true);
  });

  it('compares with variables and the context object', () => {
    expect(test({ Variable: '$.n', NumericLessThanPath: '$threshold' })).toBe(true);
    expect(test({ Variable: '$$.Execution.Name', StringEquals: 'run-1' })).toBe(true);
    expect(test({ Variable: '$threshold', NumericEquals: 15 })).toBe(true);
  });

  it('compares booleans', () => {
    expect(test({ Variable: '$.flag', BooleanEquals: true })).toBe(true);
    expect(test({ Variable: '$.flag', BooleanEqualsPath: '$.flag' })).toBe(true);
    expect(test({ Variable: '$.flag', BooleanEquals: false })).toBe(false);
  });

  it('evaluates a comparison between different types as false rather than failing', () => {
    expect(test({ Variable: '$.name', NumericEquals: 10 })).toBe(false);
    expect(test({ Variable: '$.n', StringEquals: '10' })).toBe(false);
    expect(test({ Variable: '$.nothing', BooleanEquals: false })).toBe(false);
    expect(test({ Variable: '$.name', TimestampEquals: '2023-01-15T12:00:00Z' })).toBe(false);
    expect(test({ Variable: '$.n', NumericEqualsPath: '$.name' })).toBe(false);
  });
});

describe('type tests', () => {
  it('tests presence, null, number, string, boolean and timestamp', () => {
    expect(test({ Variable: '$.nothing', IsPresent: true })).toBe(true);
    expect(test({ Variable: '$.absent', IsPresent: false })).toBe(true);
    expect(test({ Variable: '$.absent', IsPresent: true })).toBe(false);
    expect(test({ Variable: '$.nothing', IsNull: true })).toBe(true);
    expect(test({ Variable: '$.n', IsNull: false })).toBe(true);
    expect(test({ Variable: '$.n', IsNumeric: true })).toBe(true);
    expect(test({ Variable: '$.name', IsNumeric: false })).toBe(true);
    expect(test({ Variable: '$.name', IsString: true })).toBe(true);
    expect(test({ Variable: '$.flag', IsBoolean: true })).toBe(true);
    expect(test({ Variable: '$.when', IsTimestamp: true })).toBe(true);
    expect(test({ Variable: '$.name', IsTimestamp: false })).toBe(true);
  });

  it('tests whether a variable is present', () => {
    expect(test({ Variable: '$threshold', IsPresent: true })).toBe(true);
    expect(test({ Variable: '$unset', IsPresent: false })).toBe(true);
  });
});

describe('missing paths', () => {
  it('fail with States.Runtime in the wording AWS uses for a missing Variable', () => {
    expect(() => test({ Variable: '$.absent', StringEquals: 'x' })).toThrowError(
      expect.objectContaining({
        error: StatesErrorNames.Runtime,
        cause: "Invalid path '$.absent': The choice state's condition path references an invalid value.",
      }),
    );
  });

  it('fail with States.Runtime for a …Path operand that names nothing', () => {
    expect(() => test({ Variable: '$.n', NumericEqualsPath: '$.absent' })).toThrowError(
      expect.objectContaining({ error: StatesErrorNames.Runtime }),
    );
  });
});

describe('timestamps', () => {
  it('compares instants, taking offsets and fractions into account', () => {
    expect(test({ Variable: '$.when', TimestampEquals: '2023-01-15T12:00:00Z' })).toBe(true);
    expect(test({ Variable: '$.when', TimestampEquals: '2023-01-15T13:00:00+01:00' })).toBe(true);
    expect(test({ Variable: '$.when', TimestampLessThan: '2023-01-15T12:00:00.001Z' })).toBe(true);
    expect(test({ Variable: '$.when', TimestampGreaterThan: '2023-01-15T11:59:59.999999999Z' })).toBe(true);
    expect(test({ Variable: '$.when', TimestampLessThanEquals: '2023-01-15T12:00:00Z' })).toBe(true);
    expect(test({ Variable: '$.when', TimestampGreaterThanEquals: '2023-01-16T00:00:00Z' })).toBe(false);
    expect(test({ Variable: '$.when', TimestampLessThanPath: '$.later' })).toBe(true);
    expect(test({ Variable: '$.later', TimestampGreaterThanPath: '$.when' })).toBe(true);
    expect(test({ Variable: '$.when', TimestampEqualsPath: '$.when' })).toBe(true);
    expect(test({ Variable: '$.when', TimestampLessThanEqualsPath: '$.later' })).toBe(true);
    expect(test({ Variable: '$.when', TimestampGreaterThanEqualsPath: '$.later' })).toBe(false);
  });

  it('accepts only the RFC 3339 profile with uppercase T and Z', () => {
    expect(parseTimestamp('2016-03-14T01:59:00Z')?.epochMs).toBe(Date.UTC(2016, 2, 14, 1, 59));
    expect(parseTimestamp('2016-03-14T01:59:00.123-05:00')?.epochMs).toBe(
      Date.UTC(2016, 2, 14, 6, 59, 0, 123),
    );
    for (const text of [
      '2016-03-14t01:59:00Z',
      '2016-03-14T01:59:00z',
      '2016-03-14 01:59:00Z',
      '2016-03-14T01:59Z',
    ]) {
      expect(parseTimestamp(text)).toBeUndefined();
    }
    expect(parseTimestamp('2023-02-29T00:00:00Z')).toBeUndefined();
    expect(parseTimestamp('2024-02-29T00:00:00Z')).toBeDefined();
  });
});

describe('boolean combinations and choosing', () => {
  it('combines rules with And, Or and Not, nested', () => {
    expect(
      test({
        And: [
          { Variable: '$.n', NumericGreaterThan: 5 },
          {
            Or: [
              { Variable: '$.name', StringEquals: 'Pear' },
              { Not: { Variable: '$.flag', BooleanEquals: false } },
            ],
          },
        ],
      }),
    ).toBe(true);
    expect(test({ Not: { Variable: '$.n', NumericEquals: 10 } })).toBe(false);
  });

  it('takes the first matching rule, else Default, else fails with States.NoChoiceMatched', () => {
    const state = {
      Choices: [
        { Variable: '$.n', NumericGreaterThan: 100, Next: 'Big' },
        { Variable: '$.n', NumericGreaterThan: 5, Next: 'Medium' },
        { Variable: '$.n', NumericGreaterThan: 1, Next: 'Small' },
      ],
      Default: 'Other',
    };
    expect(chooseJsonPath(state, input, scope)).toEqual({ next: 'Medium', ruleIndex: 1 });
    expect(chooseJsonPath(state, { n: 0 }, scope)).toEqual({ next: 'Other', ruleIndex: undefined });
    expect(() => chooseJsonPath({ Choices: state.Choices }, { n: 0 }, scope)).toThrowError(
      expect.objectContaining({ error: StatesErrorNames.NoChoiceMatched }),
    );
  });
});
