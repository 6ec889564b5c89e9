// The JSONPath that the States Language accepts (https://states-language.net/spec.html#path and
// https://docs.aws.amazon.com/step-functions/latest/dg/amazon-states-language-paths.html). AWS evaluates paths
// with Jayway JsonPath, so where the spec is silent we follow Jayway: a definite path (only names and single
// indexes) yields one value or nothing; an indefinite one (wildcards, `..`, slices, filters, unions) yields a
// list, possibly empty. Roots: `$` the data, `$$` the context object, `$name` a variable.

import { StatesError, StatesErrorNames } from './errors.ts';
import { isPlainObject, jsonEquals, type PathScope } from './types.ts';

type Root = { kind: 'data' } | { kind: 'context' } | { kind: 'variable'; name: string };

type Segment =
  | { kind: 'names'; names: string[]; deep: boolean }
  | { kind: 'indexes'; indexes: number[]; deep: boolean }
  | { kind: 'wildcard'; deep: boolean }
  | { kind: 'slice'; start: number | undefined; end: number | undefined; step: number; deep: boolean }
  | { kind: 'filter'; predicate: FilterNode; deep: boolean }
  | { kind: 'length' };

type FilterNode =
  | { kind: 'or' | 'and'; left: FilterNode; right: FilterNode }
  | { kind: 'not'; operand: FilterNode }
  | { kind: 'compare'; op: CompareOp; left: Operand; right: Operand }
  | { kind: 'exists'; operand: Operand };

type CompareOp = '==' | '!=' | '<' | '<=' | '>' | '>=' | '=~' | 'in' | 'nin';

type Operand =
  | { kind: 'literal'; value: unknown }
  | { kind: 'regex'; regex: RegExp }
  | { kind: 'path'; relative: boolean; path: ParsedPath };

export interface ParsedPath {
  readonly source: string;
  readonly root: Root;
  readonly segments: readonly Segment[];
  /** Only names and single indexes: the path names at most one node. */
  readonly definite: boolean;
}

class PathSyntaxError extends Error {
  constructor(path: string, detail: string) {
    super(`Invalid path '${path}': ${detail}`);
    this.name = 'PathSyntaxError';
  }
}

const cache = new Map<string, ParsedPath>();
const CACHE_LIMIT = 10_000;

/** Parses (and caches) a path. Throws StatesError States.Runtime when the text is not a path. */
export function parsePath(path: string): ParsedPath {
  const cached = cache.get(path);
  if (cached) return cached;
  let parsed: ParsedPath;
  try {
    parsed = new PathParser(path).parse();
  } catch (error) {
    if (error instanceof PathSyntaxError) throw new StatesError(StatesErrorNames.Runtime, error.message);
    throw error;
  }
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(path, parsed);
  return parsed;
}

const VARIABLE_START = /[\p{L}_]/u;
const VARIABLE_PART = /[\p{L}\p{N}_]/u;

class PathParser {
  private pos = 0;
  private readonly text: string;

  constructor(text: string) {
    this.text = text;
  }

  parse(): ParsedPath {
    const root = this.parseRoot();
    const segments: Segment[] = [];
    while (this.pos < this.text.length) segments.push(this.parseSegment());
    const definite = segments.every(
      (s) =>
        (s.kind === 'names' && !s.deep && s.names.length === 1) ||
        (s.kind === 'indexes' && !s.deep && s.indexes.length === 1) ||
        s.kind === 'length',
    );
    return { source: this.text, root, segments, definite };
  }

  private fail(detail: string): never {
    throw new PathSyntaxError(this.text, detail);
  }

  private parseRoot(): Root {
    const t = this.text;
    if (t[0] !== '$') this.fail('a path starts with $');
    if (t[1] === '$') {
      this.pos = 2;
      return { kind: 'context' };
    }
    if (t[1] !== undefined && VARIABLE_START.test(t[1])) {
      let end = 2;
      while (end < t.length && VARIABLE_PART.test(t[end] as string)) end++;
      this.pos = end;
      return { kind: 'variable', name: t.slice(1, end) };
    }
    this.pos = 1;
    return { kind: 'data' };
  }

