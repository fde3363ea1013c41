import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SendMessageBatchCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { devStage } from '../../lib/config/stages';
import { OrderwiseClient } from '../../shared/adapters/orderwise/client';
import { ScayleClient } from '../../shared/adapters/scayle/client';
import { readScayleWebhook } from '../../shared/adapters/scayle/webhook-events';
import { deliveryAddressOf, toSalesOrder } from '../../shared/domain/sales-order';
import { basicAuthHeader } from '../../shared/runtime/basic-auth';
import { scayleOrderCreateSchema, scayleOrderSchema, scayleProductSchema } from '../../shared/schemas/scayle';
import { lambdaContext } from '../helpers/events';
import { shapeMismatches } from '../helpers/json-shape';
import { startScriptedServer } from '../helpers/scripted-server';

/**
 * SCAYLE's own samples (test/fixtures/scayle, copied unchanged from ../shared/fixtures/scayle) through the hub's
 * real parsing and mapping: what SCAYLE sends is read field by field, and what the hub sends SCAYLE has the shape of
 * SCAYLE's request samples. A sample is never edited to suit the code.
 */

const FIXTURES = path.join(import.meta.dirname, '..', 'fixtures', 'scayle');
const sample = (file: string): Record<string, unknown> =>
  JSON.parse(readFileSync(path.join(FIXTURES, file), 'utf8')) as Record<string, unknown>;
const RECEIVED_AT = '2026-12-07T10:00:01.000Z';
const read = (file: string) => readScayleWebhook(sample(`webhooks/${file}`), devStage.scayle.shops, RECEIVED_AT);

/** Every sample and the describe block below that reads it; a new sample fails the last test until it is read. */
const COVERED = new Set([
  'webhooks/order-confirmed.json',
  'webhooks/order-cancelled.json',
  'webhooks/product-variant-stock-updated.json',
  'webhooks/product-variant-prices-updated.json',
  'webhooks/product-variant-deleted.json',
  'admin-api/OrderGetResponse.json',
  'admin-api/OrderCreateRequest.json',
  'admin-api/OrderGetStatusResponse.json',
  'admin-api/OrderUpdateReferenceKeyRequest.json',
  'admin-api/ShipmentCreateRequest.json',
  'admin-api/CancellationSendRequest.json',
  'admin-api/ProductVariantStockCreateRequest.json',
  'admin-api/ProductVariantStockAllResponse.json',
  'admin-api/ProductVariantPriceAllResponse.json',
  'admin-api/ProductGetResponse.json',
]);

