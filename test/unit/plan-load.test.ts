import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import {
  formatProblem,
  InvalidPlanError,
  loadPlanFile,
  loadValidPlanFile,
  PlanFileError,
  parsePlan,
  validatePlan,
} from '#plan/load.ts';
import {
  ROOT,
  readProjectFile,
  SAMPLE_FILE,
  sampleData,
  samplePlan,
  TEN_MISTAKES_FILE,
} from '#test/fixtures/plans.ts';

describe('the sample plan', () => {
  it('validates with its six pilots of four types and seven units', () => {
    const result = parsePlan(readProjectFile(SAMPLE_FILE), SAMPLE_FILE);

    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.plan.pilots.map((p) => p.id)).toEqual([
      'xx-town',
      'caotang',
      'gucheng',
      'donghelu',
      'zhangshu',
      'jiefangjie',
    ]);
    expect(new Set(result.plan.pilots.map((p) => p.type)).size).toBe(4);
    expect(result.plan.units).toHaveLength(7);
    expect(result.source).toBe(SAMPLE_FILE);
  });

  it('marks its indicators as illustrative, in the data and in a comment', () => {
    const text = readProjectFile(SAMPLE_FILE);

    expect(samplePlan().indicators.illustrative).toBe(true);
    expect(text).toMatch(/^# ILLUSTRATIVE indicators/m);
  });

  it('reminds two days before due, escalates at due and reaches the leading group three days after', () => {
    expect(samplePlan().escalation).toEqual({
      remindBeforeDue: 'P2D',
      toSupervisorAfterDue: 'PT0S',
      toLeadingGroupAfterDue: 'P3D',
    });
  });

  it('uses e-mail addresses on reserved example domains only', () => {
    const plan = samplePlan();
    const emails = [...plan.units, ...plan.pilots].flatMap((p) => p.contacts.map((c) => c.email));

    expect(emails.length).toBeGreaterThan(0);
    for (const email of emails) expect(email).toMatch(/\.example$/);
  });

  it('comes back frozen, so no caller can change the plan under the others', () => {
    const plan = samplePlan();

    expect(() => {
      (plan.pilots[0] as { name: string }).name = 'changed';
    }).toThrow(TypeError);
  });
});

describe('a plan with ten mistakes', () => {
  // Each mistake's line in the fixture ends with "# mistake N"; the line numbers are those lines.
  const expected = [
    { path: 'programme.timezone', line: 11, message: /not a time zone/ },
    { path: 'units[1].contacts[0].email', line: 41, message: /^not an e-mail address$/ },
    { path: 'units[3].escalatesTo', line: 56, message: /^unknown unit "treasury" \(units: civil-affairs, / },
    { path: 'units[4].escalateTo', line: 66, message: /unknown field.*did you mean "escalatesTo"/ },
    { path: 'pilots[1].type', line: 121, message: /unknown pilot type "convenience".*"convenience-service"/ },
    { path: 'pilots[4].town', line: 158, message: /"caotang" is a community, not a town/ },
    { path: 'pilots[5].nameEn', line: 165, message: /^missing: add this field \(text\)$/ },
    {
      path: 'stages.implementation.start',
      line: 190,
      message: /before the launch stage ends \(2023-02-14\)/,
    },
    {
      path: 'stages.evaluation.acceptance.workingGroup.mode',
      line: 212,
      message: /must be one of "countersign", "any-one", not text "all"/,
    },
    {
      path: 'indicators.items',
      line: 237,
      message: /the weights add up to 105; they must add up to exactly 100/,
    },
  ];

  it('reports all ten, each with its path and line, in line order', () => {
    const result = parsePlan(readProjectFile(TEN_MISTAKES_FILE));

    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems.map(({ path, line }) => ({ path, line }))).toEqual(
      expected.map(({ path, line }) => ({ path, line })),
    );
    result.problems.forEach((problem, i) => {
      expect(problem.message).toMatch(expected[i]!.message);
    });
  });

  it('points each problem at the line marked with its mistake number', () => {
    const lines = readProjectFile(TEN_MISTAKES_FILE).split('\n');

    expected.forEach(({ line }, i) => {
      expect(lines[line - 1]).toMatch(new RegExp(`# mistake ${i + 1}:`));
    });
  });
});

