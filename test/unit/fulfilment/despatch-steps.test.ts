import { beforeEach, describe, expect, it } from 'vitest';
import type { LedgerEntry } from '../../../shared/adapters/aws/ledger-repository';
import { DEFAULT_CARRIER_TABLE } from '../../../shared/domain/carriers';
import { amazonItemsOf, packageItemsOf, packageReferenceIdOf } from '../../../shared/domain/despatch';
import { UpstreamError } from '../../../shared/runtime/errors';
import type { AmazonConfirmationMessage, DespatchMessage } from '../../../shared/schemas/queue-messages';
import type { ScayleOrder } from '../../../shared/schemas/scayle';
import { lateShipmentRisksAmong } from '../../../shared/use-cases/amazon-orders/late-shipment';
import { AmazonNotShippedYetError, makeConfirmAmazon } from '../../../shared/use-cases/fulfilment/confirm-amazon';
import {
  type DespatchInput,
  DespatchUnmatchedError,
  makeDespatchSteps,
  packageKey,
} from '../../../shared/use-cases/fulfilment/despatch-steps';
import { makePullDespatches } from '../../../shared/use-cases/fulfilment/pull-despatches';
import { FakeClock } from '../../helpers/fake-clock';
import { FakeExceptions, FakeLedger, MORNING } from '../../helpers/order-fakes';

type Item = { id: number; status: string; packageId: number | null; legacyCustomData?: { amazonOrderItemId: string } };

/** A SCAYLE order of two SKU-A units and one SKU-B, with the fulfilment endpoint's effect on it. */
class FakeScayle {
  failing = false;
  readonly shipments: unknown[] = [];
  readonly order = {
    id: 7001,
    status: 'payment_reserved',
    currencyCode: 'GBP',
    createdAt: '2025-03-01T08:00:00Z',
    cost: { withTax: 0, withoutTax: 0, appliedFees: [], appliedReductions: [] },
    items: [
      {
        id: 1,
        status: 'available',
        packageId: null,
        variant: { id: 1, referenceKey: 'SKU-A' },
        legacyCustomData: { amazonOrderItemId: 'AZ-1' },
      },
      {
        id: 2,
        status: 'available',
        packageId: null,
        variant: { id: 1, referenceKey: 'SKU-A' },
        legacyCustomData: { amazonOrderItemId: 'AZ-1' },
      },
      {
        id: 3,
        status: 'available',
        packageId: null,
        variant: { id: 2, referenceKey: 'SKU-B' },
        legacyCustomData: { amazonOrderItemId: 'AZ-2' },
      },
    ],
    packages: [] as { id: number; shipmentKey: string }[],
  } as unknown as ScayleOrder & { packages: { id: number; shipmentKey: string }[] };

  async getOrder() {
    if (this.failing) throw new UpstreamError('SCAYLE answered 503', 503);
    return structuredClone(this.order);
  }

  async createShipment(shipment: { shipmentKey: string; orderItemIds: readonly number[] }) {
    if (this.failing) throw new UpstreamError('SCAYLE answered 503', 503);
    this.shipments.push(shipment);
    const id = this.order.packages.length + 1;
    this.order.packages.push({ id, shipmentKey: shipment.shipmentKey });
    for (const item of this.order.items as unknown as Item[])
      if (shipment.orderItemIds.includes(item.id)) Object.assign(item, { packageId: id, status: 'delivered' });
  }
}

const input = (overrides: Partial<DespatchInput['delivery']> = {}): DespatchInput => ({
  despatchId: 'SO1-D1',
  orderNumber: 'SO1',
  scayleOrderId: '7001',
  receivedAt: new Date(MORNING).toISOString(),
  delivery: {
    deliveryNumber: 'D1',
    deliveryDate: '2025-03-01',
    courierName: 'Evri',
    consignmentNumbers: ['H123'],
    lines: [{ variantCode: 'OW-A', quantity: 2 }],
    ...overrides,
  },
});

