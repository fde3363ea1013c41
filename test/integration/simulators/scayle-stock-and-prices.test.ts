import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_CATALOGUE, type DemoVariant, productKeyOf } from '../../../local/simulators/catalogue';
import type { CallStats } from '../../../local/simulators/sim-server';
import {
  type ScayleHarness,
  scayleFixture,
  startScayleHarness,
  WEBHOOK_AUTHORIZATION,
} from '../../helpers/scayle-simulator';

const [A, B, C] = DEMO_CATALOGUE as [DemoVariant, DemoVariant, DemoVariant];
const byKey = (sku: string) => encodeURIComponent(`key=${sku}`);

let harness: ScayleHarness;

const admin = async (method: 'GET' | 'POST', path: string, body?: unknown, token?: string) => {
  const { status, body: answer } = await harness.admin(method, path, body, token);
  return { status, body: answer };
};
const control = async (method: 'GET' | 'POST', path: string, body?: unknown) => {
  const { status, body: answer } = await harness.control(method, path, body);
  return { status, body: answer };
};
const webhooks = () => harness.webhooks();

const stockOperation = (key: string, url: string, body: unknown, method = 'POST') => ({
  key,
  url,
  method,
  headers: { 'X-Merchant-Key': 'M0001' },
  body,
});

beforeAll(async () => {
  harness = await startScayleHarness();
});

afterAll(async () => harness?.stop());

beforeEach(async () => harness.reset());

describe('SCAYLE simulator: stock writes', () => {
  it('resolves a numeric variant id to the demo variant, so id and key name the same stock', async () => {
    const written = await admin('POST', `/variants/${A.scayleVariantId}/stocks`, {
      quantity: 4,
      warehouseReferenceKey: 'WH-MAIN',
      changedAt: '2026-03-01T10:00:00Z',
    });

    const stored = {
      quantity: 4,
      warehouseReferenceKey: 'WH-MAIN',
      changedAt: '2026-03-01T10:00:00Z',
      sellableWithoutStock: false,
      merchantReferenceKey: null,
      expectedAvailabilityAt: null,
    };
    expect(written).toEqual({ status: 201, body: stored });
    expect(harness.scayle.stockOf(A.sku)).toEqual({ 'WH-MAIN': { quantity: 4, changedAt: '2026-03-01T10:00:00Z' } });
    const read = await admin('GET', `/variants/${byKey(A.sku)}/stocks`);
    expect(read.body.entities).toEqual([stored]);
  });

  it("keeps every field of SCAYLE's stock body, one entity per warehouse", async () => {
    const sample = scayleFixture('admin-api/ProductVariantStockCreateRequest.json');
    await admin('POST', `/variants/${byKey(A.sku)}/stocks`, sample);
    await admin('POST', `/variants/${byKey(A.sku)}/stocks`, { ...sample, warehouseReferenceKey: 'other', quantity: 2 });
    await admin('POST', `/variants/${byKey(A.sku)}/stocks`, { ...sample, quantity: 5 });

    const read = await admin('GET', `/variants/${byKey(A.sku)}/stocks`);

    expect(read.body.entities).toEqual([
      { ...sample, quantity: 5 },
      { ...sample, warehouseReferenceKey: 'other', quantity: 2 },
    ]);
  });

  it('keeps every accepted write in the history, counts them in the state, and forgets them on reset', async () => {
    await admin('POST', `/variants/${byKey(A.sku)}/stocks`, {
      quantity: 3,
      warehouseReferenceKey: 'WH-MAIN',
      changedAt: '2026-03-01T10:00:00Z',
    });
    await admin('POST', `/variants/${byKey(A.sku)}/stocks`, { quantity: -1, warehouseReferenceKey: 'WH-MAIN' });
    await admin('POST', '/variants/stocks/bulk-requests', {
      operations: [
        stockOperation('a', `/variants/${byKey(A.sku)}/stocks`, {
          quantity: 2,
          warehouseReferenceKey: 'WH-MAIN',
          changedAt: '2026-03-01T10:05:00Z',
        }),
      ],
    });

    expect(harness.scayle.stockHistory(A.sku)).toEqual([
      {
        warehouseReferenceKey: 'WH-MAIN',
        quantity: 3,
        changedAt: '2026-03-01T10:00:00Z',
        via: 'single',
        at: expect.any(String),
      },
      {
        warehouseReferenceKey: 'WH-MAIN',
        quantity: 2,
        changedAt: '2026-03-01T10:05:00Z',
        via: 'bulk',
        at: expect.any(String),
      },
    ]);
    expect((await control('GET', '/_sim/state')).body.stockWrites).toBe(2);

    await control('POST', '/_sim/reset', {});
    expect(harness.scayle.stockHistory(A.sku)).toEqual([]);
    expect((await control('GET', '/_sim/state')).body.stockWrites).toBe(0);
  });
});