describe('SCAYLE webhook samples through readScayleWebhook', () => {
  it('order-confirmed: the order id from payload.id, the shop country from locale.appId, the key as event id', () => {
    expect(read('order-confirmed.json')).toEqual({
      eventId: '4b1c8e0e-0000-4000-8000-000000000001',
      queue: 'orders',
      message: {
        eventId: '4b1c8e0e-0000-4000-8000-000000000001',
        event: 'order-confirmed',
        scayleEvent: 'order-confirmed',
        // appId 1 is the dev stage's shop country DE of shop `ac`.
        shopKey: 'ac',
        countryCode: 'DE',
        orderId: '123',
        occurredAt: '2026-12-07T10:00:00+00:00',
        receivedAt: RECEIVED_AT,
      },
    });
  });

  it('order-cancelled: meta only, so no shop; the consumer finds it from the ledger or SCAYLE', () => {
    expect(read('order-cancelled.json')).toEqual({
      eventId: '4b1c8e0e-0000-4000-8000-000000000002',
      queue: 'orders',
      message: {
        eventId: '4b1c8e0e-0000-4000-8000-000000000002',
        event: 'order-cancelled',
        scayleEvent: 'order-cancelled',
        orderId: '123',
        occurredAt: '2026-12-07T10:00:00+00:00',
        receivedAt: RECEIVED_AT,
      },
    });
  });

  it('order-cancelled in the other spelling, order-canceled, is the same cancellation', () => {
    const body = { ...sample('webhooks/order-cancelled.json'), type: 'order-canceled' };
    expect(readScayleWebhook(body, devStage.scayle.shops, RECEIVED_AT)).toMatchObject({
      queue: 'orders',
      message: { event: 'order-cancelled', scayleEvent: 'order-canceled', orderId: '123' },
    });
  });

  it('product-variant-stock-updated: the variant by payload.productVariant.referenceKey', () => {
    expect(read('product-variant-stock-updated.json')).toEqual({
      eventId: '4b1c8e0e-0000-4000-8000-000000000003',
      queue: 'stock',
      message: {
        kind: 'scayle-variant',
        event: 'product-variant-stock-updated',
        sku: 'SKU-1',
        eventId: '4b1c8e0e-0000-4000-8000-000000000003',
        receivedAt: RECEIVED_AT,
      },
    });
  });

  it('product-variant-prices-updated: the variant by payload.productVariant.referenceKey', () => {
    expect(read('product-variant-prices-updated.json')).toMatchObject({
      queue: 'stock',
      message: { kind: 'scayle-variant', event: 'product-variant-prices-updated', sku: 'SKU-1' },
    });
  });

  it('product-variant-deleted: the variant itself, with no product named', () => {
    expect(read('product-variant-deleted.json')).toEqual({
      eventId: '4b1c8e0e-0000-4000-8000-000000000005',
      queue: 'listings',
      message: {
        kind: 'variant-deleted',
        sku: 'SKU-1',
        eventId: '4b1c8e0e-0000-4000-8000-000000000005',
        receivedAt: RECEIVED_AT,
      },
    });
  });

  it('names the field that is wrong in a body that is really malformed', () => {
    const body = sample('webhooks/product-variant-stock-updated.json');
    (body.payload as Record<string, unknown>).productVariant = { id: 42 };
    expect(() => readScayleWebhook(body, devStage.scayle.shops, RECEIVED_AT)).toThrow(
      /payload\.productVariant\.referenceKey/,
    );
    expect(() =>
      readScayleWebhook({ ...sample('webhooks/order-confirmed.json'), key: undefined }, devStage.scayle.shops, 'x'),
    ).toThrow(/key/);
  });
});

describe('SCAYLE webhook samples through the webhook function (POST /webhooks/scayle)', () => {
  const sqs = mockClient(SQSClient);
  const secrets = mockClient(SecretsManagerClient);
  const credentials = { username: 'scayle', password: 'contract-secret-long' };
  let handler: (event: APIGatewayProxyEvent, context: ReturnType<typeof lambdaContext>) => Promise<unknown>;

  beforeAll(async () => {
    Object.assign(process.env, {
      ORDER_EVENTS_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/orders.fifo',
      STOCK_EVENTS_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/stock.fifo',
      LISTINGS_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/listings.fifo',
      DATA_BUCKET: 'data',
      EXCEPTIONS_TABLE: 'exceptions',
      WEBHOOK_SECRET: 'scayle-hub/test/scayle-webhook',
      SCAYLE_SHOPS: JSON.stringify(devStage.scayle.shops),
      AWS_REGION: 'eu-west-1',
    });
    ({ handler } = (await import('../../functions/scayle-webhook/handler')) as unknown as { handler: typeof handler });
  });

  beforeEach(() => {
    sqs.reset();
    secrets.reset();
    sqs.on(SendMessageCommand).resolves({ MessageId: 'm' });
    sqs.on(SendMessageBatchCommand).resolves({ Successful: [], Failed: [] });
    secrets.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify(credentials) });
  });

  afterAll(() => {
    sqs.restore();
    secrets.restore();
  });

  const post = (body: string) =>
    handler(
      {
        httpMethod: 'POST',
        path: '/webhooks/scayle',
        headers: { authorization: basicAuthHeader(credentials), 'content-type': 'application/json' },
        body,
        isBase64Encoded: false,
      } as unknown as APIGatewayProxyEvent,
      lambdaContext(),
    ) as Promise<{ statusCode: number; body: string }>;

  for (const [file, queue] of [
    ['order-confirmed.json', 'orders.fifo'],
    ['order-cancelled.json', 'orders.fifo'],
    ['product-variant-stock-updated.json', 'stock.fifo'],
    ['product-variant-prices-updated.json', 'stock.fifo'],
    ['product-variant-deleted.json', 'listings.fifo'],
  ] as const) {
    it(`accepts ${file} with 202 and queues it on ${queue}, deduplicated by its key`, async () => {
      const raw = readFileSync(path.join(FIXTURES, 'webhooks', file), 'utf8');
      const response = await post(raw);
      expect(response.statusCode).toBe(202);
      const { key } = JSON.parse(raw) as { key: string };
      expect(JSON.parse(response.body)).toEqual({ accepted: true, eventId: key });
      const sends = [
        ...sqs.commandCalls(SendMessageCommand).map((c) => c.args[0].input),
        ...sqs
          .commandCalls(SendMessageBatchCommand)
          .flatMap((c) => (c.args[0].input.Entries ?? []).map((e) => ({ ...e, QueueUrl: c.args[0].input.QueueUrl }))),
      ];
      expect(sends).toHaveLength(1);
      expect(sends[0]?.QueueUrl).toMatch(new RegExp(`${queue}$`));
      if (queue === 'orders.fifo') {
        expect(sends[0]).toMatchObject({ MessageGroupId: '123', MessageDeduplicationId: key });
      }
    });
  }

  it('answers 202 for a well-formed event of a type the hub does not use, and queues nothing', async () => {
    const body = { ...sample('webhooks/order-cancelled.json'), type: 'customer-created', payload: { id: 9 } };
    const response = await post(JSON.stringify(body));
    expect(response.statusCode).toBe(202);
    expect(JSON.parse(response.body)).toMatchObject({ ignored: true });
    expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(0);
  });
});

