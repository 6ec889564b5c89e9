// What the mail service reported about an e-mail address: a hard bounce (the address does not exist), a
// complaint (the recipient marked a message as spam) or a soft bounce (a full mailbox, a server that refused
// for now). One item per address, newest report wins, and a soft bounce never hides a hard one. Flagged
// addresses (hard bounce, complaint) are also in the byParent index under CONTACTS for the dashboard.
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { CONDITION, INDEX, keys } from './keys.ts';
import { batchGetAll, queryAll } from './query.ts';
import { conditionHeld, type Store, withoutKeys } from './store.ts';

export type ContactStatusKind = 'bounced' | 'complained' | 'soft-bounced';

/** Statuses that say mail to the address does not arrive or is not wanted. */
export const FLAGGED: ReadonlySet<ContactStatusKind> = new Set(['bounced', 'complained']);

export interface ContactStatus {
  email: string;
  status: ContactStatusKind;
  /** When the mail service saw it (its timestamp, not ours). */
  lastEventAt: string;
  /** For people: the receiving server's answer, or the kind of complaint. */
  reason: string;
  /** Bounce type and subtype, or complaint feedback type, as the service named them. */
  type: string;
  /** The message it was about (the provider's message id) and the report's own id. */
  messageId: string;
  feedbackId: string;
  /** Reports recorded for the address. */
  reports: number;
  updatedAt: string;
}

export type ContactEvent = Omit<ContactStatus, 'reports' | 'updatedAt'>;

/**
 * Records a report about an address. Resolves to false when it was not applied: an older report than the one
 * stored, the same report again, or a soft bounce for an address already flagged.
 */
export async function recordContactEvent(store: Store, event: ContactEvent, now: string): Promise<boolean> {
  const flagged = FLAGGED.has(event.status);
  const email = event.email.toLowerCase();
  return conditionHeld(() =>
    store.db.send(
      new UpdateCommand({
        TableName: store.table,
        Key: keys.contact(email),
        UpdateExpression:
          'SET email = :email, #status = :status, lastEventAt = :at, reason = :reason, #type = :type, ' +
          'messageId = :messageId, feedbackId = :feedbackId, updatedAt = :now, ' +
          'reports = if_not_exists(reports, :zero) + :one' +
          (flagged ? ', gsi1pk = :gsi1pk, gsi1sk = :gsi1sk' : ''),
        ConditionExpression: flagged
          ? CONDITION.contactEventNewer
          : `(${CONDITION.contactEventNewer}) AND (${CONDITION.contactNotHardFlagged})`,
        ExpressionAttributeNames: { '#status': 'status', '#type': 'type' },
        ExpressionAttributeValues: {
          ':email': email,
          ':status': event.status,
          ':at': event.lastEventAt,
          ':reason': event.reason,
          ':type': event.type,
          ':messageId': event.messageId,
          ':feedbackId': event.feedbackId,
          ':now': now,
          ':zero': 0,
          ':one': 1,
          ...(flagged ? keysAsValues(keys.contactFlag(email)) : { ':soft': 'soft-bounced' }),
        },
      }),
    ),
  );
}

function keysAsValues(k: { gsi1pk: string; gsi1sk: string }) {
  return { ':gsi1pk': k.gsi1pk, ':gsi1sk': k.gsi1sk };
}

/** The stored status of each address that has one (BatchGet, 100 keys a request). */
export async function getContactStatuses(
  store: Store,
  emails: string[],
): Promise<Map<string, ContactStatus>> {
  const unique = [...new Set(emails.map((e) => e.toLowerCase()))];
  const found = new Map<string, ContactStatus>();
  for (const item of await batchGetAll(
    store,
    unique.map((e) => keys.contact(e)),
  )) {
    const status = withoutKeys<ContactStatus>(item);
    found.set(status.email, status);
  }
  return found;
}

/** The addresses among `emails` that bounced for good or complained, with their status. */
export async function flaggedAmong(store: Store, emails: string[]): Promise<ContactStatus[]> {
  if (emails.length === 0) return [];
  const statuses = await getContactStatuses(store, emails);
  return [...statuses.values()].filter((s) => FLAGGED.has(s.status));
}

/** Every flagged address (for the dashboard), newest report first. */
export async function listFlaggedContacts(store: Store): Promise<ContactStatus[]> {
  const { gsi1pk, skPrefix } = keys.flaggedContacts();
  const { items } = await queryAll(
    store,
    {
      IndexName: INDEX.byParent,
      KeyConditionExpression: 'gsi1pk = :pk AND begins_with(gsi1sk, :prefix)',
      ExpressionAttributeValues: { ':pk': gsi1pk, ':prefix': skPrefix },
    },
    (item) => withoutKeys<ContactStatus>(item),
  );
  return items.sort((a, b) => b.lastEventAt.localeCompare(a.lastEventAt));
}