describe('SCAYLE simulator: bulk stock requests', () => {
  const stock = (quantity: number) => ({
    quantity,
    warehouseReferenceKey: 'WH-MAIN',
    changedAt: '2026-03-01T10:00:00Z',
  });

  it('applies each operation like a single write, fails the bad ones alone, and answers 202 with the outcome', async () => {
    const answer = await admin('POST', '/variants/stocks/bulk-requests', {
      callbacks: { requestUrl: 'https://hub.example/callback', requestStatus: 'complete' },
      operations: [
        stockOperation('by-key', `/variants/${byKey(A.sku)}/stocks`, stock(5)),
        stockOperation('by-id', `/variants/${B.scayleVariantId}/stocks`, stock(6)),
        stockOperation('bad-body', `/variants/${byKey(C.sku)}/stocks`, {
          quantity: -1,
          warehouseReferenceKey: 'WH-MAIN',
        }),
        stockOperation('bad-url', `/variants/${byKey(C.sku)}/prices`, stock(7)),
        stockOperation('bad-method', `/variants/${byKey(C.sku)}/stocks`, stock(8), 'PUT'),
      ],
    });

    expect(answer).toEqual({
      status: 202,
      body: {
        id: 1,
        key: 1,
        status: 'completed',
        progress: { totalOperations: 5, processedOperations: 5, failedOperations: 3 },
        operations: [
          { key: 'by-key', status: 'succeeded' },
          { key: 'by-id', status: 'succeeded' },
          {
            key: 'bad-body',
            status: 'failed',
            message: expect.stringMatching(/^body\.quantity: .+; body\.changedAt: /),
          },
          { key: 'bad-url', status: 'failed', message: 'url: must be /variants/{variantIdentifier}/stocks' },
          { key: 'bad-method', status: 'failed', message: 'method: must be POST, got PUT' },
        ],
      },
    });
    expect(harness.scayle.stockOf(A.sku)).toEqual({ 'WH-MAIN': { quantity: 5, changedAt: '2026-03-01T10:00:00Z' } });
    expect(harness.scayle.stockOf(B.sku)).toEqual({ 'WH-MAIN': { quantity: 6, changedAt: '2026-03-01T10:00:00Z' } });
    expect(harness.scayle.stockOf(C.sku)).toEqual({});
    expect(await admin('GET', '/variants/stocks/bulk-requests/1')).toEqual({ status: 200, body: answer.body });
  });

  it('answers 404 NOT_FOUND for a bulk request it never took', async () => {
    expect(await admin('GET', '/variants/stocks/bulk-requests/99')).toEqual({
      status: 404,
      body: { errors: [{ errorKey: 'NOT_FOUND', message: 'Bulk request not found', context: {} }] },
    });
  });

  it('refuses a malformed envelope with 400 naming the field and writes nothing', async () => {
    const one = stockOperation('x', `/variants/${byKey(A.sku)}/stocks`, stock(1));
    const cases: [unknown, RegExp][] = [
      ['not json', /^: /],
      [{}, /^operations: /],
      [{ operations: [] }, /^operations: /],
      [{ operations: Array.from({ length: 1001 }, (_, i) => ({ ...one, key: `k${i}` })) }, /^operations: /],
      [{ operations: [one, one] }, /^operations\.1\.key: duplicate key x$/],
      [{ operations: [{ url: one.url, method: 'POST', body: one.body }] }, /^operations\.0\.key: /],
      [{ callbacks: { requestUrl: 'not a url' }, operations: [one] }, /^callbacks\.requestUrl: /],
    ];
    for (const [body, message] of cases) {
      const answer = await admin('POST', '/variants/stocks/bulk-requests', body);
      expect(answer.status).toBe(400);
      expect(answer.body).toEqual({
        errors: [{ errorKey: 'VALIDATION_ERROR', message: expect.stringMatching(message), context: {} }],
      });
    }
    expect(harness.scayle.stockOf(A.sku)).toEqual({});
    expect((await control('GET', '/_sim/state')).body.stockWrites).toBe(0);
  });

  it('counts a bulk request of a thousand operations once, under its own operation, and wants the token', async () => {
    const operations = Array.from({ length: 1000 }, (_, i) =>
      stockOperation(`op-${i}`, `/variants/${byKey((DEMO_CATALOGUE[i % 300] as DemoVariant).sku)}/stocks`, stock(i)),
    );

    expect((await admin('POST', '/variants/stocks/bulk-requests', { operations }, 'wrong')).status).toBe(401);
    const answer = await admin('POST', '/variants/stocks/bulk-requests', { operations });

    expect(answer.status).toBe(202);
    expect((answer.body.progress as { failedOperations: number }).failedOperations).toBe(0);
    const calls = (await control('GET', '/_sim/calls')).body as Record<string, CallStats>;
    expect(calls.bulkStocks).toMatchObject({ calls: 2, throttled: 0 });
    expect(calls.putStock).toBeUndefined();
    expect((await control('GET', '/_sim/state')).body.stockWrites).toBe(1000);
  });
});

