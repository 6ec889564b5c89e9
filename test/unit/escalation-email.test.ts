import { beforeAll, describe, expect, it } from 'vitest';
import {
  type EscalationTask,
  levelMessages,
  type PlannedMessage,
  supervisingParties,
} from '#domain/escalation.ts';
import { type EscalationMailTask, formatInstant, renderEscalationEmail } from '#email/escalation.tsx';
import { loadValidPlanFile, type Plan, validatePlan } from '#plan/index.ts';

const DAY = 86_400_000;
let plan: Plan;
let planEn: Plan;
beforeAll(async () => {
  plan = await loadValidPlanFile(new URL('../../plans/sample.yaml', import.meta.url).pathname);
  const en = validatePlan({ ...structuredClone(plan), programme: { ...plan.programme, locale: 'en' } });
  if (!en.ok) throw new Error('the English variant of the sample plan does not validate');
  planEn = en.plan;
});

// Due 2023-01-13 09:30 in Asia/Shanghai.
const DUE = '2023-01-13T01:30:00.000Z';
const task: EscalationMailTask & EscalationTask = {
  taskId: 'ack-gucheng',
  programmeId: 'xx-county-community-governance-2023',
  pilotId: 'gucheng',
  stage: 'launch',
  step: 'Acknowledge the pilot tasks',
  kind: 'acknowledgement',
  title: '确认试点任务',
  dueAt: DUE,
  createdAt: '2023-01-10T01:30:00.000Z',
  escalationLevel: 0,
  assignees: [{ name: '郑凯', email: 'gucheng@xx-town.example', unitId: 'gucheng' }],
};
const ACTION = 'https://api.example/a/AAAAAAAAAAAAAAAAAAAAAAAA?sig=xyz';
const DASHBOARD = 'https://api.example/admin/tasks/ack-gucheng';

function message(level: 1 | 2 | 3, audience: PlannedMessage['audience'], p = plan): PlannedMessage {
  const found = levelMessages(p, task, level).find((m) => m.audience === audience);
  if (!found) throw new Error(`no ${audience} message at level ${level}`);
  return found;
}

describe('the assignee’s reminder', () => {
  it('goes to the assignee alone and carries their own link', () => {
    const email = renderEscalationEmail({
      plan,
      task,
      message: message(1, 'assignee'),
      now: new Date(Date.parse(DUE) - 2 * DAY),
      actionUrl: ACTION,
    });
    expect(email.to).toEqual(['gucheng@xx-town.example']);
    expect(email.cc).toBeUndefined();
    expect(email.text).toContain(ACTION);
    expect(email.html).toContain(ACTION.replace('&', '&amp;'));
  });

  it('is in Chinese with the English beside it for a zh-CN plan, and says when the task is due', () => {
    const email = renderEscalationEmail({
      plan,
      task,
      message: message(1, 'assignee'),
      now: new Date(Date.parse(DUE) - 2 * DAY),
      actionUrl: ACTION,
    });
    expect(email.subject).toBe('【催办】“确认试点任务”将于 2023-01-13 09:30 到期');
    expect(email.text.indexOf('郑凯：')).toBeLessThan(email.text.indexOf('Dear Zheng Kai,'));
    expect(email.text).toContain(
      'XX镇古城社区的任务“确认试点任务”（工作启动）将于 2023-01-13 09:30 (Asia/Shanghai) 到期',
    );
    expect(email.html).toContain('lang="zh-CN"');
  });

  it('is in English only for an English plan', () => {
    const email = renderEscalationEmail({
      plan: planEn,
      task,
      message: message(1, 'assignee', planEn),
      now: new Date(Date.parse(DUE) - 2 * DAY),
      actionUrl: ACTION,
    });
    expect(email.subject).toBe('Reminder: "确认试点任务" is due 2023-01-13 09:30 (Asia/Shanghai)');
    expect(email.text).not.toContain('您好');
    expect(email.text).toContain('Gucheng Community, XX Town');
  });

  it('tells an assignee whose link no longer works whom to contact instead of giving a link', () => {
    const email = renderEscalationEmail({ plan, task, message: message(2, 'assignee'), now: new Date(DUE) });
    expect(email.text).toContain('您的办理链接已失效，请联系县民政局');
    expect(email.text).toContain('minzheng@xx-county.example');
    expect(email.text).not.toContain('/a/');
    expect(email.html).not.toContain('<a ');
  });

  it('at the due time says the task is overdue and names the supervisor who was told', () => {
    const email = renderEscalationEmail({
      plan,
      task,
      message: message(2, 'assignee'),
      now: new Date(DUE),
      actionUrl: ACTION,
      supervisors: supervisingParties(plan, task),
    });
    expect(email.subject).toBe('【逾期催办】“确认试点任务”已到期，请尽快办理');
    expect(email.text).toContain('已同时告知XX镇');
    expect(email.text).toContain(ACTION);
  });
});

