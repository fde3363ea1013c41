import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import type { LedgerEntry } from '../../../shared/adapters/aws/ledger-repository';
import { ThrottledError, UpstreamRejectedError, ValidationError } from '../../../shared/runtime/errors';
import type { AmazonOrder, AmazonOrderItem } from '../../../shared/schemas/amazon-orders';
import type { AmazonOrderMessage, OrderEventMessage, StockEventMessage } from '../../../shared/schemas/queue-messages';
import type { ScayleOrder, ScayleOrderCreate } from '../../../shared/schemas/scayle';
import { ghostsAmong, makeGhostMonitor } from '../../../shared/use-cases/amazon-orders/ghost-monitor';
import {
  AMAZON_ORDERS_CURSOR,
  GET_ORDERS_LAG_MS,
  makePollAmazonOrders,
} from '../../../shared/use-cases/amazon-orders/poll-orders';
import {
  type ExternalOrderTarget,
  makeProcessAmazonOrder,
  reservationRef,
} from '../../../shared/use-cases/amazon-orders/process-amazon-order';
import { makeReceiveNotifications } from '../../../shared/use-cases/amazon-orders/receive-notifications';
import { makeReserveStock } from '../../../shared/use-cases/amazon-orders/reserve-stock';
import { FakeClock } from '../../helpers/fake-clock';
import { memoryCursors as sharedMemoryCursors } from '../../helpers/memory-cursors';
import { amazonOrderMessageOf, externalOrderOf, FakeExceptions, FakeLedger, MORNING } from '../../helpers/order-fakes';
import { InMemoryStock } from '../../helpers/stock-fakes';

const UK = 'A1F83G8C2ARO7P';
const ID = '202-0000001-0000001';
const gbp = (amount: string) => ({ CurrencyCode: 'GBP', Amount: amount });

/** SP-API order reads over a mutable order, counting calls. */
class FakeAmazon {
  order: AmazonOrder = {
    AmazonOrderId: ID,
    PurchaseDate: '2025-03-01T09:00:00Z',
    LastUpdateDate: '2025-03-01T09:00:00Z',
    OrderStatus: 'Unshipped',
    MarketplaceId: UK,
    LatestShipDate: '2025-03-03T23:59:59Z',
    ShippingAddress: { Name: 'Ann Buyer', AddressLine1: '1 Road', City: 'York', PostalCode: 'Y1', CountryCode: 'GB' },
  };
  items: AmazonOrderItem[] = [
    {
      ASIN: 'B01',
      OrderItemId: '1',
      SellerSKU: 'AMZ-A',
      QuantityOrdered: 2,
      ItemPrice: gbp('20.00'),
      ItemTax: gbp('3.34'),
    },
  ];
  calls = 0;

  async getOrder(_id: string, options: { pii: boolean }): Promise<AmazonOrder> {
    this.calls++;
    const { ShippingAddress, ...rest } = this.order;
    return options.pii ? structuredClone(this.order) : structuredClone(rest);
  }

  async getOrderItems(): Promise<AmazonOrderItem[]> {
    return structuredClone(this.items);
  }
}

/** SCAYLE's external orders in memory; `failNext` makes the next create fail before or after it commits. */
class FakeScayle implements ExternalOrderTarget {
  readonly orders: ScayleOrder[] = [];
  readonly cancelled: number[] = [];
  failNext: 'before' | 'after' | 'refuse' | 'invalid' | undefined;

  async findOrderByPublicKey(_shop: string, _country: string, publicKey: string) {
    return this.orders.find((o) => o.publicKey === publicKey);
  }

