// One request per person per step, end to end on the local cloud: the sample plan launched, every county
// department asked to acknowledge the mobilisation for six pilots gets one e-mail with one link to a page that
// lists them; deciding from that page moves each pilot's workflow on, once per task.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeBatchTicket, encodeBatchTicket } from '#domain/batch.ts';
import type { Mail } from '#local/cloud/index.ts';
import { listAuditOfPilot } from '#store/audit.ts';
import { getLink } from '#store/links.ts';
import { getTask, listOpenTasks, type TaskRecord } from '#store/tasks.ts';
import { samplePlan } from '#test/fixtures/plans.ts';
import { formTokenOf, postForm, type SampleCloud, startSampleCloud } from '#test/support/sample-cloud.ts';

const plan = samplePlan();
const BATCH_URL = /\/b\/[A-Za-z0-9_-]+\?sig=[A-Za-z0-9_.-]+$/;
const DEPARTMENTS = ['organisation', 'political-legal', 'finance', 'justice'];
const emailOf = (unitId: string) => plan.units.find((u) => u.id === unitId)?.contacts[0]?.email ?? '';

let sample: SampleCloud;
let mails: Mail[];

beforeAll(async () => {
  sample = await startSampleCloud();
  mails = await sample.cloud.mailbox.list({});
}, 600_000);

afterAll(async () => {
  await sample?.stop();
});

const batchUrlOf = (to: string) =>
  mails.filter((m) => m.to.includes(to)).flatMap((m) => m.links.filter((l) => BATCH_URL.test(l)))[0] ?? '';

/** The tasks behind the rows of a batch page (each row links its task's own page). */
async function tasksOfPage(html: string): Promise<TaskRecord[]> {
  const linkIds = [...html.matchAll(/\/a\/([A-Za-z0-9_-]{24})\?sig=/g)].map((m) => m[1] as string);
  const tasks: TaskRecord[] = [];
  for (const id of linkIds) {
    const link = await getLink(sample.store, id);
    const task = link && (await getTask(sample.store, link.taskId));
    if (task) tasks.push(task);
  }
  return tasks;
}

describe('the sample launched on the local cloud', () => {
  it('sends nobody more than two e-mails: the notice and one request covering all their pilots', () => {
    const perRecipient = new Map<string, string[]>();
    for (const m of mails)
      for (const to of m.to) perRecipient.set(to, [...(perRecipient.get(to) ?? []), m.subject]);
    const over = [...perRecipient].filter(([, subjects]) => subjects.length > 2);
    expect(over).toEqual([]);
    expect(perRecipient.size).toBeGreaterThanOrEqual(DEPARTMENTS.length + plan.pilots.length);
  });

  it('asks each county department once, with one batch link and no per-task links, naming all six pilots', () => {
    for (const unit of DEPARTMENTS) {
      const requests = mails.filter((m) => m.to.includes(emailOf(unit)) && m.subject.startsWith('【待办】'));
      expect(requests, unit).toHaveLength(1);
      const [mail] = requests as [Mail];
      expect(mail.subject).toContain('6 个试点');
      expect(mail.links.filter((l) => BATCH_URL.test(l))).toHaveLength(1);
      expect(mail.links.some((l) => l.includes('/a/'))).toBe(false);
      for (const pilot of plan.pilots) expect(mail.text).toContain(pilot.name);
    }
  });

  it('keeps one e-mail with its own link for a task that stands alone (each pilot acknowledging for itself)', () => {
    for (const pilot of plan.pilots) {
      const requests = mails.filter(
        (m) => m.to.includes(pilot.contacts[0]?.email ?? '') && m.subject.startsWith('【待办】'),
      );
      expect(requests, pilot.id).toHaveLength(1);
      expect(requests[0]?.links.some((l) => /\/a\/[A-Za-z0-9_-]{24}\?sig=/.test(l))).toBe(true);
    }
  });
});

