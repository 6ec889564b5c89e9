import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { ControlledClock, sharedClockReader } from '#local/clock.ts';

const T0 = Date.parse('2023-01-01T00:00:00Z');
const DAY = 86_400_000;

describe('ControlledClock', () => {
  it('stands still at speed 0', async () => {
    const clock = new ControlledClock({ start: T0, speed: 0 });
    await new Promise((r) => setTimeout(r, 20));
    expect(clock.now()).toBe(T0);
  });

  it('fires every timer that falls due while advancing, in order of due time', async () => {
    const clock = new ControlledClock({ start: T0, speed: 0 });
    const fired: Array<[string, number]> = [];
    clock.setTimer(T0 + 3 * DAY, () => fired.push(['c', clock.now()]));
    clock.setTimer(T0 + DAY, () => fired.push(['a', clock.now()]));
    clock.setTimer(T0 + 2 * DAY, () => fired.push(['b', clock.now()]));
    clock.setTimer(T0 + 10 * DAY, () => fired.push(['late', clock.now()]));
    await clock.advance(5 * DAY);
    expect(fired).toEqual([
      ['a', T0 + DAY],
      ['b', T0 + 2 * DAY],
      ['c', T0 + 3 * DAY],
    ]);
    expect(clock.now()).toBe(T0 + 5 * DAY);
    expect(clock.nextTimerAt()).toBe(T0 + 10 * DAY);
  });

  it('fires a timer that an earlier timer set, when it falls inside the advance', async () => {
    const clock = new ControlledClock({ start: T0, speed: 0 });
    const fired: number[] = [];
    clock.setTimer(T0 + DAY, () => {
      fired.push(clock.now());
      clock.setTimer(clock.now() + DAY, () => fired.push(clock.now()));
    });
    await clock.advance(3 * DAY);
    expect(fired).toEqual([T0 + DAY, T0 + 2 * DAY]);
  });

  it('waits for its settlers between timers', async () => {
    const clock = new ControlledClock({ start: T0, speed: 0 });
    const order: string[] = [];
    let pending: Promise<void> = Promise.resolve();
    clock.addSettler(() => pending);
    clock.setTimer(T0 + DAY, () => {
      order.push('first fired');
      pending = new Promise((r) =>
        setTimeout(() => {
          order.push('work of first done');
          r();
        }, 10),
      );
    });
    clock.setTimer(T0 + 2 * DAY, () => order.push('second fired'));
    await clock.advance(2 * DAY);
    expect(order).toEqual(['first fired', 'work of first done', 'second fired']);
  });

  it('tells its listeners the time of each timer it fires before the timer runs', async () => {
    // The local cloud persists the clock from onChange; work a timer starts must never be newer than it.
    const clock = new ControlledClock({ start: T0, speed: 0 });
    let heard = T0;
    clock.onChange((now) => {
      heard = now;
    });
    const seen: Array<[number, number]> = [];
    clock.setTimer(T0 + DAY, () => seen.push([clock.now(), heard]));
    clock.setTimer(T0 + 2 * DAY, () => seen.push([clock.now(), heard]));
    await clock.advance(3 * DAY);
    expect(seen).toEqual([
      [T0 + DAY, T0 + DAY],
      [T0 + 2 * DAY, T0 + 2 * DAY],
    ]);
  });

  it('does not fire a cancelled timer', async () => {
    const clock = new ControlledClock({ start: T0, speed: 0 });
    let fired = false;
    const cancel = clock.setTimer(T0 + DAY, () => {
      fired = true;
    });
    cancel();
    await clock.advance(2 * DAY);
    expect(fired).toBe(false);
  });

  it('runs faster than real time at a higher speed', async () => {
    const clock = new ControlledClock({ start: T0, speed: 3_600_000 });
    const fired = new Promise<number>((resolve) =>
      clock.setTimer(T0 + 3_600_000 * 20, () => resolve(clock.now())),
    );
    expect(await fired).toBeGreaterThanOrEqual(T0 + 3_600_000 * 20);
  });

  it('refuses a negative advance and a negative speed', async () => {
    const clock = new ControlledClock({ start: T0, speed: 0 });
    await expect(clock.advance(-1)).rejects.toThrow(/only moves forward/);
    expect(() => clock.setSpeed(-2)).toThrow(/speed/);
  });

  it('shows the same time to a worker thread through its shared buffer', async () => {
    const clock = new ControlledClock({ start: T0, speed: 0 });
    await clock.advance(DAY);
    const worker = new Worker(
      `const { workerData, parentPort } = require('node:worker_threads');
       const words = new BigInt64Array(workerData);
       parentPort.postMessage(Number(Atomics.load(words, 1)));`,
      { eval: true, workerData: clock.buffer },
    );
    const seen = await new Promise<number>((resolve) => worker.once('message', resolve));
    await worker.terminate();
    expect(seen).toBe(T0 + DAY);
    expect(sharedClockReader(clock.buffer)()).toBe(T0 + DAY);
  });
});
