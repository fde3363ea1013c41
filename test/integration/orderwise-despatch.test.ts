import { XMLParser } from 'fast-xml-parser';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_CATALOGUE } from '../../local/simulators/catalogue';
import { startOrderwiseSimulator } from '../../local/simulators/orderwise';
import { OrderwiseClient } from '../../shared/adapters/orderwise/client';
import {
  buildDespatchExport,
  type DespatchExportDelivery,
  type DespatchExportOrder,
  despatchIdOf,
  parseDespatchExport,
} from '../../shared/adapters/orderwise/export-format';
import { orderwiseProfileSchema } from '../../shared/adapters/orderwise/profile';
import { UpstreamRejectedError, ValidationError } from '../../shared/runtime/errors';
import { recordingClock } from '../helpers/fake-clock';
import { orderwiseClientFor } from '../helpers/orderwise';
import { startScriptedServer } from '../helpers/scripted-server';

const delivery = (overrides: Partial<DespatchExportDelivery> = {}): DespatchExportDelivery => ({
  deliveryNumber: 'SO000001-D1',
  deliveryDate: '2026-11-23T10:00:00Z',
  courierName: 'DHL Parcel',
  consignmentNumbers: ['JD0001'],
  lines: [{ variantCode: 'OW-1', quantity: 1 }],
  ...overrides,
});

const ORDERS: DespatchExportOrder[] = [
  {
    orderNumber: 'SO000001',
    // Leading zeros and digits only: must come back as the same string, not a number.
    eCommerceOrderNumber: '0010001',
    orderStatus: 'Partially despatched',
    deliveries: [delivery()],
  },
  {
    orderNumber: 'SO000002',
    eCommerceOrderNumber: 'scayle-10002',
    orderStatus: 'Completed',
    deliveries: [
      delivery({
        deliveryNumber: 'SO000002-D1',
        deliveryDate: '2026-11-23T11:30:00.123+01:00',
        courierName: 'Evri & <Partners>',
        consignmentNumbers: ['H00A1', 'H00A2', '0003'],
        lines: [
          { variantCode: '0012', quantity: 2 },
          { variantCode: 'OW-2', quantity: 1 },
          { variantCode: 'OW-3', quantity: 12 },
        ],
      }),
      delivery({ deliveryNumber: 'SO000002-D2', deliveryDate: '2026-11-24', consignmentNumbers: [] }),
    ],
  },
];

/**
 * ORDERS as OrderWise pushes them (the form field `ExportData`), written by hand from the despatch export seen in a
 * real OrderWise integration, ../shared/reference/orderwise.md §2.4 [O]:
 *   `<order><orderNo/><orderStatus/><deliveries><deliveryNumber/><deliveryDate/><courierName/>
 *   <consignmentNumbers><consignmentNumber/>…</consignmentNumbers></deliveries></order>`
 * one `<deliveries>` element per delivery, plus what the tenant's template adds for the hub [A, ORDERWISE_ASSUMPTIONS
 * and export-format.ts]: the root `<orders>`, the order's `<eCommerceOrderNumber>` and each delivery's
 * `<lines><line><variantCode/><quantity/></line>…</lines>`. Never produced by the hub's own writer, so a name or
 * nesting that the hub's writer and reader both got wrong cannot pass here.
 */
/** An export of the given `<order>` elements, as OrderWise wraps them. */
const exportOf = (...orders: string[]): string =>
  `<?xml version="1.0" encoding="utf-8"?>\n<orders>\n${orders.join('')}</orders>\n`;
