import { afterAll, beforeAll } from 'vitest';
import { type HubOptions, type LocalHub, startHub } from '../../local/hub/hub';

/**
 * Starts one local hub for the test file (before all its tests) and stops it, with every process it started,
 * after them, also when a test fails. Returns an accessor, since the hub exists only once `beforeAll` ran.
 */
export const useHub = (options: HubOptions = {}): (() => LocalHub) => {
  let hub: LocalHub | undefined;
  beforeAll(async () => {
    hub = await startHub({ timeCompression: 360, ...options });
  }, 180_000);
  afterAll(async () => {
    await hub?.stop();
  }, 60_000);
  return () => {
    if (!hub) throw new Error('the local hub is not running');
    return hub;
  };
};

/** Polls `probe` until it returns a truthy value or `timeoutMs` passes; returns the value. */
export const eventually = async <T>(
  probe: () => Promise<T>,
  timeoutMs = 60_000,
  what = 'condition',
): Promise<NonNullable<T>> => {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  while (Date.now() < deadline) {
    last = await probe();
    if (last) return last as NonNullable<T>;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${what} not reached within ${timeoutMs} ms (last: ${JSON.stringify(last)?.slice(0, 500)})`);
};