describe('the batch page', () => {
  it('lists the six pilots in Chinese only and changes nothing when opened', async () => {
    const url = batchUrlOf(emailOf('finance'));
    const before = await sample.items();
    const answers = await Promise.all([fetch(url), fetch(url), fetch(url, { method: 'HEAD' })]);
    expect(answers.map((r) => r.status)).toEqual([200, 200, 200]);
    const html = await (answers[0] as Response).text();
    expect(html).toContain('<html lang="zh-CN"');
    expect(html).toContain('全部确认');
    for (const pilot of plan.pilots) expect(html).toContain(pilot.name);
    for (const pilot of plan.pilots) expect(html).not.toContain(pilot.nameEn);
    expect((await tasksOfPage(html)).map((t) => t.pilotId).sort()).toEqual(
      plan.pilots.map((p) => p.id).sort(),
    );
    expect(await sample.items()).toEqual(before);
  });

  it('refuses a changed signature, and a ticket moved to another recipient, auditing it once', async () => {
    const url = new URL(batchUrlOf(emailOf('finance')));
    const forged = new URL(url);
    forged.searchParams.set('sig', `${url.searchParams.get('sig')?.slice(0, -2)}AA`);
    expect((await fetch(forged)).status).toBe(403);
    const ticket = decodeBatchTicket(url.pathname.split('/').pop() ?? '');
    const other = decodeBatchTicket(new URL(batchUrlOf(emailOf('justice'))).pathname.split('/').pop() ?? '');
    const moved = new URL(url);
    moved.pathname = `/b/${encodeBatchTicket({ ...ticket!, recipient: other!.recipient })}`;
    expect((await fetch(moved)).status).toBe(403);
    // Nobody signed either: one event for the hour outside any programme, as for unknown approval links.
    const refused = (await listAuditOfPilot(sample.store, '-', '-')).filter((e) =>
      e.summary.includes('batch link refused'),
    );
    expect(refused.map((e) => [e.action, e.details?.reason, e.actor])).toEqual([
      ['link.refused', 'bad-signature', 'anonymous'],
    ]);
  });

  it('refuses a POST without the page form token, deciding nothing', async () => {
    const url = batchUrlOf(emailOf('justice'));
    const open = (await listOpenTasks(sample.store)).length;
    const answer = await postForm(url, { token: 'x', decision: 'approve' });
    expect(answer.status).toBe(403);
    expect((await listOpenTasks(sample.store)).length).toBe(open);
    // A genuine ticket: audited in its programme, the trail's words for it on the dashboard.
    const refused = (await listAuditOfPilot(sample.store, plan.programme.id, '-')).filter(
      (e) => e.action === 'link.refused',
    );
    expect(refused.map((e) => [e.details?.reason, e.details?.method, e.actor])).toEqual([
      ['bad-form-token', 'POST', 'anonymous'],
    ]);
    expect(refused[0]?.details?.batch).toMatchObject({ kind: 'acknowledgement' });
  });

  it('decides one pilot alone, then all the rest together; each workflow gets its own decision', async () => {
    const url = batchUrlOf(emailOf('organisation'));
    const html = await (await fetch(url)).text();
    const tasks = await tasksOfPage(html);
    const first = tasks[0] as TaskRecord;
    const one = await postForm(url, { token: formTokenOf(html), one: first.taskId });
    expect(one.status).toBe(200);
    expect(await one.text()).toContain('已确认 1 项');
    expect((await getTask(sample.store, first.taskId))?.status).toBe('decided');
    expect((await getTask(sample.store, tasks[1]!.taskId))?.status).toBe('open');

    // "全部确认" from the page as it was first served: the decided one is left as it is.
    const fields: Record<string, string> = { token: formTokenOf(html), decision: 'approve' };
    for (const m of html.matchAll(/name="(t\.[0-9a-f-]{36})"/g)) fields[m[1] as string] = '1';
    const all = await postForm(url, fields);
    expect(all.status).toBe(200);
    const page = await all.text();
    expect(page).toContain('已确认 5 项');
    expect(page).toContain('1 项已由他人办理或已关闭');
    await sample.cloud.whenIdle();
    for (const task of tasks) {
      const after = await getTask(sample.store, task.taskId);
      expect(after?.status).toBe('decided');
      expect(after?.decision?.decidedBy.email).toBe(emailOf('organisation'));
      // SendTaskSuccess went through: the workflow took this task's decision.
      expect(after?.callbackPending).toBeFalsy();
      expect(after?.callbackError).toBeUndefined();
    }
    // Opened again, the page shows every task as done and offers nothing to confirm.
    const again = await (await fetch(url)).text();
    expect(again).not.toContain('全部确认');
    expect(again.match(/已由/g)?.length).toBe(6);
  });
});