describe('OrderGetResponse.json through the order loop', () => {
  const order = scayleOrderSchema.parse(sample('admin-api/OrderGetResponse.json'));
  const salesOrder = toSalesOrder(order, (sku) => (sku === '563843898' ? 'OW-563843898' : undefined));

  it('reads the order: id, status, money in minor units, the item and its fractional VAT rate', () => {
    expect(order).toMatchObject({ id: 901, status: 'payment_reserved', currencyCode: 'EUR' });
    expect(order.items).toHaveLength(1);
    expect(order.items[0]?.price).toMatchObject({ withTax: 1190, withoutTax: 1000, tax: { vat: { rate: 0.19 } } });
  });

  it('maps to OrderWise lines, fee and tax that sum exactly to SCAYLE total', () => {
    expect(salesOrder.lines).toEqual([
      {
        sku: '563843898',
        variantCode: 'OW-563843898',
        quantity: 1,
        unitGrossMinor: 1190,
        discountMinor: 0,
        taxRate: 0.19,
        lineGrossMinor: 1190,
        lineTaxMinor: 190,
      },
    ]);
    expect(salesOrder.shipping).toEqual([{ key: 'least_packages', grossMinor: 200, taxMinor: 32, taxRate: 0.19 }]);
    expect(salesOrder.vouchers).toEqual([]);
    expect(salesOrder.totalGrossMinor).toBe(1390);
    expect(salesOrder.totalGrossMinor).toBe(order.cost.withTax);
    expect(salesOrder.totalTaxMinor).toBe(222);
    expect(salesOrder.orderDate).toBe('2018-01-20T11:30:15+00:00');
  });

  it("delivers to the recipient's name, the alpha-2 country and the collection point", () => {
    expect(deliveryAddressOf(order)).toEqual({
      name: 'Anna! Fohlmeister',
      lines: ['Domstrasse 10'],
      town: 'Hamburg',
      postcode: '20459',
      countryCode: 'DE',
      email: 'ada75@hotmail.com',
      collectionPoint: {
        key: '12345-a',
        type: 'hermes_parcelshop',
        description: 'Pedros Kiosk',
        customerKey: 'bced-234-234',
      },
    });
  });

  it('reaches OrderWise with the name, the country, the tax rate in percent and the collection point', async () => {
    const server = await startScriptedServer([
      { status: 200, body: '"token"' },
      { status: 201, body: { orderId: 1, orderNumber: 'SO1' } },
    ]);
    try {
      const client = new OrderwiseClient({
        baseUrl: server.url,
        sessionId: 7,
        customerAccount: 'WEB001',
        credentials: async () => ({ username: 'u', password: 'p' }),
      });
      await client.createSalesOrder(salesOrder, deliveryAddressOf(order));
      const body = JSON.parse(server.seen.at(-1)?.body ?? '{}');
      expect(body).toMatchObject({
        orderHeader: {
          eCommerceOrderNumber: '901',
          currencyCode: 'EUR',
          specialInstructions: 'Collection point 12345-a, customer number bced-234-234',
        },
        customerDeliveryAddress: {
          deliveryName: 'Anna! Fohlmeister',
          address1: 'Pedros Kiosk (hermes_parcelshop 12345-a)',
          address2: 'Domstrasse 10',
          town: 'Hamburg',
          postcode: '20459',
          country: 'Germany',
          countryCode: 'DE',
          email: 'ada75@hotmail.com',
        },
        orderLines: [{ variantCode: 'OW-563843898', quantity: 1, unitPriceGross: '11.90', taxRate: 19 }],
        deliveryCharges: [{ code: 'least_packages', gross: '2.00', taxRate: 19, taxAmount: '0.32' }],
        orderDiscounts: [],
      });
    } finally {
      await server.close();
    }
  });
});

