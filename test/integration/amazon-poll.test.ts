import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_LWA_CREDENTIALS, startAmazonSimulator } from '../../local/simulators/amazon';
import { SpApiClient } from '../../shared/adapters/amazon/client';
import { AMAZON_ORDERS_CURSOR, makePollAmazonOrders } from '../../shared/use-cases/amazon-orders/poll-orders';
import { useFreshLedgerTables } from '../helpers/fresh-ledger-tables';

const UK = 'A1F83G8C2ARO7P';

/**
 * The getOrders poll against the SP-API simulator (real HTTP, Amazon's NextToken rules) and its cursor in DynamoDB
 * Local: a backlog bigger than one run is read over several runs, each order once, and a NextToken Amazon no longer
 * takes costs a re-read, never an order.
 */
describe('the getOrders poll over a backlog', () => {
  // Each test starts with no cursor and no orders: none reads what another left.
  const tables = useFreshLedgerTables();
  let amazon: Awaited<ReturnType<typeof startAmazonSimulator>>;
  beforeAll(async () => {
    amazon = await startAmazonSimulator();
  });
  beforeEach(async () => {
    await fetch(`${amazon.url}/_sim/reset`, { method: 'POST' });
  });
  afterAll(async () => amazon.stop());

  /** A poll whose every page "takes" a minute of its clock, with a budget of three pages per run. */
  const pollOf = (queued: string[]) => {
    let spent = 0;
    const sp = new SpApiClient({
      endpoint: amazon.url,
      tokenUrl: `${amazon.url}/auth/o2/token`,
      credentials: async () => DEFAULT_LWA_CREDENTIALS,
    });
    return makePollAmazonOrders({
      amazon: {
        getOrders: async (query) => {
          const page = await sp.getOrders(query);
          spent += 60_000;
          return page;
        },
      },
      cursors: tables().cursors,
      queue: { sendAll: async (messages) => void queued.push(...messages.map((m) => m.amazonOrderId)) },
      clock: { now: () => Date.now() + spent, sleep: (ms) => new Promise((r) => setTimeout(r, ms)) },
      settings: { marketplaceIds: [UK], overlapMinutes: 5, firstLookbackHours: 2, runBudgetMs: 150_000 },
    });
  };

  it('reads 450 orders over three runs, each once, then moves the cursor past them', async () => {
    const created = await amazon.createOrders({
      orders: Array.from({ length: 450 }, (_, n) => ({
        purchaseDate: new Date(Date.now() - 3_600_000 + n * 1_000).toISOString(),
        marketplaceId: UK,
        items: [{ sellerSku: 'ANY-SKU', quantity: 1, unitPrice: '10.00' }],
      })),
    });
    const queued: string[] = [];
    const runs = [];
    for (let run = 0; run < 3; run++) runs.push(await pollOf(queued)());
    expect(runs.map((r) => [r.pages, r.complete, r.resumed])).toEqual([
      [3, false, false],
      [2, true, true],
      [1, true, false],
    ]);
    expect(queued).toHaveLength(450);
    expect(new Set(queued)).toEqual(new Set(created.map((o) => o.amazonOrderId)));
    // The second run finished the first one's search; the third searched on from there.
    expect(runs[1]?.to).toBe(runs[0]?.to);
    expect(Date.parse(runs[2]?.from as string)).toBe(Date.parse(runs[0]?.to as string) - 5 * 60_000);
    expect(await tables().cursors.read(AMAZON_ORDERS_CURSOR)).toEqual({ at: runs[2]?.to });
  });

  it('reads the first half of the search again when Amazon refuses the NextToken a run kept, and loses no order', async () => {
    // A run that started at the cursor `at` (so searched from `at` less the overlap) kept a NextToken that Amazon
    // has since forgotten.
    const from = new Date(Date.now() - 3 * 3_600_000).toISOString();
    const to = new Date(Date.now() - 600_000).toISOString();
    const half = Date.parse(from) + Math.floor((Date.parse(to) - Date.parse(from)) / 2);
    const at = new Date(Date.parse(from) + 5 * 60_000).toISOString();
    await tables().cursors.advance(AMAZON_ORDERS_CURSOR, undefined, at);
    await tables().cursors.saveResume(AMAZON_ORDERS_CURSOR, at, {
      from,
      to,
      nextToken: 'issued-before-amazon-forgot-it',
      pages: 12,
      savedAt: new Date().toISOString(),
    });
    const [early, late] = await amazon.createOrders({
      orders: [half - 1_800_000, half + 1_800_000].map((purchasedAt) => ({
        purchaseDate: new Date(purchasedAt).toISOString(),
        marketplaceId: UK,
        items: [{ sellerSku: 'ANY-SKU', quantity: 1, unitPrice: '10.00' }],
      })),
    });

    const queued: string[] = [];
    const outcome = await pollOf(queued)();

    expect(outcome).toMatchObject({ resumed: true, complete: true, from });
    expect(Date.parse(outcome.to)).toBe(half);
    expect(queued).toEqual([early?.amazonOrderId]);
    expect(await tables().cursors.read(AMAZON_ORDERS_CURSOR)).toEqual({ at: outcome.to });
    // The next run reads on from the half, so the order of the second half is not lost.
    const next: string[] = [];
    await pollOf(next)();
    expect(next).toEqual([late?.amazonOrderId]);
  });
});