describe('the despatch steps', () => {
  let clock: FakeClock;
  let ledger: FakeLedger;
  let scayle: FakeScayle;
  let exceptions: FakeExceptions;
  let sent: AmazonConfirmationMessage[];
  let steps: ReturnType<typeof makeDespatchSteps>;

  beforeEach(async () => {
    clock = new FakeClock(MORNING);
    ledger = new FakeLedger(clock);
    scayle = new FakeScayle();
    exceptions = new FakeExceptions(clock);
    sent = [];
    await ledger.create({ channel: 'scayle', orderId: '7001', data: { shopKey: 'ac', countryCode: 'GB' } });
    steps = makeDespatchSteps({
      ledger,
      catalogue: {
        byStockCodes: async (codes) =>
          new Map(codes.filter((c) => c.startsWith('OW-')).map((c) => [c, { sku: c.replace('OW-', 'SKU-') }])),
      },
      commerce: scayle,
      confirmations: { send: async (m) => void sent.push(m as AmazonConfirmationMessage) },
      exceptions,
      carriers: DEFAULT_CARRIER_TABLE,
      windows: { fulfilmentAckMinutes: 120, amazonConfirmationAckMinutes: 240 },
      clock,
    });
  });

  it('plans a web order: SKUs, tracking number, carrier key and the window; no Amazon leg', async () => {
    const plan = await steps.prepare(input());
    expect(plan).toMatchObject({
      shopKey: 'ac',
      countryCode: 'GB',
      lines: [{ sku: 'SKU-A', quantity: 2 }],
      shipmentKey: 'H123',
      carrierKey: 'EVRI',
      deliveryDate: '2025-03-01T00:00:00.000Z',
      scayleDeadline: new Date(MORNING + 120 * 60_000).toISOString(),
    });
    expect(plan.amazon).toBeUndefined();
  });

  it('refuses a despatch for an order the hub never posted, or a stock code it does not know', async () => {
    await expect(steps.prepare({ ...input(), scayleOrderId: '404' })).rejects.toThrow(DespatchUnmatchedError);
    await expect(steps.prepare(input({ lines: [{ variantCode: 'XX', quantity: 1 }] }))).rejects.toThrow(
      /stock codes not in the catalogue map: XX/,
    );
  });

  it('pushes one SCAYLE shipment per package, once, however often the step runs', async () => {
    const plan = await steps.prepare(input());
    const first = await steps.syncScayle(input(), plan);
    const again = await steps.syncScayle(input(), plan);
    expect(first).toMatchObject({
      acknowledged: true,
      itemIds: [1, 2],
      amazonItems: [{ orderItemId: 'AZ-1', quantity: 2 }],
    });
    expect(again).toMatchObject({ acknowledged: true, itemIds: [1, 2] });
    expect(scayle.shipments).toEqual([
      expect.objectContaining({ shipmentKey: 'H123', orderItemIds: [1, 2], carrier: 'EVRI' }),
    ]);
    expect((await ledger.get('scayle', '7001'))?.data[packageKey('SO1-D1')]).toMatchObject({ shipmentKey: 'H123' });
  });

  it('waits out a SCAYLE outage, and says when the window has passed', async () => {
    const plan = await steps.prepare(input());
    scayle.failing = true;
    expect(await steps.syncScayle(input(), plan)).toMatchObject({ acknowledged: false, pastDeadline: false });
    await clock.advance(121 * 60_000);
    const late = await steps.syncScayle(input(), plan);
    expect(late).toMatchObject({ acknowledged: false, pastDeadline: true, waitingFor: 'SCAYLE answered 503' });
    await steps.raise('FULFILMENT_UNACKED', input(), plan, late.waitingFor);
    expect(exceptions.list('FULFILMENT_UNACKED')).toEqual([
      expect.objectContaining({
        key: 'SO1-D1',
        owner: 'operations',
        details: expect.objectContaining({ trackingNumber: 'H123', reason: 'SCAYLE answered 503' }),
      }),
    ]);
  });

  it('confirms an Amazon order package under a stable package reference, Other for an unknown courier', async () => {
    await ledger.create({ channel: 'amazon', orderId: '202-1-1', data: { marketplaceId: 'A1F83G8C2ARO7P' } });
    await ledger.transition('scayle', '7001', { from: 'received', to: 'received', ids: { amazon: '202-1-1' } });
    const despatch = input({ courierName: 'Pigeon Post' });
    const plan = await steps.prepare(despatch);
    expect(plan.amazon).toMatchObject({ carrierCode: 'Other', carrierName: 'Pigeon Post', carrierMapped: false });
    const scayleSync = await steps.syncScayle(despatch, plan);
    await steps.requestAmazon(despatch, plan, scayleSync);
    expect(sent).toEqual([
      expect.objectContaining({
        amazonOrderId: '202-1-1',
        packageReferenceId: packageReferenceIdOf('SO1', 'D1'),
        carrierCode: 'Other',
        carrierName: 'Pigeon Post',
        trackingNumber: 'H123',
        orderItems: [{ orderItemId: 'AZ-1', quantity: 2 }],
      }),
    ]);
    expect(exceptions.list('CARRIER_UNMAPPED')).toEqual([expect.objectContaining({ key: 'Pigeon Post' })]);
    expect(await steps.checkAmazon(plan)).toEqual({ acknowledged: false, pastDeadline: false });
  });
});

