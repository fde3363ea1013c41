/**
 * The SCAYLE simulator against SCAYLE's own samples (test/fixtures/scayle, copied unchanged from
 * ../shared/fixtures/scayle): what it sends and answers has the samples' shapes, and it accepts the samples' request
 * bodies. Never against the hub's schemas, and never against samples recorded from the simulator.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_CATALOGUE, DEMO_PRODUCTS, type DemoProduct, type DemoVariant } from '../../local/simulators/catalogue';
import type { ScayleSimulatorOptions } from '../../local/simulators/scayle';
import { shapeMismatches } from '../helpers/json-shape';
import { type ScayleHarness, scayleFixture, startScayleHarness } from '../helpers/scayle-simulator';

const [A, B] = DEMO_CATALOGUE.filter((v) => v.orderwise) as [DemoVariant, DemoVariant];
const byKey = (referenceKey: string) => encodeURIComponent(`key=${referenceKey}`);

/** A product attribute as SCAYLE writes it. */
type Attribute = { name: string; type: string; value: unknown; isLocked: boolean };
/** The JSON kind of an attribute value, and of its elements: `string`, `object`, `array of object` … */
const valueKind = (value: unknown): string =>
  Array.isArray(value) ? `array of ${valueKind(value[0])}` : value === null ? 'null' : typeof value;

/** The shop of the SDK's samples (`ms`, Germany) next to the demo shop, and the variant OrderCreateRequest names. */
const VENDOR_SAMPLE_OPTIONS: ScayleSimulatorOptions = {
  shops: [
    { id: 1, key: 'ac', countryCodes: ['DE', 'GB'] },
    { id: 2, key: 'ms', countryCodes: ['DE'] },
  ],
  extraVariants: [{ id: 1234567, referenceKey: '563843898', product: { id: 4564545, referenceKey: 'sample-product' } }],
};

/** Paths of OrderGetResponse.json the simulator does not model, each with its reason. */
const ORDER_NOT_MODELLED = [
  'contacts', // customer contacts (carrier contact data): never set in the simulated shop
  'legacyCustomData', // shop orders carry no custom data; external orders keep what they were given
  'channel', // only orders created for a channel carry one
  'payment[].data', // PSP details
  'customer.title',
  'customer.referenceKey', // shop customers are not integrated with a third system
  'address.shipping.referenceKey',
  'items[].legacyCustomData',
  'items[].merchant', // the simulated tenant sells without merchants
  'items[].variant.stock', // supplier stock
  'items[].delegatedAt', // delegation to a warehouse is not simulated
  'items[].price.overrideWithTax',
  'items[].price.overrideWithoutTax',
];

let harness: ScayleHarness;

beforeAll(async () => {
  harness = await startScayleHarness(VENDOR_SAMPLE_OPTIONS);
});

afterAll(async () => harness?.stop());

beforeEach(async () => harness.reset());

/** A shop order with a sale discount, a voucher, delivery and a collection point, shipped and referenced. */
const shippedShopOrder = async () => {
  const [order] = await harness.scayle.createOrders({
    orders: [
      {
        items: [
          { sku: A.sku, quantity: 2, discountMinor: 300 },
          { sku: B.sku, quantity: 1 },
        ],
        vouchers: [{ key: 'fashion2020', amountMinor: 500 }],
        collectionPoint: true,
      },
    ],
    deliver: false,
  });
  if (!order) throw new Error('no order');
  const ship = await harness.admin('POST', '/fulfillment/shipments', {
    shopKey: 'ac',
    countryCode: 'de',
    orderId: order.id,
    carrier: 'DHL',
    deliveryDate: '2026-12-07T10:00:00+00:00',
    shipmentKey: 'JJD000390007',
    items: order.items.map((i) => ({ orderItemId: i.id, returnKey: `R-${i.id}` })),
  });
  expect(ship.status).toBe(201);
  const referenced = await harness.admin('PUT', `/shops/ac/countries/DE/orders/${order.id}/reference-key`, {
    referenceKey: 'SO000042',
  });
  expect(referenced.status).toBe(200);
  return order.id;
};