/** The first order of ORDERS: every list in it has a single entry. */
const FIRST_ORDER = `  <order>
    <orderNo>SO000001</orderNo>
    <eCommerceOrderNumber>0010001</eCommerceOrderNumber>
    <orderStatus>Partially despatched</orderStatus>
    <deliveries>
      <deliveryNumber>SO000001-D1</deliveryNumber>
      <deliveryDate>2026-11-23T10:00:00Z</deliveryDate>
      <courierName>DHL Parcel</courierName>
      <consignmentNumbers>
        <consignmentNumber>JD0001</consignmentNumber>
      </consignmentNumbers>
      <lines>
        <line>
          <variantCode>OW-1</variantCode>
          <quantity>1</quantity>
        </line>
      </lines>
    </deliveries>
  </order>
`;
const SECOND_ORDER = `  <order>
    <orderNo>SO000002</orderNo>
    <eCommerceOrderNumber>scayle-10002</eCommerceOrderNumber>
    <orderStatus>Completed</orderStatus>
    <deliveries>
      <deliveryNumber>SO000002-D1</deliveryNumber>
      <deliveryDate>2026-11-23T11:30:00.123+01:00</deliveryDate>
      <courierName>Evri &amp; &lt;Partners&gt;</courierName>
      <consignmentNumbers>
        <consignmentNumber>H00A1</consignmentNumber>
        <consignmentNumber>H00A2</consignmentNumber>
        <consignmentNumber>0003</consignmentNumber>
      </consignmentNumbers>
      <lines>
        <line>
          <variantCode>0012</variantCode>
          <quantity>2</quantity>
        </line>
        <line>
          <variantCode>OW-2</variantCode>
          <quantity>1</quantity>
        </line>
        <line>
          <variantCode>OW-3</variantCode>
          <quantity>12</quantity>
        </line>
      </lines>
    </deliveries>
    <deliveries>
      <deliveryNumber>SO000002-D2</deliveryNumber>
      <deliveryDate>2026-11-24</deliveryDate>
      <courierName>DHL Parcel</courierName>
      <consignmentNumbers/>
      <lines>
        <line>
          <variantCode>OW-1</variantCode>
          <quantity>1</quantity>
        </line>
      </lines>
    </deliveries>
  </order>
`;
const DESPATCH_EXPORT = exportOf(FIRST_ORDER, SECOND_ORDER);
/** The first order of ORDERS alone, as OrderWise pushes it. */
const ONE_ORDER_EXPORT = exportOf(FIRST_ORDER);

/** Replaces `from` in an export, failing loudly when it is not there (a no-op edit would test the valid export). */
const edit = (xml: string, from: string | RegExp, to: string): string => {
  const edited = xml.replace(from, to);
  expect(edited).not.toBe(xml);
  return edited;
};

/** What a bad export is refused with: the ValidationError's fields. */
const refusal = (xml: string) => {
  try {
    parseDespatchExport(xml);
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return {
      message: (error as ValidationError).message,
      fields: (error as ValidationError).issues.map((i) => i.field),
    };
  }
  throw new Error('the export was accepted');
};

