import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { XMLParser } from 'fast-xml-parser';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_CATALOGUE } from '../../../local/simulators/catalogue';
import { DEFAULT_ORDERWISE_USER, startOrderwiseSimulator } from '../../../local/simulators/orderwise';
import { DEFAULT_SCAYLE_TOKEN, startScayleSimulator } from '../../../local/simulators/scayle';

/** A loopback receiver for the exports OrderWise pushes. */
const startReceiver = async () => {
  const received: { path: string; authorization?: string; contentType?: string; body: string }[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    let body = '';
    req.on('data', (chunk) => {
      body += chunk;
    });
    req.on('end', () => {
      received.push({
        path: req.url ?? '',
        authorization: req.headers.authorization,
        contentType: req.headers['content-type'],
        body,
      });
      res.writeHead(202).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, received, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
};

const xml = new XMLParser({
  isArray: (name) => ['Variant', 'order', 'deliveries', 'consignmentNumber', 'line'].includes(name),
});
const exportData = (body: string) => xml.parse(new URLSearchParams(body).get('ExportData') ?? '');
const credentials = { username: 'orderwise', password: 'export-secret' };

describe('OrderWise simulator HTTP exports', () => {
  let ow: Awaited<ReturnType<typeof startOrderwiseSimulator>>;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  const mapped = DEMO_CATALOGUE.filter((v) => v.orderwise);
  const code = (i: number) => mapped[i]?.orderwise?.variantCode as string;

  beforeAll(async () => {
    ow = await startOrderwiseSimulator();
    receiver = await startReceiver();
    ow.setExportTargets({ stockUrl: `${receiver.url}/stock`, despatchUrl: `${receiver.url}/despatch`, ...credentials });
  });
  // Each test sees only the pushes it caused, from the seeded stock and no orders.
  beforeEach(async () => {
    await fetch(`${ow.url}/_sim/reset`, { method: 'POST' });
    receiver.received.length = 0;
  });
  afterAll(async () => {
    await ow.stop();
    await receiver.close();
  });

  it('pushes a stock change as an ExportData form post with Basic credentials and the OrderWise columns', async () => {
    const before = ow.freeStock(code(0));
    await fetch(`${ow.url}/_sim/stock`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        changes: [
          { variantCode: code(0), delta: -2 },
          { variantCode: code(1), quantity: 7 },
        ],
      }),
    });
    const push = receiver.received.find((r) => r.path === '/stock');
    expect(push?.contentType).toBe('application/x-www-form-urlencoded');
    expect(push?.authorization).toBe(`Basic ${Buffer.from('orderwise:export-secret').toString('base64')}`);
    const rows = exportData(push?.body ?? '').StockExport.Variant;
    expect(rows).toEqual([
      expect.objectContaining({
        vad_variant_code: code(0),
        vasq_free_stock_quantity: Math.max(0, before - 2),
        vas_discontinued_product: 'False',
      }),
      expect.objectContaining({ vad_variant_code: code(1), vasq_free_stock_quantity: 7 }),
    ]);
    expect(Date.parse(rows[0].last_changed)).not.toBeNaN();
  });

  it('answers the free stock of the variants changed since a time through its export definition, for the pull safety net', async () => {
    const since = new Date(Date.now() - 60_000).toISOString();
    const before = ow.freeStock(code(2));
    await ow.changeStock([{ variantCode: code(2), delta: 5 }], false);
    const token = await (
      await fetch(`${ow.apiUrl}/token/gettoken`, {
        headers: {
          authorization: `Basic ${Buffer.from(`${DEFAULT_ORDERWISE_USER.username}:${DEFAULT_ORDERWISE_USER.password}`).toString('base64')}`,
        },
      })
    ).json();
    const response = await fetch(
      `${ow.apiUrl}/system/export-definition/${ow.exportDefinitionIds.freeStockChangedSince}`,
      {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify([{ name: '@since', value: since }]),
      },
    );
    const rows = (await response.json()) as { vad_variant_code: string; vasq_free_stock_quantity: number }[];
    expect(rows).toContainEqual({
      vad_id: mapped[2]?.orderwise?.variantId,
      vad_variant_code: code(2),
      vasq_free_stock_quantity: before + 5,
      last_changed: expect.any(String),
    });
  });

  it('despatches an order in parts, item by item, and pushes each despatch', async () => {
    const token = await (
      await fetch(`${ow.apiUrl}/token/gettoken`, {
        headers: {
          authorization: `Basic ${Buffer.from(`${DEFAULT_ORDERWISE_USER.username}:${DEFAULT_ORDERWISE_USER.password}`).toString('base64')}`,
        },
      })
    ).json();
    const created = (await (
      await fetch(`${ow.apiUrl}/sales/order?session_id=1`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          customer: { accountNumber: 'WEB001' },
          orderHeader: { orderDate: '2026-11-23', eCommerceOrderNumber: '10001', systemOrderType: 1 },
          customerDeliveryAddress: { deliveryName: 'A', address1: 'B', town: 'C', postcode: 'D', countryCode: 'DE' },
          orderLines: [
            {
              variantCode: code(3),
              quantity: 2,
              calculateLineSystemPrice: false,
              unitPriceGross: '10.00',
              taxRate: 19,
            },
            { variantCode: code(4), quantity: 1, calculateLineSystemPrice: false, unitPriceGross: '5.00', taxRate: 19 },
          ],
        }),
      })
    ).json()) as { orderNumber: string };
    const despatch = (deliveries: unknown) =>
      fetch(`${ow.url}/_sim/despatch`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ orderNumber: created.orderNumber, deliveries }),
      }).then((r) => r.json());

    const first = (await despatch([
      { courierName: 'DHL Parcel', consignmentNumbers: ['JD0001'], lines: [{ variantCode: code(3), quantity: 1 }] },
    ])) as { orderStatus: string };
    expect(first.orderStatus).toBe('Partially despatched');
    const second = (await despatch([
      {
        courierName: 'Evri',
        consignmentNumbers: ['H00A1', 'H00A2'],
        lines: [
          { variantCode: code(3), quantity: 1 },
          { variantCode: code(4), quantity: 1 },
        ],
      },
    ])) as { orderStatus: string };
    expect(second.orderStatus).toBe('Completed');

    const pushes = receiver.received
      .filter((r) => r.path === '/despatch')
      .map((r) => exportData(r.body).orders.order[0]);
    expect(pushes).toHaveLength(2);
    expect(pushes[1]).toMatchObject({
      orderNo: created.orderNumber,
      eCommerceOrderNumber: 10001,
      orderStatus: 'Completed',
    });
    expect(pushes[1].deliveries[0]).toMatchObject({
      courierName: 'Evri',
      consignmentNumbers: { consignmentNumber: ['H00A1', 'H00A2'] },
    });
    expect(pushes[1].deliveries[0].lines.line).toHaveLength(2);
  });

  it('refuses a stock change for a variant it does not stock', async () => {
    const response = await fetch(`${ow.url}/_sim/stock`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ changes: [{ variantCode: 'NOPE', delta: 1 }] }),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: 'Variant code NOPE not found' });
  });
});

