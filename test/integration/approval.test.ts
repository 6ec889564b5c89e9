// The approval flow's domain against real parts: DynamoDB Local and the local Step Functions runtime.
// (The HTTP layer on the local cloud, with bodies and headers, is in approval-http.test.ts.)

import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  deliverDecision,
  RETRY_MIN_AGE_MS,
  recordDecision,
  retryPendingCallbacks,
} from '#domain/decision.ts';
import { formToken, linkSignature } from '#domain/links.ts';
import { listAuditOfPilot, listAuditOfTask } from '#store/audit.ts';
import { listPendingCallbacks } from '#store/callbacks.ts';
import { keys } from '#store/keys.ts';
import { getLink } from '#store/links.ts';
import { writePlanVersion } from '#store/plan-versions.ts';
import { closeTask, getTask } from '#store/tasks.ts';
import {
  type ApprovalBed,
  LI,
  type OpenedTask,
  openPage,
  PROGRAMME,
  SIGNING_KEY,
  samplePlan,
  startApprovalBed,
  submitPage,
  T0,
  WANG,
  ZHAO,
} from '#test/support/approval.ts';

let bed: ApprovalBed;
beforeAll(async () => {
  bed = await startApprovalBed();
});
afterAll(async () => {
  await bed?.close();
});

type Link = OpenedTask['links'][number];

function post(
  link: Link,
  fields: Record<string, string>,
  extra: { sig?: string; token?: string | null } = {},
) {
  const token = extra.token === undefined ? formToken(SIGNING_KEY, link.linkId) : extra.token;
  const all = new Map(Object.entries({ ...(token === null ? {} : { token }), ...fields }));
  return submitPage(bed.deps(), { linkId: link.linkId, sig: extra.sig ?? link.sig, fields: all });
}

const approve = { decision: 'approve', comment: '同意。', 'f.score.party-leadership': '88' };

const firstLink = (opened: OpenedTask): Link => opened.links[0] as Link;

describe('GET of a link', () => {
  it('shows the task page ten times over and changes nothing', async () => {
    const opened = await bed.openTask();
    const link = firstLink(opened);
    const before = await bed.items();
    for (let i = 0; i < 10; i++) {
      const page = await openPage(bed.deps(), { linkId: link.linkId, sig: link.sig });
      expect(page.status).toBe(200);
      expect(page.view.page).toBe('task');
    }
    expect(await bed.items()).toEqual(before);
    expect(bed.callbacks).not.toContain(opened.task.taskToken);
  });

  it("renders the pilot and the programme from the plan, in the plan's language unless the link asks for English", async () => {
    const link = firstLink(await bed.openTask());
    const zh = await openPage(bed.deps(), { linkId: link.linkId, sig: link.sig });
    const en = await openPage(bed.deps(), { linkId: link.linkId, sig: link.sig, lang: 'en' });
    expect(zh.view.frame.locale).toBe('zh-CN');
    expect(en.view.frame.locale).toBe('en');
    expect(zh.view.page === 'task' && zh.view.task.pilot).toEqual({
      zh: 'XX镇古城社区',
      en: 'Gucheng Community, XX Town',
    });
    expect(zh.view.frame.contact).toMatchObject({ unit: { zh: '县民政局' }, name: '李华' });
  });

  it("shows what the round is about from the task's context, and what is asked from its kind", async () => {
    const opened = await bed.openTask({
      round: 2,
      context: {
        submittedSummary: '一、主要任务……',
        submittedDocument: 'https://docs.xx-county.example/gucheng-plan-v2.pdf',
        previousComment: '请补充经费预算。',
        memberUnit: 'finance',
      },
    });
    const page = await openPage(bed.deps(), firstLink(opened));
    if (page.view.page !== 'task') throw new Error(`expected the task page, got ${page.view.page}`);
    expect(page.view.task.title).toEqual({ zh: '审核实施方案', en: 'Review the implementation plan' });
    expect(page.view.task.instructions?.zh).toMatch(/^请审核试点提交的实施方案/);
    expect(page.view.task.quotes.map((q) => q.text)).toEqual(['一、主要任务……', '请补充经费预算。']);
    expect(page.view.task.documents[0]?.url).toBe('https://docs.xx-county.example/gucheng-plan-v2.pdf');
    expect(page.view.task.facts).toContainEqual({
      label: { zh: '会签单位', en: 'For the unit' },
      value: { zh: '县财政局', en: expect.any(String) },
    });
  });

  it('shows the decisions of earlier rounds of the same step', async () => {
    const first = await bed.openTask({ pilotId: 'caotang' });
    await post(firstLink(first), { decision: 'return', comment: '请补充经费预算。' });
    const second = await bed.openTask({ pilotId: 'caotang', round: 2 });
    const page = await openPage(bed.deps(), { linkId: firstLink(second).linkId, sig: firstLink(second).sig });
    expect(page.view.page === 'task' && page.view.task.history).toEqual([
      {
        round: 1,
        title: { zh: '审核实施方案', en: 'Review the implementation plan' },
        outcome: { zh: '退回修改', en: 'Return for revision' },
        comment: '请补充经费预算。',
        by: WANG.name,
        at: new Date(T0).toISOString(),
      },
    ]);
  });
});

