import type { Clock } from '../../shared/runtime/clock';

/**
 * Virtual time: `sleep` parks the caller until `advance` moves the clock past its wake-up time, so tests of
 * rate limits and back-off run in microseconds and are exact.
 */
export class FakeClock implements Clock {
  #now: number;
  #timers: { at: number; wake: () => void }[] = [];
  /** Every sleep requested, in order. */
  readonly sleeps: number[] = [];

  constructor(start = 0) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  sleep(ms: number): Promise<void> {
    this.sleeps.push(ms);
    return new Promise((wake) => {
      this.#timers.push({ at: this.#now + Math.max(0, ms), wake });
    });
  }

  /** Moves time forward by `ms`, waking sleepers in time order and letting each run before the next. */
  async advance(ms: number): Promise<void> {
    const target = this.#now + ms;
    for (;;) {
      await settle();
      this.#timers.sort((a, b) => a.at - b.at);
      const next = this.#timers[0];
      if (!next || next.at > target) break;
      this.#timers.shift();
      this.#now = next.at;
      next.wake();
    }
    this.#now = target;
    await settle();
  }

  /** Sleepers still parked. */
  get pending(): number {
    return this.#timers.length;
  }
}

/** A clock whose sleeps return at once but are recorded, for checking back-off without waiting. */
export const recordingClock = (): Clock & { sleeps: number[] } => {
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => Date.now(),
    sleep: async (ms) => {
      sleeps.push(ms);
    },
  };
};

const settle = () => new Promise<void>((resolve) => setImmediate(resolve));
