// The daily digest's e-mail: one per person and day, each item with its pilot, task, deadline, how late in
// working days and its link, in the plan's one language.
import { beforeAll, describe, expect, it } from 'vitest';
import type { DigestMailItem, EscalationMailTask } from '#domain/mail.ts';
import { loadValidPlanFile, type Plan, validatePlan } from '#plan/index.ts';
import { findParty } from '#plan/lookup.ts';
import { renderDigestEmail } from '#presentation/email/digest.ts';

let plan: Plan;
let planEn: Plan;
beforeAll(async () => {
  plan = await loadValidPlanFile(new URL('../../plans/sample.yaml', import.meta.url).pathname);
  const en = validatePlan({ ...structuredClone(plan), programme: { ...plan.programme, locale: 'en' } });
  if (!en.ok) throw new Error('the English variant of the sample plan does not validate');
  planEn = en.plan;
});

// Due on Friday 20 January 2023 at 17:30 in Shanghai, the last working day before the Spring Festival.
const task = (n: number): EscalationMailTask => ({
  taskId: `ack-${n}`,
  programmeId: 'xx-county-community-governance-2023',
  pilotId: 'gucheng',
  stage: 'launch',
  step: 'Acknowledge the pilot tasks',
  kind: 'acknowledgement',
  title: `XX镇古城社区：确认收到试点任务 ${n}`,
  dueAt: '2023-01-20T09:30:00.000Z',
  assignees: [{ name: '郑凯', email: 'gucheng@xx-town.example', unitId: 'gucheng' }],
});
// The digest of the make-up Saturday after the festival, 28 January at 09:00: one working day late.
const NOW = new Date('2023-01-28T01:00:00.000Z');

function digest(p: Plan, items: DigestMailItem[]) {
  return renderDigestEmail({
    plan: p,
    recipient: { name: '周杰', email: 'shehuishiwu@xx-town.example' },
    now: NOW,
    items,
  });
}

function supervisorItems(p: Plan): DigestMailItem[] {
  const party = findParty(p, 'xx-town');
  if (!party) throw new Error('no xx-town');
  return [1, 2].map((n) => ({
    task: task(n),
    level: 2,
    audience: 'supervisor',
    party,
    url: `https://api.example/s/ticket-${n}?sig=k.mac`,
  }));
}

describe('the daily digest', () => {
  it('goes to its one recipient, titled with the day and the number of items', () => {
    const email = digest(plan, supervisorItems(plan));

    expect(email.to).toEqual(['shehuishiwu@xx-town.example']);
    expect(email.cc).toBeUndefined();
    expect(email.subject).toBe('【每日催办汇总】2023年1月28日（星期六）：2 项事项');
    expect(email.tags).toMatchObject({ kind: 'digest', programme: plan.programme.id });
  });

  it('lists each item with its label, pilot, task, deadline, working days late, who is late and its own link', () => {
    const text = digest(plan, supervisorItems(plan)).text;

    for (const n of [1, 2]) {
      expect(text).toContain(`【逾期提醒】XX镇古城社区：确认收到试点任务 ${n}`);
      expect(text).toContain(`https://api.example/s/ticket-${n}?sig=k.mac`);
    }
    expect(text).toContain('试点：XX镇古城社区');
    expect(text).toContain('2023年1月20日（星期五）17:30前');
    // The festival (21–27 January) does not count: the make-up Saturday is the first working day late.
    expect(text).toContain('已逾期：1 个工作日');
    expect(text).toContain('郑凯');
  });

  it('gives an assignee their own action link, and a reminder before the due time no lateness', () => {
    const email = renderDigestEmail({
      plan,
      recipient: { name: '郑凯', email: 'gucheng@xx-town.example' },
      now: new Date('2023-01-19T01:00:00.000Z'),
      items: [{ task: task(1), level: 1, audience: 'assignee', url: 'https://api.example/a/A?sig=x' }],
    });

    expect(email.text).toContain('【催办】XX镇古城社区：确认收到试点任务 1');
    expect(email.text).toContain('https://api.example/a/A?sig=x');
    expect(email.text).not.toContain('已逾期');
  });

  it('is in Chinese only for a zh-CN plan, and in English for an en plan', () => {
    const zh = digest(plan, supervisorItems(plan));
    const words = (zh.text ?? '')
      .replace(/https?:\/\/\S+|[\w.+-]+@[\w.-]+\.[a-z]{2,}/gi, ' ')
      .match(/[A-Za-z]+/g)
      ?.filter((w) => w !== 'XX');
    expect(words ?? []).toEqual([]);

    const en = digest(planEn, supervisorItems(planEn));
    expect(en.subject).toBe('[Daily digest] Saturday 28 January 2023: 2 items');
    expect(en.text).toContain('1 working day');
    expect(en.text).not.toMatch(/[逾期催办]/);
  });
});
