import { describe, expect, it } from 'vitest';
import type { FeedIssue, ListingPatch, ListingsSubmission } from '../../../shared/adapters/amazon/client';
import type { StockPushResult, StockUpdate } from '../../../shared/adapters/scayle/client';
import type { ExceptionType } from '../../../shared/domain/exception-types';
import type { StockMarketplace } from '../../../shared/ports';
import type { OrderwiseStockMessage } from '../../../shared/schemas/queue-messages';
import { makePushAmazon } from '../../../shared/use-cases/stock/push-amazon';
import { makeSyncScayleStock } from '../../../shared/use-cases/stock/sync-scayle-stock';
import { InMemoryCatalogue, InMemoryStock, TEST_STOCK_POLICY } from '../../helpers/stock-fakes';

const policy = TEST_STOCK_POLICY;
const UK = 'A1F83G8C2ARO7P';
const DE = 'A1PA6795UKMFR9';
const catalogue = new InMemoryCatalogue([
  {
    sku: 'SKU-A',
    orderwiseVariantCode: 'OW-A',
    amazon: { [UK]: { sellerSku: 'AMZ-A' }, [DE]: { sellerSku: 'AMZ-A' } },
  },
  { sku: 'SKU-B', orderwiseVariantCode: 'OW-B' },
]);
const clock = { now: () => Date.parse('2026-11-23T12:00:00Z'), sleep: async () => {} };

class FakeScayle {
  readonly sent: StockUpdate[] = [];
  failFor = new Set<string>();
  async putStocks(updates: readonly StockUpdate[]): Promise<StockPushResult[]> {
    this.sent.push(...updates);
    return updates.map((u) =>
      this.failFor.has(u.sku) ? { sku: u.sku, via: 'single', error: new Error('down') } : { sku: u.sku, via: 'single' },
    );
  }
  async getStock() {
    return [];
  }
  async getCurrentPrices() {
    return {};
  }
}

const event = (code: string, freeStock: number, changedAt: string, extra: Partial<OrderwiseStockMessage> = {}) =>
  ({
    kind: 'orderwise-stock',
    variantCode: code,
    freeStock,
    changedAt,
    source: 'push',
    receivedAt: '2026-11-23T11:59:59.900Z',
    ...extra,
  }) as OrderwiseStockMessage;

const setup = () => {
  const stock = new InMemoryStock();
  const scayle = new FakeScayle();
  const sync = makeSyncScayleStock({ stock, catalogue, commerce: scayle, policy, clock });
  return { stock, scayle, sync };
};

