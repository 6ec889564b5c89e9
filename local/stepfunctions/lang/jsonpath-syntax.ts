// The syntax of the States Language's JSONPath (jsonpath.ts evaluates it): paths with their roots and
// segments, and Jayway's filter expressions, parsed once into a tree and cached by their text.

import { StatesError, StatesErrorNames } from './errors.ts';

export type Root = { kind: 'data' } | { kind: 'context' } | { kind: 'variable'; name: string };

export type Segment =
  | { kind: 'names'; names: string[]; deep: boolean }
  | { kind: 'indexes'; indexes: number[]; deep: boolean }
  | { kind: 'wildcard'; deep: boolean }
  | { kind: 'slice'; start: number | undefined; end: number | undefined; step: number; deep: boolean }
  | { kind: 'filter'; predicate: FilterNode; deep: boolean }
  | { kind: 'length' };

export type FilterNode =
  | { kind: 'or' | 'and'; left: FilterNode; right: FilterNode }
  | { kind: 'not'; operand: FilterNode }
  | { kind: 'compare'; op: CompareOp; left: Operand; right: Operand }
  | { kind: 'exists'; operand: Operand };

export type CompareOp = '==' | '!=' | '<' | '<=' | '>' | '>=' | '=~' | 'in' | 'nin';

export type Operand =
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
