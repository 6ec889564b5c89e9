// The 18 intrinsic functions and their argument rules.
// https://docs.aws.amazon.com/step-functions/latest/dg/intrinsic-functions.html
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { evaluateIntrinsic, INTRINSIC_FUNCTIONS, StatesErrorNames } from '#local/stepfunctions/lang/index.ts';

const env = { random: () => 0.5, uuid: () => '9a3b1c2d-0000-4000-8000-000000000001' };
const scope = {
  context: { Execution: { Id: 'arn:aws:states:us-east-1:1:execution:m:e' } },
  variables: { count: 7 },
};

function run(expression: string, input: unknown = {}): unknown {
  return evaluateIntrinsic(expression, input, scope, env);
}

function failureOf(expression: string, input: unknown = {}): { error: string; cause: string } {
  try {
    run(expression, input);
  } catch (error) {
    return error as { error: string; cause: string };
  }
  throw new Error(`${expression} did not fail`);
}

const intrinsicFailure = expect.objectContaining({ error: StatesErrorNames.IntrinsicFailure });

describe('intrinsic function parser', () => {
  it('supports all 18 functions', () => {
    expect(INTRINSIC_FUNCTIONS).toHaveLength(18);
  });

  it('takes string, number, boolean, null, path, context and variable arguments', () => {
    expect(
      run("States.Array('a', 1, -2.5, true, false, null, $.x, $$.Execution.Id, $count)", { x: [1] }),
    ).toEqual(['a', 1, -2.5, true, false, null, [1], 'arn:aws:states:us-east-1:1:execution:m:e', 7]);
  });

  it('evaluates nested calls, as in the documented nine-deep myArn example', () => {
    const input = {
      ImageRecipe: { Arn: 'arn:aws:imagebuilder:us-east-1:123456789012:image-recipe/my-recipe/1.0.2' },
    };
    const expression =
      "States.Format('{}.{}.{}', States.ArrayGetItem(States.StringSplit(States.ArrayGetItem(States.StringSplit($.ImageRecipe.Arn, '/'), 2), '.'), 0), States.ArrayGetItem(States.StringSplit(States.ArrayGetItem(States.StringSplit($.ImageRecipe.Arn, '/'), 2), '.'), 1), States.ArrayGetItem(States.StringSplit(States.ArrayGetItem(States.StringSplit($.ImageRecipe.Arn, '/'), 2), '.'), 2))";
    expect(run(expression, input)).toBe('1.0.2');
  });

  it("unescapes \\' \\{ \\} and \\\\ in string literals", () => {
    expect(run("States.Format('it\\'s \\{\\} {} \\\\', 'x')")).toBe("it's {} x \\");
  });

  it('reads paths with filters and commas inside brackets as one argument', () => {
    const input = {
      items: [
        { k: 'a,b', v: 1 },
        { k: 'c', v: 2 },
      ],
    };
    expect(run("States.ArrayLength($.items[?(@.k == 'a,b')])", input)).toBe(1);
  });

  it('rejects an open escape, an unknown function and unbalanced text', () => {
    expect(failureOf("States.Format('bad \\q')")).toEqual(intrinsicFailure);
    expect(failureOf('States.Nope()')).toEqual(intrinsicFailure);
    expect(failureOf("States.Array('a'")).toEqual(intrinsicFailure);
    expect(failureOf("States.Array('a') x")).toEqual(intrinsicFailure);
  });

  it('limits nesting to 10 intrinsic functions in a field', () => {
    const nested = (depth: number): string => (depth === 0 ? '1' : `States.Array(${nested(depth - 1)})`);
    expect(run(nested(10))).toEqual([[[[[[[[[[1]]]]]]]]]]);
    expect(failureOf(nested(11))).toEqual(intrinsicFailure);
  });

  it('fails with States.Runtime when a path argument names nothing', () => {
    expect(failureOf('States.Array($.missing)')).toEqual(
      expect.objectContaining({ error: StatesErrorNames.Runtime }),
    );
  });
});

