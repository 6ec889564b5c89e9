// Things that happen at once, through the real entry points: the approval handler with API Gateway v2
// events, the escalation sweep's function and the close-task function, against DynamoDB Local, the local SES
// and the local Step Functions runtime. Each asserts that exactly one effect came out, however many tried.
import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ActionDeps } from '#domain/admin.ts';
import { levelTimes } from '#domain/escalation.ts';
import { formToken, newLinkId } from '#domain/links.ts';
import { digestDay } from '#plan/calendar.ts';
import type { Plan } from '#plan/index.ts';
import { emailTexts } from '#presentation/email/texts.ts';
import { listAuditOfTask } from '#store/audit.ts';
import { digestItemsOf } from '#store/digest.ts';
import { createLink, getLink, listLinksOfTask } from '#store/links.ts';
import { getTask } from '#store/tasks.ts';
import { approvalEvent } from '#test/support/api-gateway.ts';
import {
  type ApprovalBed,
  LI,
  PROGRAMME,
  SIGNING_KEY,
  startApprovalBed,
  WANG,
} from '#test/support/approval.ts';
import { DAY, HOUR, openTask, samplePlan } from '#test/support/escalation.ts';
import { type HandlerEnv, startHandlerEnv } from '#test/support/handlers.ts';
import { type CountingProxy, countingProxy } from '#test/support/sfn-proxy.ts';

let bed: ApprovalBed;
let proxy: CountingProxy;
let env: HandlerEnv;

beforeAll(async () => {
  bed = await startApprovalBed();
  proxy = await countingProxy(bed.sfnEndpoint);
  // The handlers share the bed's table and signing key, and reach its runtime through the counting proxy.
  env = await startHandlerEnv({
    store: bed.store,
    linkKey: SIGNING_KEY,
    env: { AWS_ENDPOINT_URL_SFN: proxy.url },
  });
});

afterAll(async () => {
  await env?.close();
  await proxy?.close();
  await bed?.close();
});

type Response = APIGatewayProxyStructuredResultV2;

/** The dashboard's reassign (its domain function, with the dependencies the dashboard handler gives it). */
async function reassign(taskId: string, to: string): Promise<{ ok: true } | { error: Error }> {
  // Imported here: the handlers' configuration is read from the environment startHandlerEnv sets.
  const { reassignTask } = await import('#domain/admin.ts');
  const { sendEmail } = await import('#adapters/mail.ts');
  const deps: ActionDeps = {
    store: bed.store,
    sfn: { describeExecution: async () => undefined } as unknown as ActionDeps['sfn'],
    now: () => new Date(),
    machines: {},
    sendEmail,
    texts: emailTexts,
    linkSigningKey: async () => SIGNING_KEY,
    apiBaseUrl: 'https://api.xx-county.example',
    sendTaskSuccess: async () => {},
  };
  try {
    await reassignTask(deps, { sub: 'admin', email: 'admin@xx-county.example' }, taskId, {
      reason: '李华出差，由王芳办理',
      to,
    });
    return { ok: true };
  } catch (error) {
    return { error: error as Error };
  }
}

// The handlers read the real clock: links and due dates are set in the future of now.
const inAMonth = () => new Date(Date.now() + 30 * DAY).toISOString();
const approve = (linkId: string, comment: string) => ({
  token: formToken(SIGNING_KEY, linkId),
  decision: 'approve',
  comment,
  'f.score.party-leadership': '88',
});

