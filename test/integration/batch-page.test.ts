// The batch page for a person with more tasks than one page lists, against real parts (DynamoDB Local, the
// local Step Functions runtime with a waiting execution per task): the page lists BATCH_PAGE_SIZE open tasks and
// counts the rest; repeated "全部确认", each posting the form the page served, decides them all, page by page.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeBatchTicket } from '#domain/batch.ts';
import {
  BATCH_PAGE_SIZE,
  BATCH_TASK_PREFIX,
  type BatchDeps,
  DECIDED_AT_ONCE,
  decideBatch,
  openBatch,
} from '#domain/batch-page.ts';
import { batchSignature } from '#domain/links.ts';
import { recipientHash } from '#domain/supervision.ts';
import { batchPage } from '#presentation/pages/batch.tsx';
import { getTask } from '#store/tasks.ts';
import {
  type ApprovalBed,
  type OpenedTask,
  PROGRAMME,
  SIGNING_KEY,
  startApprovalBed,
  T0,
  WANG,
} from '#test/support/approval.ts';

const STEP = 'Acknowledge receipt';
const EXPIRES = '2023-02-17T16:00:00.000Z';
const ctx = { now: new Date(T0) };
/** An acknowledgement's form: nothing to fill in, so the batch page can confirm it. */
const ACKNOWLEDGE = { decisions: ['approve'], fields: [] };

let bed: ApprovalBed;
beforeAll(async () => {
  bed = await startApprovalBed();
});
afterAll(async () => {
  await bed?.close();
});

/** `n` acknowledgements for WANG due at `dueAt`, one waiting execution each, and the batch link to them. */
async function batchOf(n: number, dueAt: string) {
  const opened: OpenedTask[] = [];
  for (let i = 0; i < n; i++) {
    opened.push(
      await bed.openTask({
        kind: 'acknowledgement',
        step: STEP,
        form: ACKNOWLEDGE,
        dueAt,
        expiresAt: EXPIRES,
      }),
    );
  }
  const ticket = encodeBatchTicket({
    programmeId: PROGRAMME,
    recipient: recipientHash(WANG.email),
    kind: 'acknowledgement',
    stage: 'implementation',
    step: STEP,
    assignee: 'civil-affairs',
    dueAt,
    expiresAt: EXPIRES,
  });
  return { opened, req: { ticket, sig: batchSignature(SIGNING_KEY, ticket) } };
}

const deps = (): BatchDeps => ({ ...bed.deps(), apiBaseUrl: 'http://approval.test' });

/** The fields a browser posts when "全部确认" is pressed on the page `html`. */
function confirmAllOf(html: string): Map<string, string> {
  const fields = new Map([['decision', 'approve']]);
  for (const m of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)) {
    fields.set(m[1] as string, m[2] as string);
  }
  return fields;
}

const taskFields = (fields: Map<string, string>) =>
  [...fields.keys()].filter((k) => k.startsWith(BATCH_TASK_PREFIX));

describe('a batch of more tasks than one page', () => {
  it('lists a page of open tasks, says how many follow, and decides them all through repeated "全部确认"', async () => {
    const { opened, req } = await batchOf(BATCH_PAGE_SIZE + 3, '2023-02-10T16:00:00.000Z');
    const first = await openBatch(deps(), req);
    expect(first.kind).toBe('open');
    if (first.kind !== 'open') return;
    expect(first.items).toHaveLength(BATCH_PAGE_SIZE);
    expect([first.total, first.moreOpen, first.doneUnlisted]).toEqual([BATCH_PAGE_SIZE + 3, 3, 0]);
    let html = batchPage(first, ctx).html;
    expect(html).toContain('还有 3 项待确认，确认本页后显示下一批。');
    expect(html).toContain(`以下 ${BATCH_PAGE_SIZE + 3} 个试点的这项任务都请您办理`);

    const posted: number[] = [];
    const decided: number[] = [];
    for (let round = 0; html.includes('全部确认') && round < 5; round++) {
      const fields = confirmAllOf(html);
      posted.push(taskFields(fields).length);
      const result = await decideBatch(deps(), { ...req, fields });
      expect(result.kind).toBe('decided');
      if (result.kind !== 'decided') return;
      decided.push(result.decided.length);
      html = batchPage(result, ctx).html;
    }
    expect(posted).toEqual([BATCH_PAGE_SIZE, 3]);
    expect(decided).toEqual([BATCH_PAGE_SIZE, 3]);
    for (const { task } of opened) expect((await getTask(bed.store, task.taskId))?.status).toBe('decided');
    expect(bed.callbacks).toEqual(expect.arrayContaining(opened.map((o) => o.task.taskToken)));
    // The last answer lists none of the 53 done (it counts them) and offers nothing more.
    expect(html).toContain('已确认 3 项');
    expect(html).not.toContain('待确认，确认本页后');
    expect(html).toContain(`已办理或已关闭的 ${BATCH_PAGE_SIZE + 3} 项不再逐项列出。`);
    expect(html).toContain('这些任务都已办理完毕');
    expect(html).not.toContain('<li class="item">');
  });

  it('decides at most a page of tasks however many a forged form names, leaving the rest open', async () => {
    const { opened, req } = await batchOf(BATCH_PAGE_SIZE + 2, '2023-02-11T16:00:00.000Z');
    const state = await openBatch(deps(), req);
    if (state.kind !== 'open') throw new Error(state.kind);
    const fields = confirmAllOf(batchPage(state, ctx).html);
    for (const { task } of opened) fields.set(`${BATCH_TASK_PREFIX}${task.taskId}`, '1');
    const result = await decideBatch(deps(), { ...req, fields });
    if (result.kind !== 'decided') throw new Error(result.kind);
    expect(result.decided).toHaveLength(BATCH_PAGE_SIZE);
    expect(result.moreOpen).toBe(0);
    expect(result.items.filter((i) => i.task.status === 'open')).toHaveLength(2);
  });

  it('decides a page DECIDED_AT_ONCE tasks at a time, and answers with them in the order the page listed them', async () => {
    const { req } = await batchOf(12, '2023-02-12T16:00:00.000Z');
    const state = await openBatch(deps(), req);
    if (state.kind !== 'open') throw new Error(state.kind);
    // The real callback (SendTaskSuccess to the runtime), held until as many as can be are under way: one after
    // another, only one ever would be, and the hold would end by its deadline instead.
    const { callback } = bed.deps();
    let inFlight = 0;
    let most = 0;
    let release = () => {};
    let held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const deadline = setTimeout(() => release(), 5_000);
    const counting: BatchDeps['callback'] = {
      async sendTaskSuccess(taskToken, output) {
        inFlight += 1;
        most = Math.max(most, inFlight);
        if (inFlight === DECIDED_AT_ONCE) release();
        await held;
        try {
          await callback.sendTaskSuccess(taskToken, output);
        } finally {
          inFlight -= 1;
        }
      },
    };
    const result = await decideBatch(
      { ...deps(), callback: counting },
      { ...req, fields: confirmAllOf(batchPage(state, ctx).html) },
    );
    clearTimeout(deadline);
    held = Promise.resolve();
    if (result.kind !== 'decided') throw new Error(result.kind);
    expect(most).toBe(DECIDED_AT_ONCE);
    expect(result.decided.map((t) => t.taskId)).toEqual(state.items.map((i) => i.task.taskId));
    expect(result.missed).toEqual([]);
  });
});
