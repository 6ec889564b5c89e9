// Claim-once records: make a side effect (a notice, an e-mail) happen once across Lambda retries.
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { CONDITION, keys } from './keys.ts';
import { isConditionFailure, type Store } from './store.ts';

/** Resolves to true for the first claim of (scope, id) and false for every later one. */
export async function claimOnce(store: Store, scope: string, id: string, at: string): Promise<boolean> {
  try {
    await store.db.send(
      new PutCommand({
        TableName: store.table,
        Item: { ...keys.once(scope, id), claimedAt: at },
        ConditionExpression: CONDITION.isNew,
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
}

/** True when (scope, id) was claimed already: lets a caller do the work first and claim after it succeeded. */
export async function hasClaim(store: Store, scope: string, id: string): Promise<boolean> {
  const out = await store.db.send(
    new GetCommand({ TableName: store.table, Key: keys.once(scope, id), ConsistentRead: true }),
  );
  return out.Item !== undefined;
}
