import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_CATALOGUE, demoVariantBySku, LEGACY_AMAZON_SKUS } from '../../../local/simulators/catalogue';
import { DEFAULT_SCAYLE_TOKEN, startScayleSimulator } from '../../../local/simulators/scayle';
import type { CallStats } from '../../../local/simulators/sim-server';
import { ScayleClient } from '../../../shared/adapters/scayle/client';
import { UpstreamError, UpstreamRejectedError, ValidationError } from '../../../shared/runtime/errors';
import { type ScayleExternalOrder, scayleOrderSchema } from '../../../shared/schemas/scayle';
import { recordingClock } from '../../helpers/fake-clock';

let scayle: Awaited<ReturnType<typeof startScayleSimulator>>;

const SHOP = 'ac';
const COUNTRY = 'GB';
const [SKU_A, SKU_B] = DEMO_CATALOGUE.filter((v) => v.orderwise).map((v) => v.sku) as [string, string];

const client = () =>
  new ScayleClient({
    baseUrl: scayle.apiUrl,
    credentials: async () => ({ accessToken: DEFAULT_SCAYLE_TOKEN }),
    timeoutMs: 2_000,
    clock: recordingClock(),
  });

const control = async (method: 'GET' | 'POST', path: string, body?: unknown) =>
  (await fetch(`${scayle.url}${path}`, {
    method,
    ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  }).then((r) => r.json())) as Record<string, unknown>;

const calls = async () => (await control('GET', '/_sim/calls')) as Record<string, CallStats>;

/** A gross price at 20 % VAT, split the way Amazon UK prices are. */
const priced = (withTax: number) => {
  const withoutTax = Math.round(withTax / 1.2);
  return { withTax, withoutTax, tax: { vat: { amount: withTax - withoutTax, rate: 20 } } };
};

const address = {
  firstName: 'Ada',
  lastName: 'Lovelace',
  street: 'Marylebone Road',
  houseNumber: '12',
  zipCode: 'NW1 5LR',
  city: 'London',
  countryCode: 'GB',
};

/** An Amazon UK order: two units of SKU A, one discounted unit of SKU B, delivery and a promotion. */
const amazonOrder = (publicKey = '202-1234567-1234567'): ScayleExternalOrder => {
  const items = [
    { variant: { referenceKey: SKU_A }, price: priced(1999), merchantReferenceKey: '61234567890123' },
    { variant: { referenceKey: SKU_A }, price: priced(1999), merchantReferenceKey: '61234567890123' },
    {
      variant: { referenceKey: SKU_B },
      price: { ...priced(2499), undiscountedWithTax: 2999 },
      merchantReferenceKey: '61234567890456',
    },
  ];
  const { tax, ...delivery } = priced(399);
  const fee = { category: 'delivery' as const, key: 'amazon_standard', amount: delivery, tax };
  const promotion = { category: 'promotion', key: 'AMZ-PROMO-1', amount: { withTax: 500, withoutTax: 417 } };
  const sum = (key: 'withTax' | 'withoutTax') =>
    items.reduce((total, i) => total + i.price[key], 0) + fee.amount[key] - promotion.amount[key];
  return {
    channelKey: 'marketplace_amazon_uk',
    publicKey,
    currencyCode: 'GBP',
    confirmedAt: '2026-03-02T09:15:00Z',
    customer: { email: 'x7k2@marketplace.amazon.co.uk', firstName: 'Ada', lastName: 'Lovelace' },
    address: { shipping: { ...address, phone: '+44 20 7946 0000' }, billing: address },
    items,
    cost: {
      withTax: sum('withTax'),
      withoutTax: sum('withoutTax'),
      appliedFees: [fee],
      appliedReductions: [promotion],
    },
    customData: { amazonOrderId: publicKey, marketplaceId: 'A1F83G8C2ARO7P', latestShipDate: '2026-03-04T23:59:59Z' },
  };
};

/** The error a promise rejects with. */
const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => expect.unreachable('expected a rejection'),
    (error: unknown) => error,
  );

beforeAll(async () => {
  scayle = await startScayleSimulator();
});

afterAll(async () => {
  await scayle?.stop();
});

beforeEach(async () => {
  await control('POST', '/_sim/reset', {});
});

