// Amending a running programme on DynamoDB Local with the sample plan and a real Step Functions runtime: a
// replaced contact's open task moves to the successor in one transaction (the old link revoked and naming
// the successor, the new link mailed once through local SES and deciding the execution), the next task of the
// unit goes to the successor, every amendment is a plan version; window and due-date moves are validated.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { sfnApi } from '#adapters/sfn-api.ts';
import type { ActionDeps } from '#domain/admin.ts';
import { addContact, moveDueDate, moveWindow, replaceContact } from '#domain/amend.ts';
import { levelTimes, targetLevel } from '#domain/escalation.ts';
import { formToken } from '#domain/links.ts';
import type { Email } from '#domain/mail.ts';
import { openTask } from '#domain/open-task.ts';
import { loadPlan } from '#domain/plans.ts';
import { ValidationError } from '#lib/errors.ts';
import { emailTexts } from '#presentation/email/texts.ts';
import { listAuditOfPilot, listAuditOfTask } from '#store/audit.ts';
import { getLink, listLinksOfTask } from '#store/links.ts';
import { listPlanVersions } from '#store/plan-versions.ts';
import { getTask, listOpenTasksDueBy } from '#store/tasks.ts';
import {
  type ApprovalBed,
  LI,
  openPage,
  PROGRAMME,
  SIGNING_KEY,
  startApprovalBed,
  submitPage,
  WANG,
} from '#test/support/approval.ts';
import { startLocalSes, stubLocalSesEnv } from '#test/support/escalation.ts';

const ADMIN = { sub: 'admin-1', email: 'admin@xx-county.example', name: '管理员' };
const SUCCESSOR = { name: '陈静', email: 'chenjing@xx-county.example' };

let bed: ApprovalBed;
let ses: Awaited<ReturnType<typeof startLocalSes>>;
let sendEmail: (email: Email) => Promise<string>;

beforeAll(async () => {
  ses = await startLocalSes();
  stubLocalSesEnv(ses.endpoint);
  ({ sendEmail } = await import('#adapters/mail.ts'));
}, 120_000);

afterAll(async () => {
  vi.unstubAllEnvs();
  await ses?.stop();
});

beforeEach(async () => {
  await bed?.close();
  bed = await startApprovalBed();
  await ses.clear();
}, 120_000);

afterAll(async () => {
  await bed?.close();
});

function deps(): ActionDeps {
  return {
    store: bed.store,
    sfn: sfnApi(bed.sfn),
    now: () => new Date(bed.clock.now),
    machines: {},
    sendEmail,
    texts: emailTexts,
    linkSigningKey: async () => SIGNING_KEY,
    apiBaseUrl: 'http://approval.test',
    sendTaskSuccess: async () => {},
  };
}

const replaceLi = () =>
  replaceContact(deps(), ADMIN, PROGRAMME, {
    reason: '李华调离民政局',
    unit: 'civil-affairs',
    from: LI.email,
    ...SUCCESSOR,
  });

/** The link in the newest e-mail to `to`, as the successor would click it. */
async function mailedLink(to: string): Promise<{ linkId: string; sig: string }> {
  const mail = (await ses.emails()).filter((e) => e.destination.to.some((t) => t.includes(to)));
  const text = mail.at(-1)?.body.text ?? '';
  const url = new URL(text.match(/https?:\/\/\S+\/a\/\S+/)?.[0] ?? 'http://none/a/none?sig=');
  return { linkId: url.pathname.split('/').at(-1) ?? '', sig: url.searchParams.get('sig') ?? '' };
}

