import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { DEMO_CATALOGUE, type DemoVariant, demoVariantBySku } from '../../../local/simulators/catalogue';
import { DEFAULT_SCAYLE_TOKEN, startScayleSimulator } from '../../../local/simulators/scayle';
import type { CallStats } from '../../../local/simulators/sim-server';
import { sum } from '../../../shared/domain/money';
import { toSalesOrder } from '../../../shared/domain/sales-order';
import { type ScayleOrder, scayleOrderSchema, scayleWebhookSchema } from '../../../shared/schemas/scayle';

const WEBHOOK_USER = { username: 'scayle', password: 'webhook-secret' };
const [VARIANT_A, VARIANT_B] = DEMO_CATALOGUE.filter((v) => v.orderwise) as [DemoVariant, DemoVariant];

/** A tiny webhook receiver on loopback: records every delivery and answers from a script (the last repeats). */
const startReceiver = async () => {
  const received: { headers: IncomingHttpHeaders; body: string }[] = [];
  let answers = [202];
  let delayMs = 0;
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => {
      body += chunk;
    });
    req.on('end', () => {
      received.push({ headers: req.headers, body });
      const status = answers.length > 1 ? (answers.shift() as number) : (answers[0] as number);
      setTimeout(() => res.writeHead(status).end(), delayMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/scayle`,
    received,
    /** Answers the next deliveries with these statuses, each after `delay` ms. */
    script: (statuses: number[], delay = 0) => {
      answers = statuses;
      delayMs = delay;
    },
    bodies: () => received.map((r) => JSON.parse(r.body) as unknown),
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};

let scayle: Awaited<ReturnType<typeof startScayleSimulator>>;
let receiver: Awaited<ReturnType<typeof startReceiver>>;

/** Calls the Admin API; `token: null` sends no X-Access-Token. */
const admin = (
  method: string,
  path: string,
  { token = DEFAULT_SCAYLE_TOKEN, body }: { token?: string | null; body?: string } = {},
) =>
  fetch(`${scayle.apiUrl}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...(token === null ? {} : { 'x-access-token': token }) },
    body,
  });

