import { describe, expect, it } from 'vitest';
import { validatePlan } from '#plan/load.ts';
import { getPilot, getUnit } from '#plan/lookup.ts';
import type { Plan } from '#plan/schema.ts';
import { renderMobilisationNotice, renderStalledNotice } from '#presentation/email/notices.ts';
import { renderTaskEmail, taskTitle } from '#presentation/email/task-email.ts';
import { sampleData, samplePlan } from '#test/fixtures/plans.ts';

function planWith(change: (data: ReturnType<typeof sampleData>) => void): Plan {
  const data = sampleData();
  change(data);
  const result = validatePlan(data);
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.plan;
}

const URL_OF_LINK = 'https://api.xx-county.example/a/AAAAAAAAAAAAAAAAAAAAAAAA?sig=x';

function reviewEmail(plan: Plan) {
  return renderTaskEmail({
    plan,
    task: {
      kind: 'planReview',
      title: taskTitle(plan, 'planReview', 'gucheng', 2),
      round: 2,
      dueAt: '2023-01-24T01:30:00.000Z',
      pilotId: 'gucheng',
    },
    assignee: { name: '李华', email: 'minzheng@xx-county.example', unitId: 'civil-affairs' },
    url: URL_OF_LINK,
    linkExpiresAt: '2023-01-31T01:30:00.000Z',
    context: { submittedSummary: '一、目标\n二、措施', previousComment: '请补充时间表' },
  });
}

describe('the task e-mail', () => {
  it('is in Chinese only for a zh-CN plan: the task, the pilot, the deadline in the plan zone, the link', () => {
    const email = reviewEmail(samplePlan());
    expect(email.subject).toBe(
      '【待办】XX镇古城社区：审核实施方案（第 2 轮），请于2023年1月24日（星期二）09:30前办理',
    );
    for (const part of [email.text, email.html]) {
      expect(part).toContain('李华，您好');
      expect(part).toContain('XX镇古城社区');
      expect(part).not.toContain('Gucheng');
      expect(part).toContain('2023年1月24日（星期二）09:30前');
      expect(part).not.toContain('Asia/Shanghai');
      expect(part).toContain('请补充时间表');
      expect(part).toContain('如有疑问，请联系县民政局 李华（minzheng@xx-county.example）');
    }
    expect(email.text).toContain(URL_OF_LINK);
    expect(email.html).toContain(`href="${URL_OF_LINK.replace('&', '&amp;')}"`);
  });

  it('is in English when the plan says so, with the date in the plan time zone', () => {
    const email = reviewEmail(planWith((d) => (d.programme.locale = 'en')));
    expect(email.subject).toBe(
      '[Action needed] Gucheng Community, XX Town: Review the implementation plan (round 2), by 09:30 on Tuesday 24 January 2023',
    );
    expect(email.text).toContain('Dear Li Hua,');
    expect(email.text).toContain(
      'Questions? Contact Li Hua, XX County Civil Affairs Bureau (minzheng@xx-county.example).',
    );
    expect(email.html).toContain('<html lang="en">');
  });

  it('escapes names and comments in the HTML part', () => {
    const plan = planWith((d) => {
      d.pilots[2].name = '古城<script>alert(1)</script>社区';
    });
    const email = renderTaskEmail({
      plan,
      task: {
        kind: 'rectification',
        title: 'x',
        round: 1,
        dueAt: '2023-03-01T00:00:00.000Z',
        pilotId: 'gucheng',
      },
      assignee: { name: '<b>郑凯</b>', email: 'gucheng@xx-town.example' },
      url: URL_OF_LINK,
      linkExpiresAt: '2023-03-08T00:00:00.000Z',
      context: { problems: '"台账" <img src=x onerror=alert(1)>' },
    });
    expect(email.html).not.toContain('<script>');
    expect(email.html).not.toContain('<img');
    expect(email.html).not.toContain('<b>郑凯');
    expect(email.html).toContain('古城&lt;script>alert(1)&lt;/script>社区');
    expect(email.text).toContain('<b>郑凯</b>');
  });
});

describe('notices', () => {
  it('give the mobilisation meeting with its time and place, and tell a pilot what comes next', () => {
    const plan = samplePlan();
    const email = renderMobilisationNotice(plan, getPilot(plan, 'gucheng'), 6);
    expect(email.subject).toBe('【通知】城乡社区治理试点工作动员大会');
    expect(email.text).toContain('时间：2023年1月10日（星期二）09:30');
    expect(email.text).toContain('地点：县政府第一会议室');
    expect(email.text).not.toContain('Meeting room');
    expect(email.text).toContain('提交实施方案');
    const unit = renderMobilisationNotice(plan, getUnit(plan, 'finance'), 6);
    expect(unit.text).not.toContain('提交实施方案');
  });

  it('tell the lead unit which task stalled, who had it and when it was due, without the workflow’s English step name', () => {
    const email = renderStalledNotice(samplePlan(), {
      pilotId: 'gucheng',
      step: 'Review the implementation plan',
      taskTitle: 'XX镇古城社区：审核实施方案',
      assignees: ['李华 <minzheng@xx-county.example>'],
      dueAt: '2023-01-24T01:30:00.000Z',
      executionArn: 'arn:aws:states:us-east-1:1:execution:Launch:x',
    });
    expect(email.subject).toBe('【停滞】XX镇古城社区：任务长期未办理');
    expect(email.text).toContain('任务：XX镇古城社区：审核实施方案');
    expect(email.text).toContain('承办人：李华 <minzheng@xx-county.example>');
    expect(email.text).toContain('原截止时间：2023年1月24日（星期二）09:30前');
    expect(email.text).not.toContain('Review the implementation plan');
  });
});