describe('replacing a contact', () => {
  it('moves the open task to the successor with the old link revoked, and the successor’s link decides it once', async () => {
    const opened = await bed.openTask({ assignees: [LI, WANG] });
    const old = opened.links.find((l) => l.assignee.email === LI.email)!;
    const wang = opened.links.find((l) => l.assignee.email === WANG.email)!;

    const result = await replaceLi();

    expect(result).toEqual({ version: 2, moved: [opened.task.taskId] });
    const task = await getTask(bed.store, opened.task.taskId);
    expect(task?.assignees).toEqual([{ ...SUCCESSOR, unitId: 'civil-affairs' }, WANG]);
    expect(await getLink(bed.store, old.linkId)).toMatchObject({
      status: 'revoked',
      handedTo: { name: '陈静', email: SUCCESSOR.email },
    });
    // The colleague's link is untouched.
    expect((await getLink(bed.store, wang.linkId))?.status).toBe('active');

    // The old link's page says where the task went, in the plan's language, and offers no form.
    const page = await openPage(bed.deps(), { linkId: old.linkId, sig: old.sig });
    expect(page.status).toBe(410);
    expect(page.view).toMatchObject({ page: 'refused', reason: 'revoked', handedTo: '陈静' });
    const before = await bed.items();
    const refused = await submitPage(bed.deps(), {
      linkId: old.linkId,
      sig: old.sig,
      fields: new Map([
        ['token', formToken(SIGNING_KEY, old.linkId)],
        ['decision', 'approve'],
      ]),
    });
    expect(refused.status).toBe(410);
    expect(
      (await bed.items()).filter(
        (i) => !String(i.pk).startsWith('AUDIT#') && !String(i.pk).startsWith('ONCE#'),
      ),
    ).toEqual(before.filter((i) => !String(i.pk).startsWith('AUDIT#') && !String(i.pk).startsWith('ONCE#')));

    // The successor was mailed one link, which decides the task and moves the execution on.
    const mail = (await ses.emails()).filter((e) =>
      e.destination.to.some((t) => t.includes(SUCCESSOR.email)),
    );
    expect(mail).toHaveLength(1);
    const link = await mailedLink(SUCCESSOR.email);
    const decided = await submitPage(bed.deps(), {
      ...link,
      fields: new Map([
        ['token', formToken(SIGNING_KEY, link.linkId)],
        ['decision', 'approve'],
        ['comment', '同意'],
        ['f.score.party-leadership', '90'],
      ]),
    });
    expect(decided.status).toBe(200);
    expect(bed.callbacks).toEqual([opened.task.taskToken]);
    expect((await bed.describe(opened.executionArn)).status).toBe('SUCCEEDED');
    expect((await getTask(bed.store, opened.task.taskId))?.decision?.decidedBy.email).toBe(SUCCESSOR.email);

    // Audited on the pilot's trail and the task's, with who and why.
    const audit = await listAuditOfTask(bed.store, opened.task.taskId);
    expect(audit.find((e) => e.action === 'task.handed-over')).toMatchObject({
      actor: 'admin:admin@xx-county.example',
      details: { reason: '李华调离民政局', from: LI, to: { ...SUCCESSOR, unitId: 'civil-affairs' } },
    });
  });

  it('sends the next task of the unit to the successor, and keeps the versions with who, when and what', async () => {
    await replaceLi();
    // The next plan review opens as the open-task function opens it: for the successor and the colleague.
    const next = await openTask(
      { ...deps(), linkSigningKey: async () => SIGNING_KEY },
      {
        taskToken: 'token-of-the-next-review',
        taskId: randomUUID(),
        programmeId: PROGRAMME,
        pilotId: 'caotang',
        stage: 'launch',
        kind: 'planReview',
        step: 'Review the implementation plan',
        executionArn: 'arn:aws:states:us-east-1:123456789012:execution:launch:caotang',
        round: 1,
        assignee: 'stageLead',
      },
    );
    const task = await getTask(bed.store, next.taskId);
    expect(task?.assignees.map((p) => p.email)).toEqual([SUCCESSOR.email, WANG.email]);
    const mailed = (await ses.emails()).flatMap((e) => e.destination.to);
    expect(mailed.some((to) => to.includes(SUCCESSOR.email))).toBe(true);
    expect(mailed.some((to) => to.includes(LI.email))).toBe(false);

    await addContact(deps(), ADMIN, PROGRAMME, {
      reason: '增加经办人',
      unit: 'finance',
      name: '周敏',
      email: 'zhoumin@xx-county.example',
    });
    const versions = await listPlanVersions(bed.store, PROGRAMME);
    expect(versions.map((v) => [v.version, v.by, v.changes[0]?.kind])).toEqual([
      [2, 'admin:admin@xx-county.example', 'contact-replaced'],
      [3, 'admin:admin@xx-county.example', 'contact-added'],
    ]);
    const programmeTrail = await listAuditOfPilot(bed.store, PROGRAMME, '-');
    expect(programmeTrail.filter((e) => e.action === 'plan.amended')).toHaveLength(2);
    // The replaced contact's version keeps its whole change: from, to and the tasks handed over.
    expect(versions[0]?.changes[0]).toMatchObject({
      from: { name: LI.name, email: LI.email },
      to: SUCCESSOR,
      tasks: 0,
    });
  });

  it('mails the successor once when it runs again, and moves only what is left', async () => {
    const first = await bed.openTask({ assignees: [LI] });
    await replaceLi();
    const second = await bed.openTask({ assignees: [LI] }); // opened with the old plan, before the replacement
    const again = await replaceLi();
    expect(again).toEqual({ version: 2, moved: [second.task.taskId] });
    expect((await getTask(bed.store, first.task.taskId))?.assignees).toEqual([
      { ...SUCCESSOR, unitId: 'civil-affairs' },
    ]);
    const mail = (await ses.emails()).filter((e) =>
      e.destination.to.some((t) => t.includes(SUCCESSOR.email)),
    );
    expect(mail).toHaveLength(2);
    expect(await listPlanVersions(bed.store, PROGRAMME)).toHaveLength(1);
  });

  it('refuses a successor who is a contact of the unit already, and one who is not there to leave', async () => {
    await expect(
      replaceContact(deps(), ADMIN, PROGRAMME, {
        reason: '调整',
        unit: 'civil-affairs',
        from: LI.email,
        name: WANG.name,
        email: WANG.email,
      }),
    ).rejects.toMatchObject({ issues: [{ path: 'email', message: 'already a contact of this unit' }] });
    await expect(
      replaceContact(deps(), ADMIN, PROGRAMME, {
        reason: '调整',
        unit: 'finance',
        from: LI.email,
        ...SUCCESSOR,
      }),
    ).rejects.toBeInstanceOf(ValidationError);
    expect(await listPlanVersions(bed.store, PROGRAMME)).toEqual([]);
  });
});

