// The one clock of the local cloud (ARCHITECTURE.md, "Time"). Wait states, timeouts, heartbeats, schedules,
// due dates and escalation all read it. On AWS the clock is real time; here it can be set, advanced and sped
// up. Its state lives in a SharedArrayBuffer so that worker threads (the local Lambda functions) read the
// same time as the main thread without a message round trip.

/** What the Step Functions runtime and the local services need from a clock. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Calls `fn` once, when the clock reaches `at` (epoch ms). Returns a function that cancels the timer. */
  setTimer(at: number, fn: () => void): () => void;
}

const MAX_TIMEOUT = 2 ** 31 - 1;

function realNow(): number {
  // performance.timeOrigin + now() is wall-clock based in every thread and is not affected by a
  // thread that replaces Date with the controlled clock.
  return performance.timeOrigin + performance.now();
}

/** Real time. */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimer(at, fn) {
    let handle: NodeJS.Timeout | undefined;
    let cancelled = false;
    const arm = () => {
      if (cancelled) return;
      const delay = at - Date.now();
      if (delay <= 0) return fn();
      handle = setTimeout(arm, Math.min(delay, MAX_TIMEOUT));
    };
    arm();
    return () => {
      cancelled = true;
      if (handle) clearTimeout(handle);
    };
  },
};

// Layout of the shared state: a seqlock word, then virtual ms at the base, real ms at the base, speed × 1e6.
const SEQ = 0;
const BASE_VIRTUAL = 1;
const BASE_REAL = 2;
const SPEED = 3;
const SPEED_SCALE = 1_000_000;

/** Reads the time of a ControlledClock from its shared buffer, in any thread. */
export function sharedClockReader(buffer: SharedArrayBuffer): () => number {
  const words = new BigInt64Array(buffer);
  return () => {
    for (;;) {
      const before = Atomics.load(words, SEQ);
      if (before % 2n === 1n) continue;
      const baseVirtual = Number(Atomics.load(words, BASE_VIRTUAL));
      const baseReal = Number(Atomics.load(words, BASE_REAL));
      const speed = Number(Atomics.load(words, SPEED)) / SPEED_SCALE;
      if (Atomics.load(words, SEQ) !== before) continue;
      return Math.floor(baseVirtual + (realNow() - baseReal) * speed);
    }
  };
}

interface Timer {
  at: number;
  seq: number;
  fn: () => void;
}

export interface ControlledClockOptions {
  /** Epoch ms to start at (default: real now). */
  start?: number;
  /** Virtual milliseconds per real millisecond; 0 pauses time (default 1). */
  speed?: number;
}

/**
 * A clock that can be set, advanced and sped up. Advancing fires every timer that falls due, in order of
 * due time, with the clock reading each timer's due time when it fires; between timers it waits for the
 * registered settlers (for example "the Step Functions runtime has no work in flight"), so work started by
 * one timer can add earlier timers before time moves on.
 */
export class ControlledClock implements Clock {
  readonly buffer = new SharedArrayBuffer(4 * 8);
  private readonly words = new BigInt64Array(this.buffer);
  private readonly read = sharedClockReader(this.buffer);
  private timers: Timer[] = [];
  private nextSeq = 0;
  private wake: NodeJS.Timeout | undefined;
  private readonly settlers: Array<() => Promise<void>> = [];
  private readonly listeners: Array<(now: number, speed: number) => void> = [];
  private moving: Promise<void> = Promise.resolve();

  constructor(options: ControlledClockOptions = {}) {
    this.write(options.start ?? Date.now(), options.speed ?? 1);
  }

  now(): number {
    return this.read();
  }

  get speed(): number {
    return Number(Atomics.load(this.words, SPEED)) / SPEED_SCALE;
  }

  setTimer(at: number, fn: () => void): () => void {
    const timer: Timer = { at, seq: this.nextSeq++, fn };
    this.timers.push(timer);
    this.timers.sort((a, b) => a.at - b.at || a.seq - b.seq);
    this.arm();
    return () => {
      this.timers = this.timers.filter((t) => t !== timer);
      this.arm();
    };
  }