  async createExternalOrder(_shop: string, _country: string, body: ScayleOrderCreate): Promise<ScayleOrder> {
    const fail = this.failNext;
    this.failNext = undefined;
    if (fail === 'before') throw new Error('SCAYLE timed out');
    if (fail === 'refuse') throw new UpstreamRejectedError('SCAYLE refused it', 422, { errors: [] });
    if (fail === 'invalid') throw new ValidationError('zipCode: required', [{ field: 'zipCode', message: 'required' }]);
    if (this.orders.some((o) => o.publicKey === body.publicKey))
      throw new UpstreamRejectedError('exists', 409, undefined);
    const order = externalOrderOf(body, 1000 + this.orders.length);
    this.orders.push(order);
    if (fail === 'after') throw new Error('the answer was lost');
    return order;
  }

  async getOrder(_shop: string, _country: string, orderId: string) {
    return this.orders.find((o) => String(o.id) === orderId) as ScayleOrder;
  }

  async cancelOrderItems(_shop: string, _country: string, orderId: number, itemIds: readonly number[]) {
    const order = this.orders.find((o) => o.id === orderId) as ScayleOrder;
    for (const item of order.items) if (itemIds.includes(item.id)) (item as { status: string }).status = 'cancelled';
    this.cancelled.push(orderId);
  }
}