  private parseSegment(): Segment {
    const t = this.text;
    if (t.startsWith('..', this.pos)) {
      this.pos += 2;
      if (t[this.pos] === '*') {
        this.pos++;
        return { kind: 'wildcard', deep: true };
      }
      if (t[this.pos] === '[') return this.parseBracket(true);
      return { kind: 'names', names: [this.parseName()], deep: true };
    }
    if (t[this.pos] === '.') {
      this.pos++;
      if (t[this.pos] === '*') {
        this.pos++;
        return { kind: 'wildcard', deep: false };
      }
      if (t.startsWith('length()', this.pos) && this.pos + 8 === t.length) {
        this.pos += 8;
        return { kind: 'length' };
      }
      return { kind: 'names', names: [this.parseName()], deep: false };
    }
    if (t[this.pos] === '[') return this.parseBracket(false);
    return this.fail(`unexpected '${t[this.pos]}' at position ${this.pos}`);
  }

  /** A dot-notation member name runs to the next `.` or `[` (Jayway accepts most other characters). */
  private parseName(): string {
    const start = this.pos;
    while (this.pos < this.text.length && !'.['.includes(this.text[this.pos] as string)) this.pos++;
    if (this.pos === start) this.fail(`empty member name at position ${start}`);
    const name = this.text.slice(start, this.pos);
    if (/[\s()'"\]]/.test(name)) this.fail(`invalid member name '${name}'`);
    return name;
  }

  private skipSpaces(): void {
    while (this.text[this.pos] === ' ') this.pos++;
  }

  private expect(char: string): void {
    this.skipSpaces();
    if (this.text[this.pos] !== char) this.fail(`expected '${char}' at position ${this.pos}`);
    this.pos++;
  }

  private parseBracket(deep: boolean): Segment {
    this.pos++; // [
    this.skipSpaces();
    const c = this.text[this.pos];
    if (c === '*') {
      this.pos++;
      this.expect(']');
      return { kind: 'wildcard', deep };
    }
    if (c === "'" || c === '"') {
      const names = [this.parseQuoted()];
      this.skipSpaces();
      while (this.text[this.pos] === ',') {
        this.pos++;
        this.skipSpaces();
        names.push(this.parseQuoted());
        this.skipSpaces();
      }
      this.expect(']');
      return { kind: 'names', names, deep };
    }
    if (c === '?') {
      this.pos++;
      this.expect('(');
      const body = this.takeBalanced();
      this.expect(']');
      return { kind: 'filter', predicate: new FilterParser(body, this.text).parse(), deep };
    }
    // indexes or a slice
    const close = this.text.indexOf(']', this.pos);
    if (close < 0) this.fail('unclosed [');
    const body = this.text.slice(this.pos, close).replaceAll(' ', '');
    this.pos = close + 1;
    if (body.includes(':')) {
      const parts = body.split(':');
      if (parts.length > 3) this.fail(`invalid slice [${body}]`);
      const [start, end, step] = parts.map((p) => (p === '' ? undefined : this.toInt(p)));
      if (step === 0) this.fail('slice step cannot be 0');
      return { kind: 'slice', start, end, step: step ?? 1, deep };
    }
    return { kind: 'indexes', indexes: body.split(',').map((p) => this.toInt(p)), deep };
  }

  private toInt(text: string): number {
    if (!/^-?\d+$/.test(text)) this.fail(`'${text}' is not an array index`);
    return Number(text);
  }

  private parseQuoted(): string {
    const quote = this.text[this.pos];
    let value = '';
    this.pos++;
    while (this.pos < this.text.length) {
      const ch = this.text[this.pos] as string;
      if (ch === '\\' && this.pos + 1 < this.text.length) {
        value += this.text[this.pos + 1];
        this.pos += 2;
        continue;
      }
      if (ch === quote) {
        this.pos++;
        return value;
      }
      value += ch;
      this.pos++;
    }
    return this.fail('unterminated quoted name');
  }

  /** Reads up to the `)` that closes an already opened `(`, respecting quotes and nesting. */
  private takeBalanced(): string {
    const start = this.pos;
    let depth = 1;
    let quote: string | undefined;
    while (this.pos < this.text.length) {
      const ch = this.text[this.pos] as string;
      if (quote) {
        if (ch === '\\') this.pos++;
        else if (ch === quote) quote = undefined;
      } else if (ch === "'" || ch === '"') quote = ch;
      else if (ch === '(') depth++;
      else if (ch === ')') {
        depth--;
        if (depth === 0) {
          const body = this.text.slice(start, this.pos);
          this.pos++;
          return body;
        }
      }
      this.pos++;
    }
    return this.fail('unclosed filter expression');
  }
}

/** Filter expressions as Jayway reads them: comparisons of `@`/`$` paths and literals, `&&`, `||`, `!`. */
class FilterParser {
  private pos = 0;
  private readonly text: string;
  private readonly path: string;

  constructor(text: string, path: string) {
    this.text = text;
    this.path = path;
  }

  parse(): FilterNode {
    const node = this.parseOr();
    this.skipSpaces();
    if (this.pos < this.text.length) this.fail(`unexpected '${this.text.slice(this.pos)}'`);
    return node;
  }

  private fail(detail: string): never {
    throw new PathSyntaxError(this.path, `filter: ${detail}`);
  }

  private skipSpaces(): void {
    while (/\s/.test(this.text[this.pos] ?? '')) this.pos++;
  }

  private eat(token: string): boolean {
    this.skipSpaces();
    if (this.text.startsWith(token, this.pos)) {
      this.pos += token.length;
      return true;
    }
    return false;
  }

  private parseOr(): FilterNode {
    let left = this.parseAnd();
    while (this.eat('||')) left = { kind: 'or', left, right: this.parseAnd() };
    return left;
  }

  private parseAnd(): FilterNode {
    let left = this.parseUnary();
    while (this.eat('&&')) left = { kind: 'and', left, right: this.parseUnary() };
    return left;
  }

  private parseUnary(): FilterNode {
    this.skipSpaces();
    if (this.text[this.pos] === '!' && this.text[this.pos + 1] !== '=') {
      this.pos++;
      return { kind: 'not', operand: this.parseUnary() };
    }
    if (this.text[this.pos] === '(') {
      this.pos++;
      const inner = this.parseOr();
      if (!this.eat(')')) this.fail('missing )');
      return inner;
    }
    const left = this.parseOperand();
    this.skipSpaces();
    const op = this.parseOperator();
    if (!op) return { kind: 'exists', operand: left };
    const right = this.parseOperand();
    return { kind: 'compare', op, left, right };
  }

  private parseOperator(): CompareOp | undefined {
    for (const op of ['==', '!=', '<=', '>=', '=~', '<', '>'] as const) {
      if (this.text.startsWith(op, this.pos)) {
        this.pos += op.length;
        return op;
      }
    }
    for (const op of ['nin', 'in'] as const) {
      if (new RegExp(`^${op}\\b`).test(this.text.slice(this.pos))) {
        this.pos += op.length;
        return op;
      }
    }
    return undefined;
  }

  private parseOperand(): Operand {
    this.skipSpaces();
    const t = this.text;
    const c = t[this.pos];
    if (c === '@' || c === '$') {
      const start = this.pos;
      this.pos++;
      let depth = 0;
      let quote: string | undefined;
      while (this.pos < t.length) {
        const ch = t[this.pos] as string;
        if (quote) {
          if (ch === '\\') this.pos++;
          else if (ch === quote) quote = undefined;
        } else if (ch === "'" || ch === '"') quote = ch;
        else if (ch === '[' || ch === '(') depth++;
        else if (ch === ']' || (ch === ')' && depth > 0)) depth--;
        else if (depth === 0 && /[\s=!<>&|)]/.test(ch)) break;
        this.pos++;
      }
      const text = t.slice(start, this.pos);
      const relative = c === '@';
      return { kind: 'path', relative, path: parsePath(relative ? `$${text.slice(1)}` : text) };
    }
    if (c === "'" || c === '"') return { kind: 'literal', value: this.parseString() };
    if (c === '/') {
      const end = t.lastIndexOf('/');
      if (end <= this.pos) this.fail('unterminated regular expression');
      const flags = /^[a-z]*/.exec(t.slice(end + 1))?.[0] ?? '';
      const regex = new RegExp(t.slice(this.pos + 1, end), flags.replace(/[^imsu]/g, ''));
      this.pos = end + 1 + flags.length;
      return { kind: 'regex', regex };
    }
    if (c === '[') {
      const end = t.indexOf(']', this.pos);
      if (end < 0) this.fail('unterminated array');
      const items = JSON.parse(t.slice(this.pos, end + 1).replaceAll("'", '"')) as unknown;
      this.pos = end + 1;
      return { kind: 'literal', value: items };
    }
    const word = /^(-?\d+(\.\d+)?([eE][+-]?\d+)?|true|false|null)/.exec(t.slice(this.pos));
    if (!word) this.fail(`unexpected '${t.slice(this.pos)}'`);
    this.pos += word[0].length;
    return { kind: 'literal', value: JSON.parse(word[0]) };
  }

  private parseString(): string {
    const quote = this.text[this.pos];
    let value = '';
    this.pos++;
    while (this.pos < this.text.length) {
      const ch = this.text[this.pos] as string;
      if (ch === '\\') {
        value += this.text[this.pos + 1] ?? '';
        this.pos += 2;
        continue;
      }
      this.pos++;
      if (ch === quote) return value;
      value += ch;
    }
    return this.fail('unterminated string');
  }
}

// ---------------------------------------------------------------------------------------------------------
// Evaluation

const MISSING: unique symbol = Symbol('missing');

function children(node: unknown): unknown[] {
  if (Array.isArray(node)) return node;
  if (isPlainObject(node)) return Object.values(node);
  return [];
}

/** The node and every node below it, in document order (Jayway's deep scan). */
function descendantsAndSelf(node: unknown, out: unknown[] = []): unknown[] {
  out.push(node);
  for (const child of children(node)) descendantsAndSelf(child, out);
  return out;
}

function normalizeIndex(index: number, length: number): number {
  return index < 0 ? length + index : index;
}

function applyShallow(
  segment: Segment,
  node: unknown,
  scope: PathScope | undefined,
  root: unknown,
): unknown[] {
  switch (segment.kind) {
    case 'names':
      if (!isPlainObject(node)) return [];
      return segment.names.filter((name) => Object.hasOwn(node, name)).map((name) => node[name]);
    case 'indexes': {
      if (!Array.isArray(node)) return [];
      const out: unknown[] = [];
      for (const index of segment.indexes) {
        const i = normalizeIndex(index, node.length);
        if (i >= 0 && i < node.length) out.push(node[i]);
      }
      return out;
    }
    case 'wildcard':
      return children(node);
    case 'slice': {
      if (!Array.isArray(node)) return [];
      const len = node.length;
      const clamp = (value: number) => Math.min(Math.max(normalizeIndex(value, len), 0), len);
      const out: unknown[] = [];
      if (segment.step > 0) {
        const start = segment.start === undefined ? 0 : clamp(segment.start);
        const end = segment.end === undefined ? len : clamp(segment.end);
        for (let i = start; i < end; i += segment.step) out.push(node[i]);
      } else {
        const start = segment.start === undefined ? len - 1 : Math.min(clamp(segment.start), len - 1);
        const end = segment.end === undefined ? -1 : clamp(segment.end);
        const stride = -segment.step;
        for (let i = start; i > end; i -= stride) out.push(node[i]);
      }
      return out;
    }
    case 'filter':
      // Jayway applies a filter to each element of an array, and to an object as a whole.
      if (Array.isArray(node)) return node.filter((item) => testFilter(segment.predicate, item, scope, root));
      if (isPlainObject(node)) return testFilter(segment.predicate, node, scope, root) ? [node] : [];
      return [];
    case 'length':
      if (Array.isArray(node)) return [node.length];
      if (typeof node === 'string') return [node.length];
      if (isPlainObject(node)) return [Object.keys(node).length];
      return [];
  }
}

function applySegment(
  segment: Segment,
  nodes: unknown[],
  scope: PathScope | undefined,
  root: unknown,
): unknown[] {
  const out: unknown[] = [];
  for (const node of nodes) {
    if (segment.kind !== 'length' && segment.deep) {
      for (const candidate of descendantsAndSelf(node)) {
        // `..name` and `..[?()]` look at every node; `..*` takes every descendant, not the node itself.
        if (segment.kind === 'wildcard') out.push(...children(candidate));
        else out.push(...applyShallow(segment, candidate, scope, root));
      }
    } else out.push(...applyShallow(segment, node, scope, root));
  }
  return out;
}

function rootValue(root: Root, data: unknown, scope: PathScope | undefined): unknown | typeof MISSING {
  switch (root.kind) {
    case 'data':
      return data;
    case 'context':
      return scope === undefined ? MISSING : scope.context;
    case 'variable': {
      const variables = scope?.variables;
      return variables !== undefined && Object.hasOwn(variables, root.name) ? variables[root.name] : MISSING;
    }
  }
}

export type PathResult = { found: true; value: unknown } | { found: false };

/** Evaluates a parsed path: a definite path yields its value or `found: false`, an indefinite one a list. */
export function evaluateParsedPath(parsed: ParsedPath, data: unknown, scope?: PathScope): PathResult {
  const start = rootValue(parsed.root, data, scope);
  if (start === MISSING) return { found: false };
  let nodes = [start];
  for (const segment of parsed.segments) nodes = applySegment(segment, nodes, scope, start);
  if (parsed.definite) return nodes.length === 0 ? { found: false } : { found: true, value: nodes[0] };
  return { found: true, value: nodes };
}

/** Evaluates a path without throwing when it names nothing. */
export function queryPath(path: string, data: unknown, scope?: PathScope): PathResult {
  return evaluateParsedPath(parsePath(path), data, scope);
}

/** `$['a']['b'][0]`: the form Jayway prints in "No results for path" messages. */
export function normalizedPath(path: string): string {
  const parsed = parsePath(path);
  const root =
    parsed.root.kind === 'context' ? '$$' : parsed.root.kind === 'variable' ? `$${parsed.root.name}` : '$';
  return (
    root +
    parsed.segments
      .map((s) => {
        switch (s.kind) {
          case 'names':
            return `${s.deep ? '..' : ''}[${s.names.map((n) => `'${n}'`).join(',')}]`;
          case 'indexes':
            return `${s.deep ? '..' : ''}[${s.indexes.join(',')}]`;
          case 'wildcard':
            return s.deep ? '..[*]' : '[*]';
          case 'slice':
            return `${s.deep ? '..' : ''}[${s.start ?? ''}:${s.end ?? ''}]`;
          case 'filter':
            return `${s.deep ? '..' : ''}[?]`;
          default:
            return '.length()';
        }
      })
      .join('')
  );
}

/**
 * Reads a path for InputPath, OutputPath, ItemsPath, a Choice Variable and the like. A definite path yields
 * the value; an indefinite path yields an array of matches. A definite path that names nothing is
 * States.Runtime, with Jayway's wording as AWS reports it ("Invalid path '$.x' : No results for path: $['x']").
 */
export function readPath(path: string, data: unknown, scope?: PathScope): unknown {
  const result = queryPath(path, data, scope);
  if (!result.found) {
    throw new StatesError(
      StatesErrorNames.Runtime,
      `Invalid path '${path}' : No results for path: ${normalizedPath(path)}`,
    );
  }
  return result.value;
}

/** Whether `value` looks like a path (a string starting with `$`), as opposed to an intrinsic function. */
export function isPath(value: unknown): value is string {
  return typeof value === 'string' && value.startsWith('$');
}

/** A reference path names a single node: only names and single non-negative indexes, no `..` or filters. */
export function isReferencePath(path: string): boolean {
  try {
    const parsed = parsePath(path);
    return parsed.segments.every(
      (s) =>
        (s.kind === 'names' && !s.deep && s.names.length === 1) ||
        (s.kind === 'indexes' && !s.deep && s.indexes.length === 1 && (s.indexes[0] as number) >= 0),
    );
  } catch {
    return false;
  }
}

function resultPathFailure(path: string, detail: string): StatesError {
  return new StatesError(
    StatesErrorNames.ResultPathMatchFailure,
    `Unable to apply ResultPath '${path}' to the state input: ${detail}`,
  );
}

/**
 * Applies ResultPath (https://docs.aws.amazon.com/step-functions/latest/dg/input-output-resultpath.html):
 * absent (undefined) or `$` → the result replaces the input; `null` → the result is discarded and the input
 * passes through; otherwise the result is written at the reference path inside a copy of the input, creating
 * intermediate objects. A path through a non-object (or an index outside an array) is
 * States.ResultPathMatchFailure. `input` is never modified.
 */
export function writeResultPath(path: string | null | undefined, input: unknown, result: unknown): unknown {
  if (path === undefined || path === '$') return result;
  if (path === null) return input;
  if (!isReferencePath(path)) throw resultPathFailure(path, 'ResultPath must be a reference path');
  const parsed = parsePath(path);
  if (parsed.root.kind !== 'data') throw resultPathFailure(path, 'ResultPath must start with $.');
  if (parsed.segments.length === 0) return result;
  const output = structuredClone(input);
  let node: unknown = output;
  const segments = parsed.segments;
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i] as Segment;
    const last = i === segments.length - 1;
    if (segment.kind === 'names') {
      const name = segment.names[0] as string;
      if (!isPlainObject(node)) {
        throw resultPathFailure(path, `the value at step ${i + 1} ('${name}') is not inside a JSON object`);
      }
      if (last) node[name] = result;
      else {
        if (!Object.hasOwn(node, name) || node[name] === null) node[name] = {};
        node = node[name];
      }
    } else if (segment.kind === 'indexes') {
      const index = segment.indexes[0] as number;
      if (!Array.isArray(node) || index >= node.length) {
        throw resultPathFailure(path, `index [${index}] does not exist in the input`);
      }
      if (last) node[index] = result;
      else node = node[index];
    }
  }
  return output;
}