describe('States.Format', () => {
  it('fills each {} with the positional argument (documented example)', () => {
    const input = { name: 'Arnav', template: 'Hello, my name is {}.' };
    expect(run("States.Format('Hello, my name is {}.', $.name)", input)).toBe('Hello, my name is Arnav.');
    expect(run('States.Format($.template, $.name)', input)).toBe('Hello, my name is Arnav.');
  });

  it('prints numbers, booleans, null and, like AWS, objects and arrays in Java map/list style', () => {
    const input = { o: { Arg1: 1, Arg2: [] } };
    expect(run("States.Format('{} {} {} {} {}', 1.1, true, null, $.o, States.Array(1, 'a'))", input)).toBe(
      '1.1 true null {Arg1=1, Arg2=[]} [1, a]',
    );
  });

  it('requires as many arguments as placeholders and a string template', () => {
    expect(failureOf("States.Format('{} {}', 1)")).toEqual(intrinsicFailure);
    expect(failureOf("States.Format('{}', 1, 2)")).toEqual(intrinsicFailure);
    expect(failureOf('States.Format(1)')).toEqual(intrinsicFailure);
  });
});

describe('JSON functions', () => {
  it('parses with States.StringToJson (documented example)', () => {
    expect(run('States.StringToJson($.escapedJsonString)', { escapedJsonString: '{"foo": "bar"}' })).toEqual({
      foo: 'bar',
    });
    expect(failureOf("States.StringToJson('{nope')")).toEqual(intrinsicFailure);
    expect(failureOf('States.StringToJson(1)')).toEqual(intrinsicFailure);
  });

  it('serialises with States.JsonToString', () => {
    expect(run('States.JsonToString($.unescapedJson)', { unescapedJson: { foo: 'bar' } })).toBe(
      '{"foo":"bar"}',
    );
  });

  it('merges shallowly with States.JsonMerge, the second object winning', () => {
    const input = { a: { a: 1, nested: { x: 1 } }, b: { b: 2, nested: { y: 2 } } };
    expect(run('States.JsonMerge($.a, $.b, false)', input)).toEqual({ a: 1, b: 2, nested: { y: 2 } });
  });

  it('refuses deep merge and non-object arguments', () => {
    expect(failureOf('States.JsonMerge($.a, $.a, true)', { a: {} }).cause).toMatch(/deep merge/);
    expect(failureOf('States.JsonMerge($.a, States.Array(), false)', { a: {} })).toEqual(intrinsicFailure);
  });
});

describe('array functions', () => {
  const input = { inputArray: [1, 2, 3, 4, 5, 6, 7, 8, 9] };

  it('builds arrays with States.Array, including an empty one', () => {
    expect(run('States.Array($.inputArray[0])', input)).toEqual([1]);
    expect(run('States.Array()')).toEqual([]);
  });

  it('partitions with States.ArrayPartition (documented example)', () => {
    expect(run('States.ArrayPartition($.inputArray,4)', input)).toEqual([[1, 2, 3, 4], [5, 6, 7, 8], [9]]);
    expect(failureOf('States.ArrayPartition($.inputArray, 0)', input)).toEqual(intrinsicFailure);
    expect(failureOf('States.ArrayPartition($.inputArray, 1.5)', input)).toEqual(intrinsicFailure);
  });

  it('tests membership with States.ArrayContains by value', () => {
    expect(run('States.ArrayContains($.inputArray, 5)', input)).toBe(true);
    expect(
      run('States.ArrayContains($.list, $.item)', { list: [{ a: 1, b: 2 }], item: { b: 2, a: 1 } }),
    ).toBe(true);
    expect(run("States.ArrayContains($.inputArray, '5')", input)).toBe(false);
  });

  it('makes ranges with States.ArrayRange (documented example) within 1000 items', () => {
    expect(run('States.ArrayRange(1, 9, 2)')).toEqual([1, 3, 5, 7, 9]);
    expect(run('States.ArrayRange(5, 1, -2)')).toEqual([5, 3, 1]);
    expect(run('States.ArrayRange(1, 1000, 1)')).toHaveLength(1000);
    expect(failureOf('States.ArrayRange(1, 1001, 1)').cause).toMatch(/1000/);
    expect(failureOf('States.ArrayRange(1, 9, 0)')).toEqual(intrinsicFailure);
    expect(failureOf('States.ArrayRange(1.5, 9, 1)')).toEqual(intrinsicFailure);
  });

  it('reads an item with States.ArrayGetItem and refuses an index outside the array', () => {
    expect(run('States.ArrayGetItem($.inputArray, 5)', input)).toBe(6);
    expect(failureOf('States.ArrayGetItem($.inputArray, 9)', input)).toEqual(intrinsicFailure);
  });

  it('counts with States.ArrayLength and deduplicates with States.ArrayUnique', () => {
    expect(run('States.ArrayLength($.inputArray)', input)).toBe(9);
    expect(
      run('States.ArrayUnique($.values)', { values: [1, 2, 3, 3, 3, 3, 3, 3, 4, { a: 1 }, { a: 1 }] }),
    ).toEqual([1, 2, 3, 4, { a: 1 }]);
    expect(failureOf("States.ArrayLength('abc')")).toEqual(intrinsicFailure);
  });
});