describe('POST of a link', () => {
  it('records the decision once and the execution continues with it', async () => {
    const opened = await bed.openTask();
    const link = firstLink(opened);
    const page = await post(link, approve);
    expect(page.status).toBe(200);
    expect(page.view).toMatchObject({ page: 'recorded', delivery: 'delivered' });

    const execution = await bed.describe(opened.executionArn);
    expect(execution.status).toBe('SUCCEEDED');
    expect(execution.output).toMatchObject({
      taskId: opened.task.taskId,
      outcome: 'approve',
      comment: '同意。',
      form: { 'score.party-leadership': 88 },
      decidedBy: WANG,
      linkId: link.linkId,
    });
    const task = await getTask(bed.store, opened.task.taskId);
    expect(task).toMatchObject({ status: 'decided', decision: { outcome: 'approve', decidedBy: WANG } });
    expect(task?.callbackPending).toBeUndefined();
    expect((await getLink(bed.store, link.linkId))?.status).toBe('used');
    const audit = await listAuditOfTask(bed.store, opened.task.taskId);
    expect(audit.map((e) => e.action)).toEqual(['decision.recorded']);
    expect(audit[0]?.actor).toBe(`email:${WANG.email}`);
  });

  it('says "already decided" to a second POST and sends nothing more to Step Functions', async () => {
    const opened = await bed.openTask();
    const link = firstLink(opened);
    await post(link, approve);
    const again = await post(link, { ...approve, decision: 'reject', comment: '不同意' });
    expect(again.status).toBe(409);
    expect(again.view).toMatchObject({ page: 'decided', decision: { byYou: true, comment: '同意。' } });
    expect(bed.callbacks.filter((t) => t === opened.task.taskToken)).toHaveLength(1);
    expect((await getTask(bed.store, opened.task.taskId))?.decision?.outcome).toBe('approve');
  });

  it('records exactly one decision when twenty POSTs of one link arrive together', async () => {
    const opened = await bed.openTask();
    const link = firstLink(opened);
    const pages = await Promise.all(
      Array.from({ length: 20 }, (_, i) => post(link, { ...approve, comment: `第 ${i} 次` })),
    );
    expect(pages.filter((p) => p.status === 200)).toHaveLength(1);
    expect(pages.filter((p) => p.status === 409)).toHaveLength(19);
    expect(bed.callbacks.filter((t) => t === opened.task.taskToken)).toHaveLength(1);
    const audit = await listAuditOfTask(bed.store, opened.task.taskId);
    expect(audit.filter((e) => e.action === 'decision.recorded')).toHaveLength(1);
    expect((await bed.describe(opened.executionArn)).status).toBe('SUCCEEDED');
  });

  it('shows another assignee who was first (或签) who decided and when, and sends nothing', async () => {
    const opened = await bed.openTask({ assignees: [WANG, LI] });
    const [wang, li] = opened.links as [Link, Link];
    await post(li, approve);
    const before = await bed.items();
    const page = await post(wang, { decision: 'return', comment: '请修改' });
    expect(page.status).toBe(409);
    expect(page.view).toMatchObject({ page: 'decided', decision: { by: LI.name, byYou: false } });
    expect(bed.callbacks.filter((t) => t === opened.task.taskToken)).toHaveLength(1);
    // Only the refusal's audit event (and its claim) was added.
    const added = (await bed.items()).filter((i) => !before.some((b) => b.pk === i.pk && b.sk === i.sk));
    expect(added.map((i) => String(i.pk).split('#')[0]).sort()).toEqual(['AUDIT', 'ONCE']);
  });

  it('re-renders the form with the input and a message when a field is wrong, changing nothing', async () => {
    const link = firstLink(await bed.openTask());
    const before = await bed.items();
    const page = await post(link, { decision: 'approve', comment: '好', 'f.score.party-leadership': '120' });
    expect(page.status).toBe(422);
    expect(page.view).toMatchObject({
      page: 'task',
      input: { decision: 'approve', comment: '好', values: { 'score.party-leadership': '120' } },
      errors: { 'score.party-leadership': { en: 'Enter a score from 0 to 100.' } },
    });
    expect(await bed.items()).toEqual(before);
  });

  it('refuses a POST without the form token and changes nothing but the audit trail', async () => {
    const opened = await bed.openTask();
    const link = firstLink(opened);
    const page = await post(link, approve, { token: null });
    expect(page).toMatchObject({ status: 403, view: { page: 'refused', reason: 'bad-form-token' } });
    expect((await getTask(bed.store, opened.task.taskId))?.status).toBe('open');
    expect((await getLink(bed.store, link.linkId))?.status).toBe('active');
    const audit = await listAuditOfTask(bed.store, opened.task.taskId);
    expect(audit.map((e) => [e.action, e.details?.reason])).toEqual([['link.refused', 'bad-form-token']]);
  });

  it('stores line breaks as the browser typed them, but as LF only', async () => {
    const opened = await bed.openTask({
      form: {
        decisions: ['approve'],
        fields: [{ name: 'summary', kind: 'textarea', label: { zh: '摘要', en: 'Summary' }, required: true }],
      },
    });
    await post(firstLink(opened), { decision: 'approve', comment: '一\r\n二', 'f.summary': '甲\r\n乙\r丙' });
    const decision = (await getTask(bed.store, opened.task.taskId))?.decision;
    expect(decision).toMatchObject({ comment: '一\n二', form: { summary: '甲\n乙\n丙' } });
  });

  it('takes who decided from the link, never from the form', async () => {
    const opened = await bed.openTask();
    await post(firstLink(opened), { ...approve, decidedBy: 'someone@else.example', 'f.decidedBy': 'x' });
    expect((await getTask(bed.store, opened.task.taskId))?.decision?.decidedBy).toEqual(WANG);
  });
});

