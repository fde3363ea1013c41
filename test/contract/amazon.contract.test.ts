/**
 * The hub's Amazon code against Amazon's own samples (test/fixtures/amazon, copied unchanged from
 * ../shared/fixtures/amazon; provenance in its SOURCES.md): every sample goes through the real schemas, the real
 * SP-API client (over a socket, against a scripted server that answers with the sample) and the real use cases and
 * mappers, with field-level assertions. One describe per sample file; the last test fails when a sample file has
 * none. Never samples recorded from the hub's simulator: that would only prove the hub agrees with itself.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { V2_SETTLEMENT_COLUMNS } from '../../local/simulators/amazon/facts';
import { SpApiClient } from '../../shared/adapters/amazon/client';
import { listingsFeedDocument, type OfferUpdate } from '../../shared/adapters/amazon/listings';
import type { ObjectStore } from '../../shared/adapters/aws/object-store';
import {
  AddressMissingError,
  type MarketplaceShop,
  nextStepOf,
  reservationsOf,
  SellerSkuUnmappedError,
  toScayleOrderCreate,
} from '../../shared/domain/amazon-order';
import type { ExceptionSink } from '../../shared/ports';
import { UpstreamRejectedError } from '../../shared/runtime/errors';
import {
  type AmazonOrder,
  type AmazonOrderItem,
  getOrdersResponseSchema,
  minorOf,
  orderChangeNotificationSchema,
} from '../../shared/schemas/amazon-orders';
import {
  type AmazonConfirmationMessage,
  type AmazonOrderMessage,
  amazonConfirmationMessageSchema,
  amazonOrderMessageSchema,
} from '../../shared/schemas/queue-messages';
import { scayleOrderCreateSchema } from '../../shared/schemas/scayle';
import { makePollAmazonOrders } from '../../shared/use-cases/amazon-orders/poll-orders';
import { makeReceiveNotifications } from '../../shared/use-cases/amazon-orders/receive-notifications';
import { FakeClock } from '../helpers/fake-clock';
import { shapeMismatches } from '../helpers/json-shape';
import { type ScriptedAnswer, startScriptedServer } from '../helpers/scripted-server';

const FIXTURES = new URL('../fixtures/amazon/', import.meta.url);

/** The sample files, by what they are. */
const SAMPLES = {
  orders: 'getOrders_TEST_CASE_200.response.json',
  ordersPage1: 'getOrders_TEST_CASE_200_NEXT_TOKEN.page1.response.json',
  ordersPage2: 'getOrders_TEST_CASE_200_NEXT_TOKEN.page2.response.json',
  orderItems: 'getOrderItems_TEST_CASE_200.response.json',
  orderChange: 'ORDER_CHANGE.notification.example.json',
  confirmShipment: 'confirmShipment_sandbox.request.json',
  confirmShipment400: 'confirmShipment_sandbox_400.request.json',
  listingsFeed: 'amzn__selling-partner-api-models__listings-feed-schema-v2.example.json',
} as const;

// biome-ignore lint/suspicious/noExplicitAny: samples are vendor JSON, read field by field below
const sample = (name: string): any => JSON.parse(readFileSync(new URL(name, FIXTURES), 'utf8'));

/** The sample files that have a describe block here (filled as the blocks are declared). */
const described = new Set<string>();
const describeSample = (name: string, body: () => void) => {
  described.add(name);
  describe(name, body);
};

const US = 'ATVPDKIKX0DER';
const LWA_TOKEN: ScriptedAnswer = { status: 200, body: { access_token: 'Atza|contract', expires_in: 3600 } };

/**
 * A scripted SP-API: the LWA token first, then `answers` in order. The client under test is the hub's own
 * SpApiClient; every request it sends is in `seen`.
 */
