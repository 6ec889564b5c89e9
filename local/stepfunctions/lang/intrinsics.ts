// Intrinsic functions for JSONPath states (https://docs.aws.amazon.com/step-functions/latest/dg/intrinsic-functions.html):
// a tokenizer and a recursive-descent parser for `States.Name(arg, …)` with nested calls, string literals
// (escapes `\'` `\{` `\}` `\\`), numbers, booleans, null and paths as arguments, and the 18 functions.
// A violated argument rule is States.IntrinsicFailure with a cause that names the function and the rule.

import { createHash } from 'node:crypto';
import { StatesError, StatesErrorNames } from './errors.ts';
import { normalizedPath, queryPath } from './jsonpath.ts';
import { type EvalEnv, isPlainObject, jsonEquals, type PathScope } from './types.ts';

type Node =
  | { kind: 'literal'; value: unknown; formatParts?: string[] }
  | { kind: 'path'; path: string }
  | { kind: 'call'; name: string; args: Node[] };

type Token =
  | { kind: 'name'; text: string }
  | { kind: 'punct'; text: '(' | ')' | ',' }
  | { kind: 'string'; value: string; formatParts: string[] }
  | { kind: 'literal'; value: unknown }
  | { kind: 'path'; text: string };

/** "You can nest up to 10 intrinsic functions within a field" (intrinsic-functions.html). */
const MAX_NESTING = 10;

function failure(cause: string): StatesError {
  return new StatesError(StatesErrorNames.IntrinsicFailure, cause);
}

/** Whether a `.$` value is an intrinsic invocation rather than a path. */
export function isIntrinsic(value: string): boolean {
  return /^\s*States\.[A-Za-z0-9]+\s*\(/.test(value);
}

function tokenize(expression: string): Token[] {
  const tokens: Token[] = [];
  let pos = 0;
  const text = expression;
  while (pos < text.length) {
    const ch = text[pos] as string;
    if (/\s/.test(ch)) {
      pos++;
      continue;
    }
    if (ch === '(' || ch === ')' || ch === ',') {
      tokens.push({ kind: 'punct', text: ch });
      pos++;
      continue;
    }
    if (ch === "'") {
      // `formatParts` keeps the literal split at unescaped `{}`: States.Format fills only those, while `\{\}`
      // stays literal braces.
      let value = '';
      let part = '';
      const parts: string[] = [];
      pos++;
      let closed = false;
      while (pos < text.length) {
        const c = text[pos] as string;
        if (c === '\\') {
          const next = text[pos + 1];
          if (next === undefined || !"'{}\\".includes(next)) {
            throw failure(
              `Invalid escape sequence in the intrinsic function string literal at position ${pos}`,
            );
          }
          value += next;
          part += next;
          pos += 2;
          continue;
        }
        if (c === "'") {
          closed = true;
          pos++;
          break;
        }
        if (c === '{' && text[pos + 1] === '}') {
          parts.push(part);
          part = '';
          value += '{}';
          pos += 2;
          continue;
        }
        value += c;
        part += c;
        pos++;
      }
      if (!closed) throw failure('Unterminated string literal in the intrinsic function');
      parts.push(part);
      tokens.push({ kind: 'string', value, formatParts: parts });
      continue;
    }
    if (ch === '$') {
      // A path argument runs to the next `,` or `)` outside brackets, parentheses and quotes.
      const start = pos;
      let depth = 0;
      let quote: string | undefined;
      while (pos < text.length) {
        const c = text[pos] as string;
        if (quote) {
          if (c === '\\') pos++;
          else if (c === quote) quote = undefined;
        } else if (c === "'" || c === '"') quote = c;
        else if (c === '[' || c === '(') depth++;
        else if ((c === ']' || c === ')') && depth > 0) depth--;
        else if (depth === 0 && (c === ',' || c === ')')) break;
        pos++;
      }
      tokens.push({ kind: 'path', text: text.slice(start, pos).trim() });
      continue;
    }
    const number = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(pos));
    if (number) {
      tokens.push({ kind: 'literal', value: Number(number[0]) });
      pos += number[0].length;
      continue;
    }
    const word = /^[A-Za-z_][A-Za-z0-9_.]*/.exec(text.slice(pos));
    if (word) {
      const w = word[0];
      if (w === 'true' || w === 'false') tokens.push({ kind: 'literal', value: w === 'true' });
      else if (w === 'null') tokens.push({ kind: 'literal', value: null });
      else tokens.push({ kind: 'name', text: w });
      pos += w.length;
      continue;
    }
    throw failure(
      `Unexpected character '${ch}' at position ${pos} in the intrinsic function '${expression}'`,
    );
  }
  return tokens;
}

