// Moving an open task's due date (functions/domain/amend.ts): the task and its place in the open-tasks index,
// its active links' place in their assignees' index (sorted by due date), and the audit event, in one
// transaction that a decision or another move made meanwhile refuses.
import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { CONDITION, keys } from './keys.ts';
import type { LinkRecord } from './links.ts';
import { isConditionFailure, type Store } from './store.ts';
import { MAX_TRANSACTION_ITEMS } from './tasks.ts';

/** Resolves to false, writing nothing, when the task closed, its due date changed or a link was used meanwhile. */
export async function moveTaskDue(
  store: Store,
  change: { taskId: string; from: string; to: string; links: LinkRecord[]; event: Record<string, unknown> },
): Promise<boolean> {
  if (change.links.length + 2 > MAX_TRANSACTION_ITEMS) {
    throw new RangeError(`a task with ${change.links.length} active links exceeds one transaction`);
  }
  const status = { '#status': 'status' };
  try {
    await store.db.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Update: {
              TableName: store.table,
              Key: keys.task(change.taskId),
              UpdateExpression: 'SET dueAt = :due, openSk = :openSk',
              // The due date it was read with: two administrators moving it at once, one wins.
              ConditionExpression: `${CONDITION.taskIsOpen} AND dueAt = :was`,
              ExpressionAttributeNames: status,
              ExpressionAttributeValues: {
                ':due': change.to,
                ':openSk': keys.openTask(change.to, change.taskId).openSk,
                ':open': 'open',
                ':was': change.from,
              },
            },
          },
          ...change.links.map((l) => ({
            Update: {
              TableName: store.table,
              Key: keys.link(l.linkId),
              UpdateExpression: 'SET assigneeSk = :sk',
              ConditionExpression: CONDITION.linkIsActive,
              ExpressionAttributeNames: status,
              ExpressionAttributeValues: {
                ':sk': keys.linkAssignee(l.assignee.email, change.to, change.taskId).assigneeSk,
                ':active': 'active',
              },
            },
          })),
          { Put: { TableName: store.table, Item: change.event, ConditionExpression: CONDITION.isNew } },
        ],
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
}
