// Paginated Query over the table or one of its indexes, and BatchGet of many keys.
import {
  BatchGetCommand,
  type BatchGetCommandOutput,
  QueryCommand,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import pMap from 'p-map';
import { TransientError } from '#lib/errors.ts';
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

/** How many BatchGet requests of one read are under way at once: a thousand keys are ten requests of 100. */
const BATCH_GETS_AT_ONCE = 4;

/**
 * How long to wait before asking again for the keys a BatchGet left unprocessed, the `attempt`th time (1, 2, …):
 * exponential backoff, as the BatchGetItem API reference recommends ("If you retry the batch operation
 * immediately, the underlying read or write requests can still fail due to throttling"), with half of it
 * random so that concurrent readers spread out: 25–50 ms, then 50–100, 100–200, 200–400.
 */
export function unprocessedWait(attempt: number): number {
  const base = 50 * 2 ** (attempt - 1);
  return base / 2 + Math.random() * (base / 2);
}

/**
 * The items of `keyList` that exist (BatchGet, 100 keys a request, BATCH_GETS_AT_ONCE requests at a time), in
 * no particular order. Unprocessed keys (throttling) are asked for again after unprocessedWait, up to five
 * times a request; keys still unprocessed then fail the read (TransientError: retried as a whole) rather than
 * being taken for items that do not exist.
 */
export async function batchGetAll(
  store: Store,
  keyList: Array<Record<string, unknown>>,
  options: { consistent?: boolean } = {},
): Promise<Array<Record<string, unknown>>> {
  const table = (Keys: Array<Record<string, unknown>>) => ({
    [store.table]: { Keys, ...(options.consistent ? { ConsistentRead: true } : {}) },
  });
  const chunks: Array<Array<Record<string, unknown>>> = [];
  for (let i = 0; i < keyList.length; i += 100) chunks.push(keyList.slice(i, i + 100));
  const found = await pMap(
    chunks,
    async (chunk) => {
      const items: Array<Record<string, unknown>> = [];
      let request: ReturnType<typeof table> | undefined = table(chunk);
      for (let attempt = 0; request && attempt < 5; attempt++) {
        if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, unprocessedWait(attempt)));
        const out: BatchGetCommandOutput = await store.db.send(
          new BatchGetCommand({ RequestItems: request }),
        );
        items.push(...(out.Responses?.[store.table] ?? []));
        const rest: Array<Record<string, unknown>> | undefined = out.UnprocessedKeys?.[store.table]?.Keys;
        request = rest?.length ? table(rest) : undefined;
      }
      if (request)
        throw new TransientError(`BatchGet left ${request[store.table]?.Keys.length} keys unprocessed`);
      return items;
    },
    { concurrency: BATCH_GETS_AT_ONCE },
  );
  return found.flat();
}
