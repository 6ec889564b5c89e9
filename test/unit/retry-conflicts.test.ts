// retryConflicts: the one retry of a transaction cancelled by TransactionConflict (a decision, an
// administrator's reassignment, an amendment). A conflict needs two transactions to meet on an item at one
// moment, which no test can arrange on demand, so the refusals here are built as the SDK throws them:
// TransactionCanceledException with one cancellation reason per item of the transaction (TransactWriteItems,
// Amazon DynamoDB API Reference).
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { retryConflicts } from '#store/store.ts';

const cancelled = (...codes: string[]) =>
  Object.assign(new Error('Transaction cancelled'), {
    name: 'TransactionCanceledException',
    CancellationReasons: codes.map((Code) => ({ Code })),
  });

/** A write that fails with `errors` in turn, then answers `done`; `calls` counts its attempts. */
function failingWrite(errors: Error[]) {
  let calls = 0;
  const write = async () => {
    const error = errors[calls++];
    if (error) throw error;
    return 'done';
  };
  return { write, calls: () => calls };
}

beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(() => {
  vi.useRealTimers();
});

describe('retryConflicts', () => {
  it('runs the write again after each conflict until it goes through', async () => {
    const { write, calls } = failingWrite([
      cancelled('None', 'TransactionConflict'),
      cancelled('TransactionConflict'),
    ]);
    const result = retryConflicts(write);
    await vi.runAllTimersAsync();
    await expect(result).resolves.toBe('done');
    expect(calls()).toBe(3);
  });

  it('pauses between attempts instead of trying again at once', async () => {
    const { write, calls } = failingWrite([cancelled('TransactionConflict')]);
    const result = retryConflicts(write);
    await vi.advanceTimersByTimeAsync(9);
    expect(calls()).toBe(1);
    await vi.advanceTimersByTimeAsync(41);
    expect(calls()).toBe(2);
    await expect(result).resolves.toBe('done');
  });

  it('throws a refused condition or any other error at once, without trying again', async () => {
    for (const error of [cancelled('ConditionalCheckFailed', 'None'), new Error('connection reset')]) {
      const { write, calls } = failingWrite([error]);
      await expect(retryConflicts(write)).rejects.toBe(error);
      expect(calls()).toBe(1);
    }
  });

  it('gives the eighth conflict to the caller', async () => {
    const conflicts = Array.from({ length: 9 }, () => cancelled('TransactionConflict'));
    const { write, calls } = failingWrite(conflicts);
    const result = retryConflicts(write);
    const settled = expect(result).rejects.toBe(conflicts[7]);
    await vi.runAllTimersAsync();
    await settled;
    expect(calls()).toBe(8);
  });
});
