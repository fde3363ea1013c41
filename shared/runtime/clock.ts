import { setTimeout as wait } from 'node:timers/promises';

/** Time as the hub sees it: injectable so that retries, rate limits and SLA windows are testable without waiting. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Resolves after `ms` milliseconds. */
  sleep(ms: number): Promise<void>;
}

/** The wall clock. */
export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: async (ms) => {
    if (ms > 0) await wait(ms);
  },
};