describe('encoding and hashing', () => {
  it('encodes and decodes Base64 as UTF-8 (documented example)', () => {
    expect(run("States.Base64Encode('Data to encode')")).toBe('RGF0YSB0byBlbmNvZGU=');
    expect(run("States.Base64Decode('RGF0YSB0byBlbmNvZGU=')")).toBe('Data to encode');
    expect(run('States.Base64Decode(States.Base64Encode($.s))', { s: '试点工作方案' })).toBe('试点工作方案');
  });

  it('limits Base64 input to 10,000 characters and refuses invalid Base64', () => {
    const long = { s: 'a'.repeat(10_001) };
    expect(run('States.Base64Encode($.s)', { s: 'a'.repeat(10_000) })).toMatch(/^YWFh/);
    expect(failureOf('States.Base64Encode($.s)', long)).toEqual(intrinsicFailure);
    expect(failureOf('States.Base64Decode($.s)', long)).toEqual(intrinsicFailure);
    expect(failureOf("States.Base64Decode('not base64!')")).toEqual(intrinsicFailure);
  });

  it('hashes with each supported algorithm', () => {
    const cases = {
      MD5: 'md5',
      'SHA-1': 'sha1',
      'SHA-256': 'sha256',
      'SHA-384': 'sha384',
      'SHA-512': 'sha512',
    };
    for (const [algorithm, node] of Object.entries(cases)) {
      const expected = createHash(node).update('input data').digest('hex');
      expect(run('States.Hash($.Data, $.Algorithm)', { Data: 'input data', Algorithm: algorithm })).toBe(
        expected,
      );
    }
    expect(run("States.Hash('input data', 'SHA-1')")).toBe('aaff4a450a104cd177d28d18d74485e8cae074b7');
  });

  it('refuses an unknown algorithm and input over 10,000 characters', () => {
    expect(failureOf("States.Hash('x', 'SHA-3')").cause).toMatch(/SHA-3/);
    expect(failureOf("States.Hash($.s, 'MD5')", { s: 'a'.repeat(10_001) })).toEqual(intrinsicFailure);
  });
});

describe('math, strings and identifiers', () => {
  it('adds with States.MathAdd, rounding non-integers', () => {
    expect(run('States.MathAdd($.value1, $.step)', { value1: 111, step: -1 })).toBe(110);
    expect(run('States.MathAdd(1.6, 1)')).toBe(3);
    expect(failureOf('States.MathAdd(2147483648, 1)')).toEqual(intrinsicFailure);
    expect(failureOf("States.MathAdd('1', 1)")).toEqual(intrinsicFailure);
  });

  it('draws States.MathRandom from the injected source, start inclusive and end exclusive', () => {
    const low = evaluateIntrinsic('States.MathRandom(1, 999)', {}, scope, { ...env, random: () => 0 });
    const high = evaluateIntrinsic('States.MathRandom(1, 999)', {}, scope, {
      ...env,
      random: () => 0.9999999,
    });
    expect([low, high]).toEqual([1, 998]);
  });

  it('repeats States.MathRandom for the same seed', () => {
    const a = run('States.MathRandom(1, 999, 1234)');
    const b = evaluateIntrinsic('States.MathRandom(1, 999, 1234)', {}, scope, { ...env, random: () => 0.1 });
    expect(a).toBe(b);
  });

  it('splits with States.StringSplit on every delimiter character and drops empty pieces, as AWS does', () => {
    expect(
      run('States.StringSplit($.inputString, $.splitter)', { inputString: '1,2,3,4,5', splitter: ',' }),
    ).toEqual(['1', '2', '3', '4', '5']);
    expect(run("States.StringSplit('This.is+a,test=string', '.+,=')")).toEqual([
      'This',
      'is',
      'a',
      'test',
      'string',
    ]);
    expect(run("States.StringSplit(',,,,', ',')")).toEqual([]);
    expect(run("States.StringSplit(' , ', ',')")).toEqual([' ', ' ']);
  });

  it('takes States.UUID from the injected source and no arguments', () => {
    expect(run('States.UUID()')).toBe(env.uuid());
    expect(failureOf('States.UUID(1)')).toEqual(intrinsicFailure);
  });
});
