// The supervision page's pure parts: the ticket a link carries and its signature, who may open a party's page,
// which tasks a party supervises, how late in working days, and the page itself in each language.
import { beforeAll, describe, expect, it } from 'vitest';
import {
  formToken,
  linkSignature,
  supervisionFormToken,
  supervisionSignature,
  verifySupervisionFormToken,
  verifySupervisionSignature,
} from '#domain/links.ts';
import {
  decodeTicket,
  encodeTicket,
  recipientHash,
  type SupervisionState,
  supervises,
  supervisionLink,
  supervisionRecipients,
  workingDaysLate,
} from '#domain/supervision.ts';
import { getParty, loadValidPlanFile, type Plan, validatePlan } from '#plan/index.ts';
import { supervisionPage } from '#presentation/pages/supervision.tsx';
import type { TaskRecord } from '#store/tasks.ts';

const KEY = 'k'.repeat(64);
const OTHER_KEY = 'o'.repeat(64);
let plan: Plan;
let planEn: Plan;
beforeAll(async () => {
  plan = await loadValidPlanFile(new URL('../../plans/sample.yaml', import.meta.url).pathname);
  const en = validatePlan({ ...structuredClone(plan), programme: { ...plan.programme, locale: 'en' } });
  if (!en.ok) throw new Error('the English variant of the sample plan does not validate');
  planEn = en.plan;
});

const ticket = {
  programmeId: 'xx-county-community-governance-2023',
  partyId: 'xx-town',
  recipient: recipientHash('shehuishiwu@xx-town.example'),
  expiresAt: '2023-01-19T09:30:00.000Z',
};

function task(overrides: Partial<TaskRecord> = {}): TaskRecord {
  return {
    taskId: 'ack-gucheng',
    programmeId: 'xx-county-community-governance-2023',
    pilotId: 'gucheng',
    stage: 'launch',
    kind: 'acknowledgement',
    step: 'Acknowledge the pilot tasks',
    title: 'XX镇古城社区：确认收到试点任务',
    round: 1,
    assignees: [{ name: '郑凯', email: 'gucheng@xx-town.example', unitId: 'gucheng' }],
    dueAt: '2023-01-05T09:30:00.000Z',
    createdAt: '2023-01-01T00:00:00.000Z',
    status: 'open',
    executionArn: 'arn:aws:states:us-east-1:123456789012:execution:Launch:gucheng',
    taskToken: 'token',
    form: { fields: [] },
    escalationLevel: 2,
    ...overrides,
  };
}

describe('the ticket of a supervision link', () => {
  it('round-trips, and anything else is not a ticket', () => {
    expect(decodeTicket(encodeTicket(ticket))).toEqual(ticket);
    for (const bad of [
      '',
      'not a ticket',
      'AAAA',
      Buffer.from('[2,"a","b","c","d"]').toString('base64url'),
    ]) {
      expect(decodeTicket(bad)).toBeUndefined();
    }
    expect(decodeTicket('A'.repeat(601))).toBeUndefined();
  });

  it('binds the recipient by a hash of the address (any case), not the address itself', () => {
    expect(recipientHash('ShehuiShiwu@XX-town.example')).toBe(ticket.recipient);
    expect(recipientHash('gucheng@xx-town.example')).not.toBe(ticket.recipient);
    expect(Buffer.from(encodeTicket(ticket), 'base64url').toString()).not.toContain('@');
  });

  it('is signed with its own label: a changed ticket, another key, or an approval link’s signature does not verify', () => {
    const t = encodeTicket(ticket);
    const sig = supervisionSignature(KEY, t);
    expect(verifySupervisionSignature({ current: KEY }, t, sig)).toBe(true);
    expect(verifySupervisionSignature({ current: OTHER_KEY, previous: KEY }, t, sig)).toBe(true);
    expect(verifySupervisionSignature({ current: OTHER_KEY }, t, sig)).toBe(false);
    const moved = encodeTicket({ ...ticket, recipient: recipientHash('gucheng@xx-town.example') });
    expect(verifySupervisionSignature({ current: KEY }, moved, sig)).toBe(false);
    const extended = encodeTicket({ ...ticket, expiresAt: '2024-01-01T00:00:00.000Z' });
    expect(verifySupervisionSignature({ current: KEY }, extended, sig)).toBe(false);
    // Neither an approval link's signature nor a form token passes for a supervision link's, nor the reverse.
    expect(verifySupervisionSignature({ current: KEY }, t, supervisionFormToken(KEY, t))).toBe(false);
    expect(verifySupervisionFormToken({ current: KEY }, t, sig)).toBe(false);
    expect(verifySupervisionFormToken({ current: KEY }, t, formToken(KEY, t))).toBe(false);
    expect(verifySupervisionFormToken({ current: KEY }, t, supervisionFormToken(KEY, t))).toBe(true);
    const link = { linkId: t, assignee: { name: '', email: 'x@y' }, expiresAt: ticket.expiresAt };
    expect(verifySupervisionSignature({ current: KEY }, t, linkSignature(KEY, link))).toBe(false);
  });

  it('expires 14 days after the e-mail that carries it was made', () => {
    const url = supervisionLink(KEY, {
      apiBaseUrl: 'https://api.example/',
      plan,
      party: getParty(plan, 'xx-town'),
      recipient: { name: '周杰', email: 'shehuishiwu@xx-town.example' },
      now: new Date('2023-01-05T09:30:00.000Z'),
    });
    expect(url).toMatch(
      /^https:\/\/api\.example\/s\/[A-Za-z0-9_-]+\?sig=[A-Za-z0-9_-]{8}\.[A-Za-z0-9_-]{43}$/,
    );
    const t = new URL(url).pathname.split('/').pop() ?? '';
    expect(decodeTicket(t)).toEqual({ ...ticket, expiresAt: '2023-01-19T09:30:00.000Z' });
  });
});