describe('OrderCreateRequest.json (an order with a voucher reduction)', () => {
  // A create body is the order model before SCAYLE numbers its items; the order the hub reads has those ids.
  const created = sample('admin-api/OrderCreateRequest.json');
  const order = scayleOrderSchema.parse({
    ...created,
    items: (created.items as Record<string, unknown>[]).map((item, i) => ({ id: i + 1, ...item })),
  });

  it('reads the order-level reduction as {absoluteWithTax, relative}', () => {
    expect(order.cost.appliedReductions).toEqual([
      { amount: { absoluteWithTax: 100, relative: 0.5 }, category: 'voucher', type: 'absolute' },
    ]);
  });

  it('maps to lines and fee that sum exactly to SCAYLE total, the voucher already in the item price', () => {
    const salesOrder = toSalesOrder(order, () => 'OW-1');
    expect(salesOrder.vouchers).toEqual([]);
    expect(salesOrder.lines).toMatchObject([{ quantity: 1, lineGrossMinor: 1190, lineTaxMinor: 190, taxRate: 0.19 }]);
    expect(salesOrder.shipping).toMatchObject([{ grossMinor: 200, taxMinor: 32, taxRate: 0.19 }]);
    expect(salesOrder.totalGrossMinor).toBe(1390);
    expect(salesOrder.totalGrossMinor).toBe(order.cost.withTax);
  });

  it("is the model of the hub's own create: every field the hub sends is one SCAYLE's order model has", async () => {
    const server = await startScriptedServer([{ status: 201, body: sample('admin-api/OrderGetResponse.json') }]);
    try {
      const body = amazonOrderBody();
      expect(scayleOrderCreateSchema.safeParse(body).success).toBe(true);
      await scayleClient(server.url).createExternalOrder('ac', 'GB', body);
      const sent = JSON.parse(server.seen[0]?.body ?? '{}') as Record<string, unknown>;
      expect(server.seen[0]?.url).toBe('/shops/ac/countries/GB/orders');
      // The create sample and the read sample together are SCAYLE's order model; custom data is free-form.
      const model = merge(sample('admin-api/OrderCreateRequest.json'), sample('admin-api/OrderGetResponse.json'));
      expect(shapeMismatches(sent, model, ['legacyCustomData', 'items[].legacyCustomData'])).toEqual([]);
    } finally {
      await server.close();
    }
  });
});

describe('OrderGetStatusResponse.json', () => {
  it('is not read: the hub reads the whole order, whose status and detailedStatus have this shape', () => {
    const status = sample('admin-api/OrderGetStatusResponse.json');
    const order = sample('admin-api/OrderGetResponse.json');
    expect(shapeMismatches(status, { status: order.status, detailedStatus: order.detailedStatus })).toEqual([]);
  });
});