describe('parseDespatchExport', () => {
  it('reads an OrderWise despatch export: one, several and no consignment numbers, several lines, several deliveries', () => {
    expect(parseDespatchExport(DESPATCH_EXPORT)).toEqual(ORDERS);
  });

  it('reads one order with one delivery, one consignment number and one line as lists', () => {
    expect(parseDespatchExport(ONE_ORDER_EXPORT)).toEqual([ORDERS[0]]);
  });

  it('reads an export without orders as no despatches', () => {
    for (const empty of [
      '<orders></orders>',
      '<orders/>',
      '<?xml version="1.0" encoding="utf-8"?>\n<orders>\n</orders>',
    ])
      expect(parseDespatchExport(empty)).toEqual([]);
  });

  it('refuses an order without orderNo, naming the order and field', () => {
    const xml = edit(DESPATCH_EXPORT, '<orderNo>SO000002</orderNo>', '');

    expect(refusal(xml)).toEqual({
      message: expect.stringContaining('orders.order.1.orderNo'),
      fields: ['orders.order.1.orderNo'],
    });
  });

  it('refuses a quantity of 0, naming the order, delivery, line and field', () => {
    const xml = edit(DESPATCH_EXPORT, '<quantity>12</quantity>', '<quantity>0</quantity>');

    expect(refusal(xml)).toEqual({
      message: expect.stringContaining('must be a positive whole number'),
      fields: ['orders.order.1.deliveries.0.lines.line.2.quantity'],
    });
  });

  it('refuses a fractional or negative quantity', () => {
    for (const quantity of ['1.5', '-1', 'two']) {
      const xml = edit(DESPATCH_EXPORT, '<quantity>12</quantity>', `<quantity>${quantity}</quantity>`);
      expect(refusal(xml).fields).toEqual(['orders.order.1.deliveries.0.lines.line.2.quantity']);
    }
  });

  it('refuses what is not XML, at the root', () => {
    for (const xml of ['not xml at all', '<orders><order></orders>', '']) {
      expect(refusal(xml)).toEqual({ message: expect.stringMatching(/not well-formed XML/), fields: ['(root)'] });
    }
  });

  it('refuses an order without deliveries', () => {
    const xml = edit(ONE_ORDER_EXPORT, /<deliveries>[\s\S]*<\/deliveries>/, '');

    expect(refusal(xml).fields).toEqual(['orders.order.0.deliveries']);
  });

  it('refuses a delivery without lines', () => {
    for (const lines of ['<lines/>', '<lines></lines>', '']) {
      const xml = edit(ONE_ORDER_EXPORT, /<lines>[\s\S]*<\/lines>/, lines);
      expect(refusal(xml).fields).toEqual(['orders.order.0.deliveries.0.lines']);
    }
  });

  it('refuses a deliveryDate that is neither a zoned ISO-8601 date-time nor a date', () => {
    for (const deliveryDate of ['23/11/2026', '2026-11-23T10:00:00', 'yesterday']) {
      const xml = edit(
        ONE_ORDER_EXPORT,
        '<deliveryDate>2026-11-23T10:00:00Z</deliveryDate>',
        `<deliveryDate>${deliveryDate}</deliveryDate>`,
      );
      expect(refusal(xml)).toEqual({
        message: expect.stringContaining('must be an ISO-8601 date-time with a time zone or a date'),
        fields: ['orders.order.0.deliveries.0.deliveryDate'],
      });
    }
  });
});

describe('buildDespatchExport', () => {
  // The local hub and the e2e tests push what it writes as if OrderWise had: it must write OrderWise's elements,
  // compared here by a plain XML reading (not the hub's parser), so layout and whitespace do not matter.
  const elements = (xml: string): unknown => new XMLParser({ parseTagValue: false }).parse(xml);

  it("writes OrderWise's despatch export elements", () => {
    expect(elements(buildDespatchExport(ORDERS))).toEqual(elements(DESPATCH_EXPORT));
    expect(elements(buildDespatchExport([ORDERS[0] as DespatchExportOrder]))).toEqual(elements(ONE_ORDER_EXPORT));
  });
});

describe('despatchIdOf', () => {
  const order = ORDERS[0] as DespatchExportOrder;

  it('is the order and delivery number when they are already a valid execution name', () => {
    expect(despatchIdOf(order, delivery())).toBe('SO000001-SO000001-D1');
  });

  it('is the same for the same package, whichever export it came in', () => {
    const [pushed] = parseDespatchExport(ONE_ORDER_EXPORT) as [DespatchExportOrder];

    expect(despatchIdOf(pushed, pushed.deliveries[0] as DespatchExportDelivery)).toBe('SO000001-SO000001-D1');
    expect(despatchIdOf(order, delivery())).toBe('SO000001-SO000001-D1');
  });

  it('keeps to [A-Za-z0-9_-] and 80 characters, and still tells apart packages that differ only there', () => {
    const ids = [
      despatchIdOf({ ...order, orderNumber: 'SO 1/ä' }, delivery({ deliveryNumber: 'D#1' })),
      despatchIdOf({ ...order, orderNumber: 'SO_1_ä' }, delivery({ deliveryNumber: 'D#1' })),
      despatchIdOf(order, delivery({ deliveryNumber: `${'x'.repeat(100)}-1` })),
      despatchIdOf(order, delivery({ deliveryNumber: `${'x'.repeat(100)}-2` })),
    ];

    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9_-]{1,80}$/);
    expect(ids[0]).toMatch(/^SO_1__-D_1-[0-9a-f]{12}$/);
    expect(ids[2]).toHaveLength(80);
    expect(new Set(ids).size).toBe(ids.length);
    expect(despatchIdOf({ ...order, orderNumber: 'SO 1/ä' }, delivery({ deliveryNumber: 'D#1' }))).toBe(ids[0]);
  });
});

