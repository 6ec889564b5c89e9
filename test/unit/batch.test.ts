// Which tasks form a batch (one e-mail for a person's parallel tasks of one kind), and the batch link's ticket.
import { describe, expect, it } from 'vitest';
import {
  batchOf,
  decodeBatchTicket,
  encodeBatchTicket,
  narrowBatch,
  predictedPilots,
} from '#domain/batch.ts';
import { BATCH_PAGE_SIZE, type BatchItem, pageOf } from '#domain/batch-page.ts';
import { batchFormToken, batchSignature, verifyBatchFormToken, verifyBatchSignature } from '#domain/links.ts';
import type { TaskRecord } from '#store/tasks.ts';
import { batchItem } from '#test/fixtures/batch.ts';
import { samplePlan } from '#test/fixtures/plans.ts';

const plan = samplePlan();
const FINANCE = { name: '陈静', email: 'caizheng@xx-county.example', unitId: 'finance' };
const LAUNCH_OPEN = '2023-01-01T00:00:05.000Z';

function task(overrides: Partial<TaskRecord> = {}): TaskRecord {
  return {
    taskId: 't1',
    programmeId: plan.programme.id,
    pilotId: 'gucheng',
    stage: 'launch',
    kind: 'acknowledgement',
    step: 'Acknowledge receipt',
    title: 'XX镇古城社区：确认收到试点任务',
    round: 1,
    assignees: [FINANCE],
    dueAt: '2023-01-05T09:30:00.000Z',
    createdAt: LAUNCH_OPEN,
    status: 'open',
    executionArn: 'arn',
    taskToken: 'token',
    form: {},
    escalationLevel: 0,
    ...overrides,
  };
}

const args = { assignee: 'finance', person: FINANCE, expiresAt: '2023-01-12T09:30:00.000Z' };

describe('predictedPilots', () => {
  it('gives a county department every pilot, and a pilot only itself', () => {
    const all = plan.pilots.map((p) => p.id);
    expect(
      predictedPilots(plan, { assignee: 'finance', stage: 'launch', email: FINANCE.email }).map((p) => p.id),
    ).toEqual(all);
    expect(
      predictedPilots(plan, { assignee: 'pilot', stage: 'launch', email: 'gucheng@xx-town.example' }).map(
        (p) => p.id,
      ),
    ).toEqual(['gucheng']);
  });
});

describe('batchOf', () => {
  it('batches a department acknowledgement opened at the launch window, keyed without the pilot', () => {
    const a = batchOf(plan, task(), args);
    const b = batchOf(plan, task({ taskId: 't2', pilotId: 'caotang' }), args);
    expect(a?.pilots).toHaveLength(6);
    expect(a?.mailKey).toBe(b?.mailKey);
    expect(a?.ticket).toMatchObject({
      kind: 'acknowledgement',
      assignee: 'finance',
      dueAt: '2023-01-05T09:30:00.000Z',
    });
  });

  it('leaves alone a later round, a deadline set by a person, another kind, another day, and a task for one pilot', () => {
    expect(batchOf(plan, task({ round: 2 }), args)).toBeUndefined();
    expect(batchOf(plan, task({ context: { dueBy: '2023-01-20' } }), args)).toBeUndefined();
    expect(batchOf(plan, task({ kind: 'planReview' }), args)).toBeUndefined();
    expect(batchOf(plan, task({ createdAt: '2023-01-04T02:00:00.000Z' }), args)).toBeUndefined();
    const pilot = { name: '郑凯', email: 'gucheng@xx-town.example', unitId: 'gucheng' };
    expect(batchOf(plan, task(), { ...args, assignee: 'pilot', person: pilot })).toBeUndefined();
  });
});

describe('narrowBatch', () => {
  const batch = batchOf(plan, task(), args)!;

  it('keeps the pilots on track, with the batch key and ticket, and stands alone below two', () => {
    const narrowed = narrowBatch(batch, 'gucheng', new Set(['gucheng', 'caotang']));
    expect(narrowed?.pilots.map((p) => p.id)).toEqual(['caotang', 'gucheng']);
    expect(narrowed?.mailKey).toBe(batch.mailKey);
    expect(narrowed?.ticket).toEqual(batch.ticket);
    expect(narrowBatch(batch, 'gucheng', new Set(['gucheng']))).toBeUndefined();
    // The task's own pilot not on track: no batch of its own to announce.
    expect(narrowBatch(batch, 'gucheng', new Set(['caotang', 'xx-town']))).toBeUndefined();
    expect(narrowBatch(batch, 'gucheng', undefined)).toBe(batch);
  });
});

describe('the batch ticket', () => {
  const ticket = batchOf(plan, task(), args)!.ticket;
  const encoded = encodeBatchTicket(ticket);

  it('round-trips, and refuses what is not one', () => {
    expect(decodeBatchTicket(encoded)).toEqual(ticket);
    expect(decodeBatchTicket('not a ticket')).toBeUndefined();
    expect(decodeBatchTicket(Buffer.from('[2,"x"]').toString('base64url'))).toBeUndefined();
  });

  it('is signed under its own labels: neither its signature nor its form token passes for the other', () => {
    const key = 'k'.repeat(48);
    const sig = batchSignature(key, encoded);
    expect(verifyBatchSignature({ current: key }, encoded, sig)).toBe(true);
    expect(verifyBatchFormToken({ current: key }, encoded, sig)).toBe(false);
    expect(verifyBatchSignature({ current: key }, encoded, batchFormToken(key, encoded))).toBe(false);
    const moved = encodeBatchTicket({ ...ticket, expiresAt: '2024-01-01T00:00:00.000Z' });
    expect(verifyBatchSignature({ current: key }, moved, sig)).toBe(false);
  });
});

describe('pageOf (what one batch page lists)', () => {
  const item = batchItem;
  const ids = (items: BatchItem[]) => items.map((i) => i.task.taskId);

  it('lists a small batch whole, in plan order, open and done alike', () => {
    const all = [item(1, 'decided'), item(2, 'open'), item(3, 'cancelled')];
    expect(pageOf(all)).toEqual({ items: all, moreOpen: 0, doneUnlisted: 0 });
  });

  it('lists the first page of open tasks of a large batch and counts the rest', () => {
    const all = [
      ...Array.from({ length: 4 }, (_, i) => item(i, 'decided')),
      ...Array.from({ length: BATCH_PAGE_SIZE + 3 }, (_, i) => item(100 + i, 'open')),
    ];
    const page = pageOf(all);
    expect(ids(page.items)).toEqual(ids(all.slice(4, 4 + BATCH_PAGE_SIZE)));
    expect([page.moreOpen, page.doneUnlisted]).toEqual([3, 4]);
  });

  it('lists only the open tasks of a batch larger than a page, and none once all are done', () => {
    const all = [
      item(0, 'open'),
      ...Array.from({ length: 7 }, (_, i) => item(1 + i, 'decided')),
      item(9, 'open'),
    ];
    const page = pageOf(all, 5);
    expect(ids(page.items)).toEqual(ids([all[0], all[8]] as BatchItem[]));
    expect([page.moreOpen, page.doneUnlisted]).toEqual([0, 7]);
    const done = all.map((i) => ({ ...i, task: { ...i.task, status: 'decided' as const } }));
    expect(pageOf(done, 5)).toEqual({ items: [], moreOpen: 0, doneUnlisted: 9 });
  });
});
