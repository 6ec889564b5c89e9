// The rehearsal's summary for people in the plan's language (local/rehearsal/words.ts): Chinese for a zh-CN
// plan, the same English as before for an `en` plan.
import { describe, expect, test } from 'vitest';
import { type RehearsalReport, reportText, unexpectedLines } from '#local/rehearsal/report.ts';
import { rehearsalWords } from '#local/rehearsal/words.ts';

const report: RehearsalReport = {
  scenario: 'default',
  programme: { id: 'xx-county-2023', status: 'completed', summarySent: true },
  pilots: [
    {
      id: 'caotang',
      name: 'XX镇草堂社区',
      outcome: 'accepted',
      acceptanceScore: 86,
      rounds: { implementationPlan: 1, selfInspection: 1, acceptance: 1 },
      returns: { verification: 1 },
      checks: { total: 3, withProblems: 1 },
      reminders: 0,
      escalations: 0,
    },
    {
      id: 'gucheng',
      name: 'XX镇古城社区',
      outcome: 'not finished',
      acceptanceScore: null,
      rounds: {},
      returns: {},
      checks: { total: 0, withProblems: 0 },
      reminders: 1,
      escalations: 1,
    },
  ],
  emails: 1234,
  decisions: 132,
  attachments: 18,
  transitions: 699,
  simulatedDays: 314,
  wallSeconds: 61.2,
  context: {},
  usage: {
    scope: 'this run',
    lambdaInvocations: {},
    lambdaInvocationsTotal: 0,
    stateTransitions: 0,
    scheduleFires: 0,
    emails: 0,
    dynamodbRequests: {},
    dynamodbRequestsTotal: 0,
    httpRequests: {},
  },
  expected: false,
  differences: ['gucheng: outcome not finished, not accepted'],
  dataDir: '/tmp/x',
};

/** Latin-script words outside ids, numbers, paths and the sample's place name `XX`. */
function english(text: string): string[] {
  return (text.replace(/xx-county-2023|default|\/tmp\/x/g, ' ').match(/[A-Za-z]+/g) ?? []).filter(
    (w) => w !== 'XX',
  );
}

describe('the rehearsal summary', () => {
  test('for a zh-CN plan is Chinese: headings, outcomes, the programme line, the figures, the verdict', () => {
    const text = reportText({ ...report, differences: [] }, rehearsalWords('zh-CN'));
    expect(english(text)).toEqual([]);
    expect(text).toContain('试点');
    expect(text).toContain('通过验收');
    expect(text).toContain('未完成');
    expect(text).toContain('项目 xx-county-2023：已完成；总结材料已报送上级');
    expect(text).toContain(
      '1,234 封邮件 · 132 次办理 · 18 个附件 · 699 次状态转换 · 模拟 314 天，用时 61.2 秒',
    );
    expect(text).toContain('不符合“default”场景的预期：');
  });

  test('lines its columns up by display width, a Chinese character counting two', () => {
    const lines = reportText(report, rehearsalWords('zh-CN')).split('\n');
    const [header, , first, second] = lines;
    const scoreColumn = (line: string | undefined) => {
      let w = 0;
      for (const ch of line ?? '') {
        if (ch === '8' || ch === '-') return w;
        w += /[\u2e80-\ua4cf\uff00-\uff60]/.test(ch) ? 2 : 1;
      }
      return -1;
    };
    expect(header).toMatch(/^试点 +结果 +得分/);
    expect(scoreColumn(first)).toBe(scoreColumn(second));
  });

  test('says why a rehearsal is not as expected in lines of their own (what `rehearse --json` writes to stderr)', () => {
    const lines = unexpectedLines(report, rehearsalWords('zh-CN'));
    expect(lines[0]).toBe('不符合“default”场景的预期：');
    expect(lines.slice(1)).toEqual(report.differences.map((d) => `  - ${d}`));
    expect(lines.length).toBeGreaterThan(1);
    expect(reportText(report, rehearsalWords('zh-CN')).split('\n').slice(-lines.length)).toEqual(lines);
  });

  test('for an en plan is the English it always was', () => {
    const text = reportText(report, rehearsalWords('en'));
    expect(text).toMatch(/^pilot +outcome +score/);
    expect(text).toContain('programme xx-county-2023: completed; summary sent to the higher level');
    expect(text).toContain(
      '1,234 e-mails · 132 decisions · 18 files attached · 699 state transitions · 314 simulated days in 61.2 s',
    );
    expect(text).toContain('NOT as the "default" scenario expects:');
    expect(text).toContain('  - gucheng: outcome not finished, not accepted');
  });
});