// ---------------------------------------------------------------------------------------------------------
// Filters

function operandValue(
  operand: Operand,
  current: unknown,
  scope: PathScope | undefined,
  root: unknown,
): unknown | typeof MISSING {
  switch (operand.kind) {
    case 'literal':
      return operand.value;
    case 'regex':
      return operand.regex;
    case 'path': {
      const base = operand.relative ? current : root;
      const result = operand.relative
        ? evaluateParsedPath(operand.path, base)
        : evaluateParsedPath(operand.path, root, scope);
      return result.found ? result.value : MISSING;
    }
  }
}

function compareValues(op: CompareOp, left: unknown, right: unknown): boolean {
  switch (op) {
    case '==':
      return sameValue(left, right);
    case '!=':
      return !sameValue(left, right);
    case '<':
    case '<=':
    case '>':
    case '>=': {
      const comparable =
        (typeof left === 'number' && typeof right === 'number') ||
        (typeof left === 'string' && typeof right === 'string');
      if (!comparable) return false;
      const l = left as number | string;
      const r = right as number | string;
      return op === '<' ? l < r : op === '<=' ? l <= r : op === '>' ? l > r : l >= r;
    }
    case '=~':
      return typeof left === 'string' && right instanceof RegExp && right.test(left);
    case 'in':
      return Array.isArray(right) && right.some((item) => sameValue(left, item));
    case 'nin':
      return Array.isArray(right) && !right.some((item) => sameValue(left, item));
  }
}

const sameValue = jsonEquals;

function testFilter(
  node: FilterNode,
  current: unknown,
  scope: PathScope | undefined,
  root: unknown,
): boolean {
  switch (node.kind) {
    case 'or':
      return testFilter(node.left, current, scope, root) || testFilter(node.right, current, scope, root);
    case 'and':
      return testFilter(node.left, current, scope, root) && testFilter(node.right, current, scope, root);
    case 'not':
      return !testFilter(node.operand, current, scope, root);
    case 'exists': {
      const value = operandValue(node.operand, current, scope, root);
      if (value === MISSING) return false;
      return node.operand.kind === 'path' ? true : Boolean(value);
    }
    case 'compare': {
      const left = operandValue(node.left, current, scope, root);
      const right = operandValue(node.right, current, scope, root);
      if (left === MISSING || right === MISSING) return false;
      return compareValues(node.op, left, right);
    }
  }
}
