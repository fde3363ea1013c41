import { afterAll, beforeAll } from 'vitest';
import { mergeConfig } from '../../lib/config/stage-config';
import { type HubOptions, type LocalHub, startHub } from '../../local/hub/hub';

/**
 * Starts one local hub for the test file (before all its tests) and stops it, with every process it started,
 * after them, also when a test fails. Returns an accessor, since the hub exists only once `beforeAll` ran.
 */
export const useHub = (options: HubOptions = {}): (() => LocalHub) => {
  let hub: LocalHub | undefined;
  beforeAll(async () => {
    // At 360x the hourly stock reconcile (a full Amazon sync) would run every 10 s and the daily catalogue sync every
    // 4 minutes, keeping a core busy for what most files do not test: files that test them ask for them.
    const stageOverrides = mergeConfig(
      { schedules: { catalogueSync: 'rate(30 days)', stockReconcile: 'rate(1 day)' } },
      options.stageOverrides,
    );
    hub = await startHub({
      timeCompression: 360,
      ...options,
      stageOverrides: stageOverrides as HubOptions['stageOverrides'],
    });
  }, 180_000);
  afterAll(async () => {
    await hub?.stop();
  }, 60_000);
  return () => {
    if (!hub) throw new Error('the local hub is not running');
    return hub;
  };
};

/**
 * Polls `probe` until it returns a truthy value or `timeoutMs` passes; returns the value. A probe that throws is
 * asked again; its last error is thrown if the deadline passes with it.
 */
export const eventually = async <T>(
  probe: () => Promise<T>,
  timeoutMs = 60_000,
  what = 'condition',
): Promise<NonNullable<T>> => {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  let failure: unknown;
  while (Date.now() < deadline) {
    try {
      last = await probe();
      failure = undefined;
      if (last) return last as NonNullable<T>;
    } catch (error) {
      // A probe that fails once (a socket the loaded machine dropped) is asked again; only the deadline decides.
      failure = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  if (failure) throw failure;
  throw new Error(`${what} not reached within ${timeoutMs} ms (last: ${JSON.stringify(last)?.slice(0, 500)})`);
};