describe('the package domain', () => {
  const order = new FakeScayle().order;

  it('picks open units per SKU, finds a package by its tracking number, and names what is short', () => {
    expect(
      packageItemsOf(
        order,
        [
          { sku: 'SKU-A', quantity: 1 },
          { sku: 'SKU-B', quantity: 1 },
        ],
        'T1',
      ),
    ).toEqual({
      kind: 'to-ship',
      itemIds: [1, 3],
    });
    expect(packageItemsOf(order, [{ sku: 'SKU-B', quantity: 2 }], 'T1')).toEqual({
      kind: 'short',
      missing: [{ sku: 'SKU-B', quantity: 1 }],
    });
    const shipped = structuredClone(order);
    shipped.packages.push({ id: 1, shipmentKey: 'T1' });
    (shipped.items as unknown as Item[])[2] = { ...(shipped.items[2] as unknown as Item), packageId: 1 };
    expect(packageItemsOf(shipped, [{ sku: 'SKU-B', quantity: 1 }], 'T1')).toEqual({ kind: 'shipped', itemIds: [3] });
    expect(amazonItemsOf(order, [1, 2, 3])).toEqual([
      { orderItemId: 'AZ-1', quantity: 2 },
      { orderItemId: 'AZ-2', quantity: 1 },
    ]);
  });

  it('gives Amazon a positive numeric package reference, stable per package', () => {
    expect(packageReferenceIdOf('SO1', '1001')).toBe('1001');
    const hashed = packageReferenceIdOf('SO1', 'D-1');
    expect(hashed).toMatch(/^[1-9]\d*$/);
    expect(packageReferenceIdOf('SO1', 'D-1')).toBe(hashed);
    expect(packageReferenceIdOf('SO1', 'D-2')).not.toBe(hashed);
  });
});

describe('the Amazon confirmations consumer', () => {
  it('confirms, checks Amazon shows the package shipped and records it for the state machine', async () => {
    const clock = new FakeClock(MORNING);
    const ledger = new FakeLedger(clock);
    await ledger.create({ channel: 'amazon', orderId: '202-1-1' });
    const confirmed: unknown[] = [];
    let shipped = 0;
    const confirm = makeConfirmAmazon({
      amazon: {
        confirmShipment: async (id, c) => void confirmed.push([id, c]),
        getOrderItems: async () => [{ ASIN: 'B0', OrderItemId: 'AZ-1', QuantityOrdered: 2, QuantityShipped: shipped }],
      },
      ledger,
      exceptions: new FakeExceptions(clock),
      clock,
    });
    const message: AmazonConfirmationMessage = {
      despatchId: 'SO1-D1',
      amazonOrderId: '202-1-1',
      marketplaceId: 'A1F83G8C2ARO7P',
      packageReferenceId: '1001',
      carrierCode: 'Hermes UK',
      trackingNumber: 'H123',
      shipDate: '2025-03-01T00:00:00.000Z',
      orderItems: [{ orderItemId: 'AZ-1', quantity: 2 }],
    };
    await expect(confirm(message)).rejects.toThrow(AmazonNotShippedYetError);
    shipped = 2;
    expect(await confirm(message)).toBe('confirmed');
    expect(confirmed).toHaveLength(2);
    expect((await ledger.get('amazon', '202-1-1'))?.data[packageKey('1001')]).toMatchObject({
      trackingNumber: 'H123',
      shippedSeenAt: expect.any(String),
    });
  });
});

