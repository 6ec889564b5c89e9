// Claim-once records: make a side effect (a notice, an e-mail) happen once across Lambda retries.
import { randomUUID } from 'node:crypto';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { CONDITION, keys } from './keys.ts';
import { conditionHeld, isConditionFailure, type Store, type TransactItem } from './store.ts';

/** Resolves to true for the first claim of (scope, id) and false for every later one. */
export async function claimOnce(store: Store, scope: string, id: string, at: string): Promise<boolean> {
  return conditionHeld(() =>
    store.db.send(
      new PutCommand({
        TableName: store.table,
        Item: { ...keys.once(scope, id), claimedAt: at },
        ConditionExpression: CONDITION.isNew,
      }),
    ),
  );
}

/**
 * A side effect that cannot be undone or made conditional (an e-mail) is guarded by a lease rather than a
 * plain claim: claiming after the effect lets two concurrent runs both do it (two pilots' notices to one
 * unit), claiming before it loses the effect when the run dies in between. The lease is taken before the
 * effect and marked done after it; a lease left by a run that died runs out after `LEASE_MS`, and the next
 * run takes it over. So the effect happens at least once and, but for that crash window, exactly once.
 * A record without `lease` (written by claimOnce) counts as done.
 */
export const LEASE_MS = 60_000;

export type Lease = { kind: 'taken'; leaseId: string } | { kind: 'done' } | { kind: 'busy'; until: string };

/** Takes the lease of (scope, id) at `now`, unless it is done or another run's lease has not run out. */
export async function takeLease(store: Store, scope: string, id: string, now: Date): Promise<Lease> {
  const leaseId = randomUUID();
  let held: LeaseItem | undefined;
  try {
    await store.db.send(
      new PutCommand({
        TableName: store.table,
        Item: {
          ...keys.once(scope, id),
          lease: leaseId,
          leaseUntil: new Date(now.getTime() + LEASE_MS).toISOString(),
        },
        ConditionExpression: `${CONDITION.isNew} OR (attribute_exists(lease) AND leaseUntil <= :now)`,
        ExpressionAttributeValues: { ':now': now.toISOString() },
        // A refusal carries the record it was refused by: no second request to read it (a batch's e-mail is
        // refused so for every task of the batch but the first).
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
    );
    return { kind: 'taken', leaseId };
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
    held = refusedBy(error);
  }
  if (!held) {
    const out = await store.db.send(
      new GetCommand({ TableName: store.table, Key: keys.once(scope, id), ConsistentRead: true }),
    );
    held = out.Item as LeaseItem | undefined;
  }
  // Gone between the two reads: a failed run released it; the caller's retry takes it.
  if (!held) return { kind: 'busy', until: now.toISOString() };
  return held.lease === undefined ? { kind: 'done' } : { kind: 'busy', until: held.leaseUntil ?? '' };
}

interface LeaseItem {
  lease?: string;
  leaseUntil?: string;
}

/**
 * The record a conditional write was refused by, from the refusal (`Item`, in DynamoDB's attribute-value form:
 * the document client does not convert errors), or undefined when the refusal carries none.
 */
function refusedBy(error: unknown): LeaseItem | undefined {
  const item = (error as { Item?: Record<string, AttributeValue> }).Item;
  return item ? (unmarshall(item) as LeaseItem) : undefined;
}

/** The update that marks the effect done, if the lease is still this run's. */
function finishUpdate(store: Store, scope: string, id: string, leaseId: string, at: string) {
  return {
    TableName: store.table,
    Key: keys.once(scope, id),
    UpdateExpression: 'SET claimedAt = :at REMOVE lease, leaseUntil',
    ConditionExpression: 'lease = :lease',
    ExpressionAttributeValues: { ':at': at, ':lease': leaseId },
  };
}

/** Marks the effect done, if the lease is still this run's (a run slower than LEASE_MS may have lost it). */
export async function finishLease(store: Store, scope: string, id: string, leaseId: string, at: string) {
  await conditionHeld(() => store.db.send(new UpdateCommand(finishUpdate(store, scope, id, leaseId, at))));
}

/**
 * Marks the effect done together with `writes` (items of a transaction, each conditional on its own), in one
 * request. Resolves to false, writing nothing, when the lease is no longer this run's or a write's condition
 * refused it: the caller then makes them one by one.
 */
export function finishLeaseWith(
  store: Store,
  scope: string,
  id: string,
  leaseId: string,
  at: string,
  writes: TransactItem[],
): Promise<boolean> {
  return conditionHeld(() =>
    store.db.send(
      new TransactWriteCommand({
        TransactItems: [{ Update: finishUpdate(store, scope, id, leaseId, at) }, ...writes],
      }),
    ),
  );
}

/** Gives the lease back after the effect failed, so that the retry need not wait for it to run out. */
export async function releaseLease(store: Store, scope: string, id: string, leaseId: string) {
  await conditionHeld(() =>
    store.db.send(
      new DeleteCommand({
        TableName: store.table,
        Key: keys.once(scope, id),
        ConditionExpression: 'lease = :lease',
        ExpressionAttributeValues: { ':lease': leaseId },
      }),
    ),
  );
}