describe('fifty POSTs through one approval link at once', () => {
  it('record one decision, send one callback and refuse the other 49 cleanly', async () => {
    const opened = await bed.openTask({ dueAt: inAMonth(), expiresAt: inAMonth() });
    const link = opened.links[0] as (typeof opened.links)[number];
    const sentBefore = proxy.calls('SendTaskSuccess');

    const responses = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        env.invoke<Response>(
          'approval',
          approvalEvent('POST', link, approve(link.linkId, `第 ${i + 1} 次点击`)),
        ),
      ),
    );

    const statuses = responses.map((r) => r.statusCode);
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(49);
    expect(proxy.calls('SendTaskSuccess') - sentBefore).toBe(1);
    const task = await getTask(bed.store, opened.task.taskId);
    expect(task).toMatchObject({ status: 'decided', decision: { outcome: 'approve', decidedBy: WANG } });
    expect(task?.callbackPending).toBeUndefined();
    const winner = responses.findIndex((r) => r.statusCode === 200);
    expect(task?.decision?.comment).toBe(`第 ${winner + 1} 次点击`);
    expect((await getLink(bed.store, link.linkId))?.status).toBe('used');
    const audit = await listAuditOfTask(bed.store, opened.task.taskId);
    expect(audit.filter((e) => e.action === 'decision.recorded')).toHaveLength(1);
    const execution = await bed.describe(opened.executionArn);
    expect(execution).toMatchObject({ status: 'SUCCEEDED', output: { comment: `第 ${winner + 1} 次点击` } });
  });

  it('from two assignees of an any-one-signs task (或签) record only the first decision', async () => {
    const opened = await bed.openTask({ assignees: [WANG, LI], dueAt: inAMonth(), expiresAt: inAMonth() });
    const sentBefore = proxy.calls('SendTaskSuccess');

    const responses = await Promise.all(
      Array.from({ length: 50 }, (_, i) => {
        const link = opened.links[i % 2] as (typeof opened.links)[number];
        return env.invoke<Response>('approval', approvalEvent('POST', link, approve(link.linkId, `${i}`)));
      }),
    );

    expect(responses.filter((r) => r.statusCode === 200)).toHaveLength(1);
    expect(responses.filter((r) => r.statusCode === 409)).toHaveLength(49);
    expect(proxy.calls('SendTaskSuccess') - sentBefore).toBe(1);
    const links = await Promise.all(opened.links.map((l) => getLink(bed.store, l.linkId)));
    expect(links.map((l) => l?.status).sort()).toEqual(['active', 'used']);
    const audit = await listAuditOfTask(bed.store, opened.task.taskId);
    expect(audit.filter((e) => e.action === 'decision.recorded')).toHaveLength(1);
  });
});

describe('a decision arriving as the task times out', () => {
  it('has exactly one effect each time: decided and delivered, or closed with its notice, never both', async () => {
    const outcomes: string[] = [];
    for (let round = 0; round < 8; round++) {
      const taskId = randomUUID();
      const opened = await bed.openTask({ taskId, dueAt: inAMonth(), expiresAt: inAMonth() });
      const link = opened.links[0] as (typeof opened.links)[number];
      const sentBefore = proxy.calls('SendTaskSuccess');
      const mailBefore = (await env.mail()).length;

      const [post, close] = await Promise.all([
        env.invoke<Response>('approval', approvalEvent('POST', link, approve(link.linkId, '同意。'))),
        env.invoke<{ closed: boolean }>('close-task', {
          programmeId: PROGRAMME,
          pilotId: 'gucheng',
          stage: 'implementation',
          executionArn: opened.executionArn,
          taskId,
          step: 'Review the implementation plan',
        }),
      ]);

      const task = await getTask(bed.store, taskId);
      const actions = (await listAuditOfTask(bed.store, taskId)).map((e) => e.action).sort();
      const callbacks = proxy.calls('SendTaskSuccess') - sentBefore;
      // The lead unit's notice that the task timed out (a zh-CN plan's notice names no execution: its words are
      // the plan's, the execution is on the dashboard).
      const notices = (await env.mail()).slice(mailBefore).filter((m) => m.subject.startsWith('【停滞】'));
      if (post.statusCode === 200) {
        expect(close.closed).toBe(false);
        expect(task?.status).toBe('decided');
        expect(actions).toEqual(['decision.recorded']);
        expect(callbacks).toBe(1);
        expect(notices).toHaveLength(0);
        outcomes.push('decided');
      } else {
        expect(post.statusCode).toBe(409);
        expect(close.closed).toBe(true);
        expect(task?.status).toBe('timed-out');
        expect(task?.decision).toBeUndefined();
        expect(actions).toEqual(['link.refused', 'task.timed-out']);
        expect(callbacks).toBe(0);
        expect(notices).toHaveLength(1);
        outcomes.push('closed');
      }
    }
    // Either order may win; the assertions above hold for each round whichever it was.
    expect(outcomes).toHaveLength(8);
  });
});

