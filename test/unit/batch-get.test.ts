// batchGetAll's retry of unprocessed keys. DynamoDB Local never leaves keys unprocessed (it does not throttle), so
// the DynamoDB client here is a stand-in that answers as DynamoDB does under throttling: part of the keys, the
// rest in UnprocessedKeys (BatchGetItem, Amazon DynamoDB API Reference).
import type { BatchGetCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { TransientError } from '#lib/errors.ts';
import { batchGetAll, unprocessedWait } from '#store/query.ts';
import type { Store } from '#store/store.ts';

type Key = { pk: string; sk: string };
const key = (id: string): Key => ({ pk: id, sk: id });

/** A table that returns at most `served(call)` of the keys asked for each call and leaves the rest unprocessed. */
function throttledStore(served: (call: number) => number) {
  const asked: Key[][] = [];
  const send = async (command: BatchGetCommand) => {
    const keys = (command.input.RequestItems?.t?.Keys ?? []) as Key[];
    asked.push(keys);
    const n = served(asked.length);
    const rest = keys.slice(n);
    return {
      Responses: { t: keys.slice(0, n).map((k) => ({ ...k, found: true })) },
      ...(rest.length ? { UnprocessedKeys: { t: { Keys: rest } } } : {}),
    };
  };
  return { store: { db: { send }, table: 't' } as unknown as Store, asked };
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe('batchGetAll under throttling', () => {
  it('asks again for the unprocessed keys only after a backoff, and returns every item', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0);
    const { store, asked } = throttledStore((call) => (call === 1 ? 1 : 10));
    const reading = batchGetAll(store, [key('a'), key('b'), key('c')]);
    await vi.advanceTimersByTimeAsync(unprocessedWait(1) - 1);
    expect(asked).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(asked).toHaveLength(2);
    expect(asked[1]).toEqual([key('b'), key('c')]);
    expect((await reading).map((i) => i.pk).sort()).toEqual(['a', 'b', 'c']);
  });

  it('fails with a TransientError after five requests rather than take the keys left for missing items', async () => {
    const { store, asked } = throttledStore(() => 0);
    const reading = batchGetAll(store, [key('a')]);
    const failed = expect(reading).rejects.toThrow(TransientError);
    await vi.advanceTimersByTimeAsync(2_000);
    await failed;
    expect(asked).toHaveLength(5);
  });

  it('backs off exponentially, half of each wait random', () => {
    vi.spyOn(Math, 'random').mockReturnValue(0);
    expect([1, 2, 3, 4].map(unprocessedWait)).toEqual([25, 50, 100, 200]);
    vi.spyOn(Math, 'random').mockReturnValue(0.999);
    expect([1, 2, 3, 4].map((a) => Math.round(unprocessedWait(a)))).toEqual([50, 100, 200, 400]);
  });
});
