// Paginated Query over the table or one of its indexes.
import { QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import type { Store } from './store.ts';

export interface QueryPage<T> {
  items: T[];
  /** Items DynamoDB read to produce this page (for the escalation benchmark). */
  scanned: number;
  next?: Record<string, unknown>;
}

/** Runs one Query page. */
export async function queryPage<T>(
  store: Store,
  input: Omit<QueryCommandInput, 'TableName'>,
  map: (item: Record<string, unknown>) => T,
): Promise<QueryPage<T>> {
  const out = await store.db.send(new QueryCommand({ TableName: store.table, ...input }));
  return {
    items: (out.Items ?? []).map(map),
    scanned: out.ScannedCount ?? 0,
    ...(out.LastEvaluatedKey ? { next: out.LastEvaluatedKey } : {}),
  };
}

/** Runs a Query to its end, page by page. */
export async function queryAll<T>(
  store: Store,
  input: Omit<QueryCommandInput, 'TableName' | 'ExclusiveStartKey'>,
  map: (item: Record<string, unknown>) => T,
): Promise<{ items: T[]; scanned: number }> {
  const items: T[] = [];
  let scanned = 0;
  let start: Record<string, unknown> | undefined;
  do {
    const page = await queryPage(store, { ...input, ...(start ? { ExclusiveStartKey: start } : {}) }, map);
    items.push(...page.items);
    scanned += page.scanned;
    start = page.next;
  } while (start);
  return { items, scanned };
}
