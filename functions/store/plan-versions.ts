// A running programme's plan versions: the launched plan is version 1 (on the programme item); each amendment
// (functions/domain/amend.ts) stores the whole plan again as the next version, with who changed what, and moves
// the head pointer to it in the same transaction as the change it records.
import { gzipSync } from 'node:zlib';
import { GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { CONDITION, keys } from './keys.ts';
import { getStoredPlan } from './programmes.ts';
import { queryAll } from './query.ts';
import { isConditionFailure, isTransactionConflict, type Store } from './store.ts';

/** One change of an amendment, as data: the presentation words it in the plan's language. */
export type PlanChange =
  | {
      kind: 'contact-replaced';
      unitId: string;
      from: { name: string; email: string };
      to: { name: string; email: string };
      /** Open tasks handed over in the amendment's transactions. */
      tasks: number;
    }
  | { kind: 'contact-added'; unitId: string; to: { name: string; email: string } }
  | {
      kind: 'window-moved';
      stage: string;
      from: { start: string; end: string };
      to: { start: string; end: string };
    };

export interface PlanVersion {
  programmeId: string;
  version: number;
  at: string;
  /** The administrator, as the audit names them (`admin:<e-mail or sub>`). */
  by: string;
  reason: string;
  changes: PlanChange[];
}

/** The current version's number: 1 until the first amendment. Read consistently: an amendment applies at once. */
export async function getPlanHead(store: Store, programmeId: string): Promise<number> {
  const out = await store.db.send(
    new GetCommand({ TableName: store.table, Key: keys.planHead(programmeId), ConsistentRead: true }),
  );
  return planHeadVersion(out.Item);
}

/** The version a plan head item points to (none stored: the launched plan, version 1). */
export function planHeadVersion(item: Record<string, unknown> | undefined): number {
  return typeof item?.version === 'number' ? item.version : 1;
}

/** The plan of an amended version (2 and later), or undefined. */
export function getPlanOfVersion<T = unknown>(
  store: Store,
  programmeId: string,
  version: number,
): Promise<T | undefined> {
  return getStoredPlan<T>(store, keys.planVersion(programmeId, version));
}

/** Every amended version (2 on), oldest first, without their plans. */
export async function listPlanVersions(store: Store, programmeId: string): Promise<PlanVersion[]> {
  const { pk, skPrefix } = keys.planVersionsOf(programmeId);
  const { items } = await queryAll(
    store,
    {
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': pk, ':prefix': skPrefix },
      ProjectionExpression: 'programmeId, version, #at, #by, reason, changes',
      ExpressionAttributeNames: { '#at': 'at', '#by': 'by' },
      ConsistentRead: true,
    },
    (item) => item as unknown as PlanVersion,
  );
  return items;
}

/**
 * The writes of a new version, for a transaction: the version's item (new), the head moved from `version - 1`
 * to it (refused when another amendment got there first: CONDITION.planHeadIs), and its audit event.
 */
export function planVersionWrites(
  store: Store,
  version: PlanVersion,
  plan: unknown,
  event: Record<string, unknown>,
): Array<Record<string, unknown>> {
  return [
    {
      Put: {
        TableName: store.table,
        Item: {
          ...keys.planVersion(version.programmeId, version.version),
          ...version,
          planGz: gzipSync(JSON.stringify(plan)),
        },
        ConditionExpression: CONDITION.isNew,
      },
    },
    {
      Update: {
        TableName: store.table,
        Key: keys.planHead(version.programmeId),
        UpdateExpression: 'SET version = :version, updatedAt = :at',
        ConditionExpression: CONDITION.planHeadIs,
        ExpressionAttributeValues: {
          ':version': version.version,
          ':previous': version.version - 1,
          ':one': 1,
          ':at': version.at,
        },
      },
    },
    { Put: { TableName: store.table, Item: event, ConditionExpression: CONDITION.isNew } },
  ];
}

/** Stores a new version alone. Resolves to false, writing nothing, when another amendment came first. */
export async function writePlanVersion(
  store: Store,
  version: PlanVersion,
  plan: unknown,
  event: Record<string, unknown>,
): Promise<boolean> {
  try {
    await store.db.send(
      new TransactWriteCommand({ TransactItems: planVersionWrites(store, version, plan, event) as never }),
    );
    return true;
  } catch (error) {
    if (isConditionFailure(error) || isTransactionConflict(error)) return false;
    throw error;
  }
}