describe('request samples: what the hub sends SCAYLE', () => {
  const sent = async (call: (client: ScayleClient) => Promise<unknown>, answer: unknown = {}) => {
    const server = await startScriptedServer([{ status: 201, body: answer }]);
    try {
      await call(scayleClient(server.url));
      return { url: server.seen[0]?.url, body: JSON.parse(server.seen[0]?.body || '{}') as unknown };
    } finally {
      await server.close();
    }
  };

  it('OrderUpdateReferenceKeyRequest.json: the OrderWise number as referenceKey', async () => {
    const { url, body } = await sent((c) => c.setOrderReference('ac', 'DE', '901', 'SO000042'));
    expect(url).toBe('/shops/ac/countries/DE/orders/901/reference-key');
    expect(body).toEqual({ referenceKey: 'SO000042' });
    expect(shapeMismatches(body, sample('admin-api/OrderUpdateReferenceKeyRequest.json'))).toEqual([]);
  });

  it('ShipmentCreateRequest.json: one package, its carrier key, tracking number and items', async () => {
    const { url, body } = await sent((c) =>
      c.createShipment({
        shopKey: 'ac',
        countryCode: 'DE',
        orderId: 901,
        carrier: 'DHL',
        shipmentKey: '00340434161094042557',
        deliveryDate: '2026-12-07T10:00:00+00:00',
        orderItemIds: [10976510],
      }),
    );
    expect(url).toBe('/fulfillment/shipments');
    expect(shapeMismatches(body, sample('admin-api/ShipmentCreateRequest.json'))).toEqual([]);
  });

  it('CancellationSendRequest.json: the items that will not be fulfilled', async () => {
    const { url, body } = await sent((c) => c.cancelOrderItems('ac', 'DE', 901, [10976510]));
    expect(url).toBe('/fulfillment/cancellations');
    expect(body).toEqual({ shopKey: 'ac', countryCode: 'DE', orderId: 901, items: [{ orderItemId: 10976510 }] });
    expect(shapeMismatches(body, sample('admin-api/CancellationSendRequest.json'))).toEqual([]);
  });

  it('ProductVariantStockCreateRequest.json: an absolute quantity per warehouse with its change time', async () => {
    const { url, body } = await sent((c) =>
      c.putStocks([
        { sku: 'SKU-1', warehouseReferenceKey: 'WH-MAIN', quantity: 17, changedAt: '2026-12-07T10:00:00Z' },
      ]),
    );
    expect(url).toBe('/variants/key%3DSKU-1/stocks');
    expect(body).toEqual({
      quantity: 17,
      warehouseReferenceKey: 'WH-MAIN',
      changedAt: '2026-12-07T10:00:00Z',
      sellableWithoutStock: false,
    });
    expect(shapeMismatches(body, sample('admin-api/ProductVariantStockCreateRequest.json'))).toEqual([]);
  });

  it("ProductVariantStockCreateRequest.json: a multi-merchant tenant's merchantReferenceKey with every write", async () => {
    const server = await startScriptedServer([{ status: 201, body: {} }]);
    try {
      const client = new ScayleClient({
        baseUrl: server.url,
        credentials: async () => ({ accessToken: 't' }),
        merchantReferenceKey: 'merchant-1',
      });
      await client.putStocks([
        { sku: 'SKU-1', warehouseReferenceKey: 'WH-MAIN', quantity: 17, changedAt: '2026-12-07T10:00:00Z' },
      ]);
      expect(JSON.parse(server.seen[0]?.body ?? '{}')).toMatchObject({ merchantReferenceKey: 'merchant-1' });
    } finally {
      await server.close();
    }
  });
});

describe('response samples: what the hub reads of SCAYLE', () => {
  const answering = async <T>(answer: unknown, call: (client: ScayleClient) => Promise<T>): Promise<T> => {
    const server = await startScriptedServer([{ status: 200, body: answer }]);
    try {
      return await call(scayleClient(server.url));
    } finally {
      await server.close();
    }
  };

  it('ProductVariantStockAllResponse.json: the quantity per warehouse', async () => {
    const stocks = await answering(sample('admin-api/ProductVariantStockAllResponse.json'), (c) => c.getStock('S'));
    expect(stocks.map((s) => [s.warehouseReferenceKey, s.quantity, s.changedAt])).toEqual([
      ['myFirstWarehouse', 3, '2020-07-23T11:30:58+00:00'],
      ['mySecondWarehouse', 3, '2020-07-23T11:30:58+00:00'],
    ]);
  });

  it('ProductVariantPriceAllResponse.json: the price in force per currency, in minor units', async () => {
    const now = Date.parse('2026-12-07T10:00:00Z');
    const prices = await answering(sample('admin-api/ProductVariantPriceAllResponse.json'), (c) =>
      c.getCurrentPrices('S', now),
    );
    expect(prices).toEqual({ EUR: 80 });
  });

  it('ProductGetResponse.json: the product, its master, attributes and variants', () => {
    const product = scayleProductSchema.parse(sample('admin-api/ProductGetResponse.json'));
    expect(product).toMatchObject({ id: 9, referenceKey: 'M00012-black', master: { referenceKey: 'M00012' } });
    expect(product.variants.map((v) => v.referenceKey)).toEqual(['M00012-black-M']);
    expect(product.attributes.map((a) => a.name)).toEqual(['dimensions', 'material']);
    // The catalogue loop maps category paths to a product type: SCAYLE has them on the master.
    expect(product.categories).toEqual([['Fashion', 'Men', 'Shirts']]);
  });
});

