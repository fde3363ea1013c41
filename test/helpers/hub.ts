import { afterAll, beforeAll, inject } from 'vitest';
import { type HubOptions, type LocalHub, startHub } from '../../local/hub/hub';
import type { LedgerEntry } from '../../shared/adapters/aws/ledger-repository';

/**
 * Starts one local hub for the test file (before all its tests) and stops it, with every process it started,
 * after them, also when a test fails. Returns an accessor, since the hub exists only once `beforeAll` ran.
 */
export const useHub = (options: HubOptions = {}): (() => LocalHub) => {
  let hub: LocalHub | undefined;
  beforeAll(async () => {
    // No schedule runs unless the file names it: at 360x the hourly reconcile would run every 10 s, keeping a core
    // busy for what the file does not test, and a scenario could pass through a schedule instead of the path it names.
    hub = await startHub({ timeCompression: 360, schedules: {}, ...sharedEngines(), ...options });
  }, 180_000);
  afterAll(async () => {
    await hub?.stop();
  }, 60_000);
  return () => {
    if (!hub) throw new Error('the local hub is not running');
    return hub;
  };
};

/** The engines the run's hubs share (see shared-dynamodb.ts), where the level provides them. */
export const sharedEngines = (): Pick<HubOptions, 'dynamodb'> => {
  const endpoint = inject('sharedDynamoDb');
  return endpoint ? { dynamodb: { endpoint } } : {};
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

/**
 * Waits until the ledger entry of every id in `ids` is `done`, reading again only the entries not done yet, fifty at
 * a time: a probe that re-read hundreds of entries five times a second kept DynamoDB Local busy, slowing the very
 * hub it waits for. Returns the entries, in the order of `ids`, as they were when each was done.
 */
export const eventuallyLedger = async (
  ledger: LocalHub['ledger'],
  channel: 'scayle' | 'amazon',
  ids: readonly string[],
  done: (entry: LedgerEntry) => boolean,
  timeoutMs: number,
  what: string,
): Promise<LedgerEntry[]> => {
  const found = new Map<string, LedgerEntry>();
  return eventually(
    async () => {
      const open = ids.filter((id) => !found.has(id));
      for (let i = 0; i < open.length; i += 50) {
        const batch = open.slice(i, i + 50);
        const entries = await Promise.all(batch.map((id) => ledger.get(channel, id)));
        entries.forEach((entry, k) => {
          if (entry && done(entry)) found.set(batch[k] as string, entry);
        });
      }
      return found.size === new Set(ids).size ? ids.map((id) => found.get(id) as LedgerEntry) : undefined;
    },
    timeoutMs,
    what,
  );
};

/**
 * A SKU mapped to its own seller SKU in one marketplace and listed there with a few units, as a retailer's catalogue
 * would hold it: what a test of a listing's retirement starts from.
 */
export const mapAndListOnAmazon = async (hub: LocalHub, sku: string, marketplaceId: string): Promise<void> => {
  await hub.catalogue.put({ sku, amazon: { [marketplaceId]: { sellerSku: sku } } });
  const listed = await fetch(`${hub.simulators.amazon.url}/_sim/listings`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ listings: [{ sku, quantity: 3 }] }),
  });
  if (listed.status !== 200) throw new Error(`the Amazon simulator did not list ${sku}: ${listed.status}`);
};
