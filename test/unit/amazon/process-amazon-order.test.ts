import { beforeEach, describe, expect, it } from 'vitest';
import { AddressMissingError } from '../../../shared/domain/amazon-order';
import {
  ConditionFailedError,
  PermanentError,
  UpstreamError,
  UpstreamRejectedError,
} from '../../../shared/runtime/errors';
import type { AmazonOrder, AmazonOrderItem } from '../../../shared/schemas/amazon-orders';
import type { AmazonOrderMessage, OrderEventMessage } from '../../../shared/schemas/queue-messages';
import type { ScayleOrder, ScayleOrderCreate } from '../../../shared/schemas/scayle';
import {
  AmazonOrderBusyError,
  type ExternalOrderTarget,
  makeProcessAmazonOrder,
} from '../../../shared/use-cases/amazon-orders/process-amazon-order';
import type { ReserveStock } from '../../../shared/use-cases/amazon-orders/reserve-stock';
import { FakeClock } from '../../helpers/fake-clock';
import { amazonOrderMessageOf, externalOrderOf, FakeExceptions, FakeLedger, MORNING } from '../../helpers/order-fakes';

const UK = 'A1F83G8C2ARO7P';
const ID = '202-0000001-0000001';
const LEASE_MS = 120_000;
const PURCHASED = '2025-03-01T09:00:00Z';
const UPDATED = '2025-03-01T09:30:00Z';
const gbp = (amount: string) => ({ CurrencyCode: 'GBP', Amount: amount });

/** SP-API order reads over a mutable order, remembering whether each read asked for the address. */
class FakeAmazon {
  order: AmazonOrder = {
    AmazonOrderId: ID,
    PurchaseDate: PURCHASED,
    LastUpdateDate: UPDATED,
    OrderStatus: 'Unshipped',
    MarketplaceId: UK,
    ShippingAddress: { Name: 'Ann Buyer', AddressLine1: '1 Road', City: 'York', PostalCode: 'Y1', CountryCode: 'GB' },
  };
  items: AmazonOrderItem[] = [
    { ASIN: 'B01', OrderItemId: '1', SellerSKU: 'AMZ-A', QuantityOrdered: 2, ItemPrice: gbp('20.00') },
  ];
  readonly piiReads: boolean[] = [];
  /** Makes every read fail, as an SP-API outage would. */
  down: Error | undefined;

  async getOrder(_id: string, options: { pii: boolean }): Promise<AmazonOrder> {
    if (this.down) throw this.down;
    this.piiReads.push(options.pii);
    const { ShippingAddress, ...rest } = this.order;
    return options.pii ? structuredClone(this.order) : structuredClone(rest);
  }

  async getOrderItems(): Promise<AmazonOrderItem[]> {
    return structuredClone(this.items);
  }
}

/** How the next create in the fake SCAYLE goes wrong. */
type CreateFault = 'answer-lost' | 'duplicate-after-commit' | Error;

/** SCAYLE's external orders in memory. */
class FakeScayle implements ExternalOrderTarget {
  readonly orders: ScayleOrder[] = [];
  readonly cancelCalls: { orderId: number; itemIds: readonly number[] }[] = [];
  lookups = 0;
  nextCreate: CreateFault | undefined;
  nextCancel: Error | undefined;
  /** Runs at the start of every create: a look at the world while SCAYLE is being asked. */
  duringCreate: (() => Promise<void>) | undefined;

  async findOrderByPublicKey(_shop: string, _country: string, publicKey: string) {
    this.lookups++;
    return this.orders.find((o) => o.publicKey === publicKey);
  }

  async createExternalOrder(_shop: string, _country: string, body: ScayleOrderCreate): Promise<ScayleOrder> {
    await this.duringCreate?.();
    const fault = this.nextCreate;
    this.nextCreate = undefined;
    if (fault instanceof Error) throw fault;
    const order = externalOrderOf(body, 1000 + this.orders.length);
    this.orders.push(order);
    if (fault === 'answer-lost') throw new UpstreamError('SCAYLE timed out', 504);
    if (fault === 'duplicate-after-commit') throw new UpstreamRejectedError('exists', 409);
    return order;
  }

  async getOrder(_shop: string, _country: string, orderId: string) {
    const order = this.orders.find((o) => String(o.id) === orderId);
    if (!order) throw new UpstreamRejectedError('SCAYLE getOrder answered 404', 404);
    return order;
  }

