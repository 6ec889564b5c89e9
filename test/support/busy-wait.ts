// sendOnce waits for an e-mail's lease held by another run in real time: 5 s of `performance.now()`, polling
// the lease every 100 ms (functions/domain/deps.ts). A test that meets such a lease passes that wait here on a
// faked `performance.now()` instead of sitting it out.
import { vi } from 'vitest';

/**
 * Runs `run` (a call that meets a lease another run holds) with `performance.now()` faked and moved on a
 * second every 20 ms of real time, until it settles. Timers stay real, so the run still polls the lease in
 * DynamoDB Local several times and gives up after its 5 s; neither the run's `now()` nor `Date` moves (unless
 * `dateAt` fakes `Date` too, standing still at that time).
 */
export async function pastTheBusyWait<T>(run: () => Promise<T>, options: { dateAt?: Date } = {}): Promise<T> {
  vi.useFakeTimers(
    options.dateAt ? { toFake: ['Date', 'performance'], now: options.dateAt } : { toFake: ['performance'] },
  );
  try {
    let settled = false;
    const done = run();
    // Handled at once (not only when awaited below), or its rejection is reported as unhandled meanwhile.
    const markSettled = () => {
      settled = true;
    };
    done.then(markSettled, markSettled);
    while (!settled) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      vi.advanceTimersByTime(1000);
    }
    return await done;
  } finally {
    vi.useRealTimers();
  }
}