describe('refused links', () => {
  it('refuse a tampered signature, an unknown id and an expired link with 4xx, changing no task or link', async () => {
    const opened = await bed.openTask({ expiresAt: new Date(T0 + 3_600_000).toISOString() });
    const link = firstLink(opened);
    const tampered = `${link.sig.slice(0, -1)}${link.sig.endsWith('A') ? 'B' : 'A'}`;
    const cases = [
      { req: { linkId: link.linkId, sig: tampered }, status: 403, reason: 'bad-signature' },
      { req: { linkId: link.linkId, sig: undefined }, status: 403, reason: 'bad-signature' },
      { req: { linkId: 'A'.repeat(24), sig: link.sig }, status: 404, reason: 'unknown' },
      { req: { linkId: '../../etc/passwd', sig: link.sig }, status: 404, reason: 'unknown' },
    ];
    for (const c of cases) {
      expect(await openPage(bed.deps(), c.req)).toMatchObject({
        status: c.status,
        view: { reason: c.reason },
      });
      expect(await post({ ...link, linkId: c.req.linkId }, approve, { sig: c.req.sig ?? '' })).toMatchObject({
        status: c.status,
      });
    }
    bed.clock.now = T0 + 2 * 3_600_000;
    expect(await openPage(bed.deps(), link)).toMatchObject({ status: 410, view: { reason: 'expired' } });
    expect(await post(link, approve)).toMatchObject({ status: 410, view: { reason: 'expired' } });
    bed.clock.now = T0;

    expect(await getTask(bed.store, opened.task.taskId)).toMatchObject({ status: 'open' });
    expect((await getLink(bed.store, link.linkId))?.status).toBe('active');
    expect(bed.callbacks).not.toContain(opened.task.taskToken);
  });

  it("refuse a countersign member's link signed for another member", async () => {
    const a = firstLink(await bed.openTask({ assignees: [WANG], step: 'Acceptance countersign' }));
    const b = await bed.openTask({ assignees: [ZHAO], step: 'Acceptance countersign' });
    const bLink = firstLink(b);
    // B's link id, carrying A's valid signature: the signature binds the assignee, so it does not verify.
    const forged = linkSignature(SIGNING_KEY, {
      linkId: bLink.linkId,
      assignee: WANG,
      expiresAt: '2023-02-17T16:00:00.000Z',
    });
    for (const sig of [a.sig, forged]) {
      expect(await openPage(bed.deps(), { linkId: bLink.linkId, sig })).toMatchObject({ status: 403 });
      expect(await post(bLink, approve, { sig })).toMatchObject({ status: 403 });
    }
    expect(await getTask(bed.store, b.task.taskId)).toMatchObject({ status: 'open' });
  });

  it('write one audit event per link, reason and hour however often they are requested', async () => {
    const opened = await bed.openTask();
    const link = firstLink(opened);
    for (let i = 0; i < 5; i++) await openPage(bed.deps(), { linkId: link.linkId, sig: 'x' });
    bed.clock.now = T0 + 3_600_000;
    for (let i = 0; i < 5; i++) await openPage(bed.deps(), { linkId: link.linkId, sig: 'x' });
    bed.clock.now = T0;
    const audit = await listAuditOfTask(bed.store, opened.task.taskId);
    expect(audit.map((e) => [e.action, e.details?.reason, e.actor])).toEqual([
      ['link.refused', 'bad-signature', 'anonymous'],
      ['link.refused', 'bad-signature', 'anonymous'],
    ]);
  });

  it('put unknown link ids in the programme-less audit partition, once an hour for all of them', async () => {
    bed.clock.now = T0 + 10 * 3_600_000;
    const ids = ['B'.repeat(24), 'C'.repeat(24), 'D'.repeat(24)];
    for (const linkId of ids) await openPage(bed.deps(), { linkId, sig: 'x' });
    bed.clock.now = T0;
    const events = (await listAuditOfPilot(bed.store, '-', '-')).filter((e) =>
      e.at.startsWith('2023-02-05T12'),
    );
    expect(events).toHaveLength(1);
    expect(events[0]?.details).toMatchObject({ reason: 'unknown', linkId: ids[0] });
  });

  it('show what happened instead of refusing when a replaced or expired link belongs to a decided task', async () => {
    const opened = await bed.openTask({ expiresAt: new Date(T0 + 60_000).toISOString() });
    await post(firstLink(opened), approve);
    bed.clock.now = T0 + 86_400_000;
    const page = await openPage(bed.deps(), firstLink(opened));
    bed.clock.now = T0;
    expect(page).toMatchObject({ status: 200, view: { page: 'decided', decision: { byYou: true } } });
  });

  it('show a closed task calmly', async () => {
    const opened = await bed.openTask();
    await closeTask(bed.store, opened.task.taskId, 'cancelled', new Date(T0).toISOString());
    const page = await openPage(bed.deps(), firstLink(opened));
    expect(page).toMatchObject({
      status: 200,
      view: { page: 'closed', status: 'cancelled', task: { pilot: { zh: 'XX镇古城社区' } } },
    });
    expect(await post(firstLink(opened), approve)).toMatchObject({ status: 409, view: { page: 'closed' } });
  });
});