const servers: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});
const scriptedAmazon = async (answers: ScriptedAnswer[]) => {
  const script = [LWA_TOKEN, ...answers];
  const server = await startScriptedServer(script);
  servers.push(server);
  const client = new SpApiClient({
    endpoint: server.url,
    tokenUrl: `${server.url}/auth/o2/token`,
    credentials: async () => ({ clientId: 'c', clientSecret: 's', refreshToken: 'r' }),
    retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 2, maxRetryAfterMs: 10 },
  });
  /** The requests after the token purchase. */
  const calls = () => server.seen.slice(1);
  return { server, script, client, calls };
};

/** A request's path and query. */
const urlOf = (raw: string) => new URL(raw, 'http://amazon.invalid');

describeSample(SAMPLES.orders, () => {
  it('reads both sandbox orders through SpApiClient.getOrders with their ids, status, marketplace and total', async () => {
    const amazon = await scriptedAmazon([{ status: 200, body: sample(SAMPLES.orders) }]);
    const page = await amazon.client.getOrders({ marketplaceIds: [US], lastUpdatedAfter: '1970-01-01T00:00:00Z' });

    expect(page.orders.map((o) => o.AmazonOrderId)).toEqual(['902-1845936-5435065', '902-8745147-1934268']);
    for (const order of page.orders) {
      expect(order).toMatchObject({
        OrderStatus: 'Unshipped',
        FulfillmentChannel: 'MFN',
        MarketplaceId: US,
        PurchaseDate: '1970-01-19T03:58:30Z',
        LatestShipDate: '1970-01-19T04:05:13Z',
      });
      expect(order.OrderTotal?.CurrencyCode).toBe('USD');
      expect(minorOf(order.OrderTotal)).toBe(1101);
      // getOrders without a restricted data token: no buyer address.
      expect(order.ShippingAddress).toBeUndefined();
    }
    // Only the seller's ship-from address, kept as an unknown field.
    expect(page.orders[0]).toHaveProperty('DefaultShipFromLocationAddress.City', 'SEATTLE');
    // The only page: no token, and the echoed bound is CreatedBefore (not the LastUpdatedBefore the hub keeps).
    expect(page.nextToken).toBeUndefined();
    expect(page.lastUpdatedBefore).toBeUndefined();
    const [request] = amazon.calls();
    expect(request?.method).toBe('GET');
    const url = urlOf(request?.url ?? '');
    expect(url.pathname).toBe('/orders/v0/orders');
    expect(url.searchParams.get('MarketplaceIds')).toBe(US);
    expect(url.searchParams.has('NextToken')).toBe(false);
    expect(request?.headers['x-amz-access-token']).toBe('Atza|contract');
  });

  it("accepts the sandbox's CreatedBefore echo in epoch scientific notation as it is", () => {
    const parsed = getOrdersResponseSchema.parse(sample(SAMPLES.orders));
    expect(parsed.payload.CreatedBefore).toBe('1.569521782042E9');
  });
});

