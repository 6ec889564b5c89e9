// Reading a plan: YAML text → validated, frozen Plan, or every problem with its path and line. Never throws on
// any text: syntax errors, wrong shapes and broken cross-references all come back as problems.
import { readFile } from 'node:fs/promises';
import { type Document, isAlias, isMap, isScalar, isSeq, LineCounter, type Node, parseDocument } from 'yaml';
import { formatPath } from './rules.ts';
import type { Plan } from './schema.ts';
import { InvalidPlanError, type Problem, planLocaleOf, validateRaw } from './validate.ts';

export * from './validate.ts';

export type ParseResult =
  | { ok: true; plan: Plan; source?: string }
  | { ok: false; problems: Problem[]; source?: string; locale: PlanLocale };

type PlanLocale = 'zh-CN' | 'en';

/** The language of a plan that may not parse: its `locale: en` line, else zh-CN (the schema's first). */
export function localeOfText(text: string): PlanLocale {
  return /^\s+locale:\s*["']?en["']?\s*(#.*)?$/m.test(text) ? 'en' : 'zh-CN';
}

/** The plan file could not be read at all (missing, a folder, no permission). */
export class PlanFileError extends Error {
  readonly path: string;
  constructor(path: string, message: string) {
    super(message);
    this.name = 'PlanFileError';
    this.path = path;
  }
}

const MAX_YAML_ERRORS = 20;

/** Parses and validates plan YAML. `source` (a file name) is echoed back for the caller's messages. */
export function parsePlan(text: string, source?: string): ParseResult {
  const withSource = <T extends object>(r: T) => (source === undefined ? r : { ...r, source });
  let locale: PlanLocale = 'zh-CN';
  try {
    if (typeof text !== 'string') {
      return withSource({
        ok: false,
        locale,
        problems: [{ path: '', message: 'the plan must be text (YAML)', zh: '方案必须是文字（YAML）' }],
      });
    }
    locale = localeOfText(text);
    const lines = new LineCounter();
    const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
    const lineAt = (offset: number) => Math.max(1, lines.linePos(offset).line);
    if (doc.errors.length === 0 && doc.contents === null) {
      const message = 'the file is empty: a plan starts with "programme:"; copy plans/sample.yaml to begin';
      const zh = '文件是空的：方案以“programme:”开头；可以复制 plans/sample.yaml 开始';
      return withSource({ ok: false, locale, problems: [{ path: '', message, zh, line: 1 }] });
    }
    if (doc.errors.length > 0) {
      // Later syntax errors are mostly echoes of the first ones; a hostile file could have thousands.
      const problems: Problem[] = doc.errors.slice(0, MAX_YAML_ERRORS).map((error) => {
        const path = pathAtOffset(doc.contents, error.pos[0]);
        return {
          path: formatPath(path),
          ...yamlMessage(error.code, error.message),
          line: lineAt(error.pos[0]),
        };
      });
      if (doc.errors.length > MAX_YAML_ERRORS) {
        const more = doc.errors.length - MAX_YAML_ERRORS;
        // The line where the errors not listed begin, so every problem of a refusal points into the file.
        const firstOmitted = doc.errors[MAX_YAML_ERRORS] as (typeof doc.errors)[number];
        problems.push({
          path: '',
          message: `… and ${more} more YAML syntax errors: fix the ones above first`,
          zh: `……另有 ${more} 处 YAML 语法错误：请先改正上面的`,
          line: lineAt(firstOmitted.pos[0]),
        });
      }
      return withSource({ ok: false, locale, problems: sortByLine(problems) });
    }
    let data: unknown;
    try {
      data = doc.toJS({ maxAliasCount: 1000 });
    } catch (error) {
      // toJS refuses alias bombs (billion laughs) and circular aliases it cannot build.
      const message = error instanceof Error ? error.message : String(error);
      return withSource({
        ok: false,
        locale,
        problems: [
          {
            path: '',
            message: `the YAML cannot be read: ${message}`,
            zh: `无法读取 YAML：${message}`,
            line: 1,
          },
        ],
      });
    }
    const result = validateRaw(data);
    if (result.ok) return withSource(result);
    const problems = result.problems.map((p) => ({
      path: formatPath(p.path),
      message: p.message,
      ...(p.zh ? { zh: p.zh } : {}),
      line: lineOfPath(doc, p.path, lineAt),
    }));
    return withSource({ ok: false, locale: planLocaleOf(data), problems: sortByLine(problems) });
  } catch (error) {
    // A last resort: a bug here must still come back as a problem, never as an exception to the caller.
    const message = error instanceof Error ? error.message : String(error);
    return withSource({
      ok: false,
      locale,
      problems: [
        { path: '', message: `the plan could not be checked: ${message}`, zh: `无法检查方案：${message}` },
      ],
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
  if (!result.ok) throw new InvalidPlanError(path, result.problems, result.locale);
  return result.plan;
}

function sortByLine(problems: Problem[]): Problem[] {
  return problems
    .map((p, i) => ({ p, i }))
    .sort(
      (a, b) => (a.p.line ?? Number.POSITIVE_INFINITY) - (b.p.line ?? Number.POSITIVE_INFINITY) || a.i - b.i,
    )
    .map(({ p }) => p);
}

function yamlMessage(code: string, message: string): { message: string; zh: string } {
  switch (code) {
    case 'DUPLICATE_KEY':
      return {
        message: 'this field is written twice in the same section: keep one',
        zh: '同一节中这一项写了两次：只保留一个',
      };
    case 'MULTIPLE_DOCS':
      return {
        message: 'the file holds more than one YAML document (a second "---"): a plan is one document',
        zh: '文件中有多个 YAML 文档（第二个“---”）：一个方案只能是一个文档',
      };
    case 'TAB_AS_INDENT':
      return { message: 'a tab is used to indent: YAML needs spaces', zh: '用了制表符缩进：YAML 需要用空格' };
    default:
      return {
        message: `YAML syntax error: ${message.split('\n')[0]}`,
        zh: `YAML 语法错误：${message.split('\n')[0]}`,
      };
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
