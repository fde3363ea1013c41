import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_CATALOGUE, type DemoVariant } from '../../../local/simulators/catalogue';
import type { ScayleOrder } from '../../../local/simulators/scayle';
import type { CallStats } from '../../../local/simulators/sim-server';
import {
  type ScayleHarness,
  scayleFixture,
  startScayleHarness,
  WEBHOOK_AUTHORIZATION,
  WEBHOOK_USER,
} from '../../helpers/scayle-simulator';
import { startScriptedServer } from '../../helpers/scripted-server';

const [VARIANT_A, VARIANT_B] = DEMO_CATALOGUE.filter((v) => v.orderwise) as [DemoVariant, DemoVariant];
const sum = (values: readonly number[]) => values.reduce((total, v) => total + v, 0);

let harness: ScayleHarness;

const oneOrder = async (overrides: Record<string, unknown> = {}) => {
  const [order] = await harness.scayle.createOrders({
    orders: [{ items: [{ sku: VARIANT_A.sku, quantity: 1 }], ...overrides }],
    deliver: false,
  });
  return order as ScayleOrder;
};

const referenceKeyOf = (orderId: number) => harness.scayle.orders().find((o) => o.id === orderId)?.referenceKey;

const setReference = (orderId: number | string, body: unknown, token?: string | null) =>
  harness.admin('PUT', `/shops/ac/countries/DE/orders/${orderId}/reference-key`, body, token);

beforeAll(async () => {
  harness = await startScayleHarness();
});

afterAll(async () => harness?.stop());

beforeEach(async () => harness.reset());