describe('SCAYLE simulator fulfilment', () => {
  let scayle: Awaited<ReturnType<typeof startScayleSimulator>>;
  beforeAll(async () => {
    scayle = await startScayleSimulator();
  });
  afterAll(async () => scayle.stop());

  const call = (path: string, body: unknown, token = DEFAULT_SCAYLE_TOKEN) =>
    fetch(`${scayle.apiUrl}${path}`, {
      method: 'POST',
      headers: { 'x-access-token': token, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  it('ships one package per call, item by item, and refuses to ship an item twice', async () => {
    const sku = DEMO_CATALOGUE[0]?.sku as string;
    const [order] = await scayle.createOrders({ orders: [{ items: [{ sku, quantity: 2 }] }], deliver: false });
    const items = ((order?.items ?? []) as { id: number }[]).map((i) => i.id);
    const shipment = {
      shopKey: 'ac',
      countryCode: 'DE',
      orderId: order?.id,
      carrier: 'DHL',
      deliveryDate: '2026-11-23T10:00:00Z',
      shipmentKey: 'JD0001',
    };

    expect((await call('/fulfillment/shipments', { ...shipment, items: [{ orderItemId: items[0] }] })).status).toBe(
      201,
    );
    const again = await call('/fulfillment/shipments', {
      ...shipment,
      shipmentKey: 'JD0002',
      items: [{ orderItemId: items[0] }],
    });
    expect(again.status).toBe(409);
    expect(((await again.json()) as { errors: { errorKey: string }[] }).errors[0]?.errorKey).toBe(
      'ITEM_ALREADY_FULFILLED',
    );
    expect(
      (await call('/fulfillment/shipments', { ...shipment, shipmentKey: 'JD0003', items: [{ orderItemId: items[1] }] }))
        .status,
    ).toBe(201);

    const stored = scayle.orders().find((o) => o.id === order?.id) as {
      packages: { shipmentKey: string }[];
      status: string;
    };
    expect(stored.packages.map((p) => p.shipmentKey)).toEqual(['JD0001', 'JD0003']);
    expect(stored.status).toBe('invoice_completed');
    expect(
      (
        await call('/fulfillment/cancellations', {
          shopKey: 'ac',
          countryCode: 'DE',
          orderId: order?.id,
          items: [{ orderItemId: items[0] }],
        })
      ).status,
    ).toBe(409);
  });

  it('refuses a malformed shipment naming the field, and a caller without the token', async () => {
    const bad = await call('/fulfillment/shipments', {
      shopKey: 'ac',
      countryCode: 'DE',
      orderId: 1,
      carrier: 'DHL',
      shipmentKey: 'X',
      items: [],
    });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(await bad.json())).toMatch(/deliveryDate.*items/);
    expect((await call('/fulfillment/shipments', {}, 'wrong')).status).toBe(401);
  });
});