describe('SCAYLE simulator: prices', () => {
  it('seeds a current EUR price for DE and a GBP price for GB for every demo variant, by id or by key', async () => {
    const expected = [
      expect.objectContaining({
        price: A.priceMinor,
        currencyCode: 'EUR',
        countryCode: 'DE',
        tax: 19,
        validTo: null,
        key: expect.any(String),
      }),
      expect.objectContaining({
        price: Math.round(A.priceMinor * 0.86),
        currencyCode: 'GBP',
        countryCode: 'GB',
        tax: 20,
        validTo: null,
      }),
    ];
    const byId = await admin('GET', `/variants/${A.scayleVariantId}/prices`);
    expect(byId).toEqual({ status: 200, body: { entities: expected } });
    expect((await admin('GET', `/variants/${byKey(A.sku)}/prices`)).body).toEqual(byId.body);
    const [eur] = byId.body.entities as { validFrom: string }[];
    expect(Date.parse(eur?.validFrom ?? '')).toBeLessThan(Date.now());
    expect(harness.scayle.pricesOf((DEMO_CATALOGUE[299] as DemoVariant).sku)).toHaveLength(2);
  });

  it('stores a posted price with a generated key and lists it next to the seeded ones', async () => {
    const posted = await admin('POST', `/variants/${byKey(A.sku)}/prices`, {
      price: 2490,
      oldPrice: 2990,
      tax: 19,
      countryCode: 'DE',
      currencyCode: 'EUR',
      validFrom: '2026-12-01T00:00:00+00:00',
    });

    expect(posted).toEqual({
      status: 201,
      body: {
        key: expect.any(String),
        price: 2490,
        oldPrice: 2990,
        recommendedRetailPrice: null,
        buyingPrice: null,
        tax: 19,
        countryCode: 'DE',
        currencyCode: 'EUR',
        groupKey: null,
        promotionKey: null,
        unitPrice: null,
        validFrom: '2026-12-01T00:00:00+00:00',
        validTo: null,
        merchantReferenceKey: null,
      },
    });
    const listed = (await admin('GET', `/variants/${A.scayleVariantId}/prices`)).body.entities as { key: string }[];
    expect(listed).toHaveLength(3);
    expect(listed[2]).toEqual(posted.body);
    expect(new Set(listed.map((p) => p.key)).size).toBe(3);
  });

  it('replaces a price of the same dimensions and start instead of adding a second one', async () => {
    const body = { price: 2490, currencyCode: 'EUR', countryCode: 'DE', validFrom: '2026-12-01T00:00:00Z' };
    await admin('POST', `/variants/${byKey(A.sku)}/prices`, body);
    await admin('POST', `/variants/${byKey(A.sku)}/prices`, { ...body, price: 2290 });

    const future = harness.scayle.pricesOf(A.sku).filter((p) => p.validFrom === body.validFrom);
    expect(future.map((p) => p.price)).toEqual([2290]);
    expect(harness.scayle.pricesOf(A.sku)).toHaveLength(3);
  });

  it('refuses a malformed price with 400 naming the field, and a caller without the token', async () => {
    const bad = await admin('POST', `/variants/${byKey(A.sku)}/prices`, { price: 19.9, currencyCode: 'euro' });
    expect(bad.status).toBe(400);
    expect(bad.body).toEqual({
      errors: [
        { errorKey: 'VALIDATION_ERROR', message: expect.stringMatching(/^price: .+; currencyCode: .+$/), context: {} },
      ],
    });
    expect(
      (await admin('POST', `/variants/${byKey(A.sku)}/prices`, { price: 1, currencyCode: 'EUR' }, 'x')).status,
    ).toBe(401);
    expect((await admin('GET', `/variants/${byKey(A.sku)}/prices`, undefined, 'x')).status).toBe(401);
    expect(harness.scayle.pricesOf(A.sku)).toHaveLength(2);
  });
});