class Parser {
  private index = 0;
  private readonly tokens: Token[];
  private readonly expression: string;

  constructor(expression: string) {
    this.expression = expression;
    this.tokens = tokenize(expression);
  }

  parse(): Node {
    const node = this.parseCall(1);
    if (this.index < this.tokens.length) throw this.error('unexpected text after the closing parenthesis');
    return node;
  }

  private error(detail: string): StatesError {
    return failure(`Invalid intrinsic function '${this.expression}': ${detail}`);
  }

  private next(): Token | undefined {
    return this.tokens[this.index++];
  }

  private parseCall(depth: number): Node {
    if (depth > MAX_NESTING) throw this.error(`more than ${MAX_NESTING} nested intrinsic functions`);
    const name = this.next();
    if (name?.kind !== 'name' || !name.text.startsWith('States.'))
      throw this.error('expected States.<Function>(');
    const open = this.next();
    if (open?.kind !== 'punct' || open.text !== '(') throw this.error(`expected ( after ${name.text}`);
    const args: Node[] = [];
    const first = this.tokens[this.index];
    if (first?.kind === 'punct' && first.text === ')') {
      this.index++;
      return { kind: 'call', name: name.text, args };
    }
    for (;;) {
      args.push(this.parseArgument(depth));
      const sep = this.next();
      if (sep?.kind === 'punct' && sep.text === ')') return { kind: 'call', name: name.text, args };
      if (sep?.kind !== 'punct' || sep.text !== ',') throw this.error(`expected , or ) in ${name.text}`);
    }
  }

  private parseArgument(depth: number): Node {
    const token = this.tokens[this.index];
    switch (token?.kind) {
      case 'string':
        this.index++;
        return { kind: 'literal', value: token.value, formatParts: token.formatParts };
      case 'literal':
        this.index++;
        return { kind: 'literal', value: token.value };
      case 'path':
        this.index++;
        return { kind: 'path', path: token.text };
      case 'name':
        return this.parseCall(depth + 1);
      default:
        throw this.error('expected an argument');
    }
  }
}

const parsedCache = new Map<string, Node>();

function parseIntrinsic(expression: string): Node {
  let node = parsedCache.get(expression);
  if (!node) {
    node = new Parser(expression).parse();
    if (parsedCache.size > 5000) parsedCache.clear();
    parsedCache.set(expression, node);
  }
  return node;
}

interface Argument {
  value: unknown;
  /** Set for a string literal: its pieces around unescaped `{}`. */
  formatParts?: string[] | undefined;
}

/**
 * Evaluates an intrinsic invocation such as `States.Format('Hello {}', $.name)`. Paths in arguments read
 * `input` (`$`), the context object (`$$`) or variables (`$name`); a path that names nothing is States.Runtime,
 * like any other missing path. `env` supplies randomness for States.MathRandom (without a seed) and States.UUID.
 */
export function evaluateIntrinsic(
  expression: string,
  input: unknown,
  scope: PathScope,
  env: EvalEnv,
): unknown {
  return evaluateNode(parseIntrinsic(expression), input, scope, env).value;
}

function evaluateNode(node: Node, input: unknown, scope: PathScope, env: EvalEnv): Argument {
  switch (node.kind) {
    case 'literal':
      return { value: node.value, formatParts: node.formatParts };
    case 'path': {
      const result = queryPath(node.path, input, scope);
      if (!result.found) {
        throw new StatesError(
          StatesErrorNames.Runtime,
          `Invalid path '${node.path}' : No results for path: ${normalizedPath(node.path)}`,
        );
      }
      return { value: result.value };
    }
    case 'call': {
      const fn = FUNCTIONS[node.name];
      if (!fn) throw failure(`The intrinsic function ${node.name} is not supported`);
      const args = node.args.map((arg) => evaluateNode(arg, input, scope, env));
      return { value: fn(new Args(node.name, args), env) };
    }
  }
}

type JsonType = 'string' | 'number' | 'boolean' | 'null' | 'array' | 'object';

function jsonType(value: unknown): JsonType {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value as JsonType;
}

/** Argument access with the checks every function shares. */
class Args {
  readonly name: string;
  readonly list: Argument[];

  constructor(name: string, list: Argument[]) {
    this.name = name;
    this.list = list;
  }

  fail(detail: string): StatesError {
    return failure(`Invalid arguments in ${this.name}: ${detail}`);
  }

  count(min: number, max = min): void {
    const n = this.list.length;
    if (n < min || n > max) {
      const expected =
        min === max ? `${min}` : max === Number.POSITIVE_INFINITY ? `at least ${min}` : `${min} to ${max}`;
      throw this.fail(`expected ${expected} argument(s) but received ${n}`);
    }
  }