describe('SCAYLE simulator webhooks have the envelopes of SCAYLE’s samples', () => {
  /** The delivered event of a type, and the sample of the same name. */
  const deliveredAndSample = (type: string, sample: string) => {
    const delivered = harness.webhooks().find((w) => w.body.type === type)?.body;
    if (!delivered) throw new Error(`no ${type} delivered`);
    return { delivered, sample: scayleFixture(`webhooks/${sample}.json`) };
  };

  /** Same top-level keys as the sample, the envelope's own object a superset, and every payload path shaped alike. */
  const expectEnvelope = (delivered: Record<string, unknown>, sample: Record<string, unknown>) => {
    expect(Object.keys(delivered).sort()).toEqual(Object.keys(sample).sort());
    for (const part of ['locale', 'meta'] as const)
      if (sample[part])
        expect(Object.keys(delivered[part] as object)).toEqual(
          expect.arrayContaining(Object.keys(sample[part] as object)),
        );
    expect(shapeMismatches(sample, delivered)).toEqual([]);
    expect(delivered.type).toBe(sample.type);
    expect(delivered.key).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(delivered.occurredAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$/);
  };

  it('delivers order-confirmed with locale and the whole order as payload', async () => {
    const [order] = await harness.scayle.createOrders({ orders: [{ items: [{ sku: A.sku, quantity: 1 }] }] });

    const { delivered, sample } = deliveredAndSample('order-confirmed', 'order-confirmed');

    expectEnvelope(delivered, sample);
    expect(delivered.locale).toEqual({ appId: 1, countryCode: 'DE', currencyCode: 'EUR', languageCode: 'de' });
    expect(delivered.payload).toEqual(JSON.parse(JSON.stringify(order)));
  });

  it('delivers order-cancelled with meta and the whole order as payload', async () => {
    const [order] = await harness.scayle.createOrders({
      orders: [{ items: [{ sku: A.sku, quantity: 1 }] }],
      deliver: false,
    });
    await harness.scayle.cancelOrder(order?.id as number);

    const { delivered, sample } = deliveredAndSample('order-cancelled', 'order-cancelled');

    expectEnvelope(delivered, sample);
    expect(delivered.payload).toEqual(JSON.parse(JSON.stringify(harness.scayle.orders()[0])));
  });

  it('delivers product-variant-stock-updated, product-variant-prices-updated and product-variant-deleted', async () => {
    await harness.scayle.changeStock([{ sku: A.sku, quantity: 5 }]);
    await harness.scayle.changePrices([{ sku: A.sku, currencyCode: 'EUR', price: 1990 }]);
    await harness.scayle.deleteVariant(B.sku);

    for (const type of ['product-variant-stock-updated', 'product-variant-prices-updated', 'product-variant-deleted']) {
      const { delivered, sample } = deliveredAndSample(type, type);
      expectEnvelope(delivered, sample);
    }
  });
});