describeSample(SAMPLES.ordersPage1, () => {
  it('hands its NextToken back through SpApiClient.getOrders with the same MarketplaceIds', async () => {
    const amazon = await scriptedAmazon([{ status: 200, body: sample(SAMPLES.ordersPage1) }]);
    const query = { marketplaceIds: [US], lastUpdatedAfter: '2017-01-20T00:00:00Z' };
    const page = await amazon.client.getOrders(query);
    expect(page.nextToken).toBe('2YgYW55IGNhcm5hbCBwbGVhc3VyZS4');
    const [order] = page.orders;
    expect(order).toMatchObject({
      AmazonOrderId: '902-3159896-1390916',
      OrderStatus: 'Pending',
      // Outside the model's MFN/AFN enum: read as it is, and not taken for Amazon-fulfilled.
      FulfillmentChannel: 'SellerFulfilled',
      MarketplaceId: US,
    });
    // A Pending order has no OrderTotal yet: no money, and the hub only reserves its stock.
    expect(order?.OrderTotal).toBeUndefined();
    expect(minorOf(order?.OrderTotal)).toBe(0);
    expect(nextStepOf(order as AmazonOrder, [])).toBe('reserve');
  });

  it('is paged to the end by the getOrders poll, each seller-fulfilled order queued once per LastUpdateDate', async () => {
    const amazon = await scriptedAmazon([
      { status: 200, body: sample(SAMPLES.ordersPage1) },
      { status: 200, body: sample(SAMPLES.ordersPage2) },
    ]);
    const queued: AmazonOrderMessage[] = [];
    const advanced: { from?: string; to: string }[] = [];
    const now = Date.parse('2017-01-21T12:00:00Z');
    const poll = makePollAmazonOrders({
      amazon: amazon.client,
      cursors: {
        read: async () => ({}),
        advance: async (_name, from, to) => void advanced.push({ from, to }),
        saveResume: async () => {
          throw new Error('a two-page search fits one run');
        },
      },
      queue: { sendAll: async (messages) => void queued.push(...messages) },
      clock: new FakeClock(now),
      settings: { marketplaceIds: [US], overlapMinutes: 5, firstLookbackHours: 48, runBudgetMs: 60_000 },
    });

    const outcome = await poll();

    expect(outcome).toMatchObject({ pages: 2, queued: 2, complete: true, raced: false });
    const [first, second] = amazon.calls().map((r) => urlOf(r.url).searchParams);
    expect(first?.has('NextToken')).toBe(false);
    expect(second?.get('NextToken')).toBe('2YgYW55IGNhcm5hbCBwbGVhc3VyZS4');
    // A continuation repeats the search: Amazon still wants MarketplaceIds next to the token.
    expect(second?.get('MarketplaceIds')).toBe(US);
    expect(second?.get('LastUpdatedAfter')).toBe(first?.get('LastUpdatedAfter'));
    expect(second?.get('LastUpdatedBefore')).toBe(first?.get('LastUpdatedBefore'));
    // The sandbox repeats its one order on page 2: both triggers carry the same deduplication id.
    const trigger = {
      amazonOrderId: '902-3159896-1390916',
      eventId: 'poll#2017-01-20T19:49:35Z',
      source: 'poll',
      marketplaceId: US,
      orderStatus: 'Pending',
      lastUpdateDate: '2017-01-20T19:49:35Z',
      latestShipDate: '2017-01-25T19:49:35Z',
      seenAt: new Date(now).toISOString(),
    };
    expect(queued).toEqual([trigger, trigger]);
    for (const message of queued) expect(amazonOrderMessageSchema.safeParse(message).error).toBeUndefined();
    expect(advanced).toEqual([{ from: undefined, to: first?.get('LastUpdatedBefore') }]);
  });
});

describeSample(SAMPLES.ordersPage2, () => {
  it('ends the paging: the same order again and no NextToken', async () => {
    const amazon = await scriptedAmazon([{ status: 200, body: sample(SAMPLES.ordersPage2) }]);
    const page = await amazon.client.getOrders({
      marketplaceIds: [US],
      lastUpdatedAfter: '2017-01-20T00:00:00Z',
      nextToken: '2YgYW55IGNhcm5hbCBwbGVhc3VyZS4',
    });
    expect(page.nextToken).toBeUndefined();
    expect(page.orders).toHaveLength(1);
    expect(page.orders[0]).toMatchObject({
      AmazonOrderId: '902-3159896-1390916',
      OrderStatus: 'Pending',
      LastUpdateDate: '2017-01-20T19:49:35Z',
    });
    expect(minorOf(page.orders[0]?.OrderTotal)).toBe(0);
    expect(urlOf(amazon.calls()[0]?.url ?? '').searchParams.get('NextToken')).toBe('2YgYW55IGNhcm5hbCBwbGVhc3VyZS4');
  });
});

/**
 * getOrderAddress's sandbox answer for the same order (TEST_CASE_200), quoted from amzn/selling-partner-api-models
 * `models/orders-api-model/ordersV0.json` @ 037fc474, `paths./orders/v0/orders/{orderId}/address.get.responses.200
 * .x-amzn-api-sandbox.static[0].response.payload`: the address Amazon releases under a restricted data token.
 */
