// Digest items: a reminder or escalation message for one recipient, queued in the transaction that completes
// its level (store/escalation.ts completeEscalation) and deleted once the recipient's daily digest carrying it
// went out. While queued an item also sits in the byParent partition DIGEST#PENDING, so the sweep finds whom
// to send a digest with one Query; what goes into a digest is read again from the recipient's own partition
// with a consistent read (the index may lag behind a delete).
import { DeleteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { CONDITION, INDEX, keys } from './keys.ts';
import { queryAll } from './query.ts';
import { conditionHeld, type Store, withoutKeys } from './store.ts';

export interface DigestItem {
  programmeId: string;
  /** The recipient's address as the plan writes it; the partition uses it in lower case. */
  email: string;
  name: string;
  taskId: string;
  /** The message of the level it comes from (escalation.ts: `2:supervisor:xx-town`), unique within the task. */
  messageId: string;
  level: 1 | 2 | 3;
  audience: 'assignee' | 'supervisor' | 'leading-group';
  /** A supervisor's or the leading group's item: the party whose supervision page the digest links. */
  partyId?: string;
  queuedAt: string;
  /** The day of the digest that last took the item (set under that digest's lease, before it is sent). */
  digestDay?: string;
}

const itemId = (item: Pick<DigestItem, 'taskId' | 'messageId'>) => `${item.taskId}#${item.messageId}`;

const itemKey = (item: DigestItem) =>
  keys.digestItem(item.programmeId, item.email, item.queuedAt, itemId(item));

/** The Put of a new item, for a transaction (its level's completion). */
export function digestItemPut(store: Store, item: DigestItem) {
  return {
    Put: {
      TableName: store.table,
      Item: {
        ...itemKey(item),
        ...keys.digestPending(item.programmeId, item.email, item.queuedAt, itemId(item)),
        ...item,
      },
      ConditionExpression: CONDITION.isNew,
    },
  };
}

/** Every (programme, recipient) with items not sent yet, from the index (may lag by a moment: a hint). */
export async function recipientsWithDigestItems(
  store: Store,
): Promise<Array<{ programmeId: string; email: string }>> {
  const { items } = await queryAll(
    store,
    {
      IndexName: INDEX.byParent,
      KeyConditionExpression: 'gsi1pk = :pk',
      ExpressionAttributeValues: { ':pk': keys.pendingDigestItems().gsi1pk },
      ProjectionExpression: 'programmeId, email',
    },
    (item) => item as { programmeId: string; email: string },
  );
  const seen = new Map<string, { programmeId: string; email: string }>();
  for (const i of items) seen.set(`${i.programmeId}\n${i.email.toLowerCase()}`, i);
  return [...seen.values()];
}

/** The recipient's items not sent yet, oldest first (consistent read). */
export async function digestItemsOf(store: Store, programmeId: string, email: string): Promise<DigestItem[]> {
  const { items } = await queryAll(
    store,
    {
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': keys.digestItemsOf(programmeId, email).pk },
      ConsistentRead: true,
    },
    (item) => withoutKeys<DigestItem>(item),
  );
  return items;
}

/** Marks an item as taken by the digest of `day` (only ever done by the holder of that digest's lease). */
export function stampDigestItem(store: Store, item: DigestItem, day: string): Promise<boolean> {
  return conditionHeld(() =>
    store.db.send(
      new UpdateCommand({
        TableName: store.table,
        Key: itemKey(item),
        UpdateExpression: 'SET digestDay = :day',
        ConditionExpression: CONDITION.exists,
        ExpressionAttributeValues: { ':day': day },
      }),
    ),
  );
}

/**
 * Deletes items (sent, or about tasks no longer open), one DeleteItem each: a digest holds a few, and the
 * functions' table grant has no BatchWriteItem (infra/constructs/function.ts).
 */
export async function deleteDigestItems(store: Store, items: DigestItem[]): Promise<void> {
  for (const item of items) {
    await store.db.send(new DeleteCommand({ TableName: store.table, Key: itemKey(item) }));
  }
}