describe('processing an Amazon order', () => {
  let clock: FakeClock;
  let amazon: FakeAmazon;
  let scayle: FakeScayle;
  let ledger: FakeLedger;
  let exceptions: FakeExceptions;
  let stock: InMemoryStock;
  let handedOn: OrderEventMessage[];
  let repushed: StockEventMessage[];
  let process: ReturnType<typeof makeProcessAmazonOrder>;

  const message = (overrides: Partial<AmazonOrderMessage> = {}): AmazonOrderMessage =>
    amazonOrderMessageOf(ID, UK, clock, overrides);

  beforeEach(() => {
    clock = new FakeClock(MORNING);
    amazon = new FakeAmazon();
    scayle = new FakeScayle();
    ledger = new FakeLedger(clock);
    exceptions = new FakeExceptions(clock);
    stock = new InMemoryStock();
    stock.items.set('SH-A', {
      sku: 'SH-A',
      orderwiseVariantCode: 'OWA',
      owQuantity: 10,
      owChangedAt: '2025-03-01T08:00:00.000Z',
      version: 1,
    });
    handedOn = [];
    repushed = [];
    process = makeProcessAmazonOrder({
      amazon,
      commerce: scayle,
      ledger,
      catalogue: {
        bySellerSkus: async (_m, skus) =>
          new Map(skus.filter((s) => s.startsWith('AMZ-')).map((s) => [s, s.replace('AMZ-', 'SH-')])),
      },
      reserve: makeReserveStock({
        stock,
        stockQueue: { sendAll: async (messages) => void repushed.push(...messages) },
        clock,
      }),
      orders: { send: async (m) => void handedOn.push(m) },
      exceptions,
      shops: { [UK]: { shopKey: 'ac', countryCode: 'GB', channelKey: 'marketplace_amazon_uk' } },
      reservationHours: 72,
      clock,
    });
  });

  it('creates the order in SCAYLE once and hands it to the SCAYLE -> OrderWise loop, however often it is told', async () => {
    expect(await process(message())).toBe('created');
    expect(await process(message({ eventId: 'notification#n-1' }))).toBe('duplicate');
    expect(await process(message({ eventId: 'poll#2025-03-01T09:00:00Z', source: 'poll' }))).toBe('duplicate');
    expect(scayle.orders).toHaveLength(1);
    expect(scayle.orders[0]?.items).toHaveLength(2);
    expect(handedOn).toEqual([
      expect.objectContaining({ event: 'order-confirmed', orderId: '1000', shopKey: 'ac', countryCode: 'GB' }),
    ]);
    const entry = (await ledger.get('amazon', ID)) as LedgerEntry;
    expect(entry.status).toBe('acknowledged');
    expect(entry.ids).toMatchObject({ amazon: ID, scayle: '1000' });
    expect(entry.data).toMatchObject({ latestShipDate: '2025-03-03T23:59:59Z', firstSeenVia: 'notification' });
    // Duplicates cost no SP-API calls: the ledger answers them.
    expect(amazon.calls).toBe(1);
  });

  it('finds the order a create committed without answering, instead of creating it again', async () => {
    scayle.failNext = 'after';
    await expect(process(message())).rejects.toThrow('the answer was lost');
    // The failed attempt held the stock while the order waits.
    expect((await stock.get('SH-A'))?.reservations?.[reservationRef(ID)]?.quantity).toBe(2);
    expect(await process(message())).toBe('created');
    expect(scayle.orders).toHaveLength(1);
    // Held until OrderWise has the order: loop 1 lets it go.
    expect((await stock.get('SH-A'))?.reservations?.[reservationRef(ID)]?.quantity).toBe(2);
  });

  it('flags an order with an unmapped SellerSKU and names it, its ASIN and marketplace for ecommerce', async () => {
    amazon.items.push({ ASIN: 'B0LEGACY01', OrderItemId: '2', SellerSKU: 'LEGACY-1', QuantityOrdered: 1 });
    expect(await process(message())).toBe('flagged');
    expect(scayle.orders).toHaveLength(0);
    expect((await ledger.get('amazon', ID))?.reason).toBe('SKU_UNMAPPED: LEGACY-1');
    const [exception] = exceptions.list('SKU_UNMAPPED');
    expect(exception).toMatchObject({
      key: `${UK}:LEGACY-1`,
      owner: 'ecommerce',
      details: { sellerSku: 'LEGACY-1', asin: 'B0LEGACY01', marketplaceId: UK, amazonOrderId: ID },
    });
    // The mapped units stay held for when the mapping is fixed and the order retried.
    expect((await stock.get('SH-A'))?.reservations?.[reservationRef(ID)]?.quantity).toBe(2);
  });

  it('reserves a Pending order at once and re-pushes the SKU, and keeps it held once the order is in SCAYLE', async () => {
    amazon.order.OrderStatus = 'Pending';
    expect(await process(message({ orderStatus: 'Pending' }))).toBe('reserved');
    const held = await stock.get('SH-A');
    expect(held?.reservations?.[reservationRef(ID)]).toEqual({
      quantity: 2,
      expiresAt: new Date(MORNING + 72 * 3_600_000).toISOString(),
    });
    expect(repushed).toEqual([
      expect.objectContaining({ kind: 'orderwise-stock', variantCode: 'OWA', force: true, source: 'reservation' }),
    ]);
    // The same Pending order told again holds the same units: nothing changes, nothing is re-pushed.
    expect(await process(message({ orderStatus: 'Pending', eventId: 'notification#n-2' }))).toBe('reserved');
    expect(repushed).toHaveLength(1);

    amazon.order.OrderStatus = 'Unshipped';
    clock.advance(60_000);
    expect(await process(message({ eventId: 'notification#n-3' }))).toBe('created');
    // SCAYLE's own hold on the units would be released by a push of OrderWise's figure without this order.
    expect((await stock.get('SH-A'))?.reservations?.[reservationRef(ID)]?.quantity).toBe(2);
    expect(repushed).toHaveLength(1);
  });

  it('skips a poll of an order already handled at the same version without reading Amazon again', async () => {
    amazon.order.OrderStatus = 'Pending';
    expect(await process(message({ orderStatus: 'Pending' }))).toBe('reserved');
    const poll = message({
      source: 'poll',
      eventId: 'poll#2025-03-01T09:00:00Z',
      orderStatus: 'Pending',
      lastUpdateDate: '2025-03-01T09:00:00Z',
    });
    expect(await process(poll)).toBe('duplicate');
    expect(amazon.calls).toBe(1);
  });

  it('flags an order SCAYLE cannot take (a field it refuses) instead of retrying it into the DLQ', async () => {
    scayle.failNext = 'invalid';
    expect(await process(message())).toBe('flagged');
    expect(exceptions.list('ORDER_REJECTED')[0]?.details).toMatchObject({ invalid: [{ field: 'zipCode' }] });
  });

  it('carries a cancellation of an order already in SCAYLE to its items and on to OrderWise', async () => {
    await process(message());
    amazon.order.OrderStatus = 'Canceled';
    expect(await process(message({ orderStatus: 'Canceled', eventId: 'notification#n-9' }))).toBe('cancelled');
    expect(scayle.cancelled).toEqual([1000]);
    expect(handedOn.at(-1)).toMatchObject({ event: 'order-items-cancelled', orderId: '1000' });
    expect((await ledger.get('amazon', ID))?.status).toBe('cancelled');
    expect(await process(message({ orderStatus: 'Canceled', eventId: 'poll#x' }))).toBe('duplicate');
  });

  it('flags an order SCAYLE refuses (not an outage) as ORDER_REJECTED and keeps its stock held', async () => {
    scayle.failNext = 'refuse';
    expect(await process(message())).toBe('flagged');
    expect(exceptions.list('ORDER_REJECTED')).toEqual([expect.objectContaining({ key: ID, owner: 'operations' })]);
    expect((await stock.get('SH-A'))?.reservations?.[reservationRef(ID)]?.quantity).toBe(2);
    // Retried once the cause is fixed (e.g. `hub retry`): a flagged order may be taken again.
    expect(await process(message({ eventId: 'retry#1', source: 'retry' }))).toBe('created');
  });

  it('closes the open GHOST_ORDER of an order once it reaches SCAYLE', async () => {
    scayle.failNext = 'before';
    await expect(process(message())).rejects.toThrow();
    await exceptions.raise('GHOST_ORDER', ID, {});
    await process(message());
    expect(exceptions.list('GHOST_ORDER')[0]?.status).toBe('resolved');
  });
});