describe('ScayleClient.createExternalOrder against the SCAYLE simulator', () => {
  it('stores the marketplace prices as given, one item per unit, and getOrder reads the same order back', async () => {
    // A webhook target, so a delivery would be recorded if the simulator sent one.
    scayle.setWebhook({ url: `${scayle.url}/webhooks/scayle`, username: 'u', password: 'p' });
    const order = amazonOrder();

    const created = await client().createExternalOrder(SHOP, COUNTRY, order);

    expect(created).toMatchObject({
      id: 10_001,
      publicKey: order.publicKey,
      referenceKey: null,
      status: 'payment_reserved',
      detailedStatus: { order: { code: 'order_confirmed' } },
      currencyCode: 'GBP',
      confirmedAt: order.confirmedAt,
      cost: { ...order.cost, tax: order.cost.withTax - order.cost.withoutTax },
      address: order.address,
      customer: { email: order.customer.email },
      channel: { key: 'marketplace_amazon_uk' },
      shopKey: SHOP,
      shopCountry: { countryCode: COUNTRY },
      customData: order.customData,
      packages: [],
    });
    expect(created.items).toEqual(
      order.items.map((item) => ({
        id: expect.any(Number),
        key: expect.any(String),
        status: 'available',
        variant: {
          id: demoVariantBySku.get(item.variant.referenceKey)?.scayleVariantId,
          referenceKey: item.variant.referenceKey,
        },
        price: item.price,
        packageId: null,
        merchantReferenceKey: item.merchantReferenceKey,
      })),
    );
    expect(new Set(created.items.map((i) => i.id)).size).toBe(3);
    expect(await client().getOrder(SHOP, COUNTRY, String(created.id))).toEqual(created);
    expect(scayleOrderSchema.parse(scayle.orderByPublicKey(order.publicKey))).toEqual(created);
    expect((await control('GET', '/_sim/state')).deliveries).toEqual([]);
  });

  it('refuses a second order with the same public key in the shop with 409 and stores nothing more', async () => {
    await client().createExternalOrder(SHOP, COUNTRY, amazonOrder());

    const error = await failure(client().createExternalOrder(SHOP, COUNTRY, amazonOrder()));

    expect(error).toBeInstanceOf(UpstreamRejectedError);
    expect(error).toMatchObject({ status: 409, body: { errors: [{ code: 'ORDER_ALREADY_EXISTS' }] } });
    expect(scayle.orders()).toHaveLength(1);
    expect((await calls()).createOrder?.calls).toBe(2);
  });

  it('refuses an incomplete order before sending it, naming the field', async () => {
    const { publicKey: _, ...withoutKey } = amazonOrder();

    const error = await failure(client().createExternalOrder(SHOP, COUNTRY, withoutKey as ScayleExternalOrder));

    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues.map((i) => i.field)).toEqual(['publicKey']);
    expect((await calls()).createOrder).toBeUndefined();
  });

  it('answers 400 VALIDATION_ERROR naming the field to a body the client did not check', async () => {
    const order = amazonOrder();
    const { city: _, ...noCity } = order.address.shipping;

    const response = await fetch(`${scayle.apiUrl}/shops/${SHOP}/countries/${COUNTRY}/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-access-token': DEFAULT_SCAYLE_TOKEN },
      body: JSON.stringify({ ...order, address: { ...order.address, shipping: noCity }, items: [] }),
    });

    expect(response.status).toBe(400);
    const body = (await response.json()) as { errors: { code: string; message: string }[] };
    expect(body.errors[0]?.code).toBe('VALIDATION_ERROR');
    expect(body.errors[0]?.message).toMatch(/address\.shipping\.city: .*items: /);
    expect(scayle.orders()).toEqual([]);
  });

  it('refuses an item whose SKU SCAYLE does not know with 400 VARIANT_NOT_FOUND naming it', async () => {
    const order = amazonOrder();
    const legacy = { ...order.items[0], variant: { referenceKey: LEGACY_AMAZON_SKUS[0] } };
    const items = [order.items[0], legacy] as ScayleExternalOrder['items'];

    const error = await failure(client().createExternalOrder(SHOP, COUNTRY, { ...order, items }));

    expect(error).toMatchObject({ status: 400, body: { errors: [{ code: 'VARIANT_NOT_FOUND' }] } });
    expect((error as UpstreamRejectedError).message).toContain(`items.1.variant.referenceKey`);
    expect((error as UpstreamRejectedError).message).toContain(LEGACY_AMAZON_SKUS[0]);
    expect(scayle.orders()).toEqual([]);
  });

  it('refuses a cost that is not the items plus the fees minus the reductions', async () => {
    const order = amazonOrder();

    const error = await failure(
      client().createExternalOrder(SHOP, COUNTRY, {
        ...order,
        cost: { ...order.cost, withTax: order.cost.withTax + 1 },
      }),
    );

    expect(error).toMatchObject({ status: 400, body: { errors: [{ code: 'VALIDATION_ERROR' }] } });
    expect((error as UpstreamRejectedError).message).toContain(`cost.withTax`);
    expect(scayle.orders()).toEqual([]);
  });

  it('never repeats a create whose answer was lost, and the order is then found by its public key', async () => {
    const order = amazonOrder();
    await control('POST', '/_sim/faults', { createOrder: { timeoutAfterCommitRate: 1 } });

    const error = await failure(client().createExternalOrder(SHOP, COUNTRY, order));

    expect(error).toBeInstanceOf(UpstreamError);
    expect((await calls()).createOrder).toMatchObject({ calls: 1, droppedAfterCommit: 1 });
    expect((await client().findOrderByPublicKey(SHOP, COUNTRY, order.publicKey))?.id).toBe(10_001);
  });

  it('does not repeat a create answered with a 5xx either', async () => {
    await control('POST', '/_sim/faults', { createOrder: { errorRate: 1, status: 503 } });

    const error = await failure(client().createExternalOrder(SHOP, COUNTRY, amazonOrder()));

    expect(error).toMatchObject({ status: 503 });
    expect((await calls()).createOrder).toMatchObject({ calls: 1, injectedErrors: 1 });
    expect(scayle.orders()).toEqual([]);
  });
});

describe('ScayleClient.findOrderByPublicKey against the SCAYLE simulator', () => {
  it("finds the order with the public key among the shop's orders, and nothing in another shop", async () => {
    await scayle.createOrders({ random: 3, deliver: false });
    const created = await client().createExternalOrder(SHOP, COUNTRY, amazonOrder('202-0000000-0000001'));
    await client().createExternalOrder(SHOP, COUNTRY, amazonOrder('202-0000000-0000002'));

    expect(await client().findOrderByPublicKey(SHOP, COUNTRY, '202-0000000-0000001')).toEqual(created);
    expect(await client().findOrderByPublicKey(SHOP, COUNTRY, '202-9999999-9999999')).toBeUndefined();
    expect(await client().findOrderByPublicKey('bb', COUNTRY, '202-0000000-0000001')).toBeUndefined();
    expect(scayle.orderByPublicKey('202-9999999-9999999')).toBeUndefined();
    const listed = await fetch(
      `${scayle.apiUrl}/shops/${SHOP}/countries/${COUNTRY}/orders?${new URLSearchParams({ 'filters[publicKey]': '202-0000000-0000002' })}`,
      { headers: { 'x-access-token': DEFAULT_SCAYLE_TOKEN } },
    ).then((r) => r.json() as Promise<{ entities: { publicKey: string }[] }>);
    expect(listed.entities.map((o) => o.publicKey)).toEqual(['202-0000000-0000002']);
  });
});

describe('ScayleClient.cancelOrderItems against the SCAYLE simulator', () => {
  it('cancels the items named and leaves the others, and a repeat counts as done', async () => {
    const created = await client().createExternalOrder(SHOP, COUNTRY, amazonOrder());
    const [first, second] = created.items.map((i) => i.id) as [number, number];

    await client().cancelOrderItems(SHOP, COUNTRY, created.id, [first, second]);
    await client().cancelOrderItems(SHOP, COUNTRY, created.id, [first]);

    const stored = await client().getOrder(SHOP, COUNTRY, String(created.id));
    expect(stored.items.map((i) => i.status)).toEqual(['cancelled', 'cancelled', 'available']);
    expect((await calls()).createCancellation?.calls).toBe(2);
  });

  it('surfaces a 409 for an item already shipped as UpstreamRejectedError', async () => {
    const created = await client().createExternalOrder(SHOP, COUNTRY, amazonOrder());
    const shipped = created.items[2]?.id as number;
    const shipment = await fetch(`${scayle.apiUrl}/fulfillment/shipments`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-access-token': DEFAULT_SCAYLE_TOKEN },
      body: JSON.stringify({
        shopKey: SHOP,
        countryCode: COUNTRY,
        orderId: created.id,
        carrier: 'ROYAL_MAIL',
        deliveryDate: '2026-03-03T10:00:00Z',
        shipmentKey: 'RM123456785GB',
        items: [{ orderItemId: shipped }],
      }),
    });
    expect(shipment.status).toBe(201);

    const error = await failure(
      client().cancelOrderItems(SHOP, COUNTRY, created.id, [created.items[0]?.id as number, shipped]),
    );

    expect(error).toBeInstanceOf(UpstreamRejectedError);
    expect(error).toMatchObject({ status: 409, body: { errors: [{ code: 'ITEM_ALREADY_FULFILLED' }] } });
    const stored = await client().getOrder(SHOP, COUNTRY, String(created.id));
    expect(stored.items.map((i) => i.status)).toEqual(['available', 'available', 'delivered']);
  });
});
