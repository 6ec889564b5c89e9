// Undelivered decisions: a marker item per decision whose SendTaskSuccess is not confirmed yet. The marker
// is written in the decision's own transaction (so a crash right after it cannot lose the callback) and
// deleted together with the task's `callbackPending` flag once Step Functions has the decision, or once
// Step Functions has said it never will (the execution moved on).
import { DeleteCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { CONDITION, keys } from './keys.ts';
import { queryPage } from './query.ts';
import { isConditionFailure, type Store } from './store.ts';

export interface PendingCallback {
  taskId: string;
  decidedAt: string;
}

/** The marker item, for `decideTask`'s extra writes. */
export function pendingCallbackItem(taskId: string, decidedAt: string): Record<string, unknown> {
  return { ...keys.pendingCallback(decidedAt, taskId), taskId, decidedAt };
}

/** Undelivered decisions taken at or before `decidedBy` (ISO), oldest first, at most `limit`. */
export async function listPendingCallbacks(
  store: Store,
  decidedBy: string,
  limit = 100,
): Promise<PendingCallback[]> {
  const page = await queryPage(
    store,
    {
      KeyConditionExpression: 'pk = :pk AND sk <= :by',
      // '~' sorts after '#' and every character of a task id, so decisions taken exactly at decidedBy count.
      ExpressionAttributeValues: { ':pk': keys.pendingCallbacks().pk, ':by': `${decidedBy}~` },
      Limit: limit,
    },
    (item) => ({ taskId: String(item.taskId), decidedAt: String(item.decidedAt) }),
  );
  return page.items;
}

async function closeCallback(
  store: Store,
  pending: PendingCallback,
  taskUpdate: { expression: string; values?: Record<string, unknown> },
): Promise<void> {
  try {
    await store.db.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Update: {
              TableName: store.table,
              Key: keys.task(pending.taskId),
              UpdateExpression: taskUpdate.expression,
              ConditionExpression: CONDITION.exists,
              ...(taskUpdate.values ? { ExpressionAttributeValues: taskUpdate.values } : {}),
            },
          },
          {
            Delete: {
              TableName: store.table,
              Key: keys.pendingCallback(pending.decidedAt, pending.taskId),
            },
          },
        ],
      }),
    );
  } catch (error) {
    // The task vanished (only by hand): the marker has nothing left to deliver.
    if (!isConditionFailure(error)) throw error;
    await dropPendingMarker(store, pending);
  }
}

/** Step Functions has the decision: the task's flag and the marker go, in one transaction. */
export async function settleCallback(store: Store, pending: PendingCallback): Promise<void> {
  await closeCallback(store, pending, { expression: 'REMOVE callbackPending' });
}

/** Step Functions will never take the decision (`reason` is its error name): recorded on the task. */
export async function abandonCallback(
  store: Store,
  pending: PendingCallback,
  reason: string,
  at: string,
): Promise<void> {
  await closeCallback(store, pending, {
    expression: 'SET callbackError = :reason, callbackFailedAt = :at REMOVE callbackPending',
    values: { ':reason': reason, ':at': at },
  });
}

/** Deletes a marker whose task no longer waits for a callback (a settle that crashed half-way, or none). */
export async function dropPendingMarker(store: Store, pending: PendingCallback): Promise<void> {
  await store.db.send(
    new DeleteCommand({
      TableName: store.table,
      Key: keys.pendingCallback(pending.decidedAt, pending.taskId),
    }),
  );
}