describe('the getOrders poll', () => {
  const order = (id: string, channel = 'MFN'): AmazonOrder => ({
    AmazonOrderId: id,
    PurchaseDate: '2025-03-01T09:00:00Z',
    LastUpdateDate: '2025-03-01T09:30:00Z',
    OrderStatus: 'Unshipped',
    MarketplaceId: UK,
    FulfillmentChannel: channel,
  });

  /** The poll's cursor in memory; `state` is its live state. */
  const memoryCursors = (at?: string) => {
    const store = sharedMemoryCursors({ [AMAZON_ORDERS_CURSOR]: at ? { at } : {} });
    return { ...store, state: store.state(AMAZON_ORDERS_CURSOR) };
  };
  const settings = { marketplaceIds: [UK], overlapMinutes: 5, firstLookbackHours: 24, runBudgetMs: 180_000 };

  it('reads every page since the cursor minus the overlap, queues seller-fulfilled orders, then moves the cursor', async () => {
    const clock = new FakeClock(MORNING);
    const queries: unknown[] = [];
    const queued: AmazonOrderMessage[] = [];
    const cursors = memoryCursors('2025-03-01T09:00:00.000Z');
    const poll = makePollAmazonOrders({
      amazon: {
        getOrders: async (query) => {
          queries.push(query);
          return query.nextToken
            ? { orders: [order('B')] }
            : { orders: [order('A'), order('F', 'AFN')], nextToken: 't' };
        },
      },
      cursors,
      queue: { sendAll: async (m) => void queued.push(...m) },
      clock,
      settings,
    });
    const outcome = await poll();
    const before = new Date(MORNING - GET_ORDERS_LAG_MS).toISOString();
    expect(queries).toEqual([
      { marketplaceIds: [UK], lastUpdatedAfter: '2025-03-01T08:55:00.000Z', lastUpdatedBefore: before },
      { marketplaceIds: [UK], lastUpdatedAfter: '2025-03-01T08:55:00.000Z', lastUpdatedBefore: before, nextToken: 't' },
    ]);
    expect(queued.map((m) => [m.amazonOrderId, m.eventId, m.source])).toEqual([
      ['A', 'poll#2025-03-01T09:30:00Z', 'poll'],
      ['B', 'poll#2025-03-01T09:30:00Z', 'poll'],
    ]);
    expect(outcome).toMatchObject({ pages: 2, queued: 2, raced: false, complete: true, resumed: false });
    expect(cursors.state).toEqual({ at: before });
  });

  /** Amazon with `pages` pages of one order each, a minute per page once the run is under way. */
  const slowAmazon = (clock: FakeClock, pages: number, refuse: (token: string) => boolean = () => false) => {
    const queries: { lastUpdatedAfter: string; lastUpdatedBefore?: string; nextToken?: string }[] = [];
    return {
      queries,
      getOrders: async (query: (typeof queries)[number]) => {
        queries.push(query);
        if (query.nextToken && refuse(query.nextToken))
          throw new UpstreamRejectedError('getOrders: 400 InvalidInput', 400, {});
        await clock.advance(60_000);
        const n = query.nextToken ? Number(query.nextToken) : 0;
        return { orders: [order(`O-${n}`)], ...(n + 1 < pages ? { nextToken: String(n + 1) } : {}) };
      },
    };
  };

  it('keeps its place in a backlog longer than one run and goes on from there in the next, without reading a page twice', async () => {
    const clock = new FakeClock(MORNING);
    const amazon = slowAmazon(clock, 8);
    const queued: string[] = [];
    const cursors = memoryCursors('2025-03-01T06:00:00.000Z');
    const poll = makePollAmazonOrders({
      amazon,
      cursors,
      queue: { sendAll: async (m) => void queued.push(...m.map((o) => o.amazonOrderId)) },
      clock,
      settings,
    });
    const first = await poll();
    expect(first).toMatchObject({ pages: 3, complete: false, resumed: false });
    expect(cursors.state).toMatchObject({ at: '2025-03-01T06:00:00.000Z', resume: { nextToken: '3', pages: 3 } });
    await clock.advance(120_000);
    const second = await poll();
    // The second run searches the same bounds as the first: the orders of the backlog, not those since.
    expect(second).toMatchObject({ pages: 3, complete: false, resumed: true, from: first.from, to: first.to });
    const third = await poll();
    expect(third).toMatchObject({ pages: 2, complete: true, resumed: true, to: first.to });
    expect(queued).toEqual(Array.from({ length: 8 }, (_, n) => `O-${n}`));
    expect(cursors.state).toEqual({ at: first.to });
    expect(amazon.queries.filter((q) => !q.nextToken)).toHaveLength(1);
  });

  it('reads the first half of the search again when Amazon refuses a kept NextToken, and the rest in later runs', async () => {
    const clock = new FakeClock(MORNING);
    const amazon = slowAmazon(clock, 2, (token) => token === 'expired');
    const messages: string[] = [];
    const cursors = memoryCursors('2025-03-01T06:00:00.000Z');
    cursors.state.resume = {
      from: '2025-03-01T05:55:00.000Z',
      to: '2025-03-01T07:55:00.000Z',
      nextToken: 'expired',
      pages: 40,
      savedAt: '2025-03-01T08:00:00.000Z',
    };
    const logged: string[] = [];
    const poll = makePollAmazonOrders({
      amazon,
      cursors,
      queue: { sendAll: async (m) => void messages.push(...m.map((o) => o.amazonOrderId)) },
      clock,
      settings,
      log: (message) => logged.push(message),
    });
    const outcome = await poll();
    expect(amazon.queries[1]).toEqual({
      marketplaceIds: [UK],
      lastUpdatedAfter: '2025-03-01T05:55:00.000Z',
      lastUpdatedBefore: '2025-03-01T06:55:00.000Z',
    });
    expect(outcome).toMatchObject({ complete: true, resumed: true, to: '2025-03-01T06:55:00.000Z', pages: 2 });
    expect(cursors.state).toEqual({ at: '2025-03-01T06:55:00.000Z' });
    expect(logged).toHaveLength(1);
    // The next run reads on from the half it did not finish.
    await poll();
    expect(amazon.queries.at(-2)?.lastUpdatedAfter).toBe('2025-03-01T06:50:00.000Z');
  });

  it('keeps its place when Amazon throttles mid-backlog, so the next run does not read the pages again', async () => {
    const clock = new FakeClock(MORNING);
    const amazon = slowAmazon(clock, 8);
    const cursors = memoryCursors('2025-03-01T06:00:00.000Z');
    const poll = makePollAmazonOrders({
      amazon: {
        getOrders: async (query) => {
          if (query.nextToken === '2') throw new ThrottledError('getOrders: 429 QuotaExceeded', 60_000);
          return amazon.getOrders(query);
        },
      },
      cursors,
      queue: { sendAll: async () => undefined },
      clock,
      settings,
    });
    await expect(poll()).rejects.toBeInstanceOf(ThrottledError);
    expect(cursors.state).toMatchObject({ at: '2025-03-01T06:00:00.000Z', resume: { nextToken: '2', pages: 2 } });
  });

  it('leaves the cursor to the run that moved it first, even mid-backlog', async () => {
    const clock = new FakeClock(MORNING);
    const cursors = memoryCursors('2025-03-01T06:00:00.000Z');
    const amazon = slowAmazon(clock, 8);
    const poll = makePollAmazonOrders({
      amazon: {
        getOrders: async (query) => {
          // Another run finishes the search while this one pages.
          if (query.nextToken === '2') cursors.state.at = '2025-03-01T07:00:00.000Z';
          return amazon.getOrders(query);
        },
      },
      cursors,
      queue: { sendAll: async () => undefined },
      clock,
      settings,
    });
    expect(await poll()).toMatchObject({ raced: true, complete: false });
    expect(cursors.state).toEqual({ at: '2025-03-01T07:00:00.000Z' });
  });
});