describe('the SCAYLE samples', () => {
  it('are all read by a test above', () => {
    const files = ['webhooks', 'admin-api'].flatMap((dir) =>
      readdirSync(path.join(FIXTURES, dir))
        .filter((f) => f.endsWith('.json'))
        .map((f) => `${dir}/${f}`),
    );
    expect(files.filter((f) => !COVERED.has(f))).toEqual([]);
    expect([...COVERED].filter((f) => !files.includes(f))).toEqual([]);
  });

  it('are the vendor samples of ../shared/fixtures/scayle, unchanged', () => {
    const shared = path.join(import.meta.dirname, '..', '..', '..', 'shared', 'fixtures', 'scayle');
    for (const file of COVERED) {
      let original: string;
      try {
        original = readFileSync(path.join(shared, file), 'utf8');
      } catch {
        continue; // ../shared is beside the clone in CI and here; elsewhere the copies stand alone.
      }
      expect(readFileSync(path.join(FIXTURES, file), 'utf8'), file).toBe(original);
    }
  });
});

const scayleClient = (baseUrl: string) =>
  new ScayleClient({ baseUrl, credentials: async () => ({ accessToken: 't' }) });

/** Deep merge of two JSON samples: the keys of both, arrays' elements side by side. */
const merge = (a: unknown, b: unknown): unknown => {
  if (Array.isArray(a) && Array.isArray(b)) return [...a, ...b];
  if (a && b && typeof a === 'object' && typeof b === 'object' && !Array.isArray(a) && !Array.isArray(b)) {
    const out: Record<string, unknown> = { ...(a as Record<string, unknown>) };
    for (const [key, value] of Object.entries(b as Record<string, unknown>))
      out[key] = key in out ? merge(out[key], value) : value;
    return out;
  }
  return a ?? b;
};

/** An Amazon order as the Amazon order loop builds it for SCAYLE (see shared/domain/amazon-order.ts). */
const amazonOrderBody = () => ({
  publicKey: '202-1234567-7654321',
  currencyCode: 'GBP',
  confirmedAt: '2026-12-07T09:00:00Z',
  createdAt: '2026-12-07T09:00:00Z',
  channel: { key: 'marketplace_amazon_uk' },
  customer: { email: 'x@marketplace.amazon.co.uk', firstName: 'Jane', lastName: 'Public' },
  address: {
    shipping: {
      recipient: { firstName: 'Jane', lastName: 'Public', type: 'personal' as const },
      street: '1 High Street',
      zipCode: 'LS1 1AA',
      city: 'Leeds',
      countryCode: 'GBR',
    },
    billing: {
      recipient: { firstName: 'Jane', lastName: 'Public', type: 'personal' as const },
      street: '1 High Street',
      zipCode: 'LS1 1AA',
      city: 'Leeds',
      countryCode: 'GBR',
    },
  },
  items: [
    {
      variant: { referenceKey: 'SKU-1' },
      price: { withTax: 1200, withoutTax: 1000, tax: { vat: { amount: 200, rate: 0.2 } } },
      legacyCustomData: { amazonOrderItemId: '11111111111111' },
    },
  ],
  cost: {
    withTax: 1599,
    withoutTax: 1333,
    appliedFees: [
      {
        category: 'delivery' as const,
        key: 'amazon-shipping',
        option: 'deliveryCosts' as const,
        amount: { withTax: 399, withoutTax: 333 },
        tax: { vat: { amount: 66, rate: 0.2 } },
      },
    ],
    appliedReductions: [],
  },
  legacyCustomData: { amazonOrderId: '202-1234567-7654321', marketplaceId: 'A1F83G8C2ARO7P' },
});
