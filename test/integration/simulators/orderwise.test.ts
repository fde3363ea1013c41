import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_CATALOGUE, type DemoVariant } from '../../../local/simulators/catalogue';
import { ORDERWISE_STATUSES, startOrderwiseSimulator } from '../../../local/simulators/orderwise';
import type { CallStats } from '../../../local/simulators/sim-server';

const [VARIANT_A, VARIANT_B] = DEMO_CATALOGUE.filter((v) => v.orderwise) as [DemoVariant, DemoVariant];
const CODE_A = VARIANT_A.orderwise?.variantCode as string;
const UNSTOCKED = DEMO_CATALOGUE.find((v) => !v.orderwise) as DemoVariant;
const DENIED = { error: 'Authorization has been denied for this request.' };

let orderwise: Awaited<ReturnType<typeof startOrderwiseSimulator>>;
let token: string;

const basic = (username: string, password: string) =>
  `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;

const getToken = (authorization?: string) =>
  fetch(`${orderwise.apiUrl}/token/gettoken`, { headers: authorization ? { authorization } : {} });

const mint = async (): Promise<string> =>
  (await getToken(basic(orderwise.user.username, orderwise.user.password))).json() as Promise<string>;

/** Calls the OW API; `bearer: null` sends no token, a string body is sent as it is. */
const api = async (
  method: string,
  path: string,
  { body, bearer = token }: { body?: unknown; bearer?: string | null } = {},
) => {
  const response = await fetch(`${orderwise.apiUrl}/${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...(bearer === null ? {} : { authorization: `Bearer ${bearer}` }) },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : undefined) as Record<string, unknown> };
};

const control = (method: 'GET' | 'POST', path: string, body?: unknown) =>
  fetch(`${orderwise.url}${path}`, {
    method,
    ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  });

const calls = async () => (await (await control('GET', '/_sim/calls')).json()) as Record<string, CallStats>;

/** A sales order as the hub's client sends it: 3 x 19.90 less 1.00, shipping 4.95, a 5.00 voucher. */
const salesOrder = (ref: string, change: Record<string, unknown> = {}) => ({
  customer: { accountNumber: 'SCAYLE-WEB' },
  orderHeader: {
    orderDate: '2025-03-01T10:00:00.000Z',
    eCommerceOrderNumber: ref,
    systemOrderType: 1,
    currencyCode: 'EUR',
  },
  customerDeliveryAddress: {
    deliveryName: 'Anna Schmidt',
    address1: 'Hauptstrasse 12',
    town: 'Hamburg',
    postcode: '20095',
    countryCode: 'DE',
  },
  orderLines: [
    {
      variantCode: CODE_A,
      quantity: 3,
      calculateLineSystemPrice: false,
      unitPriceGross: '19.90',
      discountGross: '1.00',
      taxRate: 19,
    },
  ],
  deliveryCharges: [{ code: 'standard', gross: '4.95', taxRate: 19 }],
  orderDiscounts: [{ code: 'WELCOME5', gross: '5.00', taxRate: 19 }],
  ...change,
});

const create = (ref: string, options: { session?: number | null; body?: unknown; bearer?: string | null } = {}) => {
  const session = options.session === undefined ? orderwise.sessionId : options.session;
  return api('POST', `sales/order${session === null ? '' : `?session_id=${session}`}`, {
    body: options.body ?? salesOrder(ref),
    ...(options.bearer === undefined ? {} : { bearer: options.bearer }),
  });
};

/** The totals export definition's rows for one order. */
const totalsOf = async (orderId: number) =>
  (
    await api('POST', `system/export-definition/${orderwise.exportDefinitionIds.salesOrderTotals}`, {
      body: [{ name: '@orderId', value: orderId }],
    })
  ).body;

beforeAll(async () => {
  orderwise = await startOrderwiseSimulator();
});

afterAll(async () => {
  await orderwise?.stop();
});

beforeEach(async () => {
  await control('POST', '/_sim/reset', {});
  token = await mint();
});

