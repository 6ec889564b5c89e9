// The JSONPath that the States Language accepts (https://states-language.net/spec.html#path and
// https://docs.aws.amazon.com/step-functions/latest/dg/amazon-states-language-paths.html). AWS evaluates paths
// with Jayway JsonPath, so where the spec is silent we follow Jayway: a definite path (only names and single
// indexes) yields one value or nothing; an indefinite one (wildcards, `..`, slices, filters, unions) yields a
// list, possibly empty. Roots: `$` the data, `$$` the context object, `$name` a variable.

import { StatesError, StatesErrorNames } from './errors.ts';
import {
  type CompareOp,
  type FilterNode,
  type Operand,
  type ParsedPath,
  parsePath,
  type Root,
  type Segment,
} from './jsonpath-syntax.ts';
import { isPlainObject, jsonEquals, type PathScope } from './types.ts';

export { type ParsedPath, parsePath } from './jsonpath-syntax.ts';

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