  /** The due time of the earliest pending timer, if any. */
  nextTimerAt(): number | undefined {
    return this.timers[0]?.at;
  }

  /** Registers work to wait for between timers while advancing. */
  addSettler(settle: () => Promise<void>): void {
    this.settlers.push(settle);
  }

  /** Called after every set, advance or speed change (for example to persist the clock). */
  onChange(listener: (now: number, speed: number) => void): void {
    this.listeners.push(listener);
  }

  setSpeed(speed: number): void {
    if (!(speed >= 0) || !Number.isFinite(speed))
      throw new RangeError(`speed must be a finite number ≥ 0, got ${speed}`);
    this.write(this.now(), speed);
    this.arm();
    this.changed();
  }

  /** Moves the clock forward by `ms`, firing due timers in order. */
  advance(ms: number): Promise<void> {
    if (!(ms >= 0))
      return Promise.reject(new RangeError(`cannot advance by ${ms} ms: time only moves forward`));
    return this.advanceTo(this.now() + ms);
  }

  /** Moves the clock to `at`, firing every timer due by then, in order. Moving backwards fires nothing. */
  advanceTo(at: number): Promise<void> {
    this.moving = this.moving.then(() => this.move(at));
    return this.moving;
  }

  /** Advances to the next pending timer and fires it (and any due at the same instant). */
  async advanceToNextTimer(): Promise<boolean> {
    const next = this.nextTimerAt();
    if (next === undefined) return false;
    await this.advanceTo(Math.max(next, this.now()));
    return true;
  }

  private async move(target: number): Promise<void> {
    const speed = this.speed;
    for (;;) {
      await this.settle();
      const first = this.timers[0];
      if (!first || first.at > target) break;
      this.write(Math.max(first.at, this.now()), 0);
      this.fireDue();
    }
    this.write(target, speed);
    this.arm();
    this.changed();
    await this.settle();
  }

  private async settle(): Promise<void> {
    for (const settle of this.settlers) await settle();
  }

  private fireDue(): void {
    const now = this.now();
    // Listeners (the data directory's clock.json) hear of the new time before the timers' work starts: that
    // work commits its effects at this time (the runtime's events, leases in the table), and a crash during
    // it must not restart the clock earlier than them. Before this, a rehearsal killed while a day's sweep ran
    // resumed a day earlier, and a lease taken at the later time held out past every retry.
    if (this.timers[0] && this.timers[0].at <= now) this.changed();
    while (this.timers[0] && this.timers[0].at <= now) {
      const timer = this.timers.shift() as Timer;
      try {
        timer.fn();
      } catch (error) {
        queueMicrotask(() => {
          throw error;
        });
      }
    }
  }

  private arm(): void {
    if (this.wake) clearTimeout(this.wake);
    this.wake = undefined;
    const first = this.timers[0];
    if (!first) return;
    const speed = this.speed;
    if (speed === 0) return;
    const delay = (first.at - this.now()) / speed;
    this.wake = setTimeout(
      () => {
        this.wake = undefined;
        this.fireDue();
        this.arm();
      },
      Math.max(0, Math.min(Math.ceil(delay), MAX_TIMEOUT)),
    );
    this.wake.unref();
  }

  private write(virtual: number, speed: number): void {
    const words = this.words;
    Atomics.add(words, SEQ, 1n);
    Atomics.store(words, BASE_VIRTUAL, BigInt(Math.floor(virtual)));
    Atomics.store(words, BASE_REAL, BigInt(Math.floor(realNow())));
    Atomics.store(words, SPEED, BigInt(Math.round(speed * SPEED_SCALE)));
    Atomics.add(words, SEQ, 1n);
  }

  private changed(): void {
    const now = this.now();
    for (const listener of this.listeners) listener(now, this.speed);
  }
}
