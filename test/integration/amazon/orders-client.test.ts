import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { z } from 'zod';
import { DEFAULT_LWA_CREDENTIALS, startAmazonSimulator } from '../../../local/simulators/amazon';
import { SpApiClient } from '../../../shared/adapters/amazon/client';
import { UpstreamRejectedError } from '../../../shared/runtime/errors';
import {
  type AmazonOrder,
  getOrderItemsResponseSchema,
  getOrderResponseSchema,
  getOrdersResponseSchema,
  minorOf,
  orderChangeNotificationSchema,
} from '../../../shared/schemas/amazon-orders';

const UK = 'A1F83G8C2ARO7P';
const DE = 'A1PA6795UKMFR9';
const FIXTURES = new URL('../../fixtures/amazon/', import.meta.url);
const ago = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();

/** Amazon's official samples (copied from ../shared/fixtures/amazon), matched to the schema of what they show. */
const SAMPLE_KINDS: readonly [RegExp, z.ZodType][] = [
  [/^getOrders_.*\.response\.json$/, getOrdersResponseSchema],
  [/^getOrder_.*\.response\.json$/, getOrderResponseSchema],
  [/^getOrderItems_.*\.response\.json$/, getOrderItemsResponseSchema],
  [/^ORDER_CHANGE\..*\.json$/, orderChangeNotificationSchema],
];
const samples = readdirSync(FIXTURES).flatMap((name) => {
  const kind = SAMPLE_KINDS.find(([pattern]) => pattern.test(name));
  return kind ? [{ name, schema: kind[1] }] : [];
});
const sample = (name: string): unknown => JSON.parse(readFileSync(new URL(name, FIXTURES), 'utf8'));

describe('amazon-orders schemas', () => {
  it('have orders, order items and ORDER_CHANGE samples to parse', () => {
    const names = samples.map((s) => s.name);
    expect(names.filter((n) => n.startsWith('getOrders_'))).toHaveLength(3);
    expect(names).toContain('getOrderItems_TEST_CASE_200.response.json');
    expect(names).toContain('ORDER_CHANGE.notification.example.json');
  });

  it.each(samples)('parses the sample $name', ({ name, schema }) => {
    const result = schema.safeParse(sample(name));
    expect(result.error?.issues).toBeUndefined();
  });

  it('reads the fields the hub uses from the samples, unknown fields kept', () => {
    const orders = getOrdersResponseSchema.parse(sample('getOrders_TEST_CASE_200.response.json')).payload.Orders;
    expect(orders[0]).toMatchObject({ AmazonOrderId: '902-1845936-5435065', MarketplaceId: 'ATVPDKIKX0DER' });
    expect(minorOf(orders[0]?.OrderTotal)).toBe(1101);
    expect(orders[0]).toHaveProperty('ShipServiceLevel', 'Std US D2D Dom');
    const [item] = getOrderItemsResponseSchema.parse(sample('getOrderItems_TEST_CASE_200.response.json')).payload
      .OrderItems;
    expect(item?.SellerSKU).toBe('NABetaASINB00551Q3CS');
    expect(item?.BuyerRequestedCancel?.IsBuyerRequestedCancel).toBe('true');
    expect([minorOf(item?.ItemPrice), minorOf(item?.ItemTax), minorOf(item?.ShippingPrice)]).toEqual([1000, 101, 0]);
    const change = orderChangeNotificationSchema.parse(sample('ORDER_CHANGE.notification.example.json'));
    expect(change.Payload.OrderChangeNotification.Summary.OrderItems?.[0]).toMatchObject({
      SellerSKU: 'SellerSKUID1',
      Quantity: 10,
      IsBuyerRequestedCancel: true,
    });
  });

  it('refuses an order without its status, or with one Amazon does not have', () => {
    const [order] = getOrdersResponseSchema.parse(sample('getOrders_TEST_CASE_200.response.json')).payload.Orders;
    const { OrderStatus: _, ...withoutStatus } = order as AmazonOrder;
    expect(getOrderResponseSchema.safeParse({ payload: withoutStatus }).success).toBe(false);
    expect(getOrderResponseSchema.safeParse({ payload: { ...order, OrderStatus: 'Lost' } }).success).toBe(false);
  });

  it('refuses a notification of another type', () => {
    const other = { ...(sample('ORDER_CHANGE.notification.example.json') as object), NotificationType: 'ANY_OFFER' };
    expect(orderChangeNotificationSchema.safeParse(other).success).toBe(false);
  });
});

