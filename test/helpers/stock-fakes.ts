import type { CatalogueEntry } from '../../shared/adapters/aws/catalogue-repository';
import type { AmazonFeedRef, AmazonPush, ScaylePush, StockItem } from '../../shared/adapters/aws/stock-repository';
import type { StockCatalogue, StockLedger } from '../../shared/ports';
import { ConditionFailedError } from '../../shared/runtime/errors';
import type { StockPolicy } from '../../shared/use-cases/stock/stock-policy';

type Mutable = { -readonly [K in keyof StockItem]?: StockItem[K] } & { sku: string };

/** The stock ledger in memory, with the same conditions as the DynamoDB repository. */
export class InMemoryStock implements StockLedger {
  readonly items = new Map<string, Mutable>();
  readonly locks = new Map<string, { holder: string; until: number }>();
  readonly feeds: Record<string, { marketplaceId: string; submittedAt: string }> = {};
  readonly cursors = new Map<string, string>();

  #item(sku: string): Mutable {
    let item = this.items.get(sku);
    if (!item) {
      item = { sku };
      this.items.set(sku, item);
    }
    return item;
  }

  async get(sku: string) {
    const item = this.items.get(sku);
    return item ? structuredClone(item) : undefined;
  }

  async applyOrderwise(sku: string, stock: Parameters<StockLedger['applyOrderwise']>[1], expected: number | undefined) {
    const item = this.items.get(sku);
    if ((item?.owChangedAt && item.owChangedAt > stock.owChangedAt) || item?.version !== expected)
      throw new ConditionFailedError('condition', item);
    Object.assign(this.#item(sku), structuredClone(stock), { version: (expected ?? 0) + 1 });
  }

  async writeReservations(
    sku: string,
    reservations: Parameters<StockLedger['writeReservations']>[1],
    changedAt: string,
    expected: number | undefined,
  ) {
    const item = this.items.get(sku);
    if (item?.version !== expected) throw new ConditionFailedError('condition', item);
    Object.assign(this.#item(sku), {
      reservations: structuredClone(reservations),
      reservationsChangedAt: changedAt,
      version: (expected ?? 0) + 1,
    });
  }

  async recordScaylePush(sku: string, push: ScaylePush, now: string) {
    const item = this.#item(sku);
    if (item.scayle && item.scayle.changedAt > push.changedAt) throw new ConditionFailedError('condition', item);
    Object.assign(item, { scayle: push, amazonPending: 'pending', amazonDirtyAt: now });
  }

  async recordScayleState(
    sku: string,
    state: Pick<StockItem, 'scayleObserved'> | Pick<StockItem, 'prices'>,
    now: string,
  ) {
    Object.assign(this.#item(sku), structuredClone(state), { amazonPending: 'pending', amazonDirtyAt: now });
  }

  async markAmazonPending(skus: readonly string[], now: string, force: boolean) {
    for (const sku of skus)
      Object.assign(this.#item(sku), {
        amazonPending: 'pending',
        amazonDirtyAt: now,
        ...(force ? { amazonForce: true } : {}),
      });
  }

  async listAmazonPending() {
    return [...this.items.values()].filter((i) => i.amazonPending).map((i) => structuredClone(i) as StockItem);
  }

  async markAmazonInFlight(sku: string, feed: AmazonFeedRef) {
    this.#item(sku).amazonFeed = structuredClone(feed);
  }

  async releaseFeed(sku: string) {
    delete this.#item(sku).amazonFeed;
  }

  async recordAmazonPush(
    sku: string,
    amazon: Readonly<Record<string, AmazonPush>>,
    seen: string | undefined,
    stillInFlight?: AmazonFeedRef,
  ) {
    const item = this.#item(sku);
    item.amazon = structuredClone(amazon);
    if (stillInFlight) {
      item.amazonFeed = structuredClone(stillInFlight);
      return;
    }
    delete item.amazonFeed;
    if (item.amazonDirtyAt === seen) {
      delete item.amazonPending;
      delete item.amazonDirtyAt;
      delete item.amazonForce;
    }
  }

  async acquireLock(name: string, holder: string, until: number, now: number) {
    const lock = this.locks.get(name);
    if (lock && lock.until >= now && lock.holder !== holder) return false;
    this.locks.set(name, { holder, until });
    return true;
  }

  async releaseLock(name: string, holder: string) {
    const lock = this.locks.get(name);
    if (lock?.holder === holder) lock.until = 0;
  }

  async feedsInFlight() {
    return { ...this.feeds };
  }

  async setFeedInFlight(feedId: string, feed: { marketplaceId: string; submittedAt: string } | undefined) {
    if (feed) this.feeds[feedId] = feed;
    else delete this.feeds[feedId];
  }

  async cursor(name: string) {
    return this.cursors.get(name);
  }

  async advanceCursor(name: string, from: string | undefined, to: string) {
    if (this.cursors.get(name) !== from) throw new ConditionFailedError('cursor moved', undefined);
    this.cursors.set(name, to);
  }
}

/** The catalogue map in memory. */
export class InMemoryCatalogue implements StockCatalogue {
  readonly #entries: Map<string, CatalogueEntry>;

  constructor(entries: readonly CatalogueEntry[]) {
    this.#entries = new Map(entries.map((e) => [e.sku, e]));
  }

  async byStockCodes(codes: readonly string[]) {
    return new Map(
      [...this.#entries.values()].flatMap((e) =>
        e.orderwiseVariantCode && codes.includes(e.orderwiseVariantCode) ? [[e.orderwiseVariantCode, e] as const] : [],
      ),
    );
  }

  async entries(skus: readonly string[]) {
    return new Map(
      skus.flatMap((sku) => (this.#entries.has(sku) ? [[sku, this.#entries.get(sku) as CatalogueEntry] as const] : [])),
    );
  }

  async all() {
    return [...this.#entries.values()];
  }

  /** What the catalogue loop did, by `<MarketplaceId>#<SellerSKU>`. */
  readonly listingStatus = new Map<string, 'listed' | 'blocked' | 'external'>();

  async listingStates(marketplaceId: string, sellerSkus: readonly string[]) {
    return new Map(
      sellerSkus.flatMap((s) => {
        const state = this.listingStatus.get(`${marketplaceId}#${s}`);
        return state ? [[s, state] as const] : [];
      }),
    );
  }
}

/** Stock settings for tests: fixed buffers (2, Amazon 1), no fast movers, drift above 2 units. */
export const TEST_STOCK_POLICY: StockPolicy = {
  warehouseReferenceKey: 'WH-MAIN',
  defaultBuffer: 2,
  skuBuffers: {},
  fastMovers: [],
  velocityWindowMinutes: 60,
  amazonBuffer: 1,
  driftThreshold: 2,
};