describe('SCAYLE simulator answers have the shapes of the SDK’s fixtures', () => {
  it('answers GET order like OrderGetResponse.json', async () => {
    const id = await shippedShopOrder();

    const read = await harness.admin('GET', `/shops/ac/countries/DE/orders/${id}`);

    expect(read.status).toBe(200);
    expect(shapeMismatches(scayleFixture('admin-api/OrderGetResponse.json'), read.body, ORDER_NOT_MODELLED)).toEqual(
      [],
    );
    expect(read.body.address).toMatchObject({ billing: { countryCode: 'DEU' }, shipping: { countryCode: 'DEU' } });
  });

  it('answers GET order status like OrderGetStatusResponse.json', async () => {
    const id = await shippedShopOrder();

    const status = await harness.admin('GET', `/shops/ac/countries/DE/orders/${id}/status`);

    expect(shapeMismatches(scayleFixture('admin-api/OrderGetStatusResponse.json'), status.body)).toEqual([]);
  });

  it('answers GET stock like ProductVariantStockAllResponse.json', async () => {
    const write = scayleFixture('admin-api/ProductVariantStockCreateRequest.json');
    await harness.admin('POST', `/variants/${byKey(A.sku)}/stocks`, write);

    const read = await harness.admin('GET', `/variants/${byKey(A.sku)}/stocks`);

    expect(shapeMismatches(scayleFixture('admin-api/ProductVariantStockAllResponse.json'), read.body)).toEqual([]);
  });

  it('answers GET prices like ProductVariantPriceAllResponse.json', async () => {
    const sample = scayleFixture<{ entities: Record<string, unknown>[] }>(
      'admin-api/ProductVariantPriceAllResponse.json',
    );
    const { key: _key, ...price } = sample.entities[0] as Record<string, unknown>;
    expect((await harness.admin('POST', `/variants/${A.scayleVariantId}/prices`, price)).status).toBe(201);

    const read = await harness.admin('GET', `/variants/${A.scayleVariantId}/prices`);

    expect(shapeMismatches(sample, read.body)).toEqual([]);
  });

  it('answers GET product like ProductGetResponse.json where it models the product', async () => {
    const product = DEMO_PRODUCTS[0] as DemoProduct;
    const sample = scayleFixture<{
      attributes: Attribute[];
      master: { attributes: Attribute[] };
      variants: { attributes: Attribute[]; prices: Record<string, unknown>[] }[];
    }>('admin-api/ProductGetResponse.json');
    // A price with a unit price, as the sample's variant has one.
    const [sampleVariant] = sample.variants;
    const { key: _key, ...price } = sampleVariant?.prices[0] ?? {};
    await harness.admin('POST', `/variants/${product.variants[0]?.id}/prices`, price);

    const read = await harness.admin('GET', `/products/${product.id}`);

    const notModelled = [
      'productSortings',
      'sellableTimeframes',
      'similarProducts',
      'customData',
      'variants[].relatedVariants', // the demo catalogue has no composite variants
      // An attribute's value takes the shape its `type` names: compared per type below.
      'attributes[].value',
      'master.attributes[].value',
      'variants[].attributes[].value',
    ];
    expect(shapeMismatches(sample, read.body, notModelled)).toEqual([]);
    const body = read.body as unknown as typeof sample;
    const sampleAttributes = [
      ...sample.attributes,
      ...sample.master.attributes,
      ...sample.variants.flatMap((v) => v.attributes),
    ];
    const readAttributes = [...body.attributes, ...body.variants.flatMap((v) => v.attributes)];
    const compared = readAttributes.filter((a) => sampleAttributes.some((s) => s.type === a.type));
    expect(compared.length).toBeGreaterThan(0);
    for (const attribute of compared) {
      const like = sampleAttributes.find((s) => s.type === attribute.type) as Attribute;
      expect({ name: attribute.name, value: valueKind(attribute.value) }).toEqual({
        name: attribute.name,
        value: valueKind(like.value),
      });
    }
  });
});