describe('SCAYLE simulator: changes made in SCAYLE itself', () => {
  it('sets stock now and delivers product-variant-stock-updated per change, with Basic credentials', async () => {
    const before = Date.now();
    const answer = await control('POST', '/_sim/stock', {
      changes: [
        { sku: A.sku, quantity: 9 },
        { sku: B.sku, quantity: 0, warehouseReferenceKey: 'WH-2' },
      ],
    });

    expect(answer.status).toBe(200);
    const stockA = harness.scayle.stockOf(A.sku)['WH-MAIN'] as { quantity: number; changedAt: string };
    expect(stockA.quantity).toBe(9);
    expect(stockA.changedAt).toMatch(/\+00:00$/);
    expect(Date.parse(stockA.changedAt)).toBeGreaterThanOrEqual(before - 1000);
    expect(harness.scayle.stockOf(B.sku)).toEqual({ 'WH-2': { quantity: 0, changedAt: stockA.changedAt } });
    expect(harness.scayle.stockHistory(A.sku)).toMatchObject([{ via: 'panel', quantity: 9 }]);

    const delivered = webhooks();
    expect(delivered.map((d) => d.authorization)).toEqual([WEBHOOK_AUTHORIZATION, WEBHOOK_AUTHORIZATION]);
    const payloadOf = (v: DemoVariant, warehouse: { id: number; referenceKey: string }, quantity: number) => ({
      productVariant: { id: v.scayleVariantId, referenceKey: v.sku },
      product: { id: expect.any(Number), referenceKey: productKeyOf(v.sku) },
      warehouse,
      quantity,
      sellableWithoutStock: false,
      createdAt: stockA.changedAt,
      merchantReferenceKey: null,
      expectedAvailabilityAt: null,
    });
    expect(
      delivered.map((d) => d.body).sort((x, y) => Number(x.payload.quantity) - Number(y.payload.quantity)),
    ).toEqual([
      {
        key: expect.any(String),
        meta: { tenantKey: 'acme', xRequestId: expect.any(String) },
        occurredAt: stockA.changedAt,
        type: 'product-variant-stock-updated',
        version: 1,
        payload: payloadOf(B, { id: 2, referenceKey: 'WH-2' }, 0),
      },
      expect.objectContaining({ payload: payloadOf(A, { id: 1, referenceKey: 'WH-MAIN' }, 9) }),
    ]);
    expect((await control('GET', '/_sim/state')).body.deliveries).toEqual(
      expect.arrayContaining([
        { event: 'product-variant-stock-updated', sku: A.sku, status: 202 },
        { event: 'product-variant-stock-updated', sku: B.sku, status: 202 },
      ]),
    );
  });

  it('gives two changes of one variant two event keys, so deduplication keeps both', async () => {
    await harness.scayle.changeStock([{ sku: A.sku, quantity: 1 }]);
    await harness.scayle.changeStock([{ sku: A.sku, quantity: 2 }]);

    expect(new Set(webhooks().map((w) => w.body.key)).size).toBe(2);
  });

  it('replaces the current price of a currency and delivers product-variant-prices-updated once per variant', async () => {
    const gbpBefore = harness.scayle.pricesOf(A.sku).find((p) => p.currencyCode === 'GBP');
    const answer = await control('POST', '/_sim/prices', {
      changes: [
        { sku: A.sku, currencyCode: 'EUR', price: 1490 },
        { sku: A.sku, currencyCode: 'GBP', price: 1290 },
      ],
    });

    expect(answer.status).toBe(200);
    const prices = harness.scayle.pricesOf(A.sku);
    expect(prices.map((p) => [p.currencyCode, p.countryCode, p.price, p.tax])).toEqual([
      ['EUR', 'DE', 1490, 19],
      ['GBP', 'GB', 1290, 20],
    ]);
    expect(prices[1]?.key).not.toBe(gbpBefore?.key);
    const read = await admin('GET', `/variants/${A.scayleVariantId}/prices`);
    expect(read.body.entities).toEqual(prices);
    expect(webhooks().map((w) => w.body)).toEqual([
      {
        key: expect.any(String),
        meta: { tenantKey: 'acme', xRequestId: expect.any(String) },
        occurredAt: expect.stringMatching(/\+00:00$/),
        type: 'product-variant-prices-updated',
        version: 1,
        payload: {
          productVariant: { id: A.scayleVariantId, referenceKey: A.sku },
          product: { id: expect.any(Number), referenceKey: productKeyOf(A.sku) },
          prices: JSON.parse(JSON.stringify(prices)),
          merchantReferenceKey: null,
        },
      },
    ]);
  });

  it('adds a price valid from now for a currency that has none', async () => {
    await harness.scayle.changePrices([{ sku: A.sku, currencyCode: 'CHF', price: 2590 }]);

    expect(harness.scayle.pricesOf(A.sku).find((p) => p.currencyCode === 'CHF')).toMatchObject({
      price: 2590,
      validTo: null,
    });
  });

  it('delivers no webhook for writes through the Admin API', async () => {
    await admin('POST', `/variants/${byKey(A.sku)}/stocks`, {
      quantity: 1,
      warehouseReferenceKey: 'WH-MAIN',
      changedAt: '2026-03-01T10:00:00Z',
    });
    await admin('POST', `/variants/${byKey(A.sku)}/prices`, { price: 1000, currencyCode: 'EUR' });

    expect(harness.receiver.seen).toHaveLength(0);
  });

  it('refuses a change for a SKU it does not know, or without a quantity, and changes nothing', async () => {
    for (const [path, body] of [
      ['/_sim/stock', { changes: [{ sku: 'NOPE', quantity: 1 }] }],
      ['/_sim/stock', { changes: [{ sku: A.sku }] }],
      ['/_sim/stock', { changes: [] }],
      ['/_sim/prices', { changes: [{ sku: A.sku, currencyCode: 'EUR' }] }],
      ['/_sim/prices', { changes: [{ sku: 'NOPE', currencyCode: 'EUR', price: 1 }] }],
    ] as const) {
      const answer = await control('POST', path, body);
      expect(answer.status).toBe(400);
      expect(answer.body).toMatchObject({
        error: 'invalid body',
        issues: [expect.objectContaining({ path: expect.any(Array) })],
      });
    }
    expect(harness.scayle.stockOf(A.sku)).toEqual({});
    expect(harness.receiver.seen).toHaveLength(0);
  });
});