  value(i: number): unknown {
    return this.list[i]?.value;
  }

  typed<T>(i: number, type: JsonType): T {
    const value = this.value(i);
    if (jsonType(value) !== type) {
      throw this.fail(`argument ${i + 1} must be of type ${type} but was ${jsonType(value)}`);
    }
    return value as T;
  }

  string(i: number): string {
    return this.typed<string>(i, 'string');
  }

  array(i: number): unknown[] {
    return this.typed<unknown[]>(i, 'array');
  }

  integer(i: number): number {
    const value = this.typed<number>(i, 'number');
    if (!Number.isInteger(value)) throw this.fail(`argument ${i + 1} must be an integer but was ${value}`);
    return value;
  }

  /** MathAdd and MathRandom round a non-integer to the nearest integer instead of failing (intrinsic-functions.html). */
  rounded(i: number): number {
    const value = this.typed<number>(i, 'number');
    return Math.round(value);
  }
}

const HASH_ALGORITHMS: Readonly<Record<string, string>> = {
  MD5: 'md5',
  'SHA-1': 'sha1',
  'SHA-256': 'sha256',
  'SHA-384': 'sha384',
  'SHA-512': 'sha512',
};

/** Input limit for the Base64 and Hash functions ("can't exceed 10,000 characters"). */
const STRING_INPUT_LIMIT = 10_000;
const ARRAY_RANGE_LIMIT = 1000;
const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

/**
 * How States.Format prints a non-string value. AWS renders objects and arrays the way Java prints maps and
 * lists (`{Arg1=1, Arg2=[]}`), as recorded against AWS in LocalStack's validated snapshot
 * tests/aws/services/stepfunctions/v2/intrinsic_functions/test_generic.snapshot.json (test_format_2).
 */
function formatValue(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return `[${value.map(formatValue).join(', ')}]`;
  if (isPlainObject(value)) {
    return `{${Object.entries(value)
      .map(([k, v]) => `${k}=${formatValue(v)}`)
      .join(', ')}}`;
  }
  return String(value);
}