describe('the ghost-order monitor', () => {
  const entry = (orderId: string, status: LedgerEntry['status'], data: Record<string, unknown>): LedgerEntry => ({
    pk: `amazon#${orderId}`,
    channel: 'amazon',
    orderId,
    status,
    ids: { amazon: orderId },
    attempts: 0,
    createdAt: '2025-03-01T09:00:00.000Z',
    updatedAt: '2025-03-01T09:00:00.000Z',
    history: [],
    data,
  });
  const now = Date.parse('2025-03-01T09:20:00.000Z');
  const seen = { firstSeenAt: '2025-03-01T09:00:00.000Z', amazonStatus: 'Unshipped', latestShipDate: 'L' };

  it('picks Amazon orders without a SCAYLE order past the window, not Pending, cancelled, young or created ones', () => {
    const ghosts = ghostsAmong(
      [
        entry('old-received', 'received', seen),
        entry('old-flagged', 'flagged', seen),
        entry('pending-at-amazon', 'received', { ...seen, amazonStatus: 'Pending' }),
        entry('young', 'received', { ...seen, firstSeenAt: '2025-03-01T09:10:00.000Z' }),
        entry('created', 'acknowledged', seen),
        { ...entry('web-order', 'received', seen), channel: 'scayle' },
      ],
      now,
      15,
    );
    expect(ghosts.map((g) => g.amazonOrderId)).toEqual(['old-received', 'old-flagged']);
    expect(ghosts[0]).toMatchObject({ latestShipDate: 'L', minutesWithoutScayleOrder: 20, ledgerStatus: 'received' });
  });

  it('holds a window of a fraction of a minute to the second', () => {
    const at = (seconds: number) => Date.parse('2025-03-01T09:00:00.000Z') + seconds * 1_000;
    const order = [entry('quick', 'received', seen)];
    expect(ghostsAmong(order, at(14.999), 0.25)).toEqual([]);
    expect(ghostsAmong(order, at(15), 0.25)).toMatchObject([{ amazonOrderId: 'quick', minutesWithoutScayleOrder: 0 }]);
  });

  it('closes a ghost it raised if the order reached SCAYLE meanwhile', async () => {
    const exceptions = new FakeExceptions();
    let reads = 0;
    const monitor = makeGhostMonitor({
      ledger: {
        listByStatus: async (status) => (status === 'received' ? [entry('racing', 'received', seen)] : []),
        // Waiting when the monitor looks, in SCAYLE by the time it has raised the exception.
        get: async () => (reads++ === 0 ? entry('racing', 'received', seen) : entry('racing', 'acknowledged', seen)),
      },
      exceptions,
      clock: new FakeClock(now),
      windowMinutes: 15,
    });
    await monitor();
    expect(exceptions.list('GHOST_ORDER').map((e) => e.status)).toEqual(['resolved']);
  });

  it('raises one GHOST_ORDER per ghost for operations', async () => {
    const exceptions = new FakeExceptions();
    const monitor = makeGhostMonitor({
      ledger: {
        listByStatus: async (status) =>
          status === 'received' ? [entry('g', 'received', seen), entry('now-created', 'received', seen)] : [],
        // The index is behind: `now-created` reached SCAYLE meanwhile.
        get: async (_channel, id) => (id === 'g' ? entry('g', 'received', seen) : entry(id, 'acknowledged', seen)),
      },
      exceptions,
      clock: new FakeClock(now),
      windowMinutes: 15,
    });
    expect((await monitor()).map((g) => g.amazonOrderId)).toEqual(['g']);
    expect(exceptions.list('GHOST_ORDER')).toEqual([
      expect.objectContaining({
        key: 'g',
        owner: 'operations',
        details: expect.objectContaining({ latestShipDate: 'L' }),
      }),
    ]);
  });
});