describe('lines of problems', () => {
  it('gives a missing field the line of the section it belongs in', () => {
    const text = 'programme:\n  id: x\nunits: []\n';

    const result = parsePlan(text);

    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems).toContainEqual({
      path: 'programme.title',
      message: 'missing: add this field (text)',
      zh: '缺少：请添加此项（文字）',
      line: 1,
    });
    expect(result.problems).toContainEqual({
      path: 'units',
      message: 'needs at least 1 entry',
      zh: '至少需要 1 项',
      line: 3,
    });
  });

  it('gives an empty value the line of its field', () => {
    const data = sampleData();
    data.pilots[2].contacts[0].email = null;
    const text = stringify(data);
    const line = text.split('\n').findIndex((l) => /^\s+email: null$/.test(l)) + 1;

    const result = parsePlan(text);

    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems).toEqual([
      {
        path: 'pilots[2].contacts[0].email',
        message: 'empty: write text after the colon',
        zh: '为空：请在冒号后填写文字',
        line,
      },
    ]);
  });

  it('reports a YAML syntax error with its line', () => {
    const result = parsePlan('programme:\n  id: x\n  title: [unclosed\nunits: []\n');

    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems[0]?.message).toMatch(/^YAML syntax error: /);
    expect(result.problems[0]?.line).toBeGreaterThanOrEqual(3);
  });

  it('reports a duplicate key with its path and the line of the second one', () => {
    const result = parsePlan('programme:\n  id: a\n  title: t\n  id: b\n');

    expect(result).toEqual({
      ok: false,
      locale: 'zh-CN',
      problems: [
        {
          path: 'programme.id',
          message: 'this field is written twice in the same section: keep one',
          zh: '同一节中这一项写了两次：只保留一个',
          line: 4,
        },
      ],
    });
  });

  it('suggests quotes when an id is written as a number', () => {
    const data = sampleData();
    data.pilots[1].id = 2023;

    const result = validatePlan(data);

    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems).toContainEqual({
      path: 'pilots[1].id',
      message: 'must be text, not the number 2023: put it in quotes ("2023")',
      zh: '必须是文字，而不是数字 2023：请加上引号（"2023"）',
    });
  });
});

describe('odd input', () => {
  const odd: [string, string][] = [
    ['an empty file', ''],
    ['only comments', '# nothing here\n# at all\n'],
    ['a scalar', 'hello'],
    ['a list', '- a\n- b\n'],
    ['binary garbage', '\u0000\u0001\u0002\uffff\ud800PK\u0003\u0004\u00ff\u00fe'],
    ['a huge number', `programme: ${'9'.repeat(400)}\nunits: 1e999\n`],
    ['duplicate keys', 'programme: {}\nprogramme: {}\n'],
    ['a self-referencing alias', 'units: &a [*a]\n'],
    ['an alias bomb', `a: &a [x, x, x, x, x, x, x, x, x, x]\n${bomb()}`],
    ['two documents', 'a: 1\n---\nb: 2\n'],
    ['a tab indent', 'programme:\n\tid: x\n'],
    [
      'a byte order mark',
      `\ufeff${readProjectFile(SAMPLE_FILE).replace('timezone: Asia/Shanghai', 'timezone: Mars/Olympus')}`,
    ],
    ['deep nesting', `${'['.repeat(2000)}${']'.repeat(2000)}`],
  ];

  it.each(odd)('%s comes back as problems with lines, never as an exception', (_name, text) => {
    const result = parsePlan(text);

    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems.length).toBeGreaterThan(0);
    for (const problem of result.problems) {
      expect(typeof problem.path).toBe('string');
      expect(problem.message.length).toBeGreaterThan(0);
    }
  });

  it('any text at all comes back as a result, never as an exception', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (text) => {
        const result = parsePlan(text);
        return result.ok === false && result.problems.length > 0;
      }),
      { numRuns: 300 },
    );
  });

  it('the sample with any lines removed gives a result whose problems carry lines within the file', () => {
    const lines = readProjectFile(SAMPLE_FILE).split('\n');
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.nat({ max: lines.length - 1 }), { minLength: 1, maxLength: 8 }),
        (drop) => {
          const kept = lines.filter((_, i) => !drop.includes(i));
          const result = parsePlan(kept.join('\n'));
          if (result.ok) return true;
          return result.problems.every((p) => p.line === undefined || (p.line >= 1 && p.line <= kept.length));
        },
      ),
      { numRuns: 100 },
    );
  });

  it('an empty file gets one problem that says how to begin', () => {
    expect(parsePlan('')).toEqual({
      ok: false,
      locale: 'zh-CN',
      problems: [
        {
          path: '',
          message: 'the file is empty: a plan starts with "programme:"; copy plans/sample.yaml to begin',
          zh: '文件是空的：方案以“programme:”开头；可以复制 plans/sample.yaml 开始',
          line: 1,
        },
      ],
    });
  });
});