describe('the callback to Step Functions', () => {
  it('keeps the decision and says so calmly when the execution had moved on', async () => {
    const opened = await bed.openTask();
    await bed.stop(opened.executionArn);
    const page = await post(firstLink(opened), approve);
    expect(page).toMatchObject({ status: 200, view: { page: 'recorded', delivery: 'workflow-gone' } });
    const task = await getTask(bed.store, opened.task.taskId);
    expect(task).toMatchObject({ status: 'decided', callbackError: 'TaskTimedOut' });
    expect(task?.callbackPending).toBeUndefined();
    const audit = await listAuditOfTask(bed.store, opened.task.taskId);
    // The bed's clock stands still, so both events carry one instant and sort by their ids: compare as a set.
    expect(audit.map((e) => e.action).sort()).toEqual(['callback.failed', 'decision.recorded']);
    expect(await listPendingCallbacks(bed.store, '9999')).not.toContainEqual(
      expect.objectContaining({ taskId: opened.task.taskId }),
    );
  });

  it('delivers a decision to the token a retried open-task put on the task after the decider read it', async () => {
    // The decision is recorded from the task as read before the transaction (no second read): a retried
    // open-task replacing the token in between leaves that read's token stale, and its refusal leads to the new.
    const opened = await bed.openTask();
    const read = { ...opened.task, taskToken: 'a-token-step-functions-closed-on-retry' };
    const decision = {
      outcome: 'approve' as const,
      comment: '同意。',
      form: {},
      decidedBy: WANG,
      decidedAt: new Date(T0).toISOString(),
    };
    const recorded = await recordDecision(bed.deps(), read, decision, 'admin:test');
    expect(recorded).toMatchObject({ kind: 'decided', task: { status: 'decided', callbackPending: true } });
    if (recorded.kind !== 'decided') return;
    expect(await deliverDecision(bed.deps(), recorded.task)).toBe('delivered');
    expect((await bed.describe(opened.executionArn)).status).toBe('SUCCEEDED');
    expect((await getTask(bed.store, opened.task.taskId))?.callbackPending).toBeUndefined();
  });

  it('leaves a transiently failed callback pending, and the retry delivers it once it is old enough', async () => {
    const opened = await bed.openTask();
    bed.failNextCallbacks(1, Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));
    const page = await post(firstLink(opened), approve);
    expect(page).toMatchObject({ status: 200, view: { page: 'recorded', delivery: 'pending' } });
    expect((await getTask(bed.store, opened.task.taskId))?.callbackPending).toBe(true);
    expect((await bed.describe(opened.executionArn)).status).toBe('RUNNING');

    // A decision younger than RETRY_MIN_AGE_MS may still be in flight: the retry leaves it alone.
    const early = await retryPendingCallbacks(bed.deps());
    expect(early.delivered).toBe(0);
    bed.clock.now = T0 + RETRY_MIN_AGE_MS + 1;
    const report = await retryPendingCallbacks(bed.deps());
    bed.clock.now = T0;

    expect(report).toMatchObject({ delivered: 1, stillPending: 0 });
    expect((await bed.describe(opened.executionArn)).status).toBe('SUCCEEDED');
    expect((await getTask(bed.store, opened.task.taskId))?.callbackPending).toBeUndefined();
    expect(await listPendingCallbacks(bed.store, '9999')).toEqual([]);
  });
});