describe('the late-shipment watchdog', () => {
  const entry = (
    orderId: string,
    data: Record<string, unknown>,
    status: LedgerEntry['status'] = 'acknowledged',
  ): LedgerEntry => ({
    pk: `amazon#${orderId}`,
    channel: 'amazon',
    orderId,
    status,
    ids: { amazon: orderId, scayle: '1' },
    attempts: 1,
    createdAt: '2025-03-01T09:00:00.000Z',
    updatedAt: '2025-03-01T09:00:00.000Z',
    history: [],
    data,
  });
  const now = Date.parse('2025-03-02T12:00:00.000Z');

  it('picks unconfirmed orders within the margin of their LatestShipDate, or past it', () => {
    const risks = lateShipmentRisksAmong(
      [
        entry('soon', { latestShipDate: '2025-03-02T16:00:00.000Z', amazonStatus: 'Unshipped' }),
        entry('late', { latestShipDate: '2025-03-02T10:00:00.000Z' }, 'flagged'),
        entry('later', { latestShipDate: '2025-03-03T12:00:00.000Z' }),
        entry('confirmed', { latestShipDate: '2025-03-02T13:00:00.000Z', 'package:1': { shippedSeenAt: 'x' } }),
        entry('cancelled', { latestShipDate: '2025-03-02T13:00:00.000Z', amazonStatus: 'Canceled' }),
        entry('closed', { latestShipDate: '2025-03-02T13:00:00.000Z' }, 'cancelled'),
      ],
      now,
      6,
    );
    expect(risks.map((r) => [r.amazonOrderId, r.hoursLeft])).toEqual([
      ['soon', 4],
      ['late', -2],
    ]);
  });
});

describe('the despatch pull', () => {
  it('reads since the cursor minus the overlap, queues every order as a pull and moves the cursor', async () => {
    const cursors = new Map<string, string>([['orderwise-despatches', '2025-03-01T09:00:00.000Z']]);
    const asked: string[] = [];
    const queued: DespatchMessage[] = [];
    const pull = makePullDespatches({
      erp: {
        despatchesSince: async (since) => {
          asked.push(since);
          return [
            {
              orderNumber: 'SO1',
              eCommerceOrderNumber: '7001',
              orderStatus: 'Completed',
              deliveries: [
                {
                  deliveryNumber: 'D1',
                  deliveryDate: '2025-03-01T09:30:00.000Z',
                  courierName: 'DPD',
                  consignmentNumbers: ['T1'],
                  lines: [{ variantCode: 'OW-A', quantity: 1 }],
                },
              ],
            },
          ];
        },
      },
      cursors: {
        get: async (name) => cursors.get(name),
        advance: async (name, _from, to) => void cursors.set(name, to),
      },
      queue: { sendAll: async (m) => void queued.push(...m) },
      clock: new FakeClock(MORNING),
    });
    expect(await pull()).toEqual({ queued: 1, cursor: '2025-03-01T09:30:00.000Z' });
    expect(asked).toEqual(['2025-03-01T08:50:00.000Z']);
    expect(queued[0]).toMatchObject({ orderNumber: 'SO1', scayleOrderId: '7001', source: 'pull' });
  });
});