describe('a decision arriving as the task is reassigned', () => {
  it('has exactly one effect each time: decided through the old link, or handed over with the old link refused', async () => {
    const outcomes: string[] = [];
    for (let round = 0; round < 16; round++) {
      const taskId = randomUUID();
      const opened = await bed.openTask({
        taskId,
        assignees: [LI],
        dueAt: inAMonth(),
        expiresAt: inAMonth(),
      });
      const link = opened.links[0] as (typeof opened.links)[number];
      const sentBefore = proxy.calls('SendTaskSuccess');
      const mailBefore = (await env.mail()).length;

      const [post, handOver] = await Promise.all([
        env.invoke<Response>('approval', approvalEvent('POST', link, approve(link.linkId, '同意。'))),
        reassign(taskId, WANG.email),
      ]);

      const task = await getTask(bed.store, taskId);
      const actions = (await listAuditOfTask(bed.store, taskId)).map((e) => e.action).sort();
      const callbacks = proxy.calls('SendTaskSuccess') - sentBefore;
      const toWang = (await env.mail()).slice(mailBefore).filter((m) => m.to.includes(WANG.email));
      if (post.statusCode === 200) {
        expect(handOver).toMatchObject({ error: { name: 'ConflictError' } });
        expect('error' in handOver && handOver.error.message).toMatch(/decided/);
        expect(task).toMatchObject({ status: 'decided', assignees: [LI] });
        expect((await getLink(bed.store, link.linkId))?.status).toBe('used');
        expect(actions).toEqual(['decision.recorded']);
        expect(callbacks).toBe(1);
        expect(toWang).toHaveLength(0);
        outcomes.push('decided');
      } else {
        expect(handOver).toEqual({ ok: true });
        // A revoked link answers 410 Gone, with the page saying whom the task went to.
        expect(post.statusCode).toBe(410);
        expect(post.body).toContain(`此事项已转交给 ${WANG.name} 办理`);
        expect(task).toMatchObject({ status: 'open', assignees: [WANG] });
        expect((await getLink(bed.store, link.linkId))?.status).toBe('revoked');
        expect(actions).toEqual(['link.refused', 'task.reassigned']);
        expect(callbacks).toBe(0);
        expect(toWang).toHaveLength(1);
        // The old link decides nothing afterwards either.
        const late = await env.invoke<Response>(
          'approval',
          approvalEvent('POST', link, approve(link.linkId, '再次提交。')),
        );
        expect(late.statusCode).toBe(410);
        expect((await getTask(bed.store, taskId))?.status).toBe('open');
        outcomes.push('reassigned');
      }
    }
    // Either order may win; the assertions above hold for each round whichever it was.
    expect(outcomes).toHaveLength(16);
  });
});

describe('a reassignment with more links than one transaction holds', () => {
  /** A task of 李华's with `links` active links of his (a stand-in for many assignees of one unit). */
  async function taskWithLinks(links: number) {
    const opened = await bed.openTask({ assignees: [LI], dueAt: inAMonth(), expiresAt: inAMonth() });
    for (let i = 1; i < links; i++) {
      await createLink(
        bed.store,
        {
          linkId: newLinkId(),
          taskId: opened.task.taskId,
          assignee: LI,
          status: 'active',
          createdAt: new Date().toISOString(),
          expiresAt: inAMonth(),
        },
        opened.task.dueAt,
      );
    }
    return opened.task.taskId;
  }

  it('is refused with the reason and changes nothing; at the bound it goes through', async () => {
    // The task's update and the audit event are two of DynamoDB's 100 items: 98 links fit, 99 do not.
    const over = await taskWithLinks(99);
    const within = await taskWithLinks(98);

    const refused = await reassign(over, WANG.email);
    const done = await reassign(within, WANG.email);

    expect(refused).toMatchObject({ error: { name: 'ConflictError' } });
    expect('error' in refused && refused.error.message).toBe(
      'the task has 99 active links to retire, more than one transaction holds (98): nothing was reassigned',
    );
    expect((await getTask(bed.store, over))?.assignees).toEqual([LI]);
    expect((await listLinksOfTask(bed.store, over)).filter((l) => l.status === 'active')).toHaveLength(99);
    expect(await listAuditOfTask(bed.store, over)).toEqual([]);
    expect(done).toEqual({ ok: true });
    expect((await listLinksOfTask(bed.store, within)).filter((l) => l.status === 'revoked')).toHaveLength(98);
  });
});

