import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_CATALOGUE } from '../../../local/simulators/catalogue';
import { startOrderwiseSimulator } from '../../../local/simulators/orderwise';
import type { OrderwiseClient } from '../../../shared/adapters/orderwise/client';
import { parseDespatchExport, parseStockExport } from '../../../shared/adapters/orderwise/export-format';
import { orderwiseClientFor } from '../../helpers/orderwise';

/**
 * Contract: the export XML the OrderWise simulator writes from its own template (local/simulators/orderwise/
 * export-templates.ts) is read by the hub's real parsers, field by field. The simulator imports nothing of the hub,
 * so this is where a drift between the two templates shows up.
 */

/** A loopback receiver keeping the `ExportData` field of each push, by path. */
const startReceiver = async () => {
  const received: { path: string; exportData: string }[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => {
      body += chunk;
    });
    req.on('end', () => {
      received.push({ path: req.url ?? '', exportData: new URLSearchParams(body).get('ExportData') ?? '' });
      res.writeHead(202).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, received, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
};

const mapped = DEMO_CATALOGUE.filter((v) => v.orderwise);
const variant = (i: number) => mapped[i] as (typeof mapped)[number] & { orderwise: { variantCode: string } };
const code = (i: number) => variant(i).orderwise.variantCode;
/** The catalogue price as OrderWise writes it: two decimals (`24.90`). */
const price = (i: number) =>
  `${Math.floor(variant(i).priceMinor / 100)}.${String(variant(i).priceMinor % 100).padStart(2, '0')}`;

describe('OrderWise simulator exports read by the hub parser', () => {
  let ow: Awaited<ReturnType<typeof startOrderwiseSimulator>>;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let client: OrderwiseClient;

  const pushedTo = (path: string) => receiver.received.filter((r) => r.path === path).map((r) => r.exportData);

  /** Creates a sales order through the OW API, as the hub does, and answers its order number. */
  const createOrder = async (eCommerceOrderNumber: string, lines: { code: string; quantity: number }[]) => {
    const token = await (
      await fetch(`${ow.apiUrl}/token/gettoken`, {
        headers: {
          authorization: `Basic ${Buffer.from(`${ow.user.username}:${ow.user.password}`).toString('base64')}`,
        },
      })
    ).json();
    const response = await fetch(`${ow.apiUrl}/sales/order?session_id=${ow.sessionId}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        customer: { accountNumber: 'SCAYLE-WEB' },
        orderHeader: { orderDate: '2026-11-23', eCommerceOrderNumber, systemOrderType: 1 },
        customerDeliveryAddress: { deliveryName: 'A', address1: 'B', town: 'C', postcode: 'D', countryCode: 'DE' },
        orderLines: lines.map((l) => ({
          variantCode: l.code,
          quantity: l.quantity,
          calculateLineSystemPrice: false,
          unitPriceGross: '10.00',
          taxRate: 19,
        })),
      }),
    });
    expect(response.status).toBe(201);
    return ((await response.json()) as { orderNumber: string }).orderNumber;
  };

  beforeAll(async () => {
    ow = await startOrderwiseSimulator();
    receiver = await startReceiver();
    client = orderwiseClientFor(ow);
  });
  beforeEach(async () => {
    await fetch(`${ow.url}/_sim/reset`, { method: 'POST' });
    receiver.received.length = 0;
    ow.setExportTargets({
      stockUrl: `${receiver.url}/stock`,
      despatchUrl: `${receiver.url}/despatch`,
      username: 'orderwise',
      password: 'export-secret-local',
    });
  });
  afterAll(async () => {
    await ow.stop();
    await receiver.close();
  });

  it('pushes a stock export whose every row the hub reads with its id, code, quantity, price, flag and change time', async () => {
    const before = ow.freeStock(code(1));
    await ow.changeStock([
      { variantCode: code(0), quantity: 7, changedAt: '2026-11-23T10:00:00Z' },
      { variantCode: code(1), delta: 3, changedAt: '2026-11-23T10:00:01.500+01:00' },
      { variantCode: code(2), quantity: 0 },
    ]);

    const [xml, ...more] = pushedTo('/stock');
    expect(more).toEqual([]);
    const rows = parseStockExport(xml as string);
    expect(rows).toEqual([
      {
        variantId: variant(0).orderwise.variantId,
        variantCode: code(0),
        freeStock: 7,
        priceIncVat: price(0),
        discontinued: false,
        changedAt: '2026-11-23T10:00:00Z',
      },
      {
        variantId: variant(1).orderwise.variantId,
        variantCode: code(1),
        freeStock: before + 3,
        priceIncVat: price(1),
        discontinued: false,
        changedAt: '2026-11-23T10:00:01.500+01:00',
      },
      {
        variantId: variant(2).orderwise.variantId,
        variantCode: code(2),
        freeStock: 0,
        priceIncVat: price(2),
        discontinued: false,
        changedAt: expect.any(String),
      },
    ]);
    expect(Date.parse(rows[2]?.changedAt ?? '')).not.toBeNaN();
  });

  it('pushes one despatch export per despatch, which the hub reads delivery by delivery', async () => {
    // Digits with a leading zero: the hub must read back the same string, not a number.
    const orderNumber = await createOrder('0010001', [
      { code: code(3), quantity: 2 },
      { code: code(4), quantity: 1 },
    ]);

    await ow.despatch(orderNumber, [
      {
        courierName: 'DHL & Co <Express>',
        consignmentNumbers: ['JD0001', '00340434161094042557'],
        lines: [{ variantCode: code(3), quantity: 1 }],
        deliveryDate: '2026-11-23T10:00:00Z',
      },
    ]);
    await ow.despatch(orderNumber, [
      // A package that leaves without a tracking number (a collection, the own van).
      { courierName: 'Own van', consignmentNumbers: [], lines: [{ variantCode: code(3), quantity: 1 }] },
      {
        courierName: 'UPS',
        consignmentNumbers: ['1Z999'],
        lines: [{ variantCode: code(4), quantity: 1 }],
        deliveryDate: '2026-11-23',
      },
    ]);

    const [first, second, ...more] = pushedTo('/despatch').map(parseDespatchExport);
    expect(more).toEqual([]);
    expect(first).toEqual([
      {
        orderNumber,
        eCommerceOrderNumber: '0010001',
        orderStatus: 'Partially despatched',
        deliveries: [
          {
            deliveryNumber: `${orderNumber}-D1`,
            deliveryDate: '2026-11-23T10:00:00Z',
            courierName: 'DHL & Co <Express>',
            consignmentNumbers: ['JD0001', '00340434161094042557'],
            lines: [{ variantCode: code(3), quantity: 1 }],
          },
        ],
      },
    ]);
    expect(second).toEqual([
      {
        orderNumber,
        eCommerceOrderNumber: '0010001',
        orderStatus: 'Completed',
        deliveries: [
          {
            deliveryNumber: `${orderNumber}-D2`,
            deliveryDate: expect.any(String),
            courierName: 'Own van',
            consignmentNumbers: [],
            lines: [{ variantCode: code(3), quantity: 1 }],
          },
          {
            deliveryNumber: `${orderNumber}-D3`,
            deliveryDate: '2026-11-23',
            courierName: 'UPS',
            consignmentNumbers: ['1Z999'],
            lines: [{ variantCode: code(4), quantity: 1 }],
          },
        ],
      },
    ]);
    expect(Date.parse(second?.[0]?.deliveries[0]?.deliveryDate ?? '')).not.toBeNaN();
  });

  it('answers DespatchesSince with despatch export XML the hub client reads, grouped per order, oldest first', async () => {
    const late = await createOrder('scayle-2', [{ code: code(5), quantity: 1 }]);
    const early = await createOrder('scayle-1', [{ code: code(6), quantity: 3 }]);
    const deliver = (orderNumber: string, variantCode: string, quantity: number, deliveryDate: string) =>
      ow.despatch(
        orderNumber,
        [
          {
            courierName: 'DPD',
            consignmentNumbers: [`C-${deliveryDate}`],
            lines: [{ variantCode, quantity }],
            deliveryDate,
          },
        ],
        false,
      );
    await deliver(early, code(6), 1, '2026-11-22T09:00:00Z');
    await deliver(early, code(6), 2, '2026-11-23T09:00:00Z');
    await deliver(late, code(5), 1, '2026-11-23T12:00:00Z');

    expect(pushedTo('/despatch')).toEqual([]);
    expect(await client.despatchesSince('2026-11-23T00:00:00Z')).toEqual([
      {
        orderNumber: early,
        eCommerceOrderNumber: 'scayle-1',
        orderStatus: 'Completed',
        deliveries: [
          {
            deliveryNumber: `${early}-D2`,
            deliveryDate: '2026-11-23T09:00:00Z',
            courierName: 'DPD',
            consignmentNumbers: ['C-2026-11-23T09:00:00Z'],
            lines: [{ variantCode: code(6), quantity: 2 }],
          },
        ],
      },
      {
        orderNumber: late,
        eCommerceOrderNumber: 'scayle-2',
        orderStatus: 'Completed',
        deliveries: [
          {
            deliveryNumber: `${late}-D1`,
            deliveryDate: '2026-11-23T12:00:00Z',
            courierName: 'DPD',
            consignmentNumbers: ['C-2026-11-23T12:00:00Z'],
            lines: [{ variantCode: code(5), quantity: 1 }],
          },
        ],
      },
    ]);
    expect(await client.despatchesSince('2026-11-24T00:00:00Z')).toEqual([]);
  });
});