describe('reading plan files', () => {
  it('loads the sample file by its path', async () => {
    const result = await loadPlanFile(`${ROOT}${SAMPLE_FILE}`);

    expect(result.ok).toBe(true);
  });

  it('throws PlanFileError for a file that does not exist', async () => {
    const missing = `${ROOT}plans/does-not-exist.yaml`;

    await expect(loadPlanFile(missing)).rejects.toMatchObject({
      name: 'PlanFileError',
      message: `cannot read ${missing}: no such file`,
    });
    await expect(loadPlanFile(missing)).rejects.toBeInstanceOf(PlanFileError);
  });

  it('loadValidPlanFile throws InvalidPlanError carrying every problem of an invalid plan', async () => {
    const error = await loadValidPlanFile(`${ROOT}${TEN_MISTAKES_FILE}`).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(InvalidPlanError);
    expect((error as InvalidPlanError).name).toBe('InvalidPlanError');
    expect((error as InvalidPlanError).problems).toHaveLength(10);
  });

  it('formats a problem in Chinese for a zh-CN plan: "path：message（第 N 行）"', () => {
    expect(
      formatProblem(
        {
          path: 'pilots[3].contacts[0].email',
          message: 'not an e-mail address',
          zh: '不是电子邮箱地址',
          line: 87,
        },
        'zh-CN',
      ),
    ).toBe('pilots[3].contacts[0].email：不是电子邮箱地址（第 87 行）');
    expect(formatProblem({ path: '', message: 'the file is empty', zh: '文件是空的' }, 'zh-CN')).toBe(
      '（方案）：文件是空的',
    );
  });

  it('gives every problem of the ten-mistakes plan a Chinese message', async () => {
    const result = await loadPlanFile(`${ROOT}${TEN_MISTAKES_FILE}`);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.locale).toBe('zh-CN');
    expect(result.problems.filter((p) => !p.zh)).toEqual([]);
  });

  it('formats a problem as "path: message (line N)"', () => {
    expect(
      formatProblem({ path: 'pilots[3].contacts[0].email', message: 'not an e-mail address', line: 87 }),
    ).toBe('pilots[3].contacts[0].email: not an e-mail address (line 87)');
    expect(formatProblem({ path: '', message: 'the file is empty' })).toBe('(plan): the file is empty');
  });
});

/** Nine levels of ten aliases each: a billion "x" if expanded (the "billion laughs"). */
function bomb(): string {
  let out = '';
  let previous = 'a';
  for (const name of ['b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j']) {
    out += `${name}: &${name} [${Array(10).fill(`*${previous}`).join(', ')}]\n`;
    previous = name;
  }
  return out;
}
