// JSONPath as the States Language accepts it (AWS evaluates with Jayway JsonPath), and ResultPath merging.
// https://docs.aws.amazon.com/step-functions/latest/dg/amazon-states-language-paths.html
import { describe, expect, it } from 'vitest';
import {
  isReferencePath,
  queryPath,
  readPath,
  StatesErrorNames,
  writeResultPath,
} from '#local/stepfunctions/lang/index.ts';

const store = {
  book: [
    { category: 'reference', author: 'Nigel Rees', title: 'Sayings', price: 8.95 },
    { category: 'fiction', author: 'Evelyn Waugh', title: 'Sword', price: 12.99 },
    { category: 'fiction', author: 'Herman Melville', title: 'Moby Dick', isbn: '0-553', price: 8.99 },
  ],
  bicycle: { color: 'red', price: 19.95 },
  'odd key': { 'a.b': 1 },
};

describe('readPath', () => {
  it('returns the whole data for $', () => {
    expect(readPath('$', store)).toBe(store);
  });

  it('reads dot and bracket notation alike', () => {
    expect(readPath('$.bicycle.color', store)).toBe('red');
    expect(readPath("$['bicycle']['color']", store)).toBe('red');
    expect(readPath("$['odd key']['a.b']", store)).toBe(1);
  });

  it('reads array indexes, counting negative ones from the end', () => {
    expect(readPath('$.book[0].author', store)).toBe('Nigel Rees');
    expect(readPath('$.book[-1].author', store)).toBe('Herman Melville');
  });

  it('returns a list for an indefinite path: wildcard, slice, union and deep scan', () => {
    expect(readPath('$.book[*].price', store)).toEqual([8.95, 12.99, 8.99]);
    expect(readPath('$.book[0:2].title', store)).toEqual(['Sayings', 'Sword']);
    expect(readPath('$.book[-2:].title', store)).toEqual(['Sword', 'Moby Dick']);
    expect(readPath('$.book[0,2].title', store)).toEqual(['Sayings', 'Moby Dick']);
    expect(readPath("$.bicycle['color','price']", store)).toEqual(['red', 19.95]);
    expect(readPath('$..price', store)).toEqual([8.95, 12.99, 8.99, 19.95]);
  });

  it('returns an empty list when an indefinite path matches nothing', () => {
    expect(readPath('$.book[*].missing', store)).toEqual([]);
  });

  it('filters with comparisons, existence tests, && and ||', () => {
    expect(readPath('$.book[?(@.price < 10)].title', store)).toEqual(['Sayings', 'Moby Dick']);
    expect(readPath('$.book[?(@.isbn)].title', store)).toEqual(['Moby Dick']);
    expect(readPath("$.book[?(@.category == 'fiction' && @.price > 10)].title", store)).toEqual(['Sword']);
    expect(readPath("$.book[?(@.category == 'reference' || @.price >= 12.99)].title", store)).toEqual([
      'Sayings',
      'Sword',
    ]);
    expect(readPath('$.book[?(!(@.price < 10))].title', store)).toEqual(['Sword']);
    expect(readPath('$.book[?(@.author =~ /.*rees/i)].title', store)).toEqual(['Sayings']);
  });

  it('treats a comparison with a value of another type as false', () => {
    expect(readPath("$.book[?(@.price == '8.95')].title", store)).toEqual([]);
  });

  it('accepts the .length() function form', () => {
    expect(readPath('$.book.length()', store)).toBe(3);
  });

  it('reads the context object with $$ and variables with $name', () => {
    const scope = { context: { Execution: { Id: 'arn:exec' } }, variables: { pilot: { name: '古城社区' } } };
    expect(readPath('$$.Execution.Id', {}, scope)).toBe('arn:exec');
    expect(readPath('$pilot.name', {}, scope)).toBe('古城社区');
    expect(readPath('$pilot', {}, scope)).toEqual({ name: '古城社区' });
  });

  it('fails with States.Runtime and the Jayway wording when a definite path names nothing', () => {
    expect(() => readPath('$.bicycle.gears', store)).toThrowError(
      expect.objectContaining({
        error: StatesErrorNames.Runtime,
        cause: "Invalid path '$.bicycle.gears' : No results for path: $['bicycle']['gears']",
      }),
    );
  });

  it('treats an undefined variable as a path that names nothing', () => {
    expect(queryPath('$nope', {}, { context: {}, variables: {} })).toEqual({ found: false });
  });

  it('tells null apart from a missing value', () => {
    expect(queryPath('$.a', { a: null })).toEqual({ found: true, value: null });
    expect(queryPath('$.b', { a: null })).toEqual({ found: false });
  });

  it('refuses text that is not a path', () => {
    expect(() => readPath('bicycle', store)).toThrowError(
      expect.objectContaining({ error: 'States.Runtime' }),
    );
    expect(() => readPath('$.book[', store)).toThrowError(
      expect.objectContaining({ error: 'States.Runtime' }),
    );
  });
});

describe('isReferencePath', () => {
  it('accepts paths that name one node and refuses indefinite ones', () => {
    expect(isReferencePath('$')).toBe(true);
    expect(isReferencePath("$.a['b'][0].c")).toBe(true);
    for (const path of ['$..a', '$.a[*]', '$.a[0:1]', '$.a[?(@.b)]', '$.a[0,1]', 'a']) {
      expect(isReferencePath(path)).toBe(false);
    }
  });
});

describe('writeResultPath', () => {
  const input = { comment: 'c', data: { val1: 23 } };

  it('replaces the input with the result for $ and when ResultPath is absent', () => {
    expect(writeResultPath('$', input, 'r')).toBe('r');
    expect(writeResultPath(undefined, input, 'r')).toBe('r');
  });

  it('discards the result and keeps the input for null', () => {
    expect(writeResultPath(null, input, 'r')).toBe(input);
  });

  it('inserts the result at the path without changing the original input', () => {
    expect(writeResultPath('$.data.result', input, 'r')).toEqual({
      comment: 'c',
      data: { val1: 23, result: 'r' },
    });
    expect(input).toEqual({ comment: 'c', data: { val1: 23 } });
  });

  it('creates missing intermediate objects', () => {
    expect(writeResultPath('$.a.b.c', {}, 1)).toEqual({ a: { b: { c: 1 } } });
  });

  it('overwrites an existing field', () => {
    expect(writeResultPath('$.comment', input, { new: true })).toEqual({
      comment: { new: true },
      data: { val1: 23 },
    });
  });

  it('writes into an existing array element', () => {
    expect(writeResultPath('$.list[1]', { list: [1, 2] }, 'x')).toEqual({ list: [1, 'x'] });
  });

  it('fails with States.ResultPathMatchFailure through a value that is not an object', () => {
    for (const [path, data] of [
      ['$.comment.x', input],
      ['$.x', 'a string input'],
      ['$.list[5]', { list: [] }],
    ] as const) {
      expect(() => writeResultPath(path, data, 1)).toThrowError(
        expect.objectContaining({ error: StatesErrorNames.ResultPathMatchFailure }),
      );
    }
  });

  it('refuses a ResultPath that is not a reference path', () => {
    expect(() => writeResultPath('$..a', {}, 1)).toThrowError(
      expect.objectContaining({ error: StatesErrorNames.ResultPathMatchFailure }),
    );
  });
});