describe('OrderWise simulator: the OW API refuses what OrderWise would', () => {
  it('hands out a token as a JSON string for the right Basic credentials only', async () => {
    for (const authorization of [
      undefined,
      basic(orderwise.user.username, 'wrong'),
      basic('nobody', 'x'),
      'Bearer x',
    ]) {
      const response = await getToken(authorization);
      expect(response.status).toBe(401);
      expect(await response.json()).toEqual({ error: 'Invalid username or password' });
    }
    const response = await getToken(basic(orderwise.user.username, orderwise.user.password));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/json/);
    expect(await response.text()).toMatch(/^"[^"]+"$/);
  });

  it('answers 401 to every operation without a bearer token it minted', async () => {
    const { body: created } = await create('1001');
    const operations: [string, string, unknown?][] = [
      ['POST', `sales/order?session_id=${orderwise.sessionId}`, salesOrder('1002')],
      [
        'POST',
        `system/export-definition/${orderwise.exportDefinitionIds.salesOrderByRef}`,
        [{ name: '@ref', value: '1001' }],
      ],
      ['GET', `sales/order/${created.orderId}/status`],
      ['PUT', `sales/order/${created.orderId}/cancel`],
      ['GET', `stock/${VARIANT_A.orderwise?.variantId}/free-stock`],
    ];
    for (const [method, path, body] of operations) {
      for (const bearer of [null, 'ow-forged-token']) {
        expect({ call: `${method} ${path}`, ...(await api(method, path, { body, bearer })) }).toEqual({
          call: `${method} ${path}`,
          status: 401,
          body: DENIED,
        });
      }
    }
    expect(orderwise.orders().map((o) => [o.eCommerceOrderNumber, o.orderStatus])).toEqual([
      ['1001', 'Awaiting despatch'],
    ]);
  });

  it('creates a sales order and works out its totals from the lines as OrderWise does', async () => {
    const created = await create('1001');

    expect(created).toEqual({
      status: 201,
      body: { orderId: 1, orderNumber: 'SO000001', eCommerceOrderNumber: '1001' },
    });
    const status = await api('GET', 'sales/order/1/status');
    expect(status.body).toMatchObject({
      orderId: 1,
      orderNumber: 'SO000001',
      eCommerceOrderNumber: '1001',
      orderStatus: 'Awaiting despatch',
      subStatus: null,
      lines: [{ variantCode: CODE_A, quantity: 3, quantityDespatched: 0, lineGrossMinor: 5870 }],
      deliveries: [],
    });
    // No source shows totals in the status answer [A]: they come from the tenant's totals export definition.
    expect(status.body).not.toHaveProperty('totalGross');
    expect(await totalsOf(1)).toEqual([
      // 3 x 19.90 - 1.00 + 4.95 - 5.00; VAT 9.37 + 0.79 - 0.80, each part rounded on its own.
      { orderId: 1, orderNumber: 'SO000001', totalGross: '58.65', totalTax: '9.36' },
    ]);
  });

  it('keeps the VAT amounts it is sent instead of rounding each line again', async () => {
    // Three units taxed one by one (3 x 3.18) carry 9.54 VAT; 59.70 rounded as one line would give 9.53.
    const line = {
      variantCode: CODE_A,
      quantity: 3,
      calculateLineSystemPrice: false,
      unitPriceGross: '19.90',
      taxRate: 19,
    };
    await create('1001', {
      body: salesOrder('1001', { orderLines: [{ ...line, taxAmount: '9.54' }], orderDiscounts: [] }),
    });
    await create('1002', { body: salesOrder('1002', { orderLines: [line], orderDiscounts: [] }) });

    expect(await totalsOf(1)).toEqual([expect.objectContaining({ totalGross: '64.65', totalTax: '10.33' })]);
    expect(await totalsOf(2)).toEqual([expect.objectContaining({ totalGross: '64.65', totalTax: '10.32' })]);
  });

  it('refuses a create without session_id', async () => {
    for (const session of [null, 0]) {
      expect(await create('1001', { session })).toEqual({ status: 400, body: { error: 'session_id is required' } });
    }
    expect(orderwise.orders()).toEqual([]);
  });

  it('refuses a second order with the same eCommerceOrderNumber in a session with 409', async () => {
    await create('1001');

    expect(await create('1001')).toEqual({ status: 409, body: { error: 'Duplicate eCommerceOrderNumber' } });
    expect(orderwise.ordersByReference('1001')).toHaveLength(1);
    // [A] the refusal is per e-commerce session: another session may use the same number.
    expect((await create('1001', { session: orderwise.sessionId + 1 })).status).toBe(201);
  });

  it('refuses an order for a variant code it does not know with 400 and creates nothing', async () => {
    const unknownCode = `OW-NOT-${UNSTOCKED.sku}`;
    const body = salesOrder('1001', {
      orderLines: [
        { variantCode: CODE_A, quantity: 1, calculateLineSystemPrice: false, unitPriceGross: '19.90' },
        { variantCode: unknownCode, quantity: 1, calculateLineSystemPrice: false, unitPriceGross: '19.90' },
      ],
    });

    expect(await create('1001', { body })).toEqual({
      status: 400,
      body: { error: `Variant code ${unknownCode} not found` },
    });
    expect(orderwise.orders()).toEqual([]);
  });

  it('refuses a malformed order with 400 naming the field', async () => {
    const line = salesOrder('x').orderLines[0];
    const cases: [unknown, string][] = [
      [salesOrder('1001', { orderLines: [{ ...line, unitPriceGross: '19.999' }] }), 'orderLines.0.unitPriceGross'],
      [salesOrder('1001', { orderLines: [{ ...line, quantity: 0 }] }), 'orderLines.0.quantity'],
      [salesOrder('1001', { orderLines: [{ ...line, taxAmount: 9.37 }] }), 'orderLines.0.taxAmount'],
      [salesOrder('1001', { orderLines: [] }), 'orderLines'],
      [
        salesOrder('1001', { deliveryCharges: [{ code: 'standard', gross: '4,95', taxRate: 19 }] }),
        'deliveryCharges.0.gross',
      ],
      [
        { ...salesOrder('1001'), orderHeader: { orderDate: '2025-03-01', systemOrderType: 1 } },
        'orderHeader.eCommerceOrderNumber',
      ],
      [{ ...salesOrder('1001'), customer: {} }, 'customer.accountNumber'],
    ];
    for (const [body, field] of cases) {
      const answer = await create('1001', { body });
      expect(answer.status).toBe(400);
      expect(answer.body.error).toMatch(new RegExp(`^Invalid order: .*${field.replaceAll('.', '\\.')}: `));
    }
    expect((await create('1001', { body: 'not json' })).status).toBe(400);
    expect(orderwise.orders()).toEqual([]);
  });

  it('finds sales orders by eCommerceOrderNumber through the export definition only', async () => {
    await create('1001');
    const path = `system/export-definition/${orderwise.exportDefinitionIds.salesOrderByRef}`;
    const ref = (value: string) => [{ name: '@ref', value }];

    expect(await api('POST', path, { body: ref('1001') })).toEqual({
      status: 200,
      body: [{ orderId: 1, orderNumber: 'SO000001', eCommerceOrderNumber: '1001', orderStatus: 'Awaiting despatch' }],
    });
    expect(await api('POST', path, { body: ref('9999') })).toEqual({ status: 200, body: [] });
    expect(await api('POST', path, { body: [] })).toEqual({
      status: 400,
      body: { error: expect.stringMatching(/^Invalid parameters: @ref: /) },
    });
    expect(await api('POST', 'system/export-definition/NoSuchExport', { body: ref('1001') })).toEqual({
      status: 404,
      body: { error: 'Export definition not found' },
    });
  });

  it('answers 404 for a sales order or variant it does not have', async () => {
    expect(await api('GET', 'sales/order/77/status')).toEqual({
      status: 404,
      body: { error: 'Sales order not found' },
    });
    expect(await api('PUT', 'sales/order/77/cancel')).toEqual({
      status: 404,
      body: { error: 'Sales order not found' },
    });
    expect(await api('GET', 'stock/1/free-stock')).toEqual({ status: 404, body: { error: 'Variant not found' } });
    expect(await api('GET', `stock/${VARIANT_B.orderwise?.variantId}/free-stock`)).toEqual({
      status: 200,
      body: {
        variantID: VARIANT_B.orderwise?.variantId,
        variantCode: VARIANT_B.orderwise?.variantCode,
        freeStockQty: VARIANT_B.initialStock,
      },
    });
  });

  it('cancels while the status allows and refuses with 409 once picking or despatch has started', async () => {
    const cases: [(typeof ORDERWISE_STATUSES)[number], string | null, number][] = [
      ['Awaiting authorisation', null, 200],
      ['Awaiting despatch', null, 200],
      ['Awaiting despatch', 'Picking in progress', 409],
      ['Partially despatched', null, 409],
      ['Completed', null, 409],
      ['On hold', null, 200],
      // Already cancelled: cancelling again is a no-op, not an error.
      ['Cancelled', null, 200],
    ];
    expect(new Set(cases.map(([status]) => status))).toEqual(new Set(ORDERWISE_STATUSES));
    for (const [i, [orderStatus, subStatus, expected]] of cases.entries()) {
      const { body: created } = await create(String(2001 + i));
      const set = await control('POST', `/_sim/orders/${created.orderNumber}/status`, { orderStatus, subStatus });
      expect(set.status).toBe(200);

      const answer = await api('PUT', `sales/order/${created.orderId}/cancel`);

      const label = subStatus ? `${orderStatus} (${subStatus})` : orderStatus;
      expect({ label, status: answer.status }).toEqual({ label, status: expected });
      const after = (await api('GET', `sales/order/${created.orderId}/status`)).body;
      if (expected === 200) {
        expect(answer.body).toMatchObject({ orderStatus: 'Cancelled', subStatus: null });
        expect(after.orderStatus).toBe('Cancelled');
      } else {
        expect(answer.body).toEqual({ error: `Order cannot be cancelled: ${label}` });
        expect([after.orderStatus, after.subStatus]).toEqual([orderStatus, subStatus]);
      }
    }
  });

  it('refuses a status change to a status it does not know or for an order it does not have', async () => {
    const { body: created } = await create('1001');
    const bad = await control('POST', `/_sim/orders/${created.orderNumber}/status`, { orderStatus: 'Despatched' });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toMatch(
      /^orderStatus must be one of Awaiting authorisation/,
    );
    const unknown = await control('POST', '/_sim/orders/SO999999/status', { orderStatus: 'Completed' });
    expect(unknown.status).toBe(404);
    expect(orderwise.orders()[0]?.orderStatus).toBe('Awaiting despatch');
  });

  it('answers 429 once a runaway client goes past its limit, creating nothing for the refused calls', async () => {
    // Batches of concurrent creates until one is refused: the limit is 200 at once, refilled at 100 a second.
    const answers: Awaited<ReturnType<typeof create>>[] = [];
    while (!answers.some((a) => a.status === 429) && answers.length < 2_000) {
      const base = answers.length;
      answers.push(...(await Promise.all(Array.from({ length: 50 }, (_, i) => create(`burst-${base + i}`)))));
    }

    const refused = answers.filter((answer) => answer.status === 429);
    expect(refused.length).toBeGreaterThan(0);
    expect(answers.filter((answer) => answer.status === 201).length).toBeGreaterThanOrEqual(200);
    for (const [i, answer] of answers.entries()) {
      if (answer.status === 429) {
        expect(answer.body).toEqual({ error: 'Too many requests' });
        expect(orderwise.ordersByReference(`burst-${i}`)).toEqual([]);
      } else {
        expect(answer.status).toBe(201);
        expect(orderwise.ordersByReference(`burst-${i}`)).toHaveLength(1);
      }
    }
    expect((await calls()).createSalesOrder).toMatchObject({ calls: answers.length, throttled: refused.length });
  });
});