/**
 * The first whole hour's due time after `now` at which the sample's reminder is due and level 2 (at the due time)
 * is not, and the reminder's time. The handler reads the real clock, and the reminder falls two *working* days
 * before the due date, at its start: a task due in two days less an hour, opened the day before, is inside its
 * window on a Tuesday but opened after the window began on a Friday evening in Shanghai (the task's own e-mail is
 * then its reminder: reminder.skipped), as this test found on Friday 2026-12-04.
 */
function inReminderWindow(plan: Plan, now: number): { dueAt: number; remindAt: number } {
  for (let dueAt = Math.ceil(now / HOUR) * HOUR + HOUR; dueAt < now + 30 * DAY; dueAt += HOUR) {
    const times = levelTimes(plan, { kind: 'acknowledgement', dueAt: new Date(dueAt).toISOString() });
    if (times[1].getTime() <= now && now < times[2].getTime()) return { dueAt, remindAt: times[1].getTime() };
  }
  throw new Error(`no due time within 30 days has its reminder due at ${new Date(now).toISOString()}`);
}

describe('two escalation sweeps at once', () => {
  it('remind or escalate each overdue task exactly once: one audit event, and one digest per recipient listing it once', async () => {
    const plan = await samplePlan();
    const now = Date.now();
    // Six in their reminder window, opened before it, and six overdue by an hour (supervisor level).
    const { dueAt, remindAt } = inReminderWindow(plan, now);
    const reminded = await Promise.all(
      Array.from({ length: 6 }, () =>
        openTask(bed.store, plan, remindAt - HOUR, { dueAt: new Date(dueAt).toISOString() }, SIGNING_KEY),
      ),
    );
    const overdue = await Promise.all(
      Array.from({ length: 6 }, () => openTask(bed.store, plan, now - 3 * DAY - HOUR, {}, SIGNING_KEY)),
    );
    const mailBefore = (await env.mail()).length;

    await Promise.all([
      env.invoke('escalate', { trigger: 'schedule' }),
      env.invoke('escalate', { trigger: 'schedule' }),
    ]);

    const mail = (await env.mail()).slice(mailBefore);
    for (const { task } of reminded) {
      const actions = (await listAuditOfTask(bed.store, task.taskId)).map((e) => e.action);
      expect(actions).toEqual(['reminder.sent']);
    }
    for (const { task } of overdue) {
      const actions = (await listAuditOfTask(bed.store, task.taskId)).map((e) => e.action);
      expect(actions).toEqual(['reminder.skipped', 'escalation.supervisor-notified']);
    }
    // The handler reads the real clock: today's digests go out on a working day from 09:00 in Shanghai, else
    // the items wait. Either way nobody gets two e-mails, and no task is listed twice.
    const recipients = mail.map((m) => m.to.join(',')).sort();
    if (digestDay(plan, new Date())) {
      expect(recipients).toEqual(['gucheng@xx-town.example', 'shehuishiwu@xx-town.example']);
      const assignee = mail.find((m) => m.to.includes('gucheng@xx-town.example'))?.text ?? '';
      for (const { links } of [...reminded, ...overdue]) {
        expect(assignee.split(`/a/${links[0]?.linkId}?`)).toHaveLength(2);
      }
      const supervisor = mail.find((m) => m.to.includes('shehuishiwu@xx-town.example'))?.text ?? '';
      expect(supervisor.match(/^【逾期提醒】/gm)).toHaveLength(6);
    } else {
      expect(mail).toEqual([]);
      expect(await digestItemsOf(bed.store, plan.programme.id, 'gucheng@xx-town.example')).toHaveLength(12);
      expect(await digestItemsOf(bed.store, plan.programme.id, 'shehuishiwu@xx-town.example')).toHaveLength(
        6,
      );
    }
  });
});