describe('syncing OrderWise stock to SCAYLE', () => {
  it('pushes the newest figure of a batch, less the buffer, with the real change time', async () => {
    const { scayle, sync, stock } = setup();
    const outcome = await sync([
      event('OW-A', 10, '2026-11-23T10:00:01Z'),
      event('OW-A', 4, '2026-11-23T10:00:03Z'),
      event('OW-A', 7, '2026-11-23T10:00:02Z'),
    ]);
    expect(scayle.sent).toEqual([
      { sku: 'SKU-A', warehouseReferenceKey: 'WH-MAIN', quantity: 2, changedAt: '2026-11-23T10:00:03.000Z' },
    ]);
    expect(outcome).toMatchObject({ pushed: 1, coalesced: 2, stale: 0 });
    expect((await stock.get('SKU-A'))?.amazonPending).toBe('pending');
  });

  it('changes nothing for an older figure arriving after a newer one', async () => {
    const { scayle, sync, stock } = setup();
    await sync([event('OW-A', 9, '2026-11-23T10:00:05Z')]);
    const outcome = await sync([event('OW-A', 30, '2026-11-23T10:00:04Z')]);
    expect(outcome.stale).toBe(1);
    expect(scayle.sent).toHaveLength(1);
    expect((await stock.get('SKU-A'))?.owQuantity).toBe(9);
  });

  it('does not push the same figure twice, but pushes it again when forced by the reconcile', async () => {
    const { scayle, sync } = setup();
    await sync([event('OW-A', 9, '2026-11-23T10:00:05Z')]);
    expect((await sync([event('OW-A', 9, '2026-11-23T10:00:05Z')])).unchanged).toBe(1);
    await sync([event('OW-A', 9, '2026-11-23T10:00:05Z', { source: 'reconcile', force: true })]);
    expect(scayle.sent).toHaveLength(2);
  });

  it('pushes again after a failed push of the same figure (the retry of the message)', async () => {
    const { scayle, sync } = setup();
    scayle.failFor.add('SKU-A');
    const first = await sync([event('OW-A', 9, '2026-11-23T10:00:05Z')]);
    expect([...first.failed.keys()]).toEqual(['OW-A']);
    scayle.failFor.clear();
    const retry = await sync([event('OW-A', 9, '2026-11-23T10:00:05Z')]);
    expect(retry.pushed).toBe(1);
    expect(retry.failed.size).toBe(0);
  });

  it('never pushes a negative quantity and skips codes the catalogue map does not know', async () => {
    const { scayle, sync } = setup();
    const outcome = await sync([event('OW-B', 1, '2026-11-23T10:00:05Z'), event('OW-Z', 5, '2026-11-23T10:00:05Z')]);
    expect(scayle.sent.map((u) => u.quantity)).toEqual([0]);
    expect(outcome.unmapped).toEqual(['OW-Z']);
  });

  it('holds unexpired reservations back from SCAYLE', async () => {
    const { scayle, sync, stock } = setup();
    await sync([event('OW-A', 10, '2026-11-23T10:00:00Z')]);
    const item = stock.items.get('SKU-A');
    if (item) item.reservations = { 'amazon#1': { quantity: 3, expiresAt: '2026-11-23T13:00:00Z' } };
    await sync([event('OW-A', 10, '2026-11-23T10:00:00Z', { force: true })]);
    expect(scayle.sent.at(-1)?.quantity).toBe(5);
  });
});

class FakeAmazon implements StockMarketplace {
  readonly patches: { sku: string; marketplaceId: string; patches: readonly ListingPatch[] }[] = [];
  readonly feeds: { marketplaceId: string; document: { messages: { sku: string }[] } }[] = [];
  invalid = new Set<string>();
  /** SellerSKUs Amazon has no listing of. */
  notFound = new Set<string>();
  feedIssues_: FeedIssue[] = [];
  feedStatus: 'IN_PROGRESS' | 'DONE' = 'DONE';
  assumeQuotaSpent() {}
  async patchListingsItem(_seller: string, sku: string, marketplaceId: string, patches: readonly ListingPatch[]) {
    this.patches.push({ sku, marketplaceId, patches });
    if (this.notFound.has(sku))
      return {
        sku,
        status: 'INVALID',
        issues: [{ code: 'NOT_FOUND', message: `SKU '${sku}' is not listed.`, severity: 'ERROR' }],
      } as ListingsSubmission;
    return {
      sku,
      status: this.invalid.has(sku) ? 'INVALID' : 'ACCEPTED',
      issues: this.invalid.has(sku) ? [{ code: '4000001', message: 'bad', severity: 'ERROR' }] : [],
    } as ListingsSubmission;
  }
  async submitListingsFeed(marketplaceId: string, document: unknown) {
    this.feeds.push({ marketplaceId, document: document as { messages: { sku: string }[] } });
    return `feed-${this.feeds.length}`;
  }
  async getFeed(feedId: string) {
    return { feedId, processingStatus: this.feedStatus, resultFeedDocumentId: `doc-${feedId}` };
  }
  async feedIssues() {
    return this.feedIssues_;
  }
}

const pusher = (
  stock: InMemoryStock,
  amazon: FakeAmazon,
  windowSeconds = 120,
  relist?: (marketplaceId: string, sellerSku: string) => Promise<boolean>,
) => {
  const raised: { type: ExceptionType; key: string }[] = [];
  const resolved: { type: ExceptionType; key: string }[] = [];
  const push = makePushAmazon({
    stock,
    catalogue,
    amazon,
    exceptions: {
      raise: async (type, key) => {
        raised.push({ type, key });
        return {} as never;
      },
      resolveOpen: async (type, key) => {
        resolved.push({ type, key });
      },
    },
    policy,
    settings: {
      sellerId: 'A2SELLERDEV',
      marketplaceIds: [UK, DE],
      patchRatePerSecond: 5,
      windowSeconds,
      concurrency: 2,
      maxFeedMessages: 25_000,
    },
    clock,
    ...(relist ? { relist } : {}),
  });
  return { push, raised, resolved };
};

