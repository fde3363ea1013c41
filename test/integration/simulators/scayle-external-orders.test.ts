import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_CATALOGUE, LEGACY_AMAZON_SKUS } from '../../../local/simulators/catalogue';
import type { ScayleOrder } from '../../../local/simulators/scayle';
import type { CallStats } from '../../../local/simulators/sim-server';
import { type ScayleHarness, scayleFixture, startScayleHarness } from '../../helpers/scayle-simulator';

const [A, B] = DEMO_CATALOGUE.filter((v) => v.orderwise) as [
  (typeof DEMO_CATALOGUE)[number],
  (typeof DEMO_CATALOGUE)[number],
];
const CHANNEL = { id: 7, key: 'marketplace_amazon_uk', name: 'Amazon UK', type: 'marketplace' };
const ORDERS = '/shops/ac/countries/GB/orders';

let harness: ScayleHarness;

/** A gross price at 20 % VAT as SCAYLE writes order prices: the rate a fraction. */
const priced = (withTax: number) => {
  const withoutTax = Math.round(withTax / 1.2);
  return { withTax, withoutTax, tax: { vat: { amount: withTax - withoutTax, rate: 0.2 } } };
};

const address = {
  street: 'Marylebone Road',
  houseNumber: '12',
  zipCode: 'NW1 5LR',
  city: 'London',
  countryCode: 'GBR',
  recipient: { firstName: 'Ada', lastName: 'Lovelace', type: 'personal' },
};

/** A marketplace order in SCAYLE's Order model: two units of A, one discounted unit of B, delivery. */
const marketplaceOrder = (publicKey = '202-1234567-1234567') => {
  const items = [
    { variant: { referenceKey: A.sku }, price: priced(1999), merchant: { referenceKey: 'amazon' } },
    { variant: { referenceKey: A.sku }, price: priced(1999) },
    {
      variant: { id: B.scayleVariantId },
      price: {
        ...priced(2499),
        undiscountedWithTax: 2999,
        appliedReductions: [
          { amount: { absoluteWithTax: 500, relative: 0.1667 }, category: 'promotion', type: 'absolute' },
        ],
      },
      legacyCustomData: { orderItemId: '61234567890456' },
    },
  ];
  const delivery = priced(399);
  const fee = {
    amount: { withTax: delivery.withTax, withoutTax: delivery.withoutTax },
    category: 'delivery',
    key: 'amazon_standard',
    option: 'deliveryCosts',
    tax: delivery.tax,
  };
  const total = (key: 'withTax' | 'withoutTax') => items.reduce((sum, i) => sum + i.price[key], 0) + delivery[key];
  return {
    publicKey,
    referenceKey: publicKey,
    currencyCode: 'GBP',
    confirmedAt: '2026-03-02T09:15:00+00:00',
    channel: { key: CHANNEL.key },
    customer: { email: 'x7k2@marketplace.amazon.co.uk', firstName: 'Ada', lastName: 'Lovelace' },
    address: { billing: address, shipping: { ...address, phone: '+44 20 7946 0000' } },
    items,
    cost: { withTax: total('withTax'), withoutTax: total('withoutTax'), appliedFees: [fee], appliedReductions: [] },
    legacyCustomData: { amazonOrderId: publicKey, marketplaceId: 'A1F83G8C2ARO7P' },
  };
};

const create = (body: unknown, path = ORDERS) => harness.admin('POST', path, body);
const calls = async () => (await harness.control('GET', '/_sim/calls')).body as unknown as Record<string, CallStats>;

beforeAll(async () => {
  harness = await startScayleHarness({
    shops: [
      { id: 1, key: 'ac', countryCodes: ['DE', 'GB'] },
      { id: 2, key: 'bb', countryCodes: ['GB'] },
    ],
    channels: [CHANNEL],
    extraVariants: [{ id: 1234567, referenceKey: '563843898' }],
  });
});

afterAll(async () => harness?.stop());

beforeEach(async () => harness.reset());

