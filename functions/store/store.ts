// The store's handle: a DynamoDB document client and the table name. Handlers make one at module scope
// (functions/adapters/aws.ts); tests make one against DynamoDB Local.
import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { ConflictError, NotFoundError } from '#lib/errors.ts';

/** One item of a TransactWriteItems request. */
export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

export interface Store {
  readonly db: DynamoDBDocumentClient;
  readonly table: string;
}

export function createStore(table: string, config: DynamoDBClientConfig = {}): Store {
  const db = DynamoDBDocumentClient.from(new DynamoDBClient(config), {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });
  return { db, table };
}

export { ConflictError, NotFoundError };

/** True for the SDK's refusal of a conditional write (single or transactional). */
export function isConditionFailure(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (error.name === 'ConditionalCheckFailedException') return true;
  if (error.name === 'TransactionCanceledException') {
    const reasons = (error as { CancellationReasons?: Array<{ Code?: string }> }).CancellationReasons ?? [];
    return reasons.some((reason) => reason.Code === 'ConditionalCheckFailed');
  }
  return false;
}

/**
 * True when a transaction was cancelled because another transaction was writing the same item at that
 * moment (cancellation reason `TransactionConflict`): nothing was written, and trying again is safe.
 * https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_TransactWriteItems.html
 */
export function isTransactionConflict(error: unknown): boolean {
  if (!(error instanceof Error) || error.name !== 'TransactionCanceledException') return false;
  const reasons = (error as { CancellationReasons?: Array<{ Code?: string }> }).CancellationReasons ?? [];
  return reasons.some((reason) => reason.Code === 'TransactionConflict');
}

/** How many times retryConflicts tries a transaction before the conflict is the caller's to report. */
const MAX_CONFLICT_RETRIES = 8;

/**
 * Runs a transaction again after a short random pause (10–50 ms, growing with each attempt) while it is
 * cancelled by TransactionConflict: another transaction wrote one of its items at that moment and nothing was
 * written. Concurrent attempts can cancel each other without either winning; the pause lets one win. Any other
 * error, or the eighth conflict, is thrown.
 */
export async function retryConflicts<T>(write: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await write();
    } catch (error) {
      if (!isTransactionConflict(error) || attempt >= MAX_CONFLICT_RETRIES) throw error;
      await new Promise((resolve) => setTimeout(resolve, 10 + Math.random() * 40 * attempt));
    }
  }
}

/** Runs a conditional write and turns its refusal into ConflictError with `message`. */
export async function conditional<T>(message: string, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (isConditionFailure(error)) throw new ConflictError(message, { cause: error });
    throw error;
  }
}

/**
 * Runs a conditional write whose refusal is an answer rather than a failure: resolves to true when it was
 * written, false when its condition refused it (nothing changed); any other error is thrown.
 */
export async function conditionHeld(write: () => Promise<unknown>): Promise<boolean> {
  try {
    await write();
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
}

/** Strips the key attributes from an item read from the table. */
export function withoutKeys<T>(item: Record<string, unknown>): T {
  const {
    pk: _pk,
    sk: _sk,
    gsi1pk: _g1,
    gsi1sk: _g2,
    openPk: _o1,
    openSk: _o2,
    assigneePk: _a1,
    assigneeSk: _a2,
    ttl: _ttl,
    ...rest
  } = item;
  return rest as T;
}