describe('minorOf', () => {
  it.each([
    ['12.99', 'GBP', 1299],
    ['-3.5', 'EUR', -350],
    ['10', 'USD', 1000],
    ['0.1', 'GBP', 10],
    ['0.01', 'GBP', 1],
    ['12.990', 'GBP', 1299],
    ['0.29', 'EUR', 29],
    ['1500', 'JPY', 1500],
    ['1500.00', 'JPY', 1500],
    ['-80', 'JPY', -80],
  ])('reads %s %s as %i minor units', (Amount, CurrencyCode, minor) => {
    expect(minorOf({ Amount, CurrencyCode })).toBe(minor);
  });

  it('reads absent money and a negative zero as 0', () => {
    expect(minorOf(undefined)).toBe(0);
    expect(Object.is(minorOf({ Amount: '-0.00', CurrencyCode: 'GBP' }), 0)).toBe(true);
  });

  it.each([
    ['1.005', 'GBP'],
    ['10.5', 'JPY'],
    ['1e3', 'GBP'],
    ['12,99', 'EUR'],
    ['90071992547410.00', 'GBP'],
  ])('refuses %s %s rather than lose or invent money', (Amount, CurrencyCode) => {
    expect(() => minorOf({ Amount, CurrencyCode })).toThrow(RangeError);
  });
});

describe('SpApiClient Orders reads against the SP-API simulator', () => {
  const notifications: unknown[] = [];
  let amazon: Awaited<ReturnType<typeof startAmazonSimulator>>;
  const client = () =>
    new SpApiClient({
      endpoint: amazon.url,
      tokenUrl: `${amazon.url}/auth/o2/token`,
      credentials: async () => DEFAULT_LWA_CREDENTIALS,
      retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 5, maxRetryAfterMs: 10 },
    });
  const createOrder = async (spec: Parameters<typeof amazon.createOrders>[0]['orders'][number]) => {
    const [order] = await amazon.createOrders({ orders: [spec] });
    return order?.amazonOrderId as string;
  };

  beforeAll(async () => {
    amazon = await startAmazonSimulator({
      // The seller's setup: ORDER_CHANGE subscribed to a queue, without which Amazon sends nothing.
      orderChangeSubscription: { sqsArn: 'arn:aws:sqs:eu-west-1:123456789012:order-change' },
      notify: async (n) => void notifications.push(n),
    });
  });
  beforeEach(async () => {
    await fetch(`${amazon.url}/_sim/reset`, { method: 'POST' });
    notifications.length = 0;
  });
  afterAll(async () => amazon.stop());

  it('pages getOrders by NextToken until every order updated in the window is read', async () => {
    await amazon.createOrders({
      orders: Array.from({ length: 130 }, (_, i) => ({
        marketplaceId: i % 2 === 0 ? UK : DE,
        purchaseDate: ago(10),
        items: [{ sellerSku: 'ORDERS-TEST-1', quantity: 1, unitPrice: '9.99' }],
        notify: false,
      })),
    });
    // Within Amazon's two-minute lag: not visible yet.
    const recent = await createOrder({ items: [{ sellerSku: 'ORDERS-TEST-1', quantity: 1, unitPrice: '9.99' }] });
    const sp = client();
    const query = { marketplaceIds: [UK, DE], lastUpdatedAfter: ago(60) };
    const first = await sp.getOrders(query);
    expect(first.orders).toHaveLength(100);
    expect(first.nextToken).toEqual(expect.any(String));
    const second = await sp.getOrders({ ...query, nextToken: first.nextToken });
    expect(second.orders).toHaveLength(30);
    expect(second.nextToken).toBeUndefined();
    expect(Date.parse(second.lastUpdatedBefore ?? '')).toBeLessThanOrEqual(Date.now() - 120_000);
    const ids = new Set([...first.orders, ...second.orders].map((o) => o.AmazonOrderId));
    expect(ids.size).toBe(130);
    expect(ids.has(recent)).toBe(false);
  });

  it('passes an explicit LastUpdatedBefore, which Amazon refuses within the last two minutes', async () => {
    await createOrder({
      purchaseDate: ago(30),
      items: [{ sellerSku: 'ORDERS-TEST-1', quantity: 1, unitPrice: '9.99' }],
    });
    const sp = client();
    const page = await sp.getOrders({ marketplaceIds: [UK], lastUpdatedAfter: ago(60), lastUpdatedBefore: ago(20) });
    expect(page.orders).toHaveLength(1);
    const error = await sp
      .getOrders({ marketplaceIds: [UK], lastUpdatedAfter: ago(60), lastUpdatedBefore: ago(1) })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UpstreamRejectedError);
  });

  it('gets the shipping address and buyer only when asked for PII, through a restricted data token', async () => {
    const id = await createOrder({ items: [{ sellerSku: 'ORDERS-TEST-1', quantity: 2, unitPrice: '12.50' }] });
    const sp = client();
    const plain = await sp.getOrder(id, { pii: false });
    expect(plain).toMatchObject({ AmazonOrderId: id, OrderStatus: 'Unshipped', MarketplaceId: UK });
    expect(plain.ShippingAddress).toBeUndefined();
    expect(plain.BuyerInfo).toBeUndefined();
    expect(minorOf(plain.OrderTotal)).toBe(2500);
    const full = await sp.getOrder(id, { pii: true });
    expect(full.ShippingAddress).toMatchObject({ Name: expect.any(String), CountryCode: 'GB' });
    expect(full.ShippingAddress?.AddressLine1).toEqual(expect.any(String));
    expect(full.BuyerInfo?.BuyerEmail).toEqual(expect.any(String));
  });

  it('answers an unknown order with a permanent 404', async () => {
    const error = await client()
      .getOrder('999-0000000-0000000', { pii: false })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UpstreamRejectedError);
    expect((error as UpstreamRejectedError).status).toBe(404);
  });

  it('gets the order items with their SKUs and money', async () => {
    const id = await createOrder({
      items: [
        { sellerSku: 'ORDERS-TEST-1', quantity: 3, unitPrice: '19.99', promotionDiscount: '5.00' },
        { sellerSku: 'ORDERS-TEST-2', quantity: 1, unitPrice: '7.10' },
      ],
      shippingPrice: '4.95',
    });
    const items = await client().getOrderItems(id);
    expect(items.map((i) => [i.SellerSKU, i.QuantityOrdered])).toEqual([
      ['ORDERS-TEST-1', 3],
      ['ORDERS-TEST-2', 1],
    ]);
    const [first, second] = items;
    expect([minorOf(first?.ItemPrice), minorOf(first?.ShippingPrice), minorOf(first?.PromotionDiscount)]).toEqual([
      5997, 495, 500,
    ]);
    expect(first?.ItemPrice?.CurrencyCode).toBe('GBP');
    expect(minorOf(second?.ItemPrice)).toBe(710);
  });

  it('parses every ORDER_CHANGE the simulator sends, Pending and buyer-cancel ones included', async () => {
    const pending = await createOrder({
      status: 'Pending',
      items: [{ sellerSku: 'ORDERS-TEST-1', quantity: 1, unitPrice: '9.99' }],
    });
    await amazon.setOrderStatus(pending, { status: 'Unshipped' });
    await amazon.setOrderStatus(pending, { buyerCancelReason: 'Changed my mind' });
    expect(notifications).toHaveLength(3);
    const parsed = notifications.map((n) => orderChangeNotificationSchema.parse(n).Payload.OrderChangeNotification);
    expect(parsed.map((n) => [n.OrderChangeType, n.Summary.OrderStatus])).toEqual([
      ['OrderStatusChange', 'Pending'],
      ['OrderStatusChange', 'Unshipped'],
      ['BuyerRequestedChange', 'Unshipped'],
    ]);
    expect(parsed[2]?.Summary.OrderItems?.[0]).toMatchObject({
      SellerSKU: 'ORDERS-TEST-1',
      IsBuyerRequestedCancel: true,
    });
  });
});