describe('SCAYLE simulator: external order creation', () => {
  it('stores the order as given in the GET shape, one item per unit, and answers 201 with it, sending no webhook', async () => {
    const body = marketplaceOrder();

    const created = await create(body);

    expect(created.status).toBe(201);
    const order = created.body as unknown as ScayleOrder;
    expect(order).toMatchObject({
      id: 10_001,
      publicKey: body.publicKey,
      referenceKey: body.publicKey,
      status: 'payment_reserved',
      currencyCode: 'GBP',
      confirmedAt: body.confirmedAt,
      shopCountry: { id: 2, shopKey: 'ac', countryCode: 'GB' },
      channel: CHANNEL,
      customer: { ...body.customer, id: expect.any(Number) },
      address: {
        billing: { ...address, id: expect.any(Number) },
        shipping: { ...address, phone: '+44 20 7946 0000', id: expect.any(Number) },
      },
      cost: {
        ...body.cost,
        tax: { vat: { amount: body.cost.withTax - body.cost.withoutTax } },
        costCapture: body.cost.withTax,
      },
      legacyCustomData: body.legacyCustomData,
      packages: [],
    });
    expect(order.items).toEqual(
      body.items.map((item, i) => ({
        id: expect.any(Number),
        key: expect.stringMatching(/^[0-9a-f]{32}$/),
        status: 'available',
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
        currency: 'GBP',
        variant:
          i < 2 ? { id: A.scayleVariantId, referenceKey: A.sku } : { id: B.scayleVariantId, referenceKey: B.sku },
        product: { id: expect.any(Number) },
        packageId: null,
        price: item.price,
        ...('merchant' in item ? { merchant: item.merchant } : {}),
        ...('legacyCustomData' in item ? { legacyCustomData: item.legacyCustomData } : {}),
      })),
    );
    expect(new Set(order.items.map((i) => i.id)).size).toBe(3);
    expect((await harness.admin('GET', `${ORDERS}/${order.id}`)).body).toEqual(created.body);
    expect(harness.scayle.orderByPublicKey(body.publicKey)).toEqual(created.body);
    expect(harness.receiver.seen).toHaveLength(0);
  });

  it("accepts the SDK's OrderCreateRequest.json once SCAYLE knows its variant", async () => {
    const created = await create(scayleFixture('admin-api/OrderCreateRequest.json'), '/shops/ac/countries/DE/orders');

    expect(created).toMatchObject({ status: 201, body: { publicKey: '666', cost: { withTax: 1390 } } });
  });

  it('refuses a second order with the same public key in the shop with 409, and takes it in another shop', async () => {
    expect((await create(marketplaceOrder())).status).toBe(201);

    const again = await create(marketplaceOrder());
    const elsewhere = await create(marketplaceOrder(), '/shops/bb/countries/GB/orders');

    expect(again).toMatchObject({
      status: 409,
      body: { errors: [{ errorKey: 'ORDER_ALREADY_EXISTS', context: { field: 'publicKey' } }] },
    });
    expect(elsewhere.status).toBe(201);
    expect(harness.scayle.orders().map((o) => o.shopCountry.shopKey)).toEqual(['ac', 'bb']);
  });

  it('answers 400 VALIDATION_ERROR naming every field it cannot take, and stores nothing', async () => {
    const order = marketplaceOrder();
    const { city: _city, ...noCity } = order.address.shipping;
    const cases: [unknown, RegExp][] = [
      [{ ...order, address: { ...order.address, shipping: noCity }, items: [] }, /address\.shipping\.city: .*items: /],
      [
        { ...order, address: { ...order.address, billing: { ...address, countryCode: 'GB' } } },
        /^address\.billing\.countryCode: .*alpha-3/,
      ],
      [
        { ...order, address: { ...order.address, billing: { ...address, firstName: 'Ada', recipient: undefined } } },
        /^address\.billing\.recipient: /,
      ],
      [
        {
          ...order,
          items: [{ ...order.items[0], price: { ...priced(1999), tax: { vat: { amount: 333, rate: 20 } } } }],
        },
        /^items\.0\.price\.tax\.vat\.rate: .*fraction/,
      ],
      [{ ...order, items: [{ price: priced(1999), variant: {} }] }, /^items\.0\.variant: name the variant/],
      [{ ...order, publicKey: undefined }, /^publicKey: /],
      [{ ...order, currencyCode: 'pounds' }, /^currencyCode: /],
      ['not json', /^: /],
    ];
    for (const [body, message] of cases) {
      const answer = await create(body);
      expect(answer.status).toBe(400);
      expect(answer.body).toEqual({
        errors: [{ errorKey: 'VALIDATION_ERROR', message: expect.stringMatching(message), context: {} }],
      });
    }
    expect(harness.scayle.orders()).toEqual([]);
  });

  it('refuses a variant SCAYLE does not know with 400 VARIANT_NOT_FOUND naming the field', async () => {
    const order = marketplaceOrder();
    const byKey = [order.items[0], { ...order.items[1], variant: { referenceKey: LEGACY_AMAZON_SKUS[0] } }];
    const byId = [{ ...order.items[0], variant: { id: 999_999_999 } }];

    const unknownKey = await create({ ...order, items: byKey });
    const unknownId = await create({ ...order, items: byId });

    expect(unknownKey).toMatchObject({
      status: 400,
      body: {
        errors: [
          {
            errorKey: 'VARIANT_NOT_FOUND',
            message: expect.stringContaining(LEGACY_AMAZON_SKUS[0]),
            context: { field: 'items.1.variant.referenceKey' },
          },
        ],
      },
    });
    expect(unknownId).toMatchObject({ status: 400, body: { errors: [{ context: { field: 'items.0.variant.id' } }] } });
    expect(harness.scayle.orders()).toEqual([]);
  });

  it("refuses a cost.withTax that is not the items' price plus the fees", async () => {
    const order = marketplaceOrder();

    const answer = await create({ ...order, cost: { ...order.cost, withTax: order.cost.withTax - 100 } });

    expect(answer).toMatchObject({
      status: 400,
      body: {
        errors: [
          {
            errorKey: 'VALIDATION_ERROR',
            message: expect.stringMatching(/^cost\.withTax: /),
            context: { field: 'cost.withTax' },
          },
        ],
      },
    });
    expect(harness.scayle.orders()).toEqual([]);
  });

  it('refuses a channel the tenant does not have, and an unknown shop country', async () => {
    expect(await create({ ...marketplaceOrder(), channel: { key: 'marketplace_ebay' } })).toMatchObject({
      status: 400,
      body: { errors: [{ errorKey: 'CHANNEL_NOT_FOUND', context: { field: 'channel.key' } }] },
    });
    expect((await create(marketplaceOrder(), '/shops/zz/countries/GB/orders')).status).toBe(404);
    expect(harness.scayle.orders()).toEqual([]);
  });

  it('keeps an order whose answer was lost, and GET …/orders?filters[publicKey]= finds it in its shop country only', async () => {
    await harness.scayle.createOrders({ random: 3, deliver: false });
    await harness.control('POST', '/_sim/faults', { createOrder: { timeoutAfterCommitRate: 1 } });

    await expect(create(marketplaceOrder('202-0000000-0000001'))).rejects.toThrow(TypeError);

    expect((await calls()).createOrder).toMatchObject({ calls: 1, droppedAfterCommit: 1 });
    const filter = `filters[publicKey]=${encodeURIComponent('202-0000000-0000001')}`;
    const found = await harness.admin('GET', `${ORDERS}?${filter}`);
    expect((found.body.entities as ScayleOrder[]).map((o) => o.publicKey)).toEqual(['202-0000000-0000001']);
    expect((await harness.admin('GET', `/shops/ac/countries/DE/orders?${filter}`)).body.entities).toEqual([]);
    expect((await harness.admin('GET', `/shops/bb/countries/GB/orders?${filter}`)).body.entities).toEqual([]);
  });

  it('stores nothing when the create is answered with an injected 5xx', async () => {
    await harness.control('POST', '/_sim/faults', { createOrder: { errorRate: 1, status: 503 } });

    expect((await create(marketplaceOrder())).status).toBe(503);

    expect(harness.scayle.orders()).toEqual([]);
  });

  it("cancels an external order's items through /fulfillment/cancellations, refusing a repeat with 409", async () => {
    const created = (await create(marketplaceOrder())).body as unknown as ScayleOrder;
    const [first, second] = created.items.map((i) => i.id);
    const cancel = (ids: unknown[]) =>
      harness.admin('POST', '/fulfillment/cancellations', {
        shopKey: 'ac',
        countryCode: 'gb',
        orderId: created.id,
        items: ids.map((orderItemId) => ({ orderItemId })),
      });

    expect((await cancel([first, second])).status).toBe(201);
    expect(await cancel([first])).toMatchObject({
      status: 409,
      body: { errors: [{ errorKey: 'ITEM_ALREADY_FULFILLED' }] },
    });

    const stored = harness.scayle.orders()[0] as ScayleOrder;
    expect(stored.items.map((i) => i.status)).toEqual(['undeliverable', 'undeliverable', 'available']);
    expect(stored.cost.withTax).toBe(created.cost.withTax - 2 * 1999);
  });
});