describe('SCAYLE simulator: the Admin API refuses what SCAYLE would', () => {
  it("answers 401 in SCAYLE's error shape to every operation without the right X-Access-Token", async () => {
    const order = await oneOrder();
    const calls: [string, string, unknown?][] = [
      ['GET', `/shops/ac/countries/DE/orders/${order.id}`],
      ['GET', '/shops/ac/countries/DE/orders'],
      ['PUT', `/shops/ac/countries/DE/orders/${order.id}/reference-key`, { referenceKey: 'SO1' }],
      [
        'POST',
        `/variants/key%3D${VARIANT_A.sku}/stocks`,
        scayleFixture('admin-api/ProductVariantStockCreateRequest.json'),
      ],
      ['GET', `/variants/key%3D${VARIANT_A.sku}/stocks`],
      ['GET', '/shops'],
    ];
    for (const [method, path, body] of calls) {
      for (const token of [null, 'wrong-token']) {
        const answer = await harness.admin(method, path, body, token);
        expect({ call: `${method} ${path}`, status: answer.status, body: answer.body }).toEqual({
          call: `${method} ${path}`,
          status: 401,
          // The SDK reads errors as {errorKey, message, context} (lib/Exceptions/ApiErrorException.php).
          body: { errors: [{ errorKey: 'UNAUTHORIZED', message: 'Missing or invalid X-Access-Token', context: {} }] },
        });
      }
    }
    expect(referenceKeyOf(order.id)).toBeNull();
    expect(harness.scayle.stockOf(VARIANT_A.sku)).toEqual({});
  });

  it('reads any order through any valid shop country, and answers 404 for an unknown order or shop country', async () => {
    const gb = await oneOrder({ countryCode: 'GB' });

    // "not bound to a specific shop country … without filtering by the shop country" (scayle.dev).
    const read = await harness.admin('GET', `/shops/ac/countries/DE/orders/${gb.id}`);
    expect(read).toMatchObject({ status: 200, body: { id: gb.id, shopCountry: { shopKey: 'ac', countryCode: 'GB' } } });

    for (const [path, message] of [
      ['/shops/ac/countries/DE/orders/424242', 'Order not found'],
      [`/shops/zz/countries/DE/orders/${gb.id}`, 'Shop country not found'],
      [`/shops/ac/countries/FR/orders/${gb.id}`, 'Shop country not found'],
    ] as const) {
      expect(await harness.admin('GET', path)).toMatchObject({
        status: 404,
        body: { errors: [{ errorKey: 'NOT_FOUND', message, context: {} }] },
      });
    }
  });

  it("sets the reference key only through the order's own shop country, answering with the order", async () => {
    const order = await oneOrder();

    expect(
      (await harness.admin('PUT', `/shops/ac/countries/GB/orders/${order.id}/reference-key`, { referenceKey: 'SO1' }))
        .status,
    ).toBe(404);
    expect(referenceKeyOf(order.id)).toBeNull();

    const set = await setReference(order.id, { referenceKey: 'SO1' });
    expect(set).toMatchObject({ status: 200, body: { id: order.id, referenceKey: 'SO1' } });
  });

  it('answers 400 naming the field to a malformed reference-key body and keeps the stored key', async () => {
    const order = await oneOrder();
    expect((await setReference(order.id, { referenceKey: 'SO000001' })).status).toBe(200);
    for (const body of [
      'not json',
      {},
      { referenceKey: '' },
      { referenceKey: 42 },
      { referenceKey: 'x'.repeat(256) },
    ]) {
      const answer = await setReference(order.id, body);
      expect(answer.status).toBe(400);
      expect(answer.body).toEqual({
        errors: [{ errorKey: 'VALIDATION_ERROR', message: expect.stringMatching(/referenceKey|^: /), context: {} }],
      });
    }
    expect(referenceKeyOf(order.id)).toBe('SO000001');
  });

  it('finds an order by its URL-encoded reference key as well as by its id', async () => {
    const order = await oneOrder();
    await setReference(order.id, { referenceKey: 'SO 42/1' });

    const read = await harness.admin('GET', `/shops/ac/countries/DE/orders/${encodeURIComponent('key=SO 42/1')}`);

    expect(read.body.id).toBe(order.id);
  });

  it('answers 429 once setOrderReference is over its per-minute ordersWrite limit, changing nothing', async () => {
    const order = await oneOrder();
    let accepted = 0;
    let throttled: Awaited<ReturnType<typeof setReference>> | undefined;
    while (!throttled && accepted < 1_000) {
      const answer = await setReference(order.id, { referenceKey: `SO${accepted}` });
      if (answer.status === 429) throttled = answer;
      else {
        expect(answer.status).toBe(200);
        accepted++;
      }
    }

    // The whole minute's budget at once, plus what refilled while the loop ran.
    expect(accepted).toBeGreaterThanOrEqual(300);
    expect(throttled?.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(throttled?.headers.get('x-ratelimit-limit')).toBe('300');
    expect(throttled?.body).toEqual({
      errors: [{ errorKey: 'TOO_MANY_REQUESTS', message: 'Rate limit exceeded', context: {} }],
    });
    expect(referenceKeyOf(order.id)).toBe(`SO${accepted - 1}`);
    const calls = (await harness.control('GET', '/_sim/calls')).body as unknown as Record<string, CallStats>;
    expect(calls.setOrderReference).toMatchObject({ calls: accepted + 1, throttled: 1 });
    // Reads have their own scope and are not throttled by writes.
    expect((await harness.admin('GET', `/shops/ac/countries/DE/orders/${order.id}`)).status).toBe(200);
  });

  it("pages one shop country's orders with a cursor and refuses a limit out of range", async () => {
    for (const countryCode of ['DE', 'DE', 'GB', 'DE']) await oneOrder({ countryCode });

    const first = await harness.admin('GET', '/shops/ac/countries/DE/orders?limit=2');
    expect((first.body.entities as ScayleOrder[]).map((o) => o.id)).toEqual([10_001, 10_002]);
    expect(first.body.cursor).toEqual({ next: '2' });
    const second = await harness.admin('GET', '/shops/ac/countries/DE/orders?limit=2&cursor=2');
    expect((second.body.entities as ScayleOrder[]).map((o) => o.id)).toEqual([10_004]);
    expect(second.body.cursor).toEqual({ next: null });
    expect(await harness.admin('GET', '/shops/ac/countries/DE/orders?limit=0')).toMatchObject({
      status: 400,
      body: { errors: [{ errorKey: 'VALIDATION_ERROR', message: expect.stringContaining('limit') }] },
    });
  });

  it('lists its shops and their shop countries with the ids webhooks name in locale.appId', async () => {
    const shops = await harness.admin('GET', '/shops');
    const countries = await harness.admin('GET', '/shops/ac/countries');

    expect(shops.body.entities).toEqual([
      expect.objectContaining({
        id: 1,
        key: 'ac',
        countries: [expect.objectContaining({ countryCode: 'DE' }), expect.objectContaining({ countryCode: 'GB' })],
      }),
    ]);
    expect(
      (countries.body.entities as { id: number; countryCode: string }[]).map((c) => [c.id, c.countryCode]),
    ).toEqual([
      [1, 'DE'],
      [2, 'GB'],
    ]);
    expect((await harness.admin('GET', '/shops/zz/countries')).status).toBe(404);
  });
});

describe('SCAYLE simulator: shop orders', () => {
  /** SCAYLE's arithmetic (facts.ts MONEY): items as paid plus fees, VAT inside each price, reductions consistent. */
  const expectMoneyAddsUp = (order: ScayleOrder) => {
    const paid = (i: ScayleOrder['items'][number]) =>
      i.price.absoluteVoucherReducedPrice ?? { withTax: i.price.withTax, withOutTax: i.price.withoutTax ?? 0 };
    const fees = order.cost.appliedFees.map((f) => f.amount ?? { withTax: 0, withoutTax: 0 });
    expect(order.cost.withTax).toBe(sum(order.items.map((i) => paid(i).withTax)) + sum(fees.map((f) => f.withTax)));
    expect(order.cost.withoutTax).toBe(
      sum(order.items.map((i) => paid(i).withOutTax)) + sum(fees.map((f) => f.withoutTax ?? 0)),
    );
    expect(order.cost.tax.vat.amount).toBe(order.cost.withTax - order.cost.withoutTax);
    const vouchers = sum(order.cost.appliedReductions.map((r) => r.amount.absoluteWithTax));
    expect(sum(order.items.map((i) => i.price.withTax - paid(i).withTax))).toBe(vouchers);
    for (const { price } of order.items) {
      expect(price.withTax).toBe((price.withoutTax ?? 0) + price.tax.vat.amount);
      expect(price.tax.vat.rate).toBeLessThan(1);
      expect((price.undiscountedWithTax ?? 0) - price.withTax).toBe(
        sum((price.appliedReductions ?? []).map((r) => r.amount.absoluteWithTax)),
      );
    }
  };

  it('makes one item per unit priced from the shop country’s current price, sales and vouchers as SCAYLE shows them', async () => {
    const [de, gb] = await harness.scayle.createOrders({
      orders: [
        {
          items: [
            { sku: VARIANT_A.sku, quantity: 3, discountMinor: 300 },
            { sku: VARIANT_B.sku, quantity: 1 },
          ],
          shippingMinor: 495,
          vouchers: [{ key: 'WELCOME5', amountMinor: 500 }],
        },
        { items: [{ sku: VARIANT_B.sku, quantity: 2 }], countryCode: 'GB', shippingMinor: 0 },
      ],
      deliver: false,
    });
    if (!de || !gb) throw new Error('two orders expected');

    const gbp = Math.round(VARIANT_B.priceMinor * 0.86);
    expect(de.items.map((i) => [i.variant.referenceKey, i.price.undiscountedWithTax, i.price.withTax])).toEqual([
      [VARIANT_A.sku, VARIANT_A.priceMinor, VARIANT_A.priceMinor - 300],
      [VARIANT_A.sku, VARIANT_A.priceMinor, VARIANT_A.priceMinor - 300],
      [VARIANT_A.sku, VARIANT_A.priceMinor, VARIANT_A.priceMinor - 300],
      [VARIANT_B.sku, VARIANT_B.priceMinor, VARIANT_B.priceMinor],
    ]);
    expect(de.items[0]?.price.appliedReductions).toEqual([
      { amount: { absoluteWithTax: 300, relative: expect.any(Number) }, category: 'sale', type: 'absolute' },
    ]);
    expect(de.cost.withTax).toBe(3 * (VARIANT_A.priceMinor - 300) + VARIANT_B.priceMinor - 500 + 495);
    expect(de.cost.appliedReductions).toEqual([
      {
        amount: { absoluteWithTax: 500, relative: expect.any(Number) },
        category: 'voucher',
        type: 'absolute',
        code: 'WELCOME5',
      },
    ]);
    expect(de.cost.appliedFees).toEqual([
      {
        amount: { withTax: 495, withoutTax: 416 },
        category: 'delivery',
        key: 'least_packages',
        option: 'deliveryCosts',
        tax: { vat: { amount: 79, rate: 0.19 } },
      },
    ]);
    expect(de).toMatchObject({
      currencyCode: 'EUR',
      status: 'payment_reserved',
      referenceKey: null,
      shopCountry: { id: 1, shopKey: 'ac', countryCode: 'DE' },
    });
    expect(gb).toMatchObject({
      currencyCode: 'GBP',
      cost: { appliedFees: [], withTax: 2 * gbp },
      shopCountry: { id: 2, countryCode: 'GB' },
    });
    expect(gb.items[0]?.price.tax.vat.rate).toBe(0.2);
    for (const order of [de, gb]) expectMoneyAddsUp(order);
  });

  it('spreads a voucher over the units in proportion, the remainder on the last, so the parts sum exactly', async () => {
    const order = await oneOrder({
      items: [
        { sku: VARIANT_A.sku, quantity: 2 },
        { sku: VARIANT_B.sku, quantity: 1 },
      ],
      vouchers: [{ key: 'ODD', amountMinor: 1001 }],
    });

    const shares = order.items.map(
      (i) => i.price.withTax - (i.price.absoluteVoucherReducedPrice?.withTax ?? i.price.withTax),
    );
    expect(sum(shares)).toBe(1001);
    expect(shares[0]).toBe(shares[1]);
    expect(order.vouchers).toEqual([
      expect.objectContaining({
        code: 'ODD',
        type: 'absolute',
        value: 1001,
        applicableItems: order.items.map((i) => ({ key: i.key, isApplied: true })),
      }),
    ]);
    expectMoneyAddsUp(order);
  });

  it('writes addresses the way SCAYLE does: recipient names, alpha-3 country, a collection point when asked', async () => {
    const order = await oneOrder({ countryCode: 'GB', collectionPoint: true });
    const given = { customerKey: '6012345678', description: 'Packstation 105', key: '105', type: 'dhl_packstation' };
    const packstation = await oneOrder({ collectionPoint: given });

    const { billing, shipping } = order.address;
    expect(billing).toMatchObject({
      countryCode: 'GBR',
      recipient: {
        firstName: expect.any(String),
        lastName: expect.any(String),
        gender: expect.stringMatching(/^[mf]$/),
        type: 'personal',
      },
    });
    expect(billing).not.toHaveProperty('firstName');
    expect(billing.collectionPoint).toBeUndefined();
    expect(shipping).toMatchObject({
      countryCode: 'GBR',
      collectionPoint: { type: 'hermes_parcelshop', key: expect.any(String) },
    });
    expect(packstation.address.shipping).toMatchObject({ countryCode: 'DEU', collectionPoint: given });
  });

  it('makes random orders whose money adds up, one in five in GB, some with a voucher or a parcel shop', async () => {
    const orders = await harness.scayle.createOrders({ random: 60, deliver: false });

    expect(orders).toHaveLength(60);
    for (const order of orders) expectMoneyAddsUp(order);
    expect(orders.filter((o) => o.shopCountry.countryCode === 'GB')).toHaveLength(12);
    expect(orders.some((o) => o.vouchers.length > 0)).toBe(true);
    expect(orders.some((o) => o.address.shipping.collectionPoint)).toBe(true);
  });

  it('refuses an order request it cannot build with 400, naming the field', async () => {
    for (const body of [
      { orders: [{ items: [] }] },
      { orders: [{ items: [{ sku: VARIANT_A.sku, quantity: 0 }] }] },
      { orders: [{ items: [{ sku: 'NOPE', quantity: 1 }] }] },
      { orders: [{ items: [{ sku: VARIANT_A.sku, quantity: 1 }], shopKey: 'zz' }] },
      { orders: [{ items: [{ sku: VARIANT_A.sku, quantity: 1 }], countryCode: 'FR' }] },
      { random: -1 },
      { duplicates: 11 },
    ]) {
      const answer = await harness.control('POST', '/_sim/orders', body);
      expect({ body, status: answer.status }).toEqual({ body, status: 400 });
      expect(answer.body).toMatchObject({
        error: 'invalid body',
        issues: [expect.objectContaining({ path: expect.any(Array) })],
      });
    }
    const tooMuch = await harness.control('POST', '/_sim/orders', {
      orders: [{ items: [{ sku: VARIANT_A.sku, quantity: 1 }], vouchers: [{ key: 'X', amountMinor: 1_000_000 }] }],
    });
    expect(tooMuch).toMatchObject({ status: 400, body: { error: expect.stringContaining('exceed') } });
    expect(harness.scayle.orders()).toEqual([]);
  });
});

describe('SCAYLE simulator: order webhooks', () => {
  it('delivers order-confirmed as often as asked, the same bytes and key each time, with Basic credentials', async () => {
    const [order] = await harness.scayle.createOrders({
      orders: [{ items: [{ sku: VARIANT_A.sku, quantity: 2 }], countryCode: 'GB' }],
      duplicates: 3,
    });

    const delivered = harness.webhooks();
    expect(delivered).toHaveLength(3);
    expect(new Set(delivered.map((d) => d.raw)).size).toBe(1);
    expect(delivered.map((d) => d.authorization)).toEqual([
      WEBHOOK_AUTHORIZATION,
      WEBHOOK_AUTHORIZATION,
      WEBHOOK_AUTHORIZATION,
    ]);
    expect(delivered[0]?.body).toEqual({
      key: expect.any(String),
      locale: { appId: 2, countryCode: 'GB', currencyCode: 'GBP', languageCode: 'en' },
      occurredAt: order?.confirmedAt,
      type: 'order-confirmed',
      payload: JSON.parse(JSON.stringify(order)),
    });
    expect((await harness.control('GET', '/_sim/state')).body.deliveries).toEqual(
      [1, 2, 3].map(() => ({ event: 'order-confirmed', orderId: order?.id, status: 202 })),
    );
  });

  it('gives two events two keys', async () => {
    await harness.scayle.createOrders({
      orders: [{ items: [{ sku: VARIANT_A.sku, quantity: 1 }] }, { items: [{ sku: VARIANT_B.sku, quantity: 1 }] }],
    });

    expect(new Set(harness.webhooks().map((d) => d.body.key)).size).toBe(2);
  });

  it('retries a delivery the receiver refused, with the same bytes, and records the last status', async () => {
    const flaky = await startScriptedServer([{ status: 503 }, { status: 500 }, { status: 202 }]);
    try {
      harness.scayle.setWebhook({ url: flaky.url, ...WEBHOOK_USER });
      await harness.scayle.createOrders({ orders: [{ items: [{ sku: VARIANT_A.sku, quantity: 1 }] }] });

      expect(flaky.seen).toHaveLength(3);
      expect(new Set(flaky.seen.map((r) => r.body)).size).toBe(1);
      expect((await harness.control('GET', '/_sim/state')).body.deliveries).toMatchObject([{ status: 202 }]);
    } finally {
      harness.scayle.setWebhook({ url: `${harness.receiver.url}/webhooks/scayle`, ...WEBHOOK_USER });
      await flaky.close();
    }
  });

  it('cancels an order and delivers the cancel event with meta, in either spelling SCAYLE documents', async () => {
    const [first, second] = await harness.scayle.createOrders({
      orders: [{ items: [{ sku: VARIANT_A.sku, quantity: 2 }] }, { items: [{ sku: VARIANT_B.sku, quantity: 1 }] }],
      deliver: false,
    });

    expect((await harness.control('POST', `/_sim/orders/${first?.id}/cancel`)).status).toBe(200);
    expect((await harness.control('POST', `/_sim/orders/${second?.id}/cancel?spelling=order-canceled`)).status).toBe(
      200,
    );

    const delivered = harness.webhooks().map((d) => d.body);
    expect(delivered.map((w) => [w.type, w.payload.id, Object.keys(w).sort()])).toEqual([
      ['order-cancelled', first?.id, ['key', 'meta', 'occurredAt', 'payload', 'type']],
      ['order-canceled', second?.id, ['key', 'meta', 'occurredAt', 'payload', 'type']],
    ]);
    expect(delivered[0]?.meta).toEqual({ tenantKey: 'acme', xRequestId: expect.any(String) });
    for (const order of harness.scayle.orders()) {
      expect(order).toMatchObject({ status: 'cancellation_completed', cost: { withTax: 495 } });
      expect(order.items.every((i) => i.status === 'cancelled' && i.cancelledAt)).toBe(true);
    }
    expect(await harness.control('POST', '/_sim/orders/424242/cancel')).toEqual(
      expect.objectContaining({ status: 404, body: { error: 'no such order' } }),
    );
  });

  it('sends webhooks where POST /_sim/webhooks points them and refuses an incomplete target', async () => {
    expect((await harness.control('POST', '/_sim/webhooks', { url: harness.receiver.url })).status).toBe(400);
    const other = await startScriptedServer([{ status: 200 }]);
    try {
      const set = await harness.control('POST', '/_sim/webhooks', { url: other.url, username: 'u', password: 'p' });
      expect(set).toMatchObject({ status: 200, body: { webhook: other.url } });
      await harness.scayle.createOrders({ orders: [{ items: [{ sku: VARIANT_A.sku, quantity: 1 }] }] });
      expect(other.seen).toHaveLength(1);
      expect(harness.receiver.seen).toHaveLength(0);
    } finally {
      harness.scayle.setWebhook({ url: `${harness.receiver.url}/webhooks/scayle`, ...WEBHOOK_USER });
      await other.close();
    }
  });
});

describe('SCAYLE simulator: items taken out of an order after confirmation', () => {
  it('marks the items, lowers the cost by what they cost and delivers order-item-out-of-stock with the order', async () => {
    const order = await oneOrder({
      items: [
        { sku: VARIANT_A.sku, quantity: 2 },
        { sku: VARIANT_B.sku, quantity: 1 },
      ],
      vouchers: [{ key: 'V', amountMinor: 300 }],
    });
    const [gone, kept] = order.items;
    const goneCost = gone?.price.absoluteVoucherReducedPrice?.withTax as number;
    const costBefore = order.cost.withTax;

    const answer = await harness.control('POST', `/_sim/orders/${order.id}/items/cancel`, { orderItemIds: [gone?.id] });

    expect(answer.status).toBe(200);
    const stored = harness.scayle.orders()[0] as ScayleOrder;
    expect(stored.items.map((i) => i.status)).toEqual(['unavailable', 'available', 'available']);
    expect(stored.items[0]?.cancelledAt).toEqual(expect.any(String));
    expect(stored.cost.withTax).toBe(costBefore - goneCost);
    expect(stored.cost.tax.vat.amount).toBe(stored.cost.withTax - stored.cost.withoutTax);
    expect(stored.status).toBe('payment_reserved');
    expect(stored.vouchers[0]?.applicableItems.map((a) => a.isApplied)).toEqual([false, true, true]);
    expect(kept?.status).toBe('available');
    const [event] = harness.webhooks().map((d) => d.body);
    expect(event).toEqual({
      key: expect.any(String),
      meta: { tenantKey: 'acme', xRequestId: expect.any(String) },
      occurredAt: stored.updatedAt,
      type: 'order-item-out-of-stock',
      version: 1,
      payload: { order: JSON.parse(JSON.stringify(stored)) },
    });
  });

  it('announces canceled and unshippable items with their own event and status', async () => {
    const order = await oneOrder({ items: [{ sku: VARIANT_A.sku, quantity: 3 }] });
    const [one, two] = order.items.map((i) => i.id);

    await harness.scayle.cancelItems(order.id, [one as number], 'order-item-canceled');
    await harness.control('POST', `/_sim/orders/${order.id}/items/cancel`, {
      orderItemIds: [two],
      event: 'order-item-unshippable',
    });

    expect(harness.scayle.orders()[0]?.items.map((i) => i.status)).toEqual(['cancelled', 'undeliverable', 'available']);
    expect(harness.webhooks().map((d) => d.body.type)).toEqual(['order-item-canceled', 'order-item-unshippable']);
  });

  it('cancels the order when no item is left, and follows the item event with order-cancelled', async () => {
    const order = await oneOrder({ items: [{ sku: VARIANT_A.sku, quantity: 2 }], shippingMinor: 0 });

    await harness.scayle.cancelItems(
      order.id,
      order.items.map((i) => i.id),
    );

    expect(harness.scayle.orders()[0]).toMatchObject({
      status: 'cancellation_completed',
      cost: { withTax: 0, withoutTax: 0 },
    });
    expect(harness.webhooks().map((d) => d.body.type)).toEqual(['order-item-out-of-stock', 'order-cancelled']);
  });

  it('refuses unknown, shipped or already cancelled items and an unknown order, changing nothing', async () => {
    const order = await oneOrder({ items: [{ sku: VARIANT_A.sku, quantity: 2 }] });
    const [shipped, cancelled] = order.items.map((i) => i.id);
    await harness.admin('POST', '/fulfillment/shipments', {
      shopKey: 'ac',
      countryCode: 'DE',
      orderId: order.id,
      carrier: 'DHL',
      deliveryDate: '2026-12-07T10:00:00+00:00',
      shipmentKey: 'JJD1',
      items: [{ orderItemId: shipped }],
    });
    await harness.scayle.cancelItems(order.id, [cancelled as number]);
    harness.receiver.seen.length = 0;
    const before = JSON.stringify(harness.scayle.orders());

    const cases: [unknown, number][] = [
      [{ orderItemIds: [424242] }, 400],
      [{ orderItemIds: [shipped] }, 409],
      [{ orderItemIds: [cancelled] }, 409],
      [{ orderItemIds: [] }, 400],
      [{ orderItemIds: [shipped], event: 'order-item-returned' }, 400],
    ];
    for (const [body, status] of cases)
      expect({
        body,
        status: (await harness.control('POST', `/_sim/orders/${order.id}/items/cancel`, body)).status,
      }).toEqual({ body, status });
    expect((await harness.control('POST', '/_sim/orders/424242/items/cancel', { orderItemIds: [1] })).status).toBe(404);
    expect(JSON.stringify(harness.scayle.orders())).toBe(before);
    expect(harness.receiver.seen).toHaveLength(0);
  });
});

describe('SCAYLE simulator: fulfilment', () => {
  const shipment = (orderId: number, itemIds: readonly number[], shipmentKey: string) => ({
    shopKey: 'ac',
    countryCode: 'de',
    orderId,
    carrier: 'DHL',
    deliveryDate: '2026-12-07T10:00:00+00:00',
    shipmentKey,
    items: itemIds.map((orderItemId) => ({ orderItemId, returnKey: `R${orderItemId}` })),
  });

  it('ships one package per call, invoices the order when every item is shipped or out, and refuses a repeat', async () => {
    const order = await oneOrder({ items: [{ sku: VARIANT_A.sku, quantity: 3 }] });
    const [a, b, c] = order.items.map((i) => i.id) as [number, number, number];

    expect((await harness.admin('POST', '/fulfillment/shipments', shipment(order.id, [a], 'P1'))).status).toBe(201);
    expect(await harness.admin('POST', '/fulfillment/shipments', shipment(order.id, [a], 'P2'))).toMatchObject({
      status: 409,
      body: { errors: [{ errorKey: 'ITEM_ALREADY_FULFILLED' }] },
    });
    const cancel = await harness.admin('POST', '/fulfillment/cancellations', {
      shopKey: 'ac',
      countryCode: 'DE',
      orderId: order.id,
      items: [{ orderItemId: c }],
    });
    expect(cancel.status).toBe(201);
    expect((await harness.admin('POST', '/fulfillment/shipments', shipment(order.id, [b], 'P3'))).status).toBe(201);

    const stored = harness.scayle.orders()[0] as ScayleOrder;
    expect(stored.packages.map((p) => [p.shipmentKey, p.carrierKey, p.deliveryStatus, p.tracking.id])).toEqual([
      ['P1', 'DHL', 'shipment_completed', 'P1'],
      ['P3', 'DHL', 'shipment_completed', 'P3'],
    ]);
    expect(stored.items.map((i) => [i.status, i.packageId])).toEqual([
      ['delivered', stored.packages[0]?.id],
      ['delivered', stored.packages[1]?.id],
      ['undeliverable', null],
    ]);
    expect(stored).toMatchObject({ status: 'invoice_completed', invoicedAt: expect.any(String) });
    expect(harness.receiver.seen).toHaveLength(0);
  });

  it('refuses a malformed shipment naming the fields, an order of another shop country, and a caller without the token', async () => {
    const order = await oneOrder();
    const bad = await harness.admin('POST', '/fulfillment/shipments', {
      shopKey: 'ac',
      countryCode: 'DEU',
      orderId: 1,
      carrier: 'DHL',
      shipmentKey: 'X',
      items: [],
    });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toMatch(/countryCode.*deliveryDate.*items/);
    const elsewhere = { ...shipment(order.id, [order.items[0]?.id as number], 'P1'), countryCode: 'gb' };
    expect((await harness.admin('POST', '/fulfillment/shipments', elsewhere)).status).toBe(404);
    expect((await harness.admin('POST', '/fulfillment/shipments', {}, 'wrong')).status).toBe(401);
    const longShop = await harness.admin('POST', '/fulfillment/cancellations', {
      shopKey: 'acx',
      countryCode: 'DE',
      orderId: order.id,
      items: [{ orderItemId: 1 }],
    });
    expect(longShop.body).toMatchObject({ errors: [{ message: expect.stringContaining('shopKey') }] });
  });
});

describe('SCAYLE simulator: control surface', () => {
  it('shows its state and forgets everything on reset', async () => {
    const order = await oneOrder();
    await setReference(order.id, { referenceKey: 'SO1' });

    const state = (await harness.control('GET', '/_sim/state')).body;
    expect(state).toMatchObject({ orders: [{ id: 10_001, referenceKey: 'SO1' }], stocks: {}, deliveries: [] });

    expect(await harness.control('POST', '/_sim/reset', {})).toMatchObject({ status: 200, body: { reset: true } });
    expect((await harness.control('GET', '/_sim/state')).body).toEqual({
      orders: [],
      stocks: {},
      deliveries: [],
      stockWrites: 0,
      // The harness's webhook subscriptions are its wiring, not state of the run: reset keeps them.
      subscriptions: expect.arrayContaining([expect.objectContaining({ event: 'order-confirmed', origin: 'control' })]),
    });
    expect((await harness.control('GET', '/_sim/calls')).body).toEqual({});
    expect((await oneOrder()).id).toBe(10_001);
    expect(harness.scayle.orders()[0]?.items[0]?.id).toBe(67_000_001);
  });

  it("answers an injected error in SCAYLE's error shape without doing the work, and counts it", async () => {
    const order = await oneOrder();
    const set = await harness.control('POST', '/_sim/faults', { setOrderReference: { errorRate: 1, status: 503 } });
    expect(set.body).toEqual({
      setOrderReference: { errorRate: 1, status: 503, latencyMs: 0, timeoutAfterCommitRate: 0 },
    });

    const answer = await setReference(order.id, { referenceKey: 'SO1' });

    expect(answer).toMatchObject({
      status: 503,
      body: { errors: [{ errorKey: 'INTERNAL_ERROR', message: 'Injected fault', context: {} }] },
    });
    expect(referenceKeyOf(order.id)).toBeNull();
    expect((await harness.admin('GET', `/shops/ac/countries/DE/orders/${order.id}`)).status).toBe(200);
    expect((await harness.control('GET', '/_sim/calls')).body).toEqual({
      setOrderReference: { calls: 1, throttled: 0, injectedErrors: 1, droppedAfterCommit: 0 },
      getOrder: { calls: 1, throttled: 0, injectedErrors: 0, droppedAfterCommit: 0 },
    });
  });

  it("applies '*' faults to every operation and clears them all with {}", async () => {
    const order = await oneOrder();
    await harness.control('POST', '/_sim/faults', { '*': { errorRate: 1, status: 502 } });
    expect((await harness.admin('GET', `/shops/ac/countries/DE/orders/${order.id}`)).status).toBe(502);
    expect((await harness.admin('GET', `/variants/key%3D${VARIANT_A.sku}/stocks`)).status).toBe(502);

    expect((await harness.control('POST', '/_sim/faults', {})).body).toEqual({});
    expect((await harness.admin('GET', `/shops/ac/countries/DE/orders/${order.id}`)).status).toBe(200);
  });

  it('performs a write and then drops the answer when told to time out after commit', async () => {
    const order = await oneOrder();
    await harness.control('POST', '/_sim/faults', { setOrderReference: { timeoutAfterCommitRate: 1 } });

    await expect(setReference(order.id, { referenceKey: 'SO-LOST' })).rejects.toThrow(TypeError);

    expect(referenceKeyOf(order.id)).toBe('SO-LOST');
    const calls = (await harness.control('GET', '/_sim/calls')).body as unknown as Record<string, CallStats>;
    expect(calls.setOrderReference).toMatchObject({ calls: 1, droppedAfterCommit: 1 });
  });

  it('changes a fingerprint of the order ids and reference keys only when they change', async () => {
    const order = await oneOrder();
    const before = harness.scayle.fingerprint();
    await harness.admin('GET', `/shops/ac/countries/DE/orders/${order.id}`);
    expect(harness.scayle.fingerprint()).toBe(before);
    await setReference(order.id, { referenceKey: 'SO1' });
    expect(harness.scayle.fingerprint()).not.toBe(before);
  });
});