const control = async (method: 'GET' | 'POST', path: string, body?: unknown) => {
  const response = await fetch(`${scayle.url}${path}`, {
    method,
    ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
};

/** Creates orders through `POST /_sim/orders`. */
const createOrders = async (body: Record<string, unknown>): Promise<ScayleOrder[]> => {
  const { status, body: created } = await control('POST', '/_sim/orders', body);
  expect(status).toBe(200);
  return (created.orders as unknown[]).map((order) => scayleOrderSchema.parse(order));
};

const oneOrder = async () => {
  const [order] = await createOrders({ orders: [{ items: [{ sku: VARIANT_A.sku, quantity: 1 }] }], deliver: false });
  return order as ScayleOrder;
};

const referenceKeyOf = (orderId: number) => scayle.orders().find((o) => o.id === orderId)?.referenceKey;

const setReference = (orderId: number | string, body: string, token?: string | null) =>
  admin('PUT', `/shops/ac/countries/DE/orders/${orderId}/reference-key`, { body, token });

beforeAll(async () => {
  receiver = await startReceiver();
  scayle = await startScayleSimulator({ webhook: { url: receiver.url, ...WEBHOOK_USER } });
});

afterAll(async () => {
  await scayle?.stop();
  await receiver?.stop();
});

beforeEach(async () => {
  await control('POST', '/_sim/reset', {});
  receiver.received.length = 0;
  receiver.script([202]);
});

describe('SCAYLE simulator: the Admin API refuses what SCAYLE would', () => {
  const unauthorised = { errors: [{ code: 'UNAUTHORIZED', message: 'Missing or invalid X-Access-Token' }] };

  it('answers 401 in SCAYLE error shape to every operation without the right X-Access-Token', async () => {
    const order = await oneOrder();
    const calls: [string, string, string?][] = [
      ['GET', `/shops/ac/countries/DE/orders/${order.id}`],
      ['GET', '/shops/ac/countries/DE/orders'],
      ['PUT', `/shops/ac/countries/DE/orders/${order.id}/reference-key`, JSON.stringify({ referenceKey: 'SO1' })],
      [
        'POST',
        `/variants/key%3D${VARIANT_A.sku}/stocks`,
        JSON.stringify({ quantity: 1, warehouseReferenceKey: 'WH1', changedAt: '2025-03-01T10:00:00Z' }),
      ],
      ['GET', `/variants/key%3D${VARIANT_A.sku}/stocks`],
    ];
    for (const [method, path, body] of calls) {
      for (const token of [null, 'wrong-token']) {
        const response = await admin(method, path, { token, ...(body ? { body } : {}) });
        expect({ call: `${method} ${path}`, status: response.status, body: await response.json() }).toEqual({
          call: `${method} ${path}`,
          status: 401,
          body: unauthorised,
        });
      }
    }
    expect(referenceKeyOf(order.id)).toBeNull();
    expect(scayle.stockOf(VARIANT_A.sku)).toEqual({});
  });

  it('answers 404 NOT_FOUND for an unknown order and for an order of another shop', async () => {
    const order = await oneOrder();
    const notFound = { errors: [{ code: 'NOT_FOUND', message: 'Order not found' }] };
    for (const path of ['/shops/ac/countries/DE/orders/424242', `/shops/zz/countries/DE/orders/${order.id}`]) {
      const response = await admin('GET', path);
      expect(response.status).toBe(404);
      expect(await response.json()).toEqual(notFound);
    }
    const put = await setReference(424242, JSON.stringify({ referenceKey: 'SO1' }));
    expect(put.status).toBe(404);
    expect(await put.json()).toEqual(notFound);
  });

  it("answers 404 when setting the reference key through another shop's path and changes nothing", async () => {
    const order = await oneOrder();

    const response = await admin('PUT', `/shops/zz/countries/DE/orders/${order.id}/reference-key`, {
      body: JSON.stringify({ referenceKey: 'SO1' }),
    });

    expect(response.status).toBe(404);
    expect(referenceKeyOf(order.id)).toBeNull();
  });

  it('answers 400 VALIDATION_ERROR to a malformed reference-key body and keeps the stored key', async () => {
    const order = await oneOrder();
    expect((await setReference(order.id, JSON.stringify({ referenceKey: 'SO000001' }))).status).toBe(204);
    for (const body of [
      'not json',
      '{}',
      JSON.stringify({ referenceKey: '' }),
      JSON.stringify({ referenceKey: 42 }),
      JSON.stringify({ referenceKey: 'x'.repeat(256) }),
    ]) {
      const response = await setReference(order.id, body);
      expect({ body, status: response.status, answer: await response.json() }).toEqual({
        body,
        status: 400,
        answer: { errors: [{ code: 'VALIDATION_ERROR', message: 'referenceKey is required' }] },
      });
    }
    expect(referenceKeyOf(order.id)).toBe('SO000001');
  });

  it('finds an order by its reference key as well as by its id', async () => {
    const order = await oneOrder();
    await setReference(order.id, JSON.stringify({ referenceKey: 'SO 42/1' }));

    const response = await admin('GET', `/shops/ac/countries/DE/orders/${encodeURIComponent('key=SO 42/1')}`);

    expect(response.status).toBe(200);
    expect(((await response.json()) as ScayleOrder).id).toBe(order.id);
  });

  it('answers 429 TOO_MANY_REQUESTS once setOrderReference is over its per-minute limit, changing nothing', async () => {
    const order = await oneOrder();
    let accepted = 0;
    let throttled: Response | undefined;
    // SCAYLE allows 300 ordersWrite calls a minute; the simulator lets the whole minute's budget come at once.
    while (!throttled && accepted < 1_000) {
      const response = await setReference(order.id, JSON.stringify({ referenceKey: `SO${accepted}` }));
      if (response.status === 429) throttled = response;
      else {
        expect(response.status).toBe(204);
        accepted++;
      }
    }

    expect(accepted).toBeGreaterThanOrEqual(300);
    expect(throttled?.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(await throttled?.json()).toEqual({
      errors: [{ code: 'TOO_MANY_REQUESTS', message: 'Rate limit exceeded' }],
    });
    expect(referenceKeyOf(order.id)).toBe(`SO${accepted - 1}`);
    const calls = (await control('GET', '/_sim/calls')).body as Record<string, CallStats>;
    expect(calls.setOrderReference).toMatchObject({ calls: accepted + 1, throttled: 1 });
    // Reads have their own scope and are not throttled by writes.
    expect((await admin('GET', `/shops/ac/countries/DE/orders/${order.id}`)).status).toBe(200);
  });

  it('pages orders of one shop with a cursor', async () => {
    await createOrders({
      orders: [1, 2, 3].map(() => ({ items: [{ sku: VARIANT_A.sku, quantity: 1 }] })),
      deliver: false,
    });
    await createOrders({
      orders: [{ items: [{ sku: VARIANT_A.sku, quantity: 1 }], shopKey: 'other' }],
      deliver: false,
    });

    const first = (await (await admin('GET', '/shops/ac/countries/DE/orders?limit=2')).json()) as {
      entities: ScayleOrder[];
      cursor: { next: string | null };
    };
    expect(first.entities.map((o) => o.id)).toEqual([10_001, 10_002]);
    expect(first.cursor.next).toBe('2');
    const second = (await (await admin('GET', '/shops/ac/countries/DE/orders?limit=2&cursor=2')).json()) as {
      entities: ScayleOrder[];
      cursor: { next: string | null };
    };
    expect(second.entities.map((o) => o.id)).toEqual([10_003]);
    expect(second.cursor.next).toBeNull();
  });

  it('keeps absolute stock per warehouse and refuses a stock update naming the missing fields', async () => {
    const bad = await admin('POST', `/variants/key%3D${VARIANT_A.sku}/stocks`, {
      body: JSON.stringify({ quantity: -1, warehouseReferenceKey: 'WH1' }),
    });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({
      errors: [{ code: 'VALIDATION_ERROR', message: expect.stringMatching(/^quantity: .+; changedAt: .+$/) }],
    });

    for (const [warehouseReferenceKey, quantity] of [
      ['WH1', 5],
      ['WH2', 7],
      ['WH1', 3],
    ] as const) {
      const response = await admin('POST', `/variants/key%3D${VARIANT_A.sku}/stocks`, {
        body: JSON.stringify({ quantity, warehouseReferenceKey, changedAt: '2025-03-01T10:00:00Z' }),
      });
      expect(response.status).toBe(201);
    }
    const stock = (await (await admin('GET', `/variants/key%3D${VARIANT_A.sku}/stocks`)).json()) as {
      entities: { warehouseReferenceKey: string; quantity: number }[];
    };
    expect(stock.entities.map((e) => [e.warehouseReferenceKey, e.quantity])).toEqual([
      ['WH1', 3],
      ['WH2', 7],
    ]);
  });
});

describe('SCAYLE simulator: orders', () => {
  /** SCAYLE's own arithmetic: items + fees - reductions, with and without tax, and VAT inside each price. */
  const expectMoneyAddsUp = (order: ScayleOrder) => {
    const fees = order.cost.appliedFees;
    const reductions = order.cost.appliedReductions;
    expect(order.cost.withTax).toBe(
      sum(order.items.map((i) => i.price.withTax)) +
        sum(fees.map((f) => f.amount.withTax)) -
        sum(reductions.map((r) => r.amount.withTax)),
    );
    expect(order.cost.withoutTax).toBe(
      sum(order.items.map((i) => i.price.withoutTax)) +
        sum(fees.map((f) => f.amount.withoutTax ?? 0)) -
        sum(reductions.map((r) => r.amount.withoutTax ?? 0)),
    );
    expect(order.cost.tax).toBe(order.cost.withTax - order.cost.withoutTax);
    for (const { price } of order.items) {
      expect(price.withTax).toBe(price.withoutTax + price.tax.vat.amount);
      expect(Number.isInteger(price.withTax)).toBe(true);
    }
  };

  it('sends one item per unit, priced in minor units from the catalogue, with money that adds up', async () => {
    const [de, gb] = await createOrders({
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

    expect(de?.items.map((i) => [i.variant.referenceKey, i.price.withTax, i.price.undiscountedWithTax])).toEqual([
      [VARIANT_A.sku, VARIANT_A.priceMinor - 300, VARIANT_A.priceMinor],
      [VARIANT_A.sku, VARIANT_A.priceMinor - 300, VARIANT_A.priceMinor],
      [VARIANT_A.sku, VARIANT_A.priceMinor - 300, VARIANT_A.priceMinor],
      [VARIANT_B.sku, VARIANT_B.priceMinor, undefined],
    ]);
    expect(de?.cost.withTax).toBe(3 * (VARIANT_A.priceMinor - 300) + VARIANT_B.priceMinor + 495 - 500);
    expect(de).toMatchObject({ currencyCode: 'EUR', status: 'payment_reserved', referenceKey: null });
    expect(gb).toMatchObject({ currencyCode: 'GBP', cost: { appliedFees: [] } });
    for (const order of [de, gb]) expectMoneyAddsUp(order as ScayleOrder);
  });

  it('makes random orders that parse as SCAYLE orders and map to OrderWise without losing a minor unit', async () => {
    const orders = await createOrders({ random: 60, deliver: false });

    expect(orders).toHaveLength(60);
    for (const order of orders) {
      expectMoneyAddsUp(order);
      const salesOrder = toSalesOrder(order, (sku) => demoVariantBySku.get(sku)?.orderwise?.variantCode);
      expect(salesOrder.totalGrossMinor).toBe(order.cost.withTax);
    }
  });

  it('refuses an order request it cannot build with 400 and the issues', async () => {
    for (const body of [
      { orders: [{ items: [] }] },
      { orders: [{ items: [{ sku: VARIANT_A.sku, quantity: 0 }] }] },
      { random: -1 },
      { duplicates: 11 },
    ]) {
      const { status, body: answer } = await control('POST', '/_sim/orders', body);
      expect(status).toBe(400);
      expect(answer).toMatchObject({
        error: 'invalid body',
        issues: [expect.objectContaining({ path: expect.any(Array) })],
      });
    }
    expect(scayle.orders()).toEqual([]);
  });
});

describe('SCAYLE simulator: webhooks', () => {
  const authorization = `Basic ${Buffer.from(`${WEBHOOK_USER.username}:${WEBHOOK_USER.password}`).toString('base64')}`;

  let deduplicationId: typeof import('../../../functions/scayle-webhook/handler')['deduplicationId'];

  beforeAll(async () => {
    // The webhook handler reads its environment when it is loaded.
    vi.stubEnv('ORDER_EVENTS_QUEUE_URL', 'http://127.0.0.1:9/000000000000/orders.fifo');
    vi.stubEnv('STOCK_EVENTS_QUEUE_URL', 'http://127.0.0.1:9/000000000000/stock.fifo');
    vi.stubEnv('LISTINGS_QUEUE_URL', 'http://127.0.0.1:9/000000000000/listings.fifo');
    vi.stubEnv('DATA_BUCKET', 'data');
    vi.stubEnv('EXCEPTIONS_TABLE', 'exceptions');
    vi.stubEnv('WEBHOOK_SECRET', 'scayle-webhook');
    ({ deduplicationId } = await import('../../../functions/scayle-webhook/handler'));
  });

  afterAll(() => {
    vi.unstubAllEnvs();
  });

  it('delivers order-confirmed as often as asked, the same event each time, with Basic credentials', async () => {
    const [order] = await createOrders({
      orders: [{ items: [{ sku: VARIANT_A.sku, quantity: 2 }], countryCode: 'GB' }],
      duplicates: 3,
    });

    expect(receiver.received).toHaveLength(3);
    for (const { headers } of receiver.received) {
      expect(headers.authorization).toBe(authorization);
      expect(headers['content-type']).toBe('application/json');
    }
    const webhooks = receiver.bodies().map((body) => scayleWebhookSchema.parse(body));
    for (const webhook of webhooks) {
      expect(webhook).toMatchObject({
        id: `evt-confirmed-${order?.id}`,
        event: 'order-confirmed',
        payload: { id: order?.id, shopKey: 'ac', countryCode: 'GB' },
      });
    }
    expect(new Set(webhooks.map(deduplicationId))).toEqual(new Set([`evt-confirmed-${order?.id}`]));
    expect((await control('GET', '/_sim/state')).body.deliveries).toEqual(
      [1, 2, 3].map(() => ({
        event: 'order-confirmed',
        orderId: order?.id,
        status: 202,
      })),
    );
  });

  it('repeats an event byte for byte, as a retry of one delivery', async () => {
    // A receiver that takes a few milliseconds to answer, as any real one does.
    receiver.script([202], 5);
    await createOrders({ orders: [{ items: [{ sku: VARIANT_A.sku, quantity: 1 }] }], duplicates: 2 });

    const [first, second] = receiver.received;
    expect(second?.body).toBe(first?.body);
    // So even without SCAYLE's event id, the handler's content hash deduplicates the repeat.
    const withoutId = receiver
      .bodies()
      .map((body) => deduplicationId({ ...scayleWebhookSchema.parse(body), id: undefined }));
    expect(new Set(withoutId).size).toBe(1);
  });

  it('retries a delivery the hub refused, like SCAYLE', async () => {
    receiver.script([503, 500, 202]);

    await createOrders({ orders: [{ items: [{ sku: VARIANT_A.sku, quantity: 1 }] }] });

    expect(receiver.received).toHaveLength(3);
    expect(new Set(receiver.received.map((r) => r.body)).size).toBe(1);
    expect((await control('GET', '/_sim/state')).body.deliveries).toMatchObject([{ status: 202 }]);
  });

  it('cancels an order and sends the cancel event in either spelling SCAYLE documents', async () => {
    const [first, second] = await createOrders({
      orders: [{ items: [{ sku: VARIANT_A.sku, quantity: 2 }] }, { items: [{ sku: VARIANT_B.sku, quantity: 1 }] }],
      deliver: false,
    });

    expect((await control('POST', `/_sim/orders/${first?.id}/cancel`)).status).toBe(200);
    expect((await control('POST', `/_sim/orders/${second?.id}/cancel?spelling=order-canceled`)).status).toBe(200);

    const webhooks = receiver.bodies().map((body) => scayleWebhookSchema.parse(body));
    expect(webhooks.map((w) => [w.event, w.payload.id])).toEqual([
      ['order-cancelled', first?.id],
      ['order-canceled', second?.id],
    ]);
    for (const order of scayle.orders()) {
      expect(order.status).toBe('cancellation_completed');
      expect((order.items as { status: string }[]).every((i) => i.status === 'cancelled')).toBe(true);
    }
    const unknown = await control('POST', '/_sim/orders/424242/cancel');
    expect(unknown).toEqual({ status: 404, body: { error: 'no such order' } });
  });

  it('sends webhooks where POST /_sim/webhooks points them and refuses an incomplete target', async () => {
    expect((await control('POST', '/_sim/webhooks', { url: receiver.url })).status).toBe(400);
    const other = await startReceiver();
    try {
      const set = await control('POST', '/_sim/webhooks', { url: other.url, username: 'u', password: 'p' });
      expect(set).toEqual({ status: 200, body: { webhook: other.url } });
      await createOrders({ orders: [{ items: [{ sku: VARIANT_A.sku, quantity: 1 }] }] });
      expect(other.received).toHaveLength(1);
      expect(receiver.received).toHaveLength(0);
    } finally {
      scayle.setWebhook({ url: receiver.url, ...WEBHOOK_USER });
      await other.stop();
    }
  });
});

describe('SCAYLE simulator: control surface', () => {
  it('shows its state and forgets everything on reset', async () => {
    const order = await oneOrder();
    await setReference(order.id, JSON.stringify({ referenceKey: 'SO1' }));

    const state = (await control('GET', '/_sim/state')).body;
    expect(state).toMatchObject({ orders: [{ id: 10_001, referenceKey: 'SO1' }], stocks: {}, deliveries: [] });

    expect(await control('POST', '/_sim/reset', {})).toEqual({ status: 200, body: { reset: true } });
    expect((await control('GET', '/_sim/state')).body).toEqual({
      orders: [],
      stocks: {},
      deliveries: [],
      stockWrites: 0,
    });
    expect((await control('GET', '/_sim/calls')).body).toEqual({});
    expect((await oneOrder()).id).toBe(10_001);
  });

  it('answers an injected error in SCAYLE error shape without doing the work, and counts it', async () => {
    const order = await oneOrder();
    const set = await control('POST', '/_sim/faults', { setOrderReference: { errorRate: 1, status: 503 } });
    expect(set.body).toEqual({
      setOrderReference: { errorRate: 1, status: 503, latencyMs: 0, timeoutAfterCommitRate: 0 },
    });
    expect((await control('GET', '/_sim/faults')).body).toEqual(set.body);

    const response = await setReference(order.id, JSON.stringify({ referenceKey: 'SO1' }));

    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({ errors: [{ code: 'INTERNAL_ERROR', message: 'Injected fault' }] });
    expect(referenceKeyOf(order.id)).toBeNull();
    expect((await admin('GET', `/shops/ac/countries/DE/orders/${order.id}`)).status).toBe(200);
    const calls = (await control('GET', '/_sim/calls')).body as Record<string, CallStats>;
    expect(calls).toEqual({
      setOrderReference: { calls: 1, throttled: 0, injectedErrors: 1, droppedAfterCommit: 0 },
      getOrder: { calls: 1, throttled: 0, injectedErrors: 0, droppedAfterCommit: 0 },
    });
  });

  it("applies '*' faults to every operation and clears them all with {}", async () => {
    const order = await oneOrder();
    await control('POST', '/_sim/faults', { '*': { errorRate: 1, status: 502 } });
    expect((await admin('GET', `/shops/ac/countries/DE/orders/${order.id}`)).status).toBe(502);
    expect((await admin('GET', `/variants/key%3D${VARIANT_A.sku}/stocks`)).status).toBe(502);

    expect((await control('POST', '/_sim/faults', {})).body).toEqual({});
    expect((await admin('GET', `/shops/ac/countries/DE/orders/${order.id}`)).status).toBe(200);
  });

  it('performs a write and then drops the answer when told to time out after commit', async () => {
    const order = await oneOrder();
    await control('POST', '/_sim/faults', { setOrderReference: { timeoutAfterCommitRate: 1 } });

    await expect(setReference(order.id, JSON.stringify({ referenceKey: 'SO-LOST' }))).rejects.toThrow(TypeError);

    expect(referenceKeyOf(order.id)).toBe('SO-LOST');
    const calls = (await control('GET', '/_sim/calls')).body as Record<string, CallStats>;
    expect(calls.setOrderReference).toMatchObject({ calls: 1, droppedAfterCommit: 1 });
  });

  it('refuses a malformed fault specification with 400', async () => {
    for (const body of [{ getOrder: { errorRate: 2 } }, { getOrder: { status: 200 } }, []]) {
      expect((await control('POST', '/_sim/faults', body)).status).toBe(400);
    }
    expect((await control('GET', '/_sim/faults')).body).toEqual({});
  });
});