  async cancelOrderItems(_shop: string, _country: string, orderId: number, itemIds: readonly number[]) {
    const failure = this.nextCancel;
    this.nextCancel = undefined;
    if (failure) throw failure;
    this.cancelCalls.push({ orderId, itemIds });
  }
}

/** The reservations of the stock ledger in memory: per reference, units per SKU, and every call made. */
class FakeReservations {
  readonly held = new Map<string, Map<string, number>>();
  readonly calls: { ref: string; units: Record<string, number>; heldBefore: readonly string[]; expiresAt: string }[] =
    [];

  readonly reserve: ReserveStock = async (ref, units, heldBefore, expiresAt) => {
    this.calls.push({ ref, units: Object.fromEntries(units), heldBefore, expiresAt });
    const before = this.held.get(ref) ?? new Map<string, number>();
    const changed = [...new Set([...units.keys(), ...heldBefore])].filter((sku) => before.get(sku) !== units.get(sku));
    this.held.set(ref, new Map(units));
    return changed;
  };

  of(ref: string): Record<string, number> {
    return Object.fromEntries(this.held.get(ref) ?? []);
  }
}

describe('makeProcessAmazonOrder', () => {
  let clock: FakeClock;
  let amazon: FakeAmazon;
  let scayle: FakeScayle;
  let ledger: FakeLedger;
  let exceptions: FakeExceptions;
  let reservations: FakeReservations;
  let handedOn: OrderEventMessage[];
  let handOverFailure: Error | undefined;
  let process: ReturnType<typeof makeProcessAmazonOrder>;

  const message = (overrides: Partial<AmazonOrderMessage> = {}): AmazonOrderMessage =>
    amazonOrderMessageOf(ID, UK, clock, overrides);
  const entry = () => ledger.get('amazon', ID);
  /** Makes every ledger move to `status` fail as a DynamoDB outage would; returns the error. */
  const failTransitionsTo = (status: string) => {
    const outage = new UpstreamError('DynamoDB answered 500', 500);
    const transition = ledger.transition.bind(ledger);
    ledger.transition = async (channel, orderId, request) => {
      if (request.to === status) throw outage;
      return transition(channel, orderId, request);
    };
    return outage;
  };
  const cancelled = (eventId = 'notification#n-cancel') => {
    amazon.order.OrderStatus = 'Canceled';
    return process(message({ orderStatus: 'Canceled', eventId }));
  };

  beforeEach(() => {
    clock = new FakeClock(MORNING);
    amazon = new FakeAmazon();
    scayle = new FakeScayle();
    ledger = new FakeLedger(clock);
    exceptions = new FakeExceptions(clock);
    reservations = new FakeReservations();
    handedOn = [];
    handOverFailure = undefined;
    process = makeProcessAmazonOrder({
      amazon,
      commerce: scayle,
      ledger,
      catalogue: {
        bySellerSkus: async (_m, skus) =>
          new Map(skus.filter((s) => s.startsWith('AMZ-')).map((s) => [s, s.replace('AMZ-', 'SH-')])),
      },
      reserve: reservations.reserve,
      orders: {
        send: async (m) => {
          const failure = handOverFailure;
          handOverFailure = undefined;
          if (failure) throw failure;
          handedOn.push(m);
        },
      },
      exceptions,
      shops: { [UK]: { shopKey: 'ac', countryCode: 'GB', channelKey: 'marketplace_amazon_uk' } },
      reservationHours: 72,
      clock,
      leaseMs: LEASE_MS,
    });
  });

  describe('recording the trigger', () => {
    it('records what the trigger says before Amazon is read, so the ghost monitor knows the order even if reads fail', async () => {
      amazon.down = new UpstreamError('SP-API answered 503', 503);

      await expect(process(message({ latestShipDate: '2025-03-03T23:59:59Z' }))).rejects.toBe(amazon.down);

      expect(await entry()).toMatchObject({
        status: 'received',
        ids: { amazon: ID },
        data: {
          firstSeenAt: new Date(MORNING).toISOString(),
          firstSeenVia: 'notification',
          marketplaceId: UK,
          amazonStatus: 'Unshipped',
          latestShipDate: '2025-03-03T23:59:59Z',
        },
      });
      expect((await entry())?.history.map((h) => h.note)).toEqual(['notification notification#n-1']);
    });

    it('keeps the newest status and ship date a later trigger reports, and notes nothing when the status is unchanged', async () => {
      amazon.down = new UpstreamError('SP-API answered 503', 503);
      await process(message({ orderStatus: 'Pending' })).catch(() => undefined);

      const later = { source: 'poll' as const, eventId: 'poll#x', latestShipDate: '2025-03-04T23:59:59Z' };
      await process(message(later)).catch(() => undefined);
      await process(message({ ...later, eventId: 'poll#y' })).catch(() => undefined);
      await process(message({ eventId: 'notification#n-2', orderStatus: undefined })).catch(() => undefined);

      expect(await entry()).toMatchObject({
        status: 'received',
        data: { amazonStatus: 'Unshipped', latestShipDate: '2025-03-04T23:59:59Z' },
      });
      expect((await entry())?.history.map((h) => h.note)).toEqual([
        'notification notification#n-1',
        'poll says Unshipped',
      ]);
    });

    it('goes on with the stored entry when another worker moved the order while the new status was noted', async () => {
      amazon.order.OrderStatus = 'Pending';
      await process(message({ orderStatus: 'Pending' })).catch(() => undefined);
      amazon.down = new UpstreamError('SP-API answered 503', 503);
      ledger.beforeNextTransition = () => ledger.transition('amazon', ID, { from: 'received', to: 'flagged' });

      await expect(process(message({ eventId: 'notification#n-2' }))).rejects.toBe(amazon.down);
    });

    it('lets a ledger outage while noting the new status through as it is', async () => {
      amazon.order.OrderStatus = 'Pending';
      await process(message({ orderStatus: 'Pending' }));
      const outage = new UpstreamError('DynamoDB answered 500', 500);
      ledger.beforeNextTransition = async () => {
        throw outage;
      };

      await expect(process(message({ eventId: 'notification#n-2' }))).rejects.toBe(outage);
    });

    it('lets a lost race the ledger cannot explain (no stored entry) through as it is', async () => {
      const raced = new ConditionFailedError('the ledger refused the create', undefined);
      ledger.create = async () => {
        throw raced;
      };

      await expect(process(message())).rejects.toBe(raced);
    });

    it('lets a ledger outage while recording through as it is', async () => {
      const outage = new UpstreamError('DynamoDB answered 500', 500);
      ledger.create = async () => {
        throw outage;
      };

      await expect(process(message())).rejects.toBe(outage);
    });
  });

  describe('creating in SCAYLE', () => {
    it('holds a lease on the order while SCAYLE is asked, and counts the attempt', async () => {
      let during: Awaited<ReturnType<typeof entry>>;
      scayle.duringCreate = async () => {
        during = await entry();
      };

      expect(await process(message())).toBe('created');

      expect(during).toMatchObject({
        status: 'pending',
        attempts: 1,
        leaseUntil: new Date(MORNING + LEASE_MS).toISOString(),
      });
      expect(during?.history.map((h) => h.note).slice(-2)).toEqual(['ready for SCAYLE', 'creating in SCAYLE']);
    });

    it('hands the created order on under its Amazon id and purchase date, and says so on the ledger', async () => {
      await clock.advance(3_600_000);

      expect(await process(message())).toBe('created');

      expect(handedOn).toEqual([
        {
          eventId: `amazon-${ID}`,
          event: 'order-confirmed',
          shopKey: 'ac',
          countryCode: 'GB',
          orderId: '1000',
          occurredAt: PURCHASED,
          receivedAt: new Date(MORNING + 3_600_000).toISOString(),
        },
      ]);
      expect((await entry())?.history.at(-1)).toMatchObject({
        to: 'acknowledged',
        note: 'handed to the SCAYLE -> OrderWise loop',
      });
    });

    it('leaves an order alone while another worker holds its lease', async () => {
      await ledger.create({ channel: 'amazon', orderId: ID, data: { marketplaceId: UK } });
      await ledger.transition('amazon', ID, {
        from: 'received',
        to: 'pending',
        lease: { now: new Date(MORNING).toISOString(), until: new Date(MORNING + LEASE_MS).toISOString(), id: 'x' },
      });

      const error = await process(message()).catch((e: unknown) => e);

      expect(error).toBeInstanceOf(AmazonOrderBusyError);
      expect((error as Error).message).toBe(`${ID} is being created by another worker`);
      expect(scayle.orders).toEqual([]);
    });

    it('lets a ledger outage while taking the order through as it is, and creates nothing', async () => {
      const outage = failTransitionsTo('pending');

      await expect(process(message())).rejects.toBe(outage);
      expect(scayle.orders).toEqual([]);
    });

    it('never creates an order twice: a retry after a lost answer finds the order SCAYLE has', async () => {
      scayle.nextCreate = 'answer-lost';
      await expect(process(message())).rejects.toThrow('SCAYLE timed out');

      expect(await process(message({ eventId: 'notification#n-2' }))).toBe('created');

      expect(scayle.orders).toHaveLength(1);
    });

    it('uses the order a create committed before SCAYLE refused it as a duplicate', async () => {
      scayle.nextCreate = 'duplicate-after-commit';

      expect(await process(message())).toBe('created');

      expect(scayle.orders).toHaveLength(1);
      expect((await entry())?.ids.scayle).toBe('1000');
    });

    it('retries, rather than flags, a duplicate refusal that names no order SCAYLE shows', async () => {
      const refusal = new UpstreamRejectedError('exists', 409);
      scayle.nextCreate = refusal;

      await expect(process(message())).rejects.toBe(refusal);

      expect((await entry())?.status).toBe('pending');
      expect(exceptions.list()).toEqual([]);
    });

    it('flags an order SCAYLE refuses with its answer for operations', async () => {
      scayle.nextCreate = new UpstreamRejectedError('SCAYLE refused it', 422, { errors: ['zipCode'] });

      expect(await process(message())).toBe('flagged');

      expect((await entry())?.reason).toBe('ORDER_REJECTED: SCAYLE refused it');
      // Only a duplicate refusal is looked up again.
      expect(scayle.lookups).toBe(1);
      expect(exceptions.list('ORDER_REJECTED')[0]?.details).toEqual({
        amazonOrderId: ID,
        system: 'scayle',
        status: 422,
        scayleError: { errors: ['zipCode'] },
      });
    });

    it('flags an order whose OrderTotal is not the sum of its parts for finance, before anything is created', async () => {
      amazon.order.OrderTotal = gbp('99.00');

      expect(await process(message())).toBe('flagged');

      expect(scayle.orders).toEqual([]);
      expect((await entry())?.reason).toBe(
        'ORDER_TOTAL_MISMATCH: Amazon OrderTotal 9900 differs from items + shipping = 2000',
      );
      expect(exceptions.list('ORDER_TOTAL_MISMATCH')).toMatchObject([
        {
          key: ID,
          details: {
            amazonOrderId: ID,
            stage: 'before creating in SCAYLE',
            amazonOrderTotalMinor: 9900,
            sumOfPartsMinor: 2000,
          },
        },
      ]);
    });

    it('finishes handing over an order already in SCAYLE without reading Amazon or creating it again', async () => {
      handOverFailure = new UpstreamError('SQS answered 500', 500);
      await expect(process(message())).rejects.toBe(handOverFailure);
      expect((await entry())?.status).toBe('sent');
      const reads = amazon.piiReads.length;

      expect(await process(message({ eventId: 'notification#n-2' }))).toBe('created');

      expect(amazon.piiReads).toHaveLength(reads);
      expect(scayle.orders).toHaveLength(1);
      expect(handedOn).toHaveLength(1);
    });

    it('hands over a sent order whose cancel signal turns out stale (Amazon shows it open)', async () => {
      handOverFailure = new UpstreamError('SQS answered 500', 500);
      await process(message()).catch(() => undefined);

      expect(await process(message({ orderStatus: 'Canceled', eventId: 'notification#n-stale' }))).toBe('created');
      expect(scayle.cancelCalls).toEqual([]);
    });

    it('answers a stale cancel signal for an acknowledged order as a duplicate', async () => {
      await process(message());

      expect(await process(message({ orderStatus: 'Canceled', eventId: 'notification#n-stale' }))).toBe('duplicate');
      expect(scayle.cancelCalls).toEqual([]);
    });

    it('reads the order again with its address when the trigger said Pending but Amazon has moved it on', async () => {
      expect(await process(message({ orderStatus: 'Pending' }))).toBe('created');

      expect(amazon.piiReads).toEqual([false, true]);
      expect(scayle.orders[0]?.publicKey).toBe(ID);
    });

    it('fails an order Amazon gives no address for although it said it was ready', async () => {
      delete amazon.order.ShippingAddress;

      await expect(process(message())).rejects.toBeInstanceOf(AddressMissingError);
      expect(amazon.piiReads).toEqual([true]);
    });

    it('takes the marketplace from the trigger when the order does not name it, and fails without either', async () => {
      delete amazon.order.MarketplaceId;
      expect(await process(message())).toBe('created');

      const other = '203-0000001-0000001';
      await expect(process(message({ amazonOrderId: other, marketplaceId: undefined }))).rejects.toThrow(
        `Amazon order ${other} names no marketplace`,
      );
    });

    it('fails, and creates nothing, for a marketplace without a SCAYLE shop', async () => {
      amazon.order.MarketplaceId = 'A1PA6795UKMFR9';

      const error = await process(message()).catch((e: unknown) => e);

      expect(error).toBeInstanceOf(PermanentError);
      expect((error as Error).message).toBe('no SCAYLE shop is configured for marketplace A1PA6795UKMFR9');
      expect(scayle.orders).toEqual([]);
    });
  });

  describe('reserving and flagging', () => {
    it('reads a Pending order without its address and holds its units under the order reference', async () => {
      amazon.order.OrderStatus = 'Pending';

      expect(await process(message({ orderStatus: 'Pending' }))).toBe('reserved');

      expect(amazon.piiReads).toEqual([false]);
      expect(reservations.calls).toEqual([
        {
          ref: `amazon#${ID}`,
          units: { 'SH-A': 2 },
          heldBefore: [],
          expiresAt: new Date(MORNING + 72 * 3_600_000).toISOString(),
        },
      ]);
      expect(await entry()).toMatchObject({
        data: { reservedSkus: ['SH-A'], amazonLastUpdate: UPDATED, purchaseDate: PURCHASED },
      });
      expect((await entry())?.history.at(-1)?.note).toBe('reserved SH-A');
    });

    it('names every SKU it reserved', async () => {
      amazon.order.OrderStatus = 'Pending';
      amazon.items.push({ ASIN: 'B02', OrderItemId: '2', SellerSKU: 'AMZ-B', QuantityOrdered: 1 });

      await process(message({ orderStatus: 'Pending' }));

      expect((await entry())?.history.at(-1)?.note).toBe('reserved SH-A, SH-B');
    });

    it.each(['PendingAvailability', 'Canceled'] as const)(
      'reads an order the trigger calls %s without its address, which it does not need',
      async (orderStatus) => {
        amazon.order.OrderStatus = orderStatus;

        await process(message({ orderStatus }));

        expect(amazon.piiReads).toEqual([false]);
      },
    );

    it('notes that a reservation was kept when a trigger changes nothing', async () => {
      amazon.order.OrderStatus = 'Pending';
      await process(message({ orderStatus: 'Pending' }));

      expect(await process(message({ orderStatus: 'Pending', eventId: 'notification#n-2' }))).toBe('reserved');

      expect((await entry())?.history.at(-1)?.note).toBe('reservation kept');
      expect(reservations.calls.at(-1)?.heldBefore).toEqual(['SH-A']);
    });

    it('names every unmapped SellerSKU in the flag, for the scayle side of the mapping', async () => {
      amazon.items.push(
        { ASIN: 'B02', OrderItemId: '2', SellerSKU: 'LEGACY-1', QuantityOrdered: 1 },
        { ASIN: 'B03', OrderItemId: '3', SellerSKU: 'LEGACY-2', QuantityOrdered: 1 },
      );

      expect(await process(message())).toBe('flagged');

      expect((await entry())?.reason).toBe('SKU_UNMAPPED: LEGACY-1, LEGACY-2');
      expect(exceptions.list('SKU_UNMAPPED').map((e) => e.details.system)).toEqual(['scayle', 'scayle']);
    });

    it('ignores an order Amazon shows past anything the hub does, noting what it saw', async () => {
      amazon.order.OrderStatus = 'Shipped';

      expect(await process(message({ orderStatus: 'Shipped' }))).toBe('ignored');

      expect(scayle.orders).toEqual([]);
      expect(await entry()).toMatchObject({ status: 'received', data: { amazonStatus: 'Shipped' } });
      expect((await entry())?.history.at(-1)?.note).toBe('Amazon shows Shipped: nothing to do');
    });
  });

  describe('skipping polls of orders handled at the same version', () => {
    const poll = (overrides: Partial<AmazonOrderMessage> = {}) =>
      message({ source: 'poll', eventId: `poll#${UPDATED}`, lastUpdateDate: UPDATED, ...overrides });

    it('skips a flagged order polled at the version it was flagged at, without reading Amazon', async () => {
      amazon.items.push({ ASIN: 'B02', OrderItemId: '2', SellerSKU: 'LEGACY-1', QuantityOrdered: 1 });
      await process(message());

      expect(await process(poll())).toBe('duplicate');
      expect(amazon.piiReads).toHaveLength(1);
    });

    it('reads a reserved order again for a notification, a poll without a version, or a newer version', async () => {
      amazon.order.OrderStatus = 'Pending';
      await process(message({ orderStatus: 'Pending' }));

      await process(message({ orderStatus: 'Pending', eventId: 'notification#n-2', lastUpdateDate: UPDATED }));
      await process(poll({ orderStatus: 'Pending', lastUpdateDate: undefined }));
      await process(poll({ orderStatus: 'Pending', lastUpdateDate: '2025-03-01T09:45:00Z' }));

      expect(amazon.piiReads).toHaveLength(4);
    });

    it('reads again an order it ignored, since only reserved or flagged orders are skipped', async () => {
      amazon.order.OrderStatus = 'Shipped';
      await process(message({ orderStatus: 'Shipped' }));

      await process(poll({ orderStatus: 'Shipped' }));

      expect(amazon.piiReads).toHaveLength(2);
    });
  });

  describe('cancelling', () => {
    it('cancels the open items of an order in SCAYLE and hands the cancellation on to OrderWise', async () => {
      await process(message());
      await clock.advance(60_000);
      amazon.order.LastUpdateDate = '2025-03-01T10:00:30Z';

      expect(await cancelled()).toBe('cancelled');

      expect(scayle.cancelCalls).toEqual([{ orderId: 1000, itemIds: [1, 2] }]);
      expect(handedOn.at(-1)).toEqual({
        eventId: `amazon-cancel-${ID}`,
        event: 'order-items-cancelled',
        scayleEvent: 'amazon-cancellation',
        shopKey: 'ac',
        countryCode: 'GB',
        orderId: '1000',
        occurredAt: '2025-03-01T10:00:30Z',
        receivedAt: new Date(MORNING + 60_000).toISOString(),
      });
      expect(await entry()).toMatchObject({ status: 'cancelled', reason: 'Amazon order cancelled' });
    });

    it('cancels only the items still open: not packed, withdrawn, delivered or returned ones', async () => {
      amazon.items = [
        { ASIN: 'B01', OrderItemId: '1', SellerSKU: 'AMZ-A', QuantityOrdered: 5, ItemPrice: gbp('50.00') },
      ];
      await process(message());
      const [packed, withdrawn, delivered, returned] = (scayle.orders[0] as ScayleOrder).items as {
        status?: string;
        packageId?: number;
      }[];
      Object.assign(packed as object, { packageId: 7 });
      Object.assign(withdrawn as object, { status: 'cancelled' });
      Object.assign(delivered as object, { status: 'delivered' });
      Object.assign(returned as object, { status: 'returned' });

      await cancelled();

      expect(scayle.cancelCalls).toEqual([{ orderId: 1000, itemIds: [5] }]);
    });

    it('asks SCAYLE to cancel nothing when every item has shipped, and still hands the cancellation on', async () => {
      await process(message());
      for (const item of (scayle.orders[0] as ScayleOrder).items) Object.assign(item, { packageId: 7 });

      expect(await cancelled()).toBe('cancelled');

      expect(scayle.cancelCalls).toEqual([]);
      expect(handedOn.at(-1)?.event).toBe('order-items-cancelled');
    });

    it('goes on when SCAYLE refuses the cancel because an item shipped meanwhile', async () => {
      await process(message());
      scayle.nextCancel = new UpstreamRejectedError('already shipped', 409);

      expect(await cancelled()).toBe('cancelled');
      expect(handedOn.at(-1)?.event).toBe('order-items-cancelled');
    });

    it('fails, to be retried, when SCAYLE refuses the cancel for any other reason', async () => {
      await process(message());
      const refusal = new UpstreamRejectedError('SCAYLE answered 500', 500);
      scayle.nextCancel = refusal;

      await expect(cancelled()).rejects.toBe(refusal);
      expect((await entry())?.status).toBe('acknowledged');
    });

    it('finds in SCAYLE the order a create committed without answering, and cancels it there', async () => {
      scayle.nextCreate = 'answer-lost';
      await expect(process(message())).rejects.toThrow('SCAYLE timed out');

      expect(await cancelled()).toBe('cancelled');

      expect(scayle.cancelCalls).toEqual([{ orderId: 1000, itemIds: [1, 2] }]);
      expect(handedOn.at(-1)).toMatchObject({ event: 'order-items-cancelled', orderId: '1000' });
    });

    it('cancels an order whose only create attempt failed before SCAYLE had it, touching nothing there', async () => {
      scayle.nextCreate = new UpstreamError('SCAYLE answered 503', 503);
      await expect(process(message())).rejects.toThrow('SCAYLE answered 503');

      expect(await cancelled()).toBe('cancelled');

      expect(scayle.lookups).toBe(2);
      expect(scayle.cancelCalls).toEqual([]);
      expect(handedOn).toEqual([]);
    });

    it('lets a ledger outage while closing the order through as it is', async () => {
      await process(message());
      const outage = failTransitionsTo('cancelled');

      await expect(cancelled()).rejects.toBe(outage);
    });

    it('looks nothing up in SCAYLE for an order it never tried to create, and releases its reservations', async () => {
      amazon.order.OrderStatus = 'Pending';
      await process(message({ orderStatus: 'Pending' }));

      expect(await cancelled()).toBe('cancelled');

      expect(scayle.lookups).toBe(0);
      expect(handedOn).toEqual([]);
      expect(reservations.of(`amazon#${ID}`)).toEqual({});
      expect(reservations.calls.at(-1)?.heldBefore).toEqual(['SH-A']);
    });

    it('releases the reservations held on the ledger even for SKUs the order no longer maps', async () => {
      amazon.order.OrderStatus = 'Pending';
      await process(message({ orderStatus: 'Pending' }));
      amazon.items = [{ ASIN: 'B01', OrderItemId: '1', SellerSKU: 'LEGACY-1', QuantityOrdered: 2 }];

      await cancelled();

      expect(reservations.of(`amazon#${ID}`)).toEqual({});
      expect(reservations.calls.at(-1)?.heldBefore).toEqual(['SH-A']);
    });

    it('finds the SCAYLE shop from the ledger when Amazon leaves the marketplace out of the cancelled order', async () => {
      await process(message());
      delete amazon.order.MarketplaceId;

      await cancelled();

      expect(scayle.cancelCalls).toEqual([{ orderId: 1000, itemIds: [1, 2] }]);
    });

    it('cancels an order the buyer asked to cancel in full, saying so', async () => {
      await process(message());
      amazon.items = amazon.items.map((item) => ({
        ...item,
        BuyerRequestedCancel: { IsBuyerRequestedCancel: 'true' },
      }));

      expect(
        await process(message({ changeType: 'BuyerRequestedChange', orderStatus: 'Unshipped', eventId: 'n#buyer' })),
      ).toBe('cancelled');

      expect(await entry()).toMatchObject({
        status: 'cancelled',
        reason: 'Amazon order cancel requested by the buyer',
      });
    });

    it('closes the open GHOST_ORDER of a cancelled order', async () => {
      amazon.order.OrderStatus = 'Pending';
      await process(message({ orderStatus: 'Pending' }));
      await exceptions.raise('GHOST_ORDER', ID, {});

      await cancelled();

      expect(exceptions.list('GHOST_ORDER')[0]?.status).toBe('resolved');
    });

    it('leaves an order alone while the worker creating it holds its lease', async () => {
      await ledger.create({ channel: 'amazon', orderId: ID, data: { marketplaceId: UK } });
      await ledger.transition('amazon', ID, {
        from: 'received',
        to: 'pending',
        lease: { now: new Date(MORNING).toISOString(), until: new Date(MORNING + LEASE_MS).toISOString(), id: 'x' },
      });

      const error = await cancelled().catch((e: unknown) => e);

      expect(error).toBeInstanceOf(AmazonOrderBusyError);
      expect((error as Error).message).toBe(`${ID} moved while cancelling`);
      expect((await entry())?.status).toBe('pending');
    });

    it('answers any trigger for an order whose return was asked for as a duplicate, without reading Amazon', async () => {
      await ledger.create({ channel: 'amazon', orderId: ID });
      await ledger.transition('amazon', ID, { from: 'received', to: 'pending' });
      await ledger.transition('amazon', ID, { from: 'pending', to: 'return_required' });

      expect(await process(message())).toBe('duplicate');
      expect(amazon.piiReads).toEqual([]);
    });
  });
});