describe('who supervises what', () => {
  it('a party’s page is for its contacts; the leading group’s also for the lead unit’s, who get its e-mail in copy', () => {
    expect(supervisionRecipients(plan, getParty(plan, 'xx-town')).map((r) => r.email)).toEqual([
      'shehuishiwu@xx-town.example',
    ]);
    expect(supervisionRecipients(plan, getParty(plan, 'leading-group')).map((r) => r.email)).toEqual([
      'lingdaoxiaozu@xx-county.example',
      'minzheng@xx-county.example',
      'minzheng-office@xx-county.example',
    ]);
    expect(supervisionRecipients(planEn, getParty(planEn, 'xx-town'))).toEqual([
      { name: 'Zhou Jie', email: 'shehuishiwu@xx-town.example' },
    ]);
  });

  it('the assignee’s supervising unit from level 2, the leading group from level 3, nobody before', () => {
    const town = getParty(plan, 'xx-town');
    const group = getParty(plan, 'leading-group');
    expect(supervises(plan, town, task({ escalationLevel: 1 }))).toBe(false);
    expect(supervises(plan, town, task({ escalationLevel: 2 }))).toBe(true);
    expect(supervises(plan, group, task({ escalationLevel: 2 }))).toBe(false);
    expect(supervises(plan, group, task({ escalationLevel: 3 }))).toBe(true);
    expect(supervises(plan, getParty(plan, 'civil-affairs'), task({ escalationLevel: 3 }))).toBe(false);
    // A county department's supervisor is the leading group itself: from level 2.
    const finance = task({
      assignees: [{ name: '财政', email: 'caizheng@xx-county.example', unitId: 'finance' }],
    });
    expect(supervises(plan, group, finance)).toBe(true);
  });
});

describe('how late, in working days of the plan’s calendar', () => {
  it('counts the working days after the due day up to today: 0 on the due day, and not the Spring Festival', () => {
    const due = '2023-01-20T09:30:00.000Z'; // Friday 20 January 17:30, the last working day before 春节
    expect(workingDaysLate(plan, due, new Date('2023-01-20T12:00:00.000Z'))).toBe(0);
    // 21–27 January are holidays; Saturday 28 and Sunday 29 are make-up working days (调休).
    expect(workingDaysLate(plan, due, new Date('2023-01-27T12:00:00.000Z'))).toBe(0);
    expect(workingDaysLate(plan, due, new Date('2023-01-28T02:00:00.000Z'))).toBe(1);
    expect(workingDaysLate(plan, due, new Date('2023-01-30T02:00:00.000Z'))).toBe(3);
  });
});

describe('the page', () => {
  const ctx = { now: new Date('2023-01-11T02:00:00.000Z') };
  const open = (p: Plan, items = [task()]): SupervisionState => ({
    kind: 'open',
    sig: 'sigsigsi.mac',
    plan: p,
    party: getParty(p, 'xx-town'),
    recipient: { name: '周杰', email: 'shehuishiwu@xx-town.example' },
    expiresAt: '2023-01-19T09:30:00.000Z',
    formToken: 'tok.en',
    items: items.map((t) => ({
      task: t,
      workingDaysLate: 4,
      assignees: t.assignees.map((person) => ({
        person,
        party: getParty(p, 'gucheng'),
        phone: '0000-1234567',
      })),
    })),
  });

  it('lists each task with its pilot, step, deadline, how late and who, and one 催办 form each with the token', () => {
    const { status, html } = supervisionPage(
      open(plan, [task(), task({ taskId: 'ack-caotang', pilotId: 'caotang' })]),
      ctx,
    );
    expect(status).toBe(200);
    expect(html).toContain('逾期事项督办');
    expect(html).toContain('XX镇古城社区：确认收到试点任务');
    expect(html).toContain('已逾期 4 个工作日');
    expect(html).toContain('郑凯');
    expect(html).toContain('href="mailto:gucheng@xx-town.example"');
    expect(html).toContain('href="tel:00001234567"');
    expect(html.match(/<form method="post"/g)).toHaveLength(2);
    expect(html.match(/name="token" value="tok.en"/g)).toHaveLength(2);
    expect(html).toContain('name="task" value="ack-caotang"');
    expect(html).toContain('action="?sig=sigsigsi.mac&amp;lang=zh-CN"');
  });

  it('speaks English for an English plan', () => {
    const { html } = supervisionPage(open(planEn), ctx);
    expect(html).toContain('Overdue tasks to follow up');
    expect(html).toContain('4 working days overdue');
    expect(html).toContain('>Remind now<');
    expect(html).not.toContain('催办');
  });

  it('escapes what officials typed', () => {
    const { html } = supervisionPage(
      open(plan, [task({ assignees: [{ name: '<script>x</script>', email: 'a@b.example' }] })]),
      ctx,
    );
    expect(html).not.toContain('<script>');
  });

  it('refuses each bad link with its status and a page that says why, in the plan’s language', () => {
    const cases = [
      ['unknown', 404, '找不到这个链接'],
      ['bad-signature', 403, '链接无效'],
      ['not-recipient', 403, '此链接不属于您'],
      ['expired', 410, '链接已过期'],
      ['bad-form-token', 403, '无法提交'],
    ] as const;
    for (const [reason, status, title] of cases) {
      const page = supervisionPage({ kind: 'refused', reason, plan }, ctx);
      expect([page.status, page.html.includes(title)], reason).toEqual([status, true]);
    }
    expect(supervisionPage({ kind: 'refused', reason: 'expired', plan: planEn }, ctx).html).toContain(
      'This link has expired',
    );
  });
});
