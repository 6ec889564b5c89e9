// The delivery of a task's reminder or escalation level, once:
//   claim   raiseEscalation(from, to, at, leaseUntil) — one sweep wins the level and holds it until leaseUntil;
//   finish  completeEscalation — the level is marked delivered, its audit event written and its messages queued
//           for their recipients' daily digests (store/digest.ts), in one transaction.
// A sweep that fails releases its lease at once; one that crashes keeps it until it expires. Then a later
// sweep resumes the level (resumeEscalation). The digests are sent apart from the levels (domain/digest.ts).
import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { auditItem, type NewAuditEvent } from './audit.ts';
import { type DigestItem, digestItemPut } from './digest.ts';
import { CONDITION, keys } from './keys.ts';
import { conditionHeld, type Store } from './store.ts';
import { listOpenTasksDueBy, type TaskRecord, updateTaskIf } from './tasks.ts';

export { raiseEscalation } from './tasks.ts';

/** The index's pages of open tasks due up to `dueBy`, earliest due first. */
export async function* openTasksDueBy(
  store: Store,
  dueBy: string,
  pageSize: number,
): AsyncGenerator<{ tasks: TaskRecord[]; scanned: number }> {
  let start: Record<string, unknown> | undefined;
  do {
    const page = await listOpenTasksDueBy(store, dueBy, { limit: pageSize, ...(start ? { start } : {}) });
    yield page;
    start = page.next;
  } while (start);
}

/**
 * Takes over a claimed but undelivered level whose lease has expired (the sweep that claimed it crashed or
 * gave up). Resolves to false when the task closed, moved on, was delivered or is still leased.
 */
export function resumeEscalation(
  store: Store,
  taskId: string,
  level: number,
  now: string,
  leaseUntil: string,
): Promise<boolean> {
  return updateTaskIf(store, taskId, {
    UpdateExpression: 'SET escalationLeaseUntil = :lease',
    ConditionExpression: [
      CONDITION.taskIsOpen,
      CONDITION.escalationLevelIs,
      CONDITION.escalationUndelivered,
      CONDITION.escalationLeaseExpired,
    ].join(' AND '),
    ExpressionAttributeNames: { '#status': 'status' },
    ExpressionAttributeValues: {
      ':open': 'open',
      ':expectedLevel': level,
      ':level': level,
      ':now': now,
      ':lease': leaseUntil,
    },
  });
}

/** Ends a lease early (sending failed) so a retry need not wait for it; no-op if another sweep holds it now. */
export function releaseEscalation(
  store: Store,
  taskId: string,
  leaseUntil: string,
  now: string,
): Promise<boolean> {
  return updateTaskIf(store, taskId, {
    UpdateExpression: 'SET escalationLeaseUntil = :now',
    ConditionExpression: CONDITION.escalationLeaseIs,
    ExpressionAttributeValues: { ':lease': leaseUntil, ':now': now },
  });
}

/**
 * Marks `level` delivered, appends its audit event and queues its digest items, in one transaction, so the
 * event and the items exist exactly when the level is done. Resolves to false when the level was delivered already (by another sweep). The task
 * need not be open: a task decided while its level was going out still gets the event for what was sent.
 */
export function completeEscalation(
  store: Store,
  taskId: string,
  level: number,
  event: NewAuditEvent,
  digest: DigestItem[] = [],
): Promise<boolean> {
  return conditionHeld(() =>
    store.db.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Update: {
              TableName: store.table,
              Key: keys.task(taskId),
              UpdateExpression: 'SET escalationDelivered = :level REMOVE escalationLeaseUntil',
              ConditionExpression: `${CONDITION.escalationLevelIs} AND ${CONDITION.escalationUndelivered}`,
              ExpressionAttributeValues: { ':expectedLevel': level, ':level': level },
            },
          },
          {
            Put: { TableName: store.table, Item: auditItem(event), ConditionExpression: CONDITION.isNew },
          },
          ...digest.map((item) => digestItemPut(store, item)),
        ],
      }),
    ),
  );
}