describe('SCAYLE simulator accepts the SDK’s request fixtures', () => {
  /** A simulator whose first order and item get the ids a fixture names, holding OrderCreateRequest's order. */
  const withSampleOrder = async (orderItem: number) => {
    const sim = await startScayleHarness({ ...VENDOR_SAMPLE_OPTIONS, firstIds: { order: 123, orderItem } });
    const created = await sim.admin(
      'POST',
      '/shops/ms/countries/DE/orders',
      scayleFixture('admin-api/OrderCreateRequest.json'),
    );
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ id: 123, items: [{ id: orderItem }] });
    return sim;
  };

  it('creates an order from OrderCreateRequest.json and stores it in the GET shape', async () => {
    const created = await harness.admin(
      'POST',
      '/shops/ms/countries/DE/orders',
      scayleFixture('admin-api/OrderCreateRequest.json'),
    );

    expect(created.status).toBe(201);
    const read = await harness.admin('GET', `/shops/ac/countries/DE/orders/${created.body.id}`);
    expect(read.body).toEqual(created.body);
    // The creator gave a customer reference only and no undiscounted prices; PSP, voucher and package data are empty.
    const notGiven = [
      ...ORDER_NOT_MODELLED,
      'customer',
      'items[].price.undiscountedWithOutTax',
      'items[].price.undiscountedWithTax',
      'items[].shippedAt', // not shipped
      'cost.appliedFees[].key', // the creator's fee has none
    ];
    expect(shapeMismatches(scayleFixture('admin-api/OrderGetResponse.json'), read.body, notGiven)).toEqual([]);
    expect(read.body).toMatchObject({
      publicKey: '666',
      currencyCode: 'EUR',
      shopCountry: { shopKey: 'ms', countryCode: 'DE' },
      cost: { withTax: 1390, withoutTax: 1168 },
      items: [{ variant: { id: 1234567, referenceKey: '563843898' }, product: { id: 4564545 }, status: 'available' }],
    });
  });

  it('takes ShipmentCreateRequest.json for the order and item it names', async () => {
    const sim = await withSampleOrder(67219436);
    try {
      const shipped = await sim.admin(
        'POST',
        '/fulfillment/shipments',
        scayleFixture('admin-api/ShipmentCreateRequest.json'),
      );

      expect(shipped.status).toBe(201);
      expect(sim.scayle.orders()[0]?.items[0]).toMatchObject({ status: 'delivered', packageId: expect.any(Number) });
    } finally {
      await sim.stop();
    }
  });

  it('takes CancellationSendRequest.json for the order and item it names', async () => {
    const sim = await withSampleOrder(67);
    try {
      const cancelled = await sim.admin(
        'POST',
        '/fulfillment/cancellations',
        scayleFixture('admin-api/CancellationSendRequest.json'),
      );

      expect(cancelled.status).toBe(201);
      expect(sim.scayle.orders()[0]?.items[0]?.cancelledAt).toEqual(expect.any(String));
    } finally {
      await sim.stop();
    }
  });

  it('takes ProductVariantStockCreateRequest.json', async () => {
    const sample = scayleFixture('admin-api/ProductVariantStockCreateRequest.json');

    const written = await harness.admin('POST', `/variants/${A.scayleVariantId}/stocks`, sample);

    expect(written).toMatchObject({ status: 201, body: sample });
  });

  it('takes OrderUpdateReferenceKeyRequest.json and answers with the order', async () => {
    const [order] = await harness.scayle.createOrders({
      orders: [{ items: [{ sku: A.sku, quantity: 1 }] }],
      deliver: false,
    });
    const sample = scayleFixture<{ referenceKey: string }>('admin-api/OrderUpdateReferenceKeyRequest.json');

    const answer = await harness.admin('PUT', `/shops/ac/countries/DE/orders/${order?.id}/reference-key`, sample);

    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ id: order?.id, referenceKey: sample.referenceKey });
  });
});

describe('the shape comparison these checks rest on', () => {
  const sample = { a: { b: 1, c: 'x', d: null }, list: [{ e: true }], o: { p: 1 } };

  it('finds a missing path, a foreign type and a null object, and takes a null scalar, an empty array and an ignored path', () => {
    expect(shapeMismatches(sample, { a: { b: 1, c: 'y', d: 4 }, list: [], o: { p: 2 }, extra: 1 })).toEqual([]);
    expect(shapeMismatches(sample, { a: { b: null, c: 'y' }, list: [{ e: true }], o: { p: 2 } })).toEqual([
      'a.d: missing (sample has null)',
    ]);
    expect(shapeMismatches(sample, { a: { b: '1', c: 'y', d: null }, list: [{ e: 1 }], o: null })).toEqual([
      'a.b: string where the sample has number',
      'list[].e: number where the sample has boolean',
      'o: null where the sample has object',
      'o.p: missing (sample has number)',
    ]);
    expect(shapeMismatches(sample, { a: { b: 1, c: 'y', d: null }, list: [{ e: true }] }, ['o'])).toEqual([]);
  });
});