describe('OrderWise simulator: control surface', () => {
  it('shows orders and stock in its state, without the raw request bodies', async () => {
    await create('1001');

    const state = (await (await control('GET', '/_sim/state')).json()) as {
      orders: Record<string, unknown>[];
      stock: Record<string, number>;
    };

    expect(state.orders).toHaveLength(1);
    expect(state.orders[0]).toMatchObject({ orderNumber: 'SO000001', eCommerceOrderNumber: '1001', sessionId: 1 });
    expect(state.orders[0]).not.toHaveProperty('body');
    expect(state.stock[CODE_A]).toBe(VARIANT_A.initialStock);
  });

  it('forgets orders, tokens and numbering on reset', async () => {
    await create('1001');

    expect((await control('POST', '/_sim/reset', {})).status).toBe(200);

    expect(orderwise.orders()).toEqual([]);
    expect(await api('GET', 'sales/order/1/status')).toEqual({ status: 401, body: DENIED });
    token = await mint();
    expect((await create('1001')).body).toMatchObject({ orderId: 1, orderNumber: 'SO000001' });
    expect(await calls()).toMatchObject({ getToken: { calls: 1 }, createSalesOrder: { calls: 1 } });
  });

  it('answers an injected error in OrderWise error shape without creating the order', async () => {
    await control('POST', '/_sim/faults', { createSalesOrder: { errorRate: 1, status: 503 } });

    expect(await create('1001')).toEqual({ status: 503, body: { error: 'An error has occurred.' } });

    expect(orderwise.orders()).toEqual([]);
    expect((await calls()).createSalesOrder).toEqual({
      calls: 1,
      throttled: 0,
      injectedErrors: 1,
      droppedAfterCommit: 0,
    });
  });

  it('creates the order and then drops the answer when told to time out after commit', async () => {
    await control('POST', '/_sim/faults', { createSalesOrder: { timeoutAfterCommitRate: 1 } });

    await expect(create('1001')).rejects.toThrow(TypeError);

    expect(orderwise.ordersByReference('1001')).toHaveLength(1);
    expect((await calls()).createSalesOrder).toMatchObject({ calls: 1, droppedAfterCommit: 1 });
    // The retry a careless client would send is refused as the duplicate it is.
    await control('POST', '/_sim/faults', {});
    expect((await create('1001')).status).toBe(409);
  });

  it('injects the same faults in the same calls again from the same seed, and others from another', async () => {
    const run = async (seed: number) => {
      await control('POST', `/_sim/faults?seed=${seed}`, { getFreeStock: { errorRate: 0.5, status: 503 } });
      const statuses: number[] = [];
      for (let i = 0; i < 20; i++)
        statuses.push((await api('GET', `stock/${VARIANT_A.orderwise?.variantId}/free-stock`)).status);
      return statuses.join(',');
    };

    const first = await run(7);
    expect(first).toMatch(/503/);
    expect(first).toMatch(/200/);
    expect(await run(7)).toBe(first);
    expect(await run(8)).not.toBe(first);
  });

  it('goes down for an outage window and comes back', async () => {
    await control('POST', '/_sim/faults', { getFreeStock: { status: 503, outage: { afterMs: 0, forMs: 300 } } });
    const read = async () => (await api('GET', `stock/${VARIANT_A.orderwise?.variantId}/free-stock`)).status;

    expect(await read()).toBe(503);
    await new Promise((resolve) => setTimeout(resolve, 350));
    expect(await read()).toBe(200);
  });

  it("applies '*' faults to every operation, the token call included", async () => {
    await control('POST', '/_sim/faults', { '*': { errorRate: 1, status: 500 } });

    expect((await getToken(basic(orderwise.user.username, orderwise.user.password))).status).toBe(500);
    expect((await api('GET', `stock/${VARIANT_A.orderwise?.variantId}/free-stock`)).status).toBe(500);
    expect(await calls()).toMatchObject({ getToken: { injectedErrors: 1 }, getFreeStock: { injectedErrors: 1 } });
  });
});