// Last in the file: it moves the shared programme's plan to a second version.
describe("the link's task and plan, read together", () => {
  it('opens a link made before links named their programme, with its plan', async () => {
    const opened = await bed.openTask();
    const link = firstLink(opened);
    expect((await getLink(bed.store, link.linkId))?.programmeId).toBe(PROGRAMME);
    await bed.store.db.send(
      new UpdateCommand({
        TableName: bed.store.table,
        Key: keys.link(link.linkId),
        UpdateExpression: 'REMOVE programmeId',
      }),
    );
    const page = await openPage(bed.deps(), { linkId: link.linkId, sig: link.sig });
    expect(page).toMatchObject({
      status: 200,
      view: { page: 'task', task: { pilot: { zh: 'XX镇古城社区' } } },
    });
    expect(page.view.frame.contact).toMatchObject({ unit: { zh: '县民政局' } });
  });

  it('shows an amended plan on the next page of a link at once', async () => {
    const opened = await bed.openTask();
    const link = firstLink(opened);
    const before = await openPage(bed.deps(), { linkId: link.linkId, sig: link.sig });
    expect(before.view.frame.programme?.zh).toBe(samplePlan().programme.title);
    const plan = samplePlan();
    const amended = {
      ...plan,
      programme: { ...plan.programme, title: '关于城乡社区治理试点工作方案（修订）' },
    };
    const at = new Date(T0).toISOString();
    const version = { programmeId: PROGRAMME, version: 2, at, by: 'admin:test', reason: 'test', changes: [] };
    const event = { pk: `TEST#${PROGRAMME}`, sk: `PLANV#2#${at}` };
    expect(await writePlanVersion(bed.store, version, amended, event)).toBe(true);
    const after = await openPage(bed.deps(), { linkId: link.linkId, sig: link.sig });
    expect(after.view.frame.programme?.zh).toBe('关于城乡社区治理试点工作方案（修订）');
  });
});