describe('moving a window or a due date', () => {
  it('refuses a window that ends before it starts, naming the end, and stores a valid move as a version', async () => {
    await expect(
      moveWindow(deps(), ADMIN, PROGRAMME, {
        reason: '推迟',
        stage: 'evaluation',
        start: '2023-12-01',
        end: '2023-11-01',
      }),
    ).rejects.toMatchObject({ issues: [{ path: 'end', message: 'the window ends before it starts' }] });
    const plan = await loadPlan(bed.store, PROGRAMME);
    const moved = await moveWindow(deps(), ADMIN, PROGRAMME, {
      reason: '省里推迟验收',
      stage: 'evaluation',
      start: plan.stages.evaluation.start,
      end: '2023-12-29',
    });
    expect(moved.version).toBe(2);
    expect((await loadPlan(bed.store, PROGRAMME)).stages.evaluation.end).toBe('2023-12-29');
  });

  it('refuses a due date in the past, and moves a task’s due date with its place among the due tasks', async () => {
    const opened = await bed.openTask({ dueAt: '2023-02-10T09:30:00.000Z' });
    await expect(
      moveDueDate(deps(), ADMIN, opened.task.taskId, { reason: '延期', due: '2023-02-01' }),
    ).rejects.toMatchObject({ issues: [{ path: 'due', message: 'the due date is in the past' }] });

    const { dueAt } = await moveDueDate(deps(), ADMIN, opened.task.taskId, {
      reason: '材料未齐，延期一周',
      due: '2023-02-17',
    });
    expect(dueAt).toBe('2023-02-17T09:30:00.000Z');
    expect((await getTask(bed.store, opened.task.taskId))?.dueAt).toBe(dueAt);
    // The escalation sweep reads due tasks from the index: no longer due on the 10th, due on the 17th.
    const dueBy = async (at: string) => (await listOpenTasksDueBy(bed.store, at)).tasks.map((t) => t.taskId);
    expect(await dueBy('2023-02-10T10:00:00.000Z')).not.toContain(opened.task.taskId);
    expect(await dueBy('2023-02-17T10:00:00.000Z')).toContain(opened.task.taskId);
    // Reminders and escalations are timed from the stored due date: each level comes later, and when the
    // supervisor would have been told under the old date, they are not yet.
    const plan = await loadPlan(bed.store, PROGRAMME);
    const moved = (await getTask(bed.store, opened.task.taskId))!;
    const before = levelTimes(plan, opened.task);
    const after = levelTimes(plan, moved);
    for (const level of [1, 2, 3] as const) {
      expect(after[level].getTime()).toBeGreaterThan(before[level].getTime());
    }
    expect(targetLevel(plan, opened.task, before[2])).toBe(2);
    expect(targetLevel(plan, moved, before[2])).toBeLessThan(2);
    const links = await listLinksOfTask(bed.store, opened.task.taskId);
    expect(links.every((l) => l.status === 'active')).toBe(true);
    const audit = await listAuditOfTask(bed.store, opened.task.taskId);
    expect(audit.find((e) => e.action === 'task.due-moved')?.details).toMatchObject({
      reason: '材料未齐，延期一周',
      from: '2023-02-10T09:30:00.000Z',
      to: dueAt,
    });
  });
});