describe('OrderwiseClient.despatchesSince against the OrderWise simulator', () => {
  let orderwise: Awaited<ReturnType<typeof startOrderwiseSimulator>>;
  const [A, B] = DEMO_CATALOGUE.flatMap((v) => (v.orderwise ? [v.orderwise.variantCode] : [])) as [string, string];
  // The simulated server keeps London time, which is UTC in January 2030 when these despatches happen; a tenant
  // profile on UTC reads them alike without the hour of look-back a zone with summer time gets.
  const client = () =>
    orderwiseClientFor(orderwise, {
      profile: orderwiseProfileSchema.parse({
        exportDefinitions: orderwise.exportDefinitionIds,
        dates: { timeZone: 'UTC' },
      }),
    });

  /** Creates a sales order of one A and one B through the OW API; answers its order number. */
  const createOrder = async (ref: string): Promise<string> => {
    const basic = Buffer.from(`${orderwise.user.username}:${orderwise.user.password}`).toString('base64');
    const token = await (
      await fetch(`${orderwise.apiUrl}/token/gettoken`, { headers: { authorization: `Basic ${basic}` } })
    ).json();
    const response = await fetch(`${orderwise.apiUrl}/sales/order?session_id=${orderwise.sessionId}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        customer: { accountNumber: 'SCAYLE-WEB' },
        orderHeader: { orderDate: '2030-01-01', eCommerceOrderNumber: ref, systemOrderType: 1 },
        customerDeliveryAddress: { deliveryName: 'A', address1: 'B', town: 'C', postcode: 'D', countryCode: 'DE' },
        orderLines: [A, B].map((variantCode) => ({
          variantCode,
          quantity: 1,
          calculateLineSystemPrice: false,
          unitPriceGross: '10.00',
          taxRate: 19,
        })),
      }),
    });
    expect(response.status).toBe(201);
    return ((await response.json()) as { orderNumber: string }).orderNumber;
  };
  const parcel = (variantCode: string, deliveryDate: string, courierName = 'DHL Parcel') => ({
    courierName,
    consignmentNumbers: [`JD-${variantCode}`],
    lines: [{ variantCode, quantity: 1 }],
    deliveryDate,
  });

  beforeAll(async () => {
    orderwise = await startOrderwiseSimulator();
  });
  afterAll(async () => {
    await orderwise?.stop();
  });
  beforeEach(async () => {
    await fetch(`${orderwise.url}/_sim/reset`, { method: 'POST' });
  });

  it('reads back only the despatch made after the given time, with the order as it now stands', async () => {
    const orderNumber = await createOrder('10001');
    await orderwise.despatch(orderNumber, [parcel(A, '2030-01-01T10:00:00Z')], false);
    // The second despatch through the control surface, as a local scenario would make it.
    const second = await fetch(`${orderwise.url}/_sim/despatch`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ orderNumber, deliveries: [parcel(B, '2030-01-01T12:00:00Z', 'Evri')], push: false }),
    });
    expect(second.status).toBe(200);

    expect(await client().despatchesSince('2030-01-01T11:00:00Z')).toEqual([
      {
        orderNumber,
        eCommerceOrderNumber: '10001',
        orderStatus: 'Completed',
        deliveries: [
          {
            deliveryNumber: `${orderNumber}-D2`,
            deliveryDate: '2030-01-01T12:00:00Z',
            courierName: 'Evri',
            consignmentNumbers: [`JD-${B}`],
            lines: [{ variantCode: B, quantity: 1 }],
          },
        ],
      },
    ]);
  });

  it('includes a despatch made exactly at @since, groups deliveries per order, oldest first, and answers none after all', async () => {
    const first = await createOrder('10001');
    const second = await createOrder('10002');
    await orderwise.despatch(second, [parcel(A, '2030-01-01T09:00:00+01:00')], false);
    await orderwise.despatch(first, [parcel(A, '2030-01-01T08:30:00Z'), parcel(B, '2030-01-01T08:45:00Z')], false);

    const all = await client().despatchesSince('2030-01-01T08:00:00Z');

    expect(all.map((o) => [o.orderNumber, o.deliveries.map((d) => d.deliveryDate)])).toEqual([
      [second, ['2030-01-01T09:00:00+01:00']],
      [first, ['2030-01-01T08:30:00Z', '2030-01-01T08:45:00Z']],
    ]);
    expect((await client().despatchesSince('2030-01-01T08:45:00Z')).map((o) => o.deliveries.length)).toEqual([1]);
    // The tenant's dates go to the second (stage default `datetime`): a second later, nothing.
    expect(await client().despatchesSince('2030-01-01T08:45:01Z')).toEqual([]);
  });

  it('dates a despatch now when no deliveryDate is given', async () => {
    const orderNumber = await createOrder('10001');
    const before = new Date(Date.now() - 1).toISOString();
    await orderwise.despatch(
      orderNumber,
      [{ courierName: 'DPD', consignmentNumbers: ['1'], lines: [{ variantCode: A, quantity: 1 }] }],
      false,
    );

    expect((await client().despatchesSince(before)).map((o) => o.orderNumber)).toEqual([orderNumber]);
  });

  it('fails with UpstreamRejectedError when OrderWise refuses the parameters', async () => {
    const objectForm = orderwiseClientFor(orderwise, {
      profile: orderwiseProfileSchema.parse({
        exportDefinitions: orderwise.exportDefinitionIds,
        exportParameters: 'object',
      }),
    });
    await expect(objectForm.despatchesSince('2030-01-01T08:00:00Z')).rejects.toThrow(UpstreamRejectedError);
    await expect(objectForm.despatchesSince('2030-01-01T08:00:00Z')).rejects.toThrow(
      /expected a list of \{name, value\}/,
    );
  });
});

describe('OrderwiseClient.despatchesSince against an OrderWise that answers otherwise', () => {
  const clientFor = (url: string) =>
    new OrderwiseClient({
      baseUrl: url,
      sessionId: 1,
      customerAccount: 'SCAYLE-WEB',
      credentials: async () => ({ username: 'hub', password: 'pw' }),
      timeoutMs: 2_000,
      clock: recordingClock(),
    });

  it('posts @since to the DespatchesSince export definition asking for XML', async () => {
    const server = await startScriptedServer([
      { status: 200, body: 'ow-token' },
      { status: 200, headers: { 'content-type': 'application/xml' }, body: DESPATCH_EXPORT },
    ]);
    try {
      expect(await clientFor(server.url).despatchesSince('2026-11-23T00:00:00Z')).toEqual(ORDERS);
      const call = server.seen[1];
      expect(call).toMatchObject({ method: 'POST', url: '/system/export-definition/DespatchesSince' });
      expect(call?.headers.accept).toBe('application/xml');
      // [O] the parameters as a list of {name, value}; the time in the server's zone (London is on UTC in November),
      // an hour early since London has summer time, and with a T, which SQL Server reads alike in every language.
      expect(JSON.parse(call?.body ?? '')).toEqual([{ name: '@since', value: '2026-11-22T23:00:00' }]);
    } finally {
      await server.close();
    }
  });

  it('refuses JSON rows where the despatch export XML belongs, and a despatch export that is invalid', async () => {
    const server = await startScriptedServer([
      { status: 200, body: 'ow-token' },
      { status: 200, body: [{ orderNo: 'SO1' }] },
      { status: 200, headers: { 'content-type': 'application/xml' }, body: '<orders><order/></orders>' },
    ]);
    try {
      const client = clientFor(server.url);
      await expect(client.despatchesSince('2026-11-23T00:00:00Z')).rejects.toThrow(/expected XML, got JSON/);
      await expect(client.despatchesSince('2026-11-23T00:00:00Z')).rejects.toThrow(ValidationError);
    } finally {
      await server.close();
    }
  });
});
