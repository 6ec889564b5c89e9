// The audit trail: an append-only event for every state change (who, what, when, which execution), per pilot
// in time order, and per task through the byParent index.
import { randomUUID } from 'node:crypto';
import { PutCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { CONDITION, INDEX, keys } from './keys.ts';
import { queryAll } from './query.ts';
import {
  conditionHeld,
  isConditionFailure,
  isTransactionConflict,
  type Store,
  type TransactItem,
  withoutKeys,
} from './store.ts';

export interface AuditEvent {
  eventId: string;
  programmeId: string;
  /** `-` for events of the programme as a whole. */
  pilotId: string;
  at: string;
  /**
   * Who acted: `system`, `email:<address>` for an official through a link, `admin:<id>` for an administrator,
   * `anonymous` for a request that proved no identity (an unknown or tampered link).
   */
  actor: string;
  /** What happened, as a dotted verb: task.opened, decision.recorded, email.sent, reminder.sent, … */
  action: string;
  taskId?: string;
  executionArn?: string;
  /** One line for people. */
  summary: string;
  details?: Record<string, unknown>;
}

export type NewAuditEvent = Omit<AuditEvent, 'eventId'> & { eventId?: string };

/** The stored item for an audit event (also usable inside a transaction). */
export function auditItem(event: NewAuditEvent): Record<string, unknown> {
  const eventId = event.eventId ?? randomUUID();
  return {
    ...keys.audit(event.programmeId, event.pilotId, event.at, eventId),
    ...(event.taskId ? keys.auditParent(event.taskId, event.at, eventId) : {}),
    ...event,
    eventId,
  };
}

/**
 * Appends an audit event. With a deterministic `eventId` a retried call writes it once (resolves to false
 * the second time).
 */
export async function appendAudit(store: Store, event: NewAuditEvent): Promise<boolean> {
  return conditionHeld(() =>
    store.db.send(
      new PutCommand({
        TableName: store.table,
        Item: auditItem(event),
        ConditionExpression: CONDITION.isNew,
      }),
    ),
  );
}

/** The claim and the event of appendAuditOnce, as transaction items (also written with another change). */
export function auditOnceWrites(
  store: Store,
  event: NewAuditEvent,
  claim: { scope: string; id: string; expiresAt?: string },
): TransactItem[] {
  return [
    {
      Put: {
        TableName: store.table,
        Item: {
          ...keys.once(claim.scope, claim.id),
          claimedAt: event.at,
          ...(claim.expiresAt ? { ttl: Math.floor(Date.parse(claim.expiresAt) / 1000) } : {}),
        },
        ConditionExpression: CONDITION.isNew,
      },
    },
    { Put: { TableName: store.table, Item: auditItem(event), ConditionExpression: CONDITION.isNew } },
  ];
}

/**
 * Appends `event` unless an event with the same claim was appended before: the claim (a claim-once record,
 * removed by DynamoDB's TTL after `expiresAt` when one is given) and the event are written in one transaction,
 * so both or neither exist. Used where a retried handler writes an event (the claim is the event's own key),
 * and where a request an outsider can repeat writes one (a refused link: one event per link, reason and
 * window). Resolves to false when already claimed, or while a concurrent request is claiming it.
 */
export async function appendAuditOnce(
  store: Store,
  event: NewAuditEvent,
  /** The claim's scope and id; with `expiresAt`, DynamoDB's TTL removes the claim after it (a window). */
  claim: { scope: string; id: string; expiresAt?: string },
): Promise<boolean> {
  try {
    await store.db.send(new TransactWriteCommand({ TransactItems: auditOnceWrites(store, event, claim) }));
    return true;
  } catch (error) {
    // A concurrent request is claiming the same window: it writes the event, this one need not.
    if (isConditionFailure(error) || isTransactionConflict(error)) return false;
    throw error;
  }
}

export async function listAuditOfPilot(
  store: Store,
  programmeId: string,
  pilotId: string,
): Promise<AuditEvent[]> {
  const { items } = await queryAll(
    store,
    {
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': keys.auditOf(programmeId, pilotId).pk },
    },
    (item) => withoutKeys<AuditEvent>(item),
  );
  return items;
}

export async function listAuditOfTask(store: Store, taskId: string): Promise<AuditEvent[]> {
  const { gsi1pk, skPrefix } = keys.auditOfTask(taskId);
  const { items } = await queryAll(
    store,
    {
      IndexName: INDEX.byParent,
      KeyConditionExpression: 'gsi1pk = :pk AND begins_with(gsi1sk, :prefix)',
      ExpressionAttributeValues: { ':pk': gsi1pk, ':prefix': skPrefix },
    },
    (item) => withoutKeys<AuditEvent>(item),
  );
  return items;
}
