// Validating a plan that is already parsed (JSON, an object): the schema, and every problem with its path in
// words a clerk can act on. No YAML here, so functions that only re-validate a stored plan do not bundle a parser.
import * as z from 'zod';
import { closest, formatPath } from './rules.ts';
import { type Plan, PlanSchema, PlanShapeSchema } from './schema.ts';

/**
 * One thing wrong with a plan: where (`pilots[3].contacts[0].email`), what and how to fix it (in English, and
 * in Chinese as `zh` where the validator has it), and the line.
 */
export interface Problem {
  path: string;
  message: string;
  zh?: string;
  line?: number;
}

export type ValidationResult = { ok: true; plan: Plan } | { ok: false; problems: Problem[] };

/** A plan that does not validate, for callers that need a Plan or nothing. */
export class InvalidPlanError extends Error {
  readonly problems: Problem[];
  /** The message in the plan's language (`locale`), English unless told. */
  constructor(source: string, problems: Problem[], locale: 'zh-CN' | 'en' = 'en') {
    super(
      `${problemCount(source, problems.length, locale)}\n${problems.map((p) => formatProblem(p, locale)).join('\n')}`,
    );
    this.name = 'InvalidPlanError';
    this.problems = problems;
  }
}

export interface RawProblem {
  path: PropertyKey[];
  message: string;
  zh?: string;
}

/** Validates an already-parsed value (JSON from an API, an object in a test). Problems carry no lines. */
export function validatePlan(data: unknown): ValidationResult {
  const raw = validateRaw(data);
  if (raw.ok) return raw;
  return {
    ok: false,
    problems: raw.problems.map((p) => ({
      path: formatPath(p.path),
      message: p.message,
      ...(p.zh ? { zh: p.zh } : {}),
    })),
  };
}

/**
 * `pilots[3].contacts[0].email: not an e-mail address (line 87)`; the whole plan shows as `(plan)`. In Chinese
 * (`zh-CN`, a zh-CN plan's language): `pilots[3].contacts[0].email：不是电子邮箱地址（第 87 行）`.
 */
export function formatProblem(problem: Problem, locale: 'zh-CN' | 'en' = 'en'): string {
  if (locale === 'zh-CN') {
    return `${problem.path || '（方案）'}：${problem.zh ?? problem.message}${problem.line === undefined ? '' : `（第 ${problem.line} 行）`}`;
  }
  return `${problem.path || '(plan)'}: ${problem.message}${problem.line === undefined ? '' : ` (line ${problem.line})`}`;
}

/** `plans/x.yaml: 2 problems` / `plans/x.yaml：2 个问题`. */
export function problemCount(source: string, n: number, locale: 'zh-CN' | 'en' = 'en'): string {
  return locale === 'zh-CN' ? `${source}：${n} 个问题` : `${source}: ${n} problem${n === 1 ? '' : 's'}`;
}

/** The plan's language read from a value that may not be a valid plan: `programme.locale`, zh-CN by default. */
export function planLocaleOf(data: unknown): 'zh-CN' | 'en' {
  const programme = (data as { programme?: { locale?: unknown } } | null)?.programme;
  return programme?.locale === 'en' ? 'en' : 'zh-CN';
}

