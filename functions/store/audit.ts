// The audit trail: an append-only event for every state change (who, what, when, which execution), per pilot
// in time order, and per task through the byParent index.
import { randomUUID } from 'node:crypto';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { CONDITION, INDEX, keys } from './keys.ts';
import { queryAll } from './query.ts';
import { isConditionFailure, type Store, withoutKeys } from './store.ts';

export interface AuditEvent {
  eventId: string;
  programmeId: string;
  /** `-` for events of the programme as a whole. */
  pilotId: string;
  at: string;
  /** Who acted: `system`, `email:<address>` for an official through a link, `admin:<id>` for an administrator. */
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
  try {
    await store.db.send(
      new PutCommand({
        TableName: store.table,
        Item: auditItem(event),
        ConditionExpression: CONDITION.isNew,
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
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