describe('the supervisor’s copy', () => {
  const render = () =>
    renderEscalationEmail({
      plan,
      task,
      message: message(2, 'supervisor'),
      now: new Date(DUE),
      dashboardUrl: DASHBOARD,
    });

  it('goes to the supervising party’s contacts', () => {
    expect(render().to).toEqual(['shehuishiwu@xx-town.example']);
  });

  it('says who is late with what, since when, in the programme’s time zone', () => {
    const { text, subject } = render();
    expect(subject).toBe('【逾期提醒】XX镇古城社区：“确认试点任务”已逾期');
    expect(text).toContain('郑凯（XX镇古城社区，gucheng@xx-town.example）');
    expect(text).toContain('任务: 确认试点任务');
    expect(text).toContain('阶段: 工作启动 · Acknowledge the pilot tasks');
    expect(text).toContain('到期: 2023-01-13 09:30 (Asia/Shanghai)');
    expect(text).toContain('Zheng Kai (Gucheng Community, XX Town, gucheng@xx-town.example)');
  });

  it('links to the task’s dashboard page and never to the assignee’s action link', () => {
    const { text, html } = render();
    expect(text).toContain(DASHBOARD);
    expect(html).toContain(`href="${DASHBOARD}"`);
    expect(text).not.toContain('/a/');
    expect(html).not.toContain('/a/');
  });
});

describe('the leading group’s message', () => {
  it('goes to the leading group with the lead unit in copy and counts the days overdue', () => {
    const email = renderEscalationEmail({
      plan,
      task,
      message: message(3, 'leading-group'),
      now: new Date(Date.parse(DUE) + 3 * DAY),
      dashboardUrl: DASHBOARD,
      supervisors: supervisingParties(plan, task),
    });
    expect(email.to).toEqual(['lingdaoxiaozu@xx-county.example']);
    expect(email.cc).toEqual(['minzheng@xx-county.example', 'minzheng-office@xx-county.example']);
    expect(email.subject).toBe('【逾期上报】XX镇古城社区：“确认试点任务”逾期 3 天');
    expect(email.text).toContain('已逾期 3 天');
    expect(email.text).toContain('此前已告知XX镇');
    expect(email.text).toContain(DASHBOARD);
  });
});

describe('rendering', () => {
  it('escapes task titles in the HTML part', () => {
    const email = renderEscalationEmail({
      plan,
      task: { ...task, title: '<script>alert(1)</script>' },
      message: message(2, 'supervisor'),
      now: new Date(DUE),
      dashboardUrl: DASHBOARD,
    });
    expect(email.html).not.toContain('<script>');
    expect(email.html).toContain('&lt;script>alert(1)&lt;/script>');
  });

  it('shows a due time at midnight as the end of the day before', () => {
    expect(formatInstant(new Date('2023-01-13T16:00:00.000Z'), 'Asia/Shanghai')).toBe('2023-01-13 24:00');
    expect(formatInstant(new Date('2023-01-13T01:30:00.000Z'), 'Asia/Shanghai')).toBe('2023-01-13 09:30');
  });
});
