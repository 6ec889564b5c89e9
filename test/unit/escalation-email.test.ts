import { beforeAll, describe, expect, it } from 'vitest';
import {
  type EscalationTask,
  levelMessages,
  type PlannedMessage,
  supervisingParties,
} from '#domain/escalation.ts';
import type { EscalationMailTask } from '#domain/mail.ts';
import { loadValidPlanFile, type Plan, validatePlan } from '#plan/index.ts';
import { renderEscalationEmail } from '#presentation/email/escalation.ts';
import { formatDeadline } from '#presentation/i18n.ts';

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
  title: 'XX镇古城社区：确认收到试点任务',
  dueAt: DUE,
  createdAt: '2023-01-10T01:30:00.000Z',
  escalationLevel: 0,
  assignees: [{ name: '郑凯', email: 'gucheng@xx-town.example', unitId: 'gucheng' }],
};
const ACTION = 'https://api.example/a/AAAAAAAAAAAAAAAAAAAAAAAA?sig=xyz';
const SUPERVISE = 'https://api.example/s/ticket?sig=k.mac';
const dueZh = () => formatDeadline(DUE, 'zh-CN', 'Asia/Shanghai');
const dueEn = () => formatDeadline(DUE, 'en', 'Asia/Shanghai');

function message(level: 1 | 2 | 3, audience: PlannedMessage['audience'], p = plan): PlannedMessage {
  const found = levelMessages(p, task, level).find((m) => m.audience === audience);
  if (!found) throw new Error(`no ${audience} message at level ${level}`);
  return found;
}

describe('the assignee’s reminder', () => {
  const reminder = (p = plan) =>
    renderEscalationEmail({
      plan: p,
      task,
      message: message(1, 'assignee', p),
      now: new Date(Date.parse(DUE) - 2 * DAY),
      actionUrl: ACTION,
    });

  it('goes to the assignee alone and carries their own link', () => {
    const email = reminder();
    expect(email.to).toEqual(['gucheng@xx-town.example']);
    expect(email.cc).toBeUndefined();
    expect(email.text).toContain(ACTION);
    expect(email.html).toContain(`href="${ACTION}"`);
  });

  it('is tagged with its programme, pilot and task, which SES returns with a bounce or complaint', () => {
    expect(reminder().tags).toEqual({
      kind: 'escalation-1',
      audience: 'assignee',
      programme: 'xx-county-community-governance-2023',
      pilot: 'gucheng',
      task: 'ack-gucheng',
    });
  });

  it('is in Chinese only for a zh-CN plan, says by when the task is due and names the pilot', () => {
    const email = reminder();
    expect(email.subject).toBe(`【催办】XX镇古城社区：确认收到试点任务，请于${dueZh()}办理`);
    expect(email.text).toContain('郑凯，您好：');
    expect(email.text).toContain(`此任务须于${dueZh()}办理，目前尚未办理，请及时办理。`);
    expect(email.text).toContain('试点：XX镇古城社区');
    expect(email.text).not.toContain('Gucheng');
    expect(email.html).toContain('lang="zh-CN"');
  });

  it('is in English for an English plan, with the English names of the plan’s people', () => {
    const email = reminder(planEn);
    expect(email.subject).toBe(`[Reminder] XX镇古城社区：确认收到试点任务, ${dueEn()}`);
    expect(email.text).toContain('Dear Zheng Kai,');
    expect(email.text).not.toContain('您好');
  });

  it('tells an assignee whose link no longer works whom to contact instead of giving a link', () => {
    const email = renderEscalationEmail({ plan, task, message: message(2, 'assignee'), now: new Date(DUE) });
    expect(email.text).toContain('您的办理链接已失效');
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
    expect(email.subject).toBe(`【逾期催办】XX镇古城社区：确认收到试点任务，原定${dueZh()}办理`);
    expect(email.text).toContain('已同时告知XX镇');
    expect(email.text).toContain(ACTION);
  });
});