describe('pushing stock to Amazon', () => {
  const stocked = async () => {
    const { stock, sync } = setup();
    await sync([event('OW-A', 12, '2026-11-23T10:00:00Z')]);
    return stock;
  };

  it('patches the ATS (SCAYLE quantity less the Amazon buffer) in every marketplace, once', async () => {
    const stock = await stocked();
    const amazon = new FakeAmazon();
    const { push } = pusher(stock, amazon);
    expect(await push(clock.now() + 60_000)).toMatchObject({ ran: true, mode: 'patch', accepted: 2 });
    expect(amazon.patches.map((p) => [p.marketplaceId, p.patches[0]?.value])).toEqual([
      [UK, [{ fulfillment_channel_code: 'DEFAULT', quantity: 9 }]],
      [DE, [{ fulfillment_channel_code: 'DEFAULT', quantity: 9 }]],
    ]);
    expect((await stock.get('SKU-A'))?.amazonPending).toBeUndefined();
    expect(await push(clock.now() + 60_000)).toMatchObject({ mode: 'idle' });
    expect(amazon.patches).toHaveLength(2);
  });

  it('sends the SCAYLE price in the marketplace currency with the quantity', async () => {
    const stock = await stocked();
    await stock.recordScayleState('SKU-A', { prices: { EUR: { amountMinor: 2990, observedAt: 'x' } } }, 'later');
    const amazon = new FakeAmazon();
    await pusher(stock, amazon).push(clock.now() + 60_000);
    const de = amazon.patches.find((p) => p.marketplaceId === DE);
    expect(de?.patches[1]?.value).toEqual([
      { marketplace_id: DE, currency: 'EUR', our_price: [{ schedule: [{ value_with_tax: 29.9 }] }] },
    ]);
    expect(amazon.patches.find((p) => p.marketplaceId === UK)?.patches).toHaveLength(1);
  });

  it('raises AMAZON_LISTING_REJECTED naming the SellerSKU when Amazon answers INVALID', async () => {
    const stock = await stocked();
    const amazon = new FakeAmazon();
    amazon.invalid.add('AMZ-A');
    const { push, raised } = pusher(stock, amazon);
    expect(await push(clock.now() + 60_000)).toMatchObject({ rejected: 2 });
    expect(raised).toEqual([
      { type: 'AMAZON_LISTING_REJECTED', key: `AMZ-A@${UK}` },
      { type: 'AMAZON_LISTING_REJECTED', key: `AMZ-A@${DE}` },
    ]);
  });

  it('heals AMAZON_LISTING_REJECTED by itself once Amazon takes the SellerSKU again', async () => {
    const stock = await stocked();
    const amazon = new FakeAmazon();
    amazon.invalid.add('AMZ-A');
    const { push, resolved } = pusher(stock, amazon);
    await push(clock.now() + 60_000);
    amazon.invalid.clear();
    await stock.markAmazonPending(['SKU-A'], 'later', true);
    expect(await push(clock.now() + 60_000)).toMatchObject({ accepted: 2 });
    expect(resolved).toEqual([
      { type: 'AMAZON_LISTING_REJECTED', key: `AMZ-A@${UK}` },
      { type: 'AMAZON_LISTING_REJECTED', key: `AMZ-A@${DE}` },
    ]);
  });

  it('sends no offer for a SellerSKU the catalogue loop blocked, in that marketplace only', async () => {
    const stock = await stocked();
    const amazon = new FakeAmazon();
    catalogue.listingStatus.set(`${UK}#AMZ-A`, 'blocked');
    try {
      await pusher(stock, amazon).push(clock.now() + 60_000);
    } finally {
      catalogue.listingStatus.clear();
    }
    expect(amazon.patches.map((p) => p.marketplaceId)).toEqual([DE]);
  });

  it('raises nothing when Amazon has no listing yet and the catalogue loop has not listed the SellerSKU', async () => {
    const stock = await stocked();
    const amazon = new FakeAmazon();
    amazon.notFound.add('AMZ-A');
    catalogue.listingStatus.set(`${DE}#AMZ-A`, 'listed');
    try {
      const { push, raised } = pusher(stock, amazon);
      expect(await push(clock.now() + 60_000)).toMatchObject({ rejected: 2 });
      // Only where the hub listed it is "not listed" news: someone took the listing down.
      expect(raised).toEqual([{ type: 'AMAZON_LISTING_REJECTED', key: `AMZ-A@${DE}` }]);
    } finally {
      catalogue.listingStatus.clear();
    }
  });

  it('queues a listing Amazon lost for the catalogue loop to list again, instead of raising it', async () => {
    const stock = await stocked();
    const amazon = new FakeAmazon();
    amazon.notFound.add('AMZ-A');
    catalogue.listingStatus.set(`${DE}#AMZ-A`, 'listed');
    const relisted: string[] = [];
    try {
      const { push, raised } = pusher(stock, amazon, 120, async (marketplaceId, sellerSku) => {
        relisted.push(`${sellerSku}@${marketplaceId}`);
        return true;
      });
      expect(await push(clock.now() + 60_000)).toMatchObject({ rejected: 2, relisted: 1, lost: 0 });
      expect(relisted).toEqual([`AMZ-A@${DE}`]);
      expect(raised).toEqual([]);
    } finally {
      catalogue.listingStatus.clear();
    }
  });

  it('tells a person when the relisting cannot be queued or Amazon keeps losing the listing', async () => {
    const stock = await stocked();
    const amazon = new FakeAmazon();
    amazon.notFound.add('AMZ-A');
    catalogue.listingStatus.set(`${UK}#AMZ-A`, 'external');
    catalogue.listingStatus.set(`${DE}#AMZ-A`, 'listed');
    const asked: string[] = [];
    try {
      const { push, raised } = pusher(stock, amazon, 120, async (marketplaceId) => {
        asked.push(marketplaceId);
        if (marketplaceId === UK) throw new Error('SQS is unavailable');
        return false;
      });
      expect(await push(clock.now() + 60_000)).toMatchObject({ rejected: 2, relisted: 0, lost: 2 });
      // A listing the hub only feeds (external) is looked at again too.
      expect(asked.sort()).toEqual([DE, UK].sort());
      expect(raised).toEqual([
        { type: 'AMAZON_LISTING_REJECTED', key: `AMZ-A@${UK}` },
        { type: 'AMAZON_LISTING_REJECTED', key: `AMZ-A@${DE}` },
      ]);
    } finally {
      catalogue.listingStatus.clear();
    }
  });

  it('sends a feed when the backlog would outlast the window, and settles it from the report', async () => {
    const stock = await stocked();
    const amazon = new FakeAmazon();
    amazon.feedStatus = 'IN_PROGRESS';
    const { push, raised } = pusher(stock, amazon, 0.1);
    expect(await push(clock.now() + 60_000)).toMatchObject({ mode: 'feed', feedsSubmitted: 2 });
    expect(amazon.patches).toHaveLength(0);
    // While the feed runs, the SKU is neither patched nor sent again.
    expect(await push(clock.now() + 60_000)).toMatchObject({ mode: 'idle', feedsSettled: 0 });
    amazon.feedStatus = 'DONE';
    amazon.feedIssues_ = [{ messageId: 1, code: '90220', severity: 'ERROR', message: 'bad' }];
    expect(await push(clock.now() + 60_000)).toMatchObject({ feedsSettled: 2 });
    expect(raised.map((r) => r.key)).toEqual([`AMZ-A@${UK}`, `AMZ-A@${DE}`]);
    expect(stock.items.get('SKU-A')?.amazonFeed).toBeUndefined();
  });

  it('does nothing while another round holds the lock', async () => {
    const stock = await stocked();
    await stock.acquireLock('amazon-push', 'other', clock.now() + 60_000, clock.now());
    const amazon = new FakeAmazon();
    expect(await pusher(stock, amazon).push(clock.now() + 60_000)).toMatchObject({ ran: false });
    expect(amazon.patches).toHaveLength(0);
  });
});