export function validateRaw(data: unknown): { ok: true; plan: Plan } | { ok: false; problems: RawProblem[] } {
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
const EXPECTED_ZH: Record<string, string> = {
  string: '文字',
  number: '数字',
  boolean: 'true 或 false',
  array: '以“- ”开头的列表',
  object: '由“名称: 值”各行组成的一节',
};

/** The schema's own messages (schema.ts, `error:`) in Chinese. */
const FORMAT_ZH: Record<string, string> = {
  'not a valid id: use 1–40 lowercase letters, digits and hyphens, e.g. civil-affairs':
    '编号无效：请使用 1–40 个小写字母、数字和连字符，例如 civil-affairs',
  'not a date: write a day of the calendar as YYYY-MM-DD, e.g. 2023-01-01':
    '不是日期：请按 YYYY-MM-DD 填写，例如 2023-01-01',
  'not an ISO 8601 duration: write e.g. P3D (3 days), P2W (2 weeks), P1M (1 month), PT12H (12 hours)':
    '不是 ISO 8601 时长：请填写如 P3D（3 天）、P2W（2 周）、P1M（1 个月）、PT12H（12 小时）',
  'not an e-mail address': '不是电子邮箱地址',
  'not a phone number: digits, spaces and hyphens, optionally starting with +':
    '不是电话号码：请使用数字、空格和连字符，可以 + 开头',
  'not a valid programme id: use 1–64 letters, digits, hyphens and underscores':
    '试点工作编号无效：请使用 1–64 个字母、数字、连字符和下划线',
  'not a time zone: use an IANA name such as Asia/Shanghai': '不是时区：请使用 IANA 名称，例如 Asia/Shanghai',
  'not a local date and time: write e.g. 2023-01-10 09:30 (time in the programme time zone)':
    '不是本地日期和时间：请填写如 2023-01-10 09:30（试点工作所在时区的时间）',
  'not a time of day: write HH:MM on a 24-hour clock, e.g. 17:30':
    '不是时刻：请按 24 小时制填写 HH:MM，例如 17:30',
};

function describeValueZh(v: unknown): string {
  if (v === null) return '空值';
  if (typeof v === 'string') return `文字“${v.length > 40 ? `${v.slice(0, 40)}…` : v}”`;
  if (typeof v === 'number') return Number.isFinite(v) ? `数字 ${v}` : `过大的数字（${v}）`;
  if (typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  if (Array.isArray(v)) return '列表';
  if (ArrayBuffer.isView(v)) return '二进制数据';
  if (v instanceof Date) return '时间戳';
  return '一节内容';
}

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
      const expectedZh = EXPECTED_ZH[issue.expected] ?? issue.expected;
      if (input === undefined)
        return [
          { path, message: `missing: add this field (${expected})`, zh: `缺少：请添加此项（${expectedZh}）` },
        ];
      if (input === null)
        return [
          {
            path,
            message: `empty: write ${expected} after the colon`,
            zh: `为空：请在冒号后填写${expectedZh}`,
          },
        ];
      if (issue.expected === 'string' && (typeof input === 'number' || typeof input === 'boolean')) {
        return [
          {
            path,
            message: `must be text, not ${describeValue(input)}: put it in quotes ("${input}")`,
            zh: `必须是文字，而不是${describeValueZh(input)}：请加上引号（"${input}"）`,
          },
        ];
      }
      return [
        {
          path,
          message: `must be ${expected}, not ${describeValue(input)}`,
          zh: `必须是${expectedZh}，而不是${describeValueZh(input)}`,
        },
      ];
    }
    case 'invalid_value': {
      const allowed = issue.values.map((v) => JSON.stringify(v));
      const near = typeof input === 'string' ? closest(input, issue.values.map(String)) : undefined;
      return [
        {
          path,
          message: `must be one of ${allowed.join(', ')}, not ${describeValue(input)}${near ? ` (did you mean "${near}"?)` : ''}`,
          zh: `必须是 ${allowed.join('、')} 之一，而不是${describeValueZh(input)}${near ? `（是否想写“${near}”？）` : ''}`,
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
          zh:
            `未知的项：请删除或改正名称${near ? `（是否想写“${near}”？）` : ''}；` +
            `这里可以填写：${allowed.join(', ')}`,
        };
      });
    }
    case 'too_small': {
      const min = Number(issue.minimum);
      if (issue.origin === 'string') return [{ path, message: 'must not be empty', zh: '不能为空' }];
      if (issue.origin === 'array')
        return [
          { path, message: `needs at least ${min} entr${min === 1 ? 'y' : 'ies'}`, zh: `至少需要 ${min} 项` },
        ];
      const bound = issue.inclusive ? `at least ${min}` : `more than ${min}`;
      const boundZh = issue.inclusive ? `不小于 ${min}` : `大于 ${min}`;
      return [
        {
          path,
          message: `must be ${bound}, not ${describeValue(input)}`,
          zh: `必须${boundZh}，而不是${describeValueZh(input)}`,
        },
      ];
    }
    case 'too_big': {
      const max = Number(issue.maximum);
      if (issue.origin === 'string')
        return [{ path, message: `is too long: at most ${max} characters`, zh: `太长：最多 ${max} 个字符` }];
      if (issue.origin === 'array')
        return [{ path, message: `has too many entries: at most ${max}`, zh: `项数太多：最多 ${max} 项` }];
      const bound = issue.inclusive ? `at most ${max}` : `less than ${max}`;
      const boundZh = issue.inclusive ? `不大于 ${max}` : `小于 ${max}`;
      return [
        {
          path,
          message: `must be ${bound}, not ${describeValue(input)}`,
          zh: `必须${boundZh}，而不是${describeValueZh(input)}`,
        },
      ];
    }
    default: {
      // invalid_format and custom carry the schema's and the rules' own messages (the rules' with their
      // Chinese in `params.zh`).
      const zh = (issue as { params?: { zh?: unknown } }).params?.zh;
      const text = typeof zh === 'string' ? zh : FORMAT_ZH[issue.message];
      return [{ path, message: issue.message, ...(text ? { zh: text } : {}) }];
    }
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

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