describe('ORDER_CHANGE intake', () => {
  const sample = readFileSync(
    path.resolve(import.meta.dirname, '../../fixtures/amazon/ORDER_CHANGE.notification.example.json'),
    'utf8',
  );

  it("queues Amazon's sample notification, skips Amazon-fulfilled orders and keeps what is not a notification", async () => {
    const parsed = JSON.parse(sample);
    const queued: AmazonOrderMessage[] = [];
    const stored: { key: string; body: string }[] = [];
    const exceptions = new FakeExceptions();
    const receive = makeReceiveNotifications({
      queue: { sendAll: async (m) => void queued.push(...m) },
      store: {
        put: async (key: string, body: string | Uint8Array) => void stored.push({ key, body: String(body) }),
      } as never,
      exceptions,
      clock: new FakeClock(MORNING),
      marketplaceIds: [parsed.Payload.OrderChangeNotification.Summary.MarketplaceId],
    });
    const elsewhere = structuredClone(parsed);
    elsewhere.Payload.OrderChangeNotification.Summary.MarketplaceId = 'A13V1IB3VIYZZH';
    const afn = structuredClone(parsed);
    afn.Payload.OrderChangeNotification.Summary.FulfillmentType = 'AFN';
    const outcome = await receive(
      new Map([
        ['m1', sample],
        ['m2', JSON.stringify(afn)],
        ['m3', '{"NotificationType":"ORDER_CHANGE"}'],
        ['m4', JSON.stringify(elsewhere)],
      ]),
    );
    expect(outcome).toEqual({ queued: 1, skipped: 2, rejected: 1 });
    expect(queued[0]).toMatchObject({
      amazonOrderId: parsed.Payload.OrderChangeNotification.AmazonOrderId,
      eventId: `notification#${parsed.NotificationMetadata.NotificationId}`,
      source: 'notification',
    });
    expect(stored).toEqual([
      { key: 'rejected/amazon-notifications/2025-03-01/m3.json', body: '{"NotificationType":"ORDER_CHANGE"}' },
    ]);
    expect(exceptions.list('PAYLOAD_REJECTED')).toHaveLength(1);
  });
});