/** A small seeded generator (mulberry32) so that States.MathRandom with a seed and $random(seed) repeat. */
export function seededRandom(seed: number): number {
  let t = (Math.trunc(seed) + 0x6d2b79f5) | 0;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

export function hashHex(data: string, algorithm: string, fail: (detail: string) => StatesError): string {
  const nodeName = HASH_ALGORITHMS[algorithm];
  if (!nodeName) {
    throw fail(
      `the hashing algorithm '${algorithm}' is not supported; use one of ${Object.keys(HASH_ALGORITHMS).join(', ')}`,
    );
  }
  return createHash(nodeName).update(data, 'utf8').digest('hex');
}

/** Chunks an array (States.ArrayPartition and $partition). */
export function partition(array: readonly unknown[], size: number): unknown[][] {
  const out: unknown[][] = [];
  for (let i = 0; i < array.length; i += size) out.push(array.slice(i, i + size));
  return out;
}

/** start, start+step, … up to and including end (States.ArrayRange and $range). */
export function range(
  start: number,
  end: number,
  step: number,
  fail: (detail: string) => StatesError,
): number[] {
  const count = Math.floor((end - start) / step) + 1;
  if (count > ARRAY_RANGE_LIMIT) {
    throw fail(`the result would have ${count} items; the limit is ${ARRAY_RANGE_LIMIT}`);
  }
  return count <= 0 ? [] : Array.from({ length: count }, (_, i) => start + i * step);
}

const FUNCTIONS: Readonly<Record<string, (args: Args, env: EvalEnv) => unknown>> = {
  'States.Format'(args) {
    args.count(1, Number.POSITIVE_INFINITY);
    const template = args.string(0);
    const parts = args.list[0]?.formatParts ?? template.split('{}');
    const values = args.list.slice(1).map((a) => a.value);
    if (parts.length - 1 !== values.length) {
      throw args.fail(
        `the template has ${parts.length - 1} placeholder(s) {} but ${values.length} value argument(s) were given`,
      );
    }
    return parts.reduce((out, part, i) => out + (i === 0 ? '' : formatValue(values[i - 1])) + part, '');
  },

  'States.StringToJson'(args) {
    args.count(1);
    const text = args.string(0);
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw args.fail('argument 1 is not a valid JSON text');
    }
  },

  'States.JsonToString'(args) {
    args.count(1);
    return JSON.stringify(args.value(0));
  },

  'States.Array'(args) {
    return args.list.map((a) => a.value);
  },

  'States.ArrayPartition'(args) {
    args.count(2);
    const array = args.array(0);
    const size = args.integer(1);
    if (size <= 0) throw args.fail(`the chunk size must be a positive integer but was ${size}`);
    return partition(array, size);
  },

  'States.ArrayContains'(args) {
    args.count(2);
    const array = args.array(0);
    const wanted = args.value(1);
    return array.some((item) => jsonEquals(item, wanted));
  },

  'States.ArrayRange'(args) {
    args.count(3);
    const start = args.integer(0);
    const end = args.integer(1);
    const step = args.integer(2);
    if (step === 0) throw args.fail('the step (argument 3) must not be 0');
    return range(start, end, step, (detail) => args.fail(detail));
  },

  'States.ArrayGetItem'(args) {
    args.count(2);
    const array = args.array(0);
    const index = args.integer(1);
    if (index < 0 || index >= array.length) {
      throw args.fail(`index ${index} is out of bounds for an array of ${array.length} item(s)`);
    }
    return array[index];
  },

  'States.ArrayLength'(args) {
    args.count(1);
    return args.array(0).length;
  },

  'States.ArrayUnique'(args) {
    args.count(1);
    const out: unknown[] = [];
    for (const item of args.array(0)) if (!out.some((seen) => jsonEquals(seen, item))) out.push(item);
    return out;
  },

  'States.Base64Encode'(args) {
    args.count(1);
    const text = args.string(0);
    if (text.length > STRING_INPUT_LIMIT) {
      throw args.fail(`the input has ${text.length} characters; the limit is ${STRING_INPUT_LIMIT}`);
    }
    return Buffer.from(text, 'utf8').toString('base64');
  },

  'States.Base64Decode'(args) {
    args.count(1);
    const text = args.string(0);
    if (text.length > STRING_INPUT_LIMIT) {
      throw args.fail(`the input has ${text.length} characters; the limit is ${STRING_INPUT_LIMIT}`);
    }
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 === 1) {
      throw args.fail('argument 1 is not a valid Base64 string');
    }
    return Buffer.from(text, 'base64').toString('utf8');
  },

  'States.Hash'(args) {
    args.count(2);
    const data = args.string(0);
    const algorithm = args.string(1);
    if (data.length > STRING_INPUT_LIMIT) {
      throw args.fail(`the input has ${data.length} characters; the limit is ${STRING_INPUT_LIMIT}`);
    }
    return hashHex(data, algorithm, (detail) => args.fail(detail));
  },

  'States.JsonMerge'(args) {
    args.count(3);
    const left = args.typed<Record<string, unknown>>(0, 'object');
    const right = args.typed<Record<string, unknown>>(1, 'object');
    const deep = args.typed<boolean>(2, 'boolean');
    // Only the shallow mode exists: "you must specify the boolean value as false" (intrinsic-functions.html).
    if (deep) throw args.fail('deep merge is not supported; argument 3 must be false');
    return { ...left, ...right };
  },

  'States.MathRandom'(args, env) {
    args.count(2, 3);
    const start = args.rounded(0);
    const end = args.rounded(1);
    if (end <= start) throw args.fail(`the end (${end}) must be greater than the start (${start})`);
    const random = args.list.length === 3 ? seededRandom(args.rounded(2)) : env.random();
    // The start is inclusive and the end exclusive.
    return start + Math.floor(random * (end - start));
  },

  'States.MathAdd'(args) {
    args.count(2);
    const a = args.rounded(0);
    const b = args.rounded(1);
    for (const value of [a, b]) {
      if (value < INT32_MIN || value > INT32_MAX) {
        throw args.fail(`${value} is outside the range ${INT32_MIN} to ${INT32_MAX}`);
      }
    }
    return a + b;
  },

  'States.StringSplit'(args) {
    args.count(2);
    const text = args.string(0);
    const delimiters = args.string(1);
    // Every character of the second argument is a delimiter and empty pieces are dropped: AWS splits
    // "This.is+a,test=string" on ".+," into five words and ",,,," on "," into [] (LocalStack's AWS-validated
    // snapshot tests/aws/services/stepfunctions/v2/intrinsic_functions/test_string_operations.snapshot.json).
    const out: string[] = [];
    let piece = '';
    for (const ch of text) {
      if (delimiters.includes(ch)) {
        if (piece !== '') out.push(piece);
        piece = '';
      } else piece += ch;
    }
    if (piece !== '') out.push(piece);
    return out;
  },

  'States.UUID'(args, env) {
    args.count(0);
    return env.uuid();
  },
};

/** The names of the supported intrinsic functions. */
export const INTRINSIC_FUNCTIONS: readonly string[] = Object.freeze(Object.keys(FUNCTIONS));