describe('SpApiClient.getOrderItems paging', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('follows NextToken, sending only the token, until Amazon gives none', async () => {
    const item = (id: string) => ({ ASIN: 'B000000001', OrderItemId: id, SellerSKU: `SKU-${id}`, QuantityOrdered: 1 });
    const pages: Record<string, object> = {
      '': { payload: { AmazonOrderId: '202-0000001-0000001', OrderItems: [item('1')], NextToken: 'page-2' } },
      'page-2': { payload: { AmazonOrderId: '202-0000001-0000001', OrderItems: [item('2')] } },
    };
    const requested: string[] = [];
    vi.stubGlobal('fetch', async (input: string) => {
      const url = new URL(input);
      const json = (body: object) =>
        new Response(JSON.stringify(body), { headers: { 'content-type': 'application/json' } });
      if (url.pathname === '/auth/o2/token') return json({ access_token: 'Atza|t', expires_in: 3600 });
      requested.push(`${url.pathname}${url.search}`);
      return json(pages[url.searchParams.get('NextToken') ?? ''] ?? {});
    });
    const sp = new SpApiClient({
      endpoint: 'https://sp.example',
      tokenUrl: 'https://sp.example/auth/o2/token',
      credentials: async () => DEFAULT_LWA_CREDENTIALS,
    });
    const items = await sp.getOrderItems('202-0000001-0000001');
    expect(items.map((i) => i.SellerSKU)).toEqual(['SKU-1', 'SKU-2']);
    expect(requested).toEqual([
      '/orders/v0/orders/202-0000001-0000001/orderItems',
      '/orders/v0/orders/202-0000001-0000001/orderItems?NextToken=page-2',
    ]);
  });
});
