// The approval-link aggregate: a random link id that stands for (task, assignee) so the task token never
// appears in a URL. A link is active until it is used once, revoked (reassignment) or past its expiry;
// DynamoDB's TTL removes it some time after it expired.
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { CONDITION, INDEX, keys } from './keys.ts';
import { queryAll } from './query.ts';
import { conditional, type Store, withoutKeys } from './store.ts';
import type { Person } from './tasks.ts';

export type LinkStatus = 'active' | 'used' | 'revoked';

export interface LinkRecord {
  linkId: string;
  taskId: string;
  /** The task's programme, so that a link page reads its task and plan head in one request (absent on older links). */
  programmeId?: string;
  assignee: Person;
  status: LinkStatus;
  createdAt: string;
  /** After this instant the link is refused (the task's due date plus the plan's grace period). */
  expiresAt: string;
  usedAt?: string;
  revokedAt?: string;
  revokedReason?: string;
  /** Who the task went to when this link was revoked by a handover (转办, a replaced contact): its page says so. */
  handedTo?: HandedTo;
}

/** The person a revoked link's page names as the one who has the task now. */
export interface HandedTo {
  name: string;
  nameEn?: string;
  /** Not shown: tells the newcomer's own old link (revoked too, a new one sent) from the others'. */
  email: string;
}

/** How long an expired link is kept (to explain itself) before DynamoDB's TTL deletes it. */
export const LINK_RETENTION_SECONDS = 90 * 86_400;

export async function createLink(store: Store, link: LinkRecord, dueAt: string): Promise<void> {
  await conditional(`link ${link.linkId} exists already`, () =>
    store.db.send(
      new PutCommand({
        TableName: store.table,
        Item: {
          ...keys.link(link.linkId),
          ...keys.linkParent(link.taskId, link.linkId),
          ...keys.linkAssignee(link.assignee.email, dueAt, link.taskId),
          ...link,
          ttl: Math.floor(Date.parse(link.expiresAt) / 1000) + LINK_RETENTION_SECONDS,
        },
        ConditionExpression: CONDITION.isNew,
      }),
    ),
  );
}

export async function getLink(store: Store, linkId: string): Promise<LinkRecord | undefined> {
  const out = await store.db.send(
    new GetCommand({ TableName: store.table, Key: keys.link(linkId), ConsistentRead: true }),
  );
  return out.Item ? withoutKeys<LinkRecord>(out.Item) : undefined;
}

export async function listLinksOfTask(store: Store, taskId: string): Promise<LinkRecord[]> {
  const { gsi1pk, skPrefix } = keys.linksOfTask(taskId);
  const { items } = await queryAll(
    store,
    {
      IndexName: INDEX.byParent,
      KeyConditionExpression: 'gsi1pk = :pk AND begins_with(gsi1sk, :prefix)',
      ExpressionAttributeValues: { ':pk': gsi1pk, ':prefix': skPrefix },
    },
    (item) => withoutKeys<LinkRecord>(item),
  );
  return items;
}

export async function listLinksOfAssignee(store: Store, email: string): Promise<LinkRecord[]> {
  const { assigneePk } = keys.linksOfAssignee(email);
  const { items } = await queryAll(
    store,
    {
      IndexName: INDEX.byAssignee,
      KeyConditionExpression: 'assigneePk = :pk',
      ExpressionAttributeValues: { ':pk': assigneePk },
    },
    (item) => withoutKeys<LinkRecord>(item),
  );
  return items;
}

/** A person's links to tasks due at exactly `dueAt` (one batch's: functions/domain/batch-page.ts). */
export async function listLinksOfAssigneeDueAt(
  store: Store,
  email: string,
  dueAt: string,
): Promise<LinkRecord[]> {
  const { assigneePk } = keys.linksOfAssignee(email);
  const { items } = await queryAll(
    store,
    {
      IndexName: INDEX.byAssignee,
      KeyConditionExpression: 'assigneePk = :pk AND begins_with(assigneeSk, :due)',
      ExpressionAttributeValues: { ':pk': assigneePk, ':due': `${dueAt}#` },
    },
    (item) => withoutKeys<LinkRecord>(item),
  );
  return items;
}

/**
 * The write that revokes an active link: alone (revokeLink) or inside reassignment's transaction
 * (functions/store/tasks.ts reassignAssignees). Refused once the link was used or revoked.
 */
export function revokeLinkUpdate(
  store: Store,
  linkId: string,
  at: string,
  reason: string,
  handedTo?: HandedTo,
) {
  return {
    TableName: store.table,
    Key: keys.link(linkId),
    UpdateExpression: `SET #status = :revoked, revokedAt = :at, revokedReason = :reason${handedTo ? ', handedTo = :to' : ''} REMOVE assigneePk, assigneeSk`,
    ConditionExpression: CONDITION.linkIsActive,
    ExpressionAttributeNames: { '#status': 'status' },
    ExpressionAttributeValues: {
      ':revoked': 'revoked',
      ':active': 'active',
      ':at': at,
      ':reason': reason,
      ...(handedTo ? { ':to': handedTo } : {}),
    },
  };
}

/** Revokes an active link (a resent link replacing an expired one): it stops working at once. */
export async function revokeLink(store: Store, linkId: string, at: string, reason: string): Promise<void> {
  await conditional(`link ${linkId} is not active`, () =>
    store.db.send(new UpdateCommand(revokeLinkUpdate(store, linkId, at, reason))),
  );
}