const SANDBOX_ORDER_ADDRESS = {
  AmazonOrderId: '902-1845936-5435065',
  ShippingAddress: {
    Name: 'MFNIntegrationTestMerchant',
    AddressLine1: '2201 WESTLAKE AVE',
    City: 'SEATTLE',
    StateOrRegion: 'WA',
    PostalCode: '98121-2778',
    CountryCode: 'US',
    Phone: '+1 480-386-0930 ext. 73824',
    AddressType: 'Commercial',
  },
};

describeSample(SAMPLES.orderItems, () => {
  const SHOP: MarketplaceShop = { shopKey: 'us', countryCode: 'US', channelKey: 'marketplace_amazon_us' };
  const SCAYLE_SKU = 'SH-CARD-BOOK';
  const skuOf = (sellerSku: string) => (sellerSku === 'NABetaASINB00551Q3CS' ? SCAYLE_SKU : undefined);

  const readItems = async (): Promise<AmazonOrderItem[]> => {
    const amazon = await scriptedAmazon([{ status: 200, body: sample(SAMPLES.orderItems) }]);
    const items = await amazon.client.getOrderItems('902-1845936-5435065');
    expect(urlOf(amazon.calls()[0]?.url ?? '').pathname).toBe('/orders/v0/orders/902-1845936-5435065/orderItems');
    return items;
  };
  /** The getOrders sample's order these items belong to. */
  const orderOfItems = (): AmazonOrder => {
    const orders = getOrdersResponseSchema.parse(sample(SAMPLES.orders)).payload.Orders;
    const order = orders.find((o) => o.AmazonOrderId === sample(SAMPLES.orderItems).payload.AmazonOrderId);
    expect(order).toBeDefined();
    return order as AmazonOrder;
  };

  it('reads the item through SpApiClient.getOrderItems: ids, quantities, money in minor units, string flags', async () => {
    const [item, ...rest] = await readItems();
    expect(rest).toEqual([]);
    expect(item).toMatchObject({
      ASIN: 'B00551Q3CS',
      OrderItemId: '05015851154158',
      SellerSKU: 'NABetaASINB00551Q3CS',
      QuantityOrdered: 1,
      QuantityShipped: 0,
      IsGift: 'false',
    });
    expect([minorOf(item?.ItemPrice), minorOf(item?.ItemTax), minorOf(item?.PromotionDiscount)]).toEqual([
      1000, 101, 0,
    ]);
    expect(item?.ItemPrice?.CurrencyCode).toBe('USD');
    expect(item?.ShippingPrice).toBeUndefined();
    // A string here, unlike the notification's boolean.
    expect(item?.BuyerRequestedCancel).toEqual({
      IsBuyerRequestedCancel: 'true',
      BuyerCancelReason: 'Found cheaper somewhere else.',
    });
  });

  it('makes its order one to cancel, not to create: the buyer asked to cancel the only item', async () => {
    const items = await readItems();
    expect(nextStepOf(orderOfItems(), items)).toBe('cancel');
    expect([...reservationsOf(items, skuOf)]).toEqual([[SCAYLE_SKU, 1]]);
  });

  it('is refused for SCAYLE with AddressMissingError as getOrders returns the order (no RDT, no ShippingAddress)', async () => {
    // The getOrders sample carries DefaultShipFromLocationAddress only: the buyer's address needs a restricted
    // data token, so the documented refusal is what the hub must give here.
    const items = await readItems();
    expect(() => toScayleOrderCreate(orderOfItems(), items, skuOf, SHOP)).toThrow(AddressMissingError);
  });

  it('is refused with SellerSkuUnmappedError naming the SellerSKU and ASIN when the catalogue has no variant', async () => {
    const items = await readItems();
    const error = (() => {
      try {
        toScayleOrderCreate(orderOfItems(), items, () => undefined, SHOP);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(SellerSkuUnmappedError);
    expect((error as SellerSkuUnmappedError).unmapped).toEqual([
      { sellerSku: 'NABetaASINB00551Q3CS', asin: 'B00551Q3CS' },
    ]);
  });

  it("maps to SCAYLE's order body with getOrderAddress's sandbox address, had the buyer not asked to cancel", async () => {
    // The two changes to the samples, both named: the address Amazon's getOrderAddress sandbox gives for this very
    // order, and the buyer-cancel flag set to 'false' (with it, the hub cancels instead of creating, see above).
    const [item] = await readItems();
    const kept: AmazonOrderItem = {
      ...(item as AmazonOrderItem),
      BuyerRequestedCancel: { IsBuyerRequestedCancel: 'false' },
    };
    const order: AmazonOrder = { ...orderOfItems(), ShippingAddress: SANDBOX_ORDER_ADDRESS.ShippingAddress };
    expect(nextStepOf(order, [kept])).toBe('create');

    const created = toScayleOrderCreate(order, [kept], skuOf, SHOP);

    // One SCAYLE item per unit ordered, each with the Amazon order item id.
    expect(created.items).toHaveLength(kept.QuantityOrdered);
    for (const unit of created.items) {
      expect(unit.variant).toEqual({ referenceKey: SCAYLE_SKU });
      expect(unit.legacyCustomData).toEqual({ amazonOrderItemId: '05015851154158' });
    }
    // US prices come without tax: the line is ItemPrice + ItemTax, and the units add up to it exactly.
    const lineGross = minorOf(kept.ItemPrice) + minorOf(kept.ItemTax);
    expect(created.items.reduce((sum, u) => sum + u.price.withTax, 0)).toBe(lineGross);
    expect(created.items.reduce((sum, u) => sum + u.price.tax.vat.amount, 0)).toBe(minorOf(kept.ItemTax));
    expect(created.items[0]?.price).toEqual({
      withTax: 1101,
      withoutTax: 1000,
      tax: { vat: { amount: 101, rate: 0.101 } },
    });
    // The rate is a fraction (10.1 %), never a percent.
    expect(created.items[0]?.price.tax.vat.rate).toBeLessThan(1);
    expect(created.cost).toEqual({ withTax: 1101, withoutTax: 1000, appliedFees: [], appliedReductions: [] });
    expect(created.cost.withTax).toBe(minorOf(order.OrderTotal));
    expect(created).toMatchObject({
      publicKey: '902-1845936-5435065',
      currencyCode: 'USD',
      confirmedAt: '1970-01-19T03:58:30Z',
      createdAt: '1970-01-19T03:58:30Z',
      channel: { key: 'marketplace_amazon_us' },
      legacyCustomData: {
        amazonOrderId: '902-1845936-5435065',
        marketplaceId: US,
        latestShipDate: '1970-01-19T04:05:13Z',
      },
    });
    // A one-word name is both first and last name; the country is alpha-3.
    const address = {
      recipient: { firstName: 'MFNIntegrationTestMerchant', lastName: 'MFNIntegrationTestMerchant', type: 'personal' },
      street: '2201 WESTLAKE AVE',
      zipCode: '98121-2778',
      city: 'SEATTLE',
      countryCode: 'USA',
      phone: '+1 480-386-0930 ext. 73824',
    };
    expect(created.address).toEqual({ shipping: address, billing: address });
    expect(created.customer).toEqual({
      email: '902-1845936-5435065@marketplace.amazon.invalid',
      firstName: 'MFNIntegrationTestMerchant',
      lastName: 'MFNIntegrationTestMerchant',
    });
    expect(scayleOrderCreateSchema.safeParse(created).error?.issues).toBeUndefined();
  });
});

describeSample(SAMPLES.orderChange, () => {
  it("becomes one trigger through the ORDER_CHANGE intake, with Amazon's ids, status and change type", async () => {
    const body = readFileSync(new URL(SAMPLES.orderChange, FIXTURES), 'utf8');
    const queued: AmazonOrderMessage[] = [];
    const refuse = async (): Promise<never> => {
      throw new Error("Amazon's sample must not be rejected");
    };
    const store: ObjectStore = { put: refuse, getText: refuse };
    const exceptions: ExceptionSink = { raise: refuse };
    const now = Date.parse('2022-11-29T19:45:00Z');
    const receive = makeReceiveNotifications({
      queue: { sendAll: async (messages) => void queued.push(...messages) },
      store,
      exceptions,
      clock: new FakeClock(now),
      marketplaceIds: [US],
    });

    // The SQS message body is the notification as Amazon sends it.
    const outcome = await receive(new Map([['sqs-message-1', body]]));

    expect(outcome).toEqual({ queued: 1, skipped: 0, rejected: 0 });
    expect(queued).toEqual([
      {
        amazonOrderId: '903-8868176-2219830',
        eventId: 'notification#d0e9e693-c3ad-4373-979f-ed4ec98dd746',
        source: 'notification',
        marketplaceId: US,
        orderStatus: 'Unshipped',
        changeType: 'BuyerRequestedChange',
        latestShipDate: '2022-12-07T19:42:04.284Z',
        seenAt: new Date(now).toISOString(),
      },
    ]);
    expect(amazonOrderMessageSchema.safeParse(queued[0]).error).toBeUndefined();
  });

  it('is read by the notification schema with its trigger, item and boolean buyer-cancel flag', () => {
    const change = orderChangeNotificationSchema.parse(sample(SAMPLES.orderChange));
    expect(change.NotificationMetadata.NotificationId).toBe('d0e9e693-c3ad-4373-979f-ed4ec98dd746');
    const notification = change.Payload.OrderChangeNotification;
    expect(notification).toMatchObject({
      AmazonOrderId: '903-8868176-2219830',
      OrderChangeType: 'BuyerRequestedChange',
      OrderChangeTrigger: { ChangeReason: 'Buyer Requested Cancel' },
    });
    expect(notification.Summary).toMatchObject({ MarketplaceId: US, OrderStatus: 'Unshipped', FulfillmentType: 'MFN' });
    expect(notification.Summary.OrderItems).toEqual([
      expect.objectContaining({
        OrderItemId: 'OIID34853450',
        SellerSKU: 'SellerSKUID1',
        Quantity: 10,
        QuantityShipped: 0,
        IsBuyerRequestedCancel: true,
      }),
    ]);
  });
});

/** The confirmation the hub queues for a package like the sample's (the confirmations queue's own schema). */
const confirmationLike = (request: {
  orderId: string;
  body: { marketplaceId: string; packageDetail: Record<string, unknown> };
}): AmazonConfirmationMessage => {
  const detail = request.body.packageDetail;
  return amazonConfirmationMessageSchema.parse({
    despatchId: 'despatch-1',
    amazonOrderId: request.orderId,
    marketplaceId: request.body.marketplaceId,
    packageReferenceId: detail.packageReferenceId,
    carrierCode: detail.carrierCode,
    carrierName: detail.carrierName,
    trackingNumber: detail.trackingNumber,
    shipDate: detail.shipDate,
    orderItems: (detail.orderItems as { orderItemId: string; quantity: number }[]).map(({ orderItemId, quantity }) => ({
      orderItemId,
      quantity,
    })),
  });
};

/** What the confirmations consumer hands the client: the message without the hub's own ids. */
const confirmShipmentVia = async (client: SpApiClient, message: AmazonConfirmationMessage) => {
  const { despatchId: _despatch, amazonOrderId, ...confirmation } = message;
  await client.confirmShipment(amazonOrderId, confirmation);
};

/**
 * PackageDetail fields Amazon's model marks optional that the hub does not send: it has no shipping method name,
 * no supply sources and no Transparency codes.
 */
const CONFIRM_NOT_SENT = [
  'packageDetail.shippingMethod',
  'packageDetail.shipFromSupplySourceId',
  'packageDetail.orderItems[].transparencyCodes',
];

describeSample(SAMPLES.confirmShipment, () => {
  it('is the shape of the body SpApiClient.confirmShipment posts for the same package', async () => {
    const request = sample(SAMPLES.confirmShipment);
    const amazon = await scriptedAmazon([{ status: 204 }]);

    await confirmShipmentVia(amazon.client, confirmationLike(request));

    const [call, ...more] = amazon.calls();
    expect(more).toEqual([]);
    expect(call?.method).toBe('POST');
    expect(urlOf(call?.url ?? '').pathname).toBe('/orders/v0/orders/902-1106328-1059050/shipmentConfirmation');
    expect(call?.headers['content-type']).toBe('application/json');
    const sent = JSON.parse(call?.body ?? '');
    // Every key of Amazon's sample the hub fills, with the sample's JSON types; and nothing Amazon does not show.
    expect(shapeMismatches(request.body, sent, CONFIRM_NOT_SENT)).toEqual([]);
    expect(shapeMismatches(sent, request.body)).toEqual([]);
    expect(sent).toEqual({
      marketplaceId: US,
      packageDetail: {
        packageReferenceId: '1',
        carrierCode: 'FedEx',
        carrierName: 'FedEx',
        trackingNumber: '112345678',
        shipDate: '2022-02-11T01:00:00.000Z',
        orderItems: [{ orderItemId: '79039765272157', quantity: 1 }],
      },
    });
  });
});

describeSample(SAMPLES.confirmShipment400, () => {
  it('differs from the valid sample only in its shipDate, which is not ISO-8601', () => {
    const valid = sample(SAMPLES.confirmShipment).body;
    const invalid = sample(SAMPLES.confirmShipment400).body;
    expect(invalid.packageDetail.shipDate).toBe('02/21/2022');
    expect({ ...invalid, packageDetail: { ...invalid.packageDetail, shipDate: valid.packageDetail.shipDate } }).toEqual(
      valid,
    );
  });

  it("cannot be what the hub sends: the confirmations queue's schema refuses a shipDate like it", () => {
    const request = sample(SAMPLES.confirmShipment400);
    expect(() => confirmationLike(request)).toThrow();
    const shipDate = request.body.packageDetail.shipDate;
    const valid = confirmationLike(sample(SAMPLES.confirmShipment));
    const result = amazonConfirmationMessageSchema.safeParse({ ...valid, shipDate });
    expect(result.error?.issues.map((i) => i.path)).toEqual([['shipDate']]);
  });

  it('posts shipDate as ISO-8601, and takes the 400 Amazon gives for one that is not as permanent', async () => {
    const request = sample(SAMPLES.confirmShipment400);
    const amazon = await scriptedAmazon([{ status: 400, body: request.expectedResponse.body }]);

    const error = await confirmShipmentVia(amazon.client, confirmationLike(sample(SAMPLES.confirmShipment))).catch(
      (e: unknown) => e,
    );

    const sent = JSON.parse(amazon.calls()[0]?.body ?? '');
    expect(new Date(sent.packageDetail.shipDate).toISOString()).toBe(sent.packageDetail.shipDate);
    expect(sent.packageDetail.shipDate).not.toBe(request.body.packageDetail.shipDate);
    expect(error).toBeInstanceOf(UpstreamRejectedError);
    expect((error as UpstreamRejectedError).status).toBe(400);
    expect((error as UpstreamRejectedError).body).toEqual({
      errors: [{ code: 'Invalid Input', message: 'Invalid Input' }],
    });
    // Not retried: the same body would be refused the same way.
    expect(amazon.calls()).toHaveLength(1);
  });
});

describeSample(SAMPLES.listingsFeed, () => {
  const feedSample = () => sample(SAMPLES.listingsFeed);
  /** The sample with only its PATCH messages: the operation the hub's stock push sends. */
  const patchOnly = () => {
    const document = feedSample();
    return {
      ...document,
      messages: document.messages.filter((m: { operationType: string }) => m.operationType === 'PATCH'),
    };
  };
  /** The hub's header has no `report` (optional: it asks for no listing data back). */
  const NOT_SENT = ['header.report'];
  const update: OfferUpdate = { sku: 'SH-1', sellerSku: 'My-SKU-D', marketplaceId: US, quantity: 10 };

  it('has the shape of the feed the stock push builds for a quantity update, both ways', () => {
    const document = listingsFeedDocument(feedSample().header.sellerId, [update]);
    expect(shapeMismatches(patchOnly(), document, NOT_SENT)).toEqual([]);
    expect(shapeMismatches(document, patchOnly())).toEqual([]);
    expect(document.header).toEqual({ sellerId: 'AXXXXXXXXXXXX', version: '2.0', issueLocale: 'en_US' });
    // The sample's first PATCH message, with the hub's message id and its offer-only product type.
    const [replace] = patchOnly().messages;
    expect(document.messages).toEqual([{ ...replace, messageId: 1, productType: 'PRODUCT' }]);
  });

  it('is what SpApiClient.submitListingsFeed uploads, as a JSON_LISTINGS_FEED, numbering messages from 1', async () => {
    const amazon = await scriptedAmazon([]);
    amazon.script.push(
      { status: 200, body: { feedDocumentId: 'doc-1', url: `${amazon.server.url}/upload/doc-1` } },
      { status: 200 },
      { status: 202, body: { feedId: 'feed-1' } },
    );
    const updates: OfferUpdate[] = [
      update,
      { sku: 'SH-2', sellerSku: 'My-SKU-E', marketplaceId: US, quantity: 0, priceMinor: 1999, currency: 'USD' },
    ];

    const feedId = await amazon.client.submitListingsFeed(US, listingsFeedDocument('AXXXXXXXXXXXX', updates));

    expect(feedId).toBe('feed-1');
    const [, upload, createFeed] = amazon.calls();
    expect(upload?.method).toBe('PUT');
    const uploaded = JSON.parse(upload?.body ?? '');
    // The sample's PATCH messages are all in the hub's (the price patch is extra: the sample shows none).
    expect(shapeMismatches(patchOnly(), uploaded, NOT_SENT)).toEqual([]);
    expect(
      uploaded.messages.map((m: { messageId: number; sku: string; operationType: string }) => [
        m.messageId,
        m.sku,
        m.operationType,
      ]),
    ).toEqual([
      [1, 'My-SKU-D', 'PATCH'],
      [2, 'My-SKU-E', 'PATCH'],
    ]);
    expect(uploaded.messages[1].patches.map((p: { op: string; path: string }) => [p.op, p.path])).toEqual([
      ['replace', '/attributes/fulfillment_availability'],
      ['replace', '/attributes/purchasable_offer'],
    ]);
    expect(uploaded.messages[1].patches[0].value).toEqual([{ fulfillment_channel_code: 'DEFAULT', quantity: 0 }]);
    expect(JSON.parse(createFeed?.body ?? '')).toEqual({
      feedType: 'JSON_LISTINGS_FEED',
      marketplaceIds: [US],
      inputFeedDocumentId: 'doc-1',
    });
  });
});

describe('the Amazon samples', () => {
  it('each have a describe block in this contract test', () => {
    const files = readdirSync(FIXTURES)
      .filter((name) => name.endsWith('.json'))
      .sort();
    expect(files.filter((name) => !described.has(name))).toEqual([]);
    expect([...described].sort()).toEqual(files);
  });
});

describe('the V2 settlement columns the simulator and the demo write', () => {
  it("are the header of every real settlement report, in Amazon's order", () => {
    const folder = new URL('../fixtures/settlement/', import.meta.url);
    const reports = readdirSync(folder).filter((name) => name.endsWith('.v2.txt'));
    expect(reports.length).toBeGreaterThan(0);
    for (const name of reports) {
      const [header = ''] = readFileSync(new URL(name, folder), 'utf8').split(/\r?\n/);
      expect(header.split('\t'), name).toEqual([...V2_SETTLEMENT_COLUMNS]);
    }
  });
});