describe('a supervisor’s 催办', () => {
  it('names who asked, in the plan’s language', () => {
    const email = (p: Plan, who: string) =>
      renderEscalationEmail({
        plan: p,
        task,
        message: message(2, 'assignee', p),
        now: new Date(DUE),
        actionUrl: ACTION,
        requestedBy: who,
      });
    expect(email(plan, '周杰（XX镇）').text).toContain('周杰（XX镇）督促您尽快办理此项任务。');
    expect(email(planEn, 'Zhou Jie (XX Town)').text).toContain(
      'Zhou Jie (XX Town) asks you to do this task now.',
    );
  });
});

describe('the supervisor’s copy', () => {
  const render = (p = plan) =>
    renderEscalationEmail({
      plan: p,
      task,
      message: message(2, 'supervisor', p),
      now: new Date(Date.parse(DUE) + DAY),
      supervisionLinks: [{ name: '何敏', email: 'shehuishiwu@xx-town.example', url: SUPERVISE }],
    });

  it('goes to the supervising party’s contacts', () => {
    expect(render().to).toEqual(['shehuishiwu@xx-town.example']);
  });

  it('says who is late with what, since when, in the programme’s time zone', () => {
    const { text, subject } = render();
    expect(subject).toBe('【逾期提醒】XX镇古城社区：确认收到试点任务');
    expect(text).toContain(`XX镇古城社区承办的此项任务原定${dueZh()}办理，目前仍未办理。请督促办理。`);
    expect(text).toContain('承办人：郑凯（XX镇古城社区，gucheng@xx-town.example）');
    expect(text).toContain('任务：确认收到试点任务');
    expect(text).toContain('阶段：工作启动');
    expect(text).not.toContain('Acknowledge');
    expect(text).toContain(`截止时间：${dueZh()}`);
    expect(text).toContain('已逾期：1 天');
  });

  it('says the same in English for an English plan', () => {
    expect(render(planEn).text).toContain(
      'Assigned to: Zheng Kai (Gucheng Community, XX Town, gucheng@xx-town.example)',
    );
  });

  it('links to the recipient’s supervision page, never to the dashboard or the assignee’s action link', () => {
    const { text, html } = render();
    expect(text).toContain(SUPERVISE);
    expect(html).toContain(`href="${SUPERVISE}"`);
    expect(text).toContain('查看逾期事项并催办');
    expect(text).not.toContain('/admin/');
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
      supervisionLinks: [
        { name: '领导小组', email: 'lingdaoxiaozu@xx-county.example', url: `${SUPERVISE}-1` },
        { name: '王科长', email: 'minzheng@xx-county.example', url: `${SUPERVISE}-2` },
      ],
      supervisors: supervisingParties(plan, task),
    });
    expect(email.to).toEqual(['lingdaoxiaozu@xx-county.example']);
    expect(email.cc).toEqual(['minzheng@xx-county.example', 'minzheng-office@xx-county.example']);
    expect(email.subject).toBe('【逾期上报】XX镇古城社区：确认收到试点任务，已逾期 3 天');
    expect(email.text).toContain('已逾期 3 天，仍未办理；此前已告知XX镇');
    // One link per recipient, each named, since one message goes to several people.
    expect(email.text).toContain(`领导小组：查看逾期事项并催办`);
    expect(email.text).toContain(`${SUPERVISE}-1`);
    expect(email.text).toContain(`王科长：查看逾期事项并催办`);
    expect(email.text).toContain(`${SUPERVISE}-2`);
  });
});

describe('rendering', () => {
  it('escapes task titles in the HTML part', () => {
    const email = renderEscalationEmail({
      plan,
      task: { ...task, title: '<script>alert(1)</script>' },
      message: message(2, 'supervisor'),
      now: new Date(DUE),
    });
    expect(email.html).not.toContain('<script>');
    expect(email.html).toContain('&lt;script');
  });
});
