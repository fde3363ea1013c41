import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_CATALOGUE, type DemoVariant } from '../../../local/simulators/catalogue';
import { ORDERWISE_STATUSES, startOrderwiseSimulator } from '../../../local/simulators/orderwise';
import type { CallStats } from '../../../local/simulators/sim-server';
import type { OrderwiseClient } from '../../../shared/adapters/orderwise/client';
import { toSalesOrder } from '../../../shared/domain/sales-order';
import { UpstreamError } from '../../../shared/runtime/errors';
import { makeCancelOrder } from '../../../shared/use-cases/cancel-order';
import { makePostOrder, OrderBusyError } from '../../../shared/use-cases/post-order';
import { makeWithdrawItems } from '../../../shared/use-cases/withdraw-items';
import { FakeCatalogue, FakeCommerce, FakeExceptions, FakeLedger } from '../../helpers/order-fakes';
import { orderwiseClientFor } from '../../helpers/orderwise';
import { orderEvent, scayleOrder } from '../../helpers/scayle-orders';

const variant = DEMO_CATALOGUE.find((v) => v.orderwise) as DemoVariant;
/** How long a posting worker holds an order. */
const LEASE_MS = 120_000;
const SKU = variant.sku;

let orderwise: Awaited<ReturnType<typeof startOrderwiseSimulator>>;
let client: OrderwiseClient;

const control = async (path: string, body?: unknown) => {
  const response = await fetch(`${orderwise.url}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return response.json();
};

/** Calls OrderWise has answered since the last reset, per operation. */
const callsTo = async (operation: string): Promise<number> =>
  ((await control('/_sim/calls')) as Record<string, CallStats>)[operation]?.calls ?? 0;

beforeAll(async () => {
  orderwise = await startOrderwiseSimulator();
  client = orderwiseClientFor(orderwise);
});

afterAll(async () => {
  await orderwise?.stop();
});

beforeEach(async () => {
  await control('/_sim/reset', {});
});

/**
 * The order loop over the real OrderWise client and simulator, with the ledger, SCAYLE and exceptions in memory.
 * `postedAgoMs` dates the posting worker's clock back, as for an attempt that died that long ago.
 */
const world = (postedAgoMs = 0) => {
  const ledger = new FakeLedger();
  const exceptions = new FakeExceptions();
  const commerce = new FakeCommerce();
  const catalogue = new FakeCatalogue({ [SKU]: variant.orderwise?.variantCode as string });
  const catalogueMap = (other: DemoVariant) => catalogue.map(other.sku, other.orderwise?.variantCode as string);
  const postOrder = makePostOrder({
    commerce,
    locate: commerce.locate(),
    erp: client,
    ledger,
    catalogue,
    exceptions,
    leaseMs: LEASE_MS,
    now: () => Date.now() - postedAgoMs,
  });
  const cancelOrder = makeCancelOrder({ locate: commerce.locate(), erp: client, ledger, exceptions });
  const withdrawItems = makeWithdrawItems({
    locate: commerce.locate(),
    erp: client,
    ledger,
    catalogue,
    exceptions,
    cancelOrder,
  });
  /** SCAYLE withdraws these units (out of stock, say), and its item webhook follows. */
  const withdraw = (id: number, itemIds: readonly number[], eventId = `evt-oos-${id}-${itemIds.join('-')}`) => {
    commerce.withdraw(id, itemIds);
    return withdrawItems(
      orderEvent(id, { event: 'order-items-cancelled', scayleEvent: 'order-item-out-of-stock', eventId }),
    );
  };
  const addOrder = (id: number, sku = SKU) =>
    commerce.add(
      scayleOrder({
        id,
        units: [
          { sku, grossMinor: variant.priceMinor },
          { sku, grossMinor: variant.priceMinor },
        ],
      }),
    );
  /** The customer cancels in SCAYLE, and SCAYLE's webhook follows. */
  const cancel = (id: number, eventId?: string) => {
    commerce.withdraw(id);
    return cancelOrder(orderEvent(id, { event: 'order-cancelled', ...(eventId ? { eventId } : {}) }));
  };
  /** An `order-cancelled` webhook for an order SCAYLE does not show cancelled (forged, or early). */
  const forgedCancel = (id: number) =>
    cancelOrder(orderEvent(id, { event: 'order-cancelled', eventId: `forged-${id}` }));
  return {
    ledger,
    exceptions,
    commerce,
    catalogueMap,
    postOrder,
    cancel,
    forgedCancel,
    withdraw,
    withdrawItems,
    addOrder,
  };
};

/** What OrderWise shows for a sales order and what the cancellation must do with it. */
interface CancelCase {
  readonly status: (typeof ORDERWISE_STATUSES)[number];
  readonly subStatus?: string;
  readonly outcome: 'cancelled' | 'return_required';
  /** Whether the hub asks OrderWise to cancel (it does not when OrderWise already tells it is too late). */
  readonly cancelCalled: boolean;
  readonly finalStatus: string;
}

const CASES: readonly CancelCase[] = [
  { status: 'Awaiting authorisation', outcome: 'cancelled', cancelCalled: true, finalStatus: 'Cancelled' },
  { status: 'Awaiting despatch', outcome: 'cancelled', cancelCalled: true, finalStatus: 'Cancelled' },
  {
    status: 'Awaiting despatch',
    subStatus: 'Picking in progress',
    outcome: 'return_required',
    cancelCalled: false,
    finalStatus: 'Awaiting despatch',
  },
  {
    status: 'Partially despatched',
    outcome: 'return_required',
    cancelCalled: false,
    finalStatus: 'Partially despatched',
  },
  { status: 'Completed', outcome: 'return_required', cancelCalled: false, finalStatus: 'Completed' },
  { status: 'On hold', outcome: 'cancelled', cancelCalled: true, finalStatus: 'Cancelled' },
  // Cancelled in OrderWise already: the hub only closes its own record.
  { status: 'Cancelled', outcome: 'cancelled', cancelCalled: false, finalStatus: 'Cancelled' },
];

describe('makeCancelOrder against the OrderWise simulator', () => {
  it('has a case for every status the simulator knows', () => {
    expect(new Set(CASES.map((c) => c.status))).toEqual(new Set(ORDERWISE_STATUSES));
  });

  for (const [i, { status, subStatus, outcome, cancelCalled, finalStatus }] of CASES.entries()) {
    const id = 20_001 + i;
    it(`ends ${outcome} when OrderWise says "${subStatus ? `${status} (${subStatus})` : status}"`, async () => {
      const { ledger, exceptions, postOrder, cancel, addOrder } = world();
      addOrder(id);
      expect(await postOrder(orderEvent(id))).toBe('acknowledged');
      const orderNumber = (await ledger.get('scayle', String(id)))?.ids.orderwise as string;
      orderwise.setStatus(orderNumber, status, subStatus ?? null);

      expect(await cancel(id)).toBe(outcome);

      expect((await ledger.get('scayle', String(id)))?.status).toBe(outcome);
      expect(await callsTo('cancelSalesOrder')).toBe(cancelCalled ? 1 : 0);
      expect(orderwise.ordersByReference(String(id))[0]?.orderStatus).toBe(finalStatus);
      if (outcome === 'return_required') {
        expect(exceptions.list()).toMatchObject([
          {
            type: 'CANCEL_TOO_LATE',
            key: String(id),
            owner: 'customer-service',
            details: {
              orderId: String(id),
              orderwiseOrderNumber: orderNumber,
              orderwiseStatus: status,
              orderwiseSubStatus: subStatus ?? null,
            },
          },
        ]);
      } else {
        expect(exceptions.list()).toEqual([]);
      }
    });
  }

  it('agrees with the simulator on every status: what the client calls cancellable, OrderWise cancels', async () => {
    for (const [i, c] of CASES.entries()) {
      const order = scayleOrder({ id: 21_001 + i, units: [{ sku: SKU, grossMinor: variant.priceMinor }] });
      const ref = await client.createSalesOrder(
        toSalesOrder(order, () => variant.orderwise?.variantCode),
        { name: 'Anna Schmidt', lines: ['Hauptstrasse 12'], town: 'Hamburg', postcode: '20095', countryCode: 'DE' },
      );
      orderwise.setStatus(ref.orderNumber, c.status, c.subStatus ?? null);
      const state = await client.getSalesOrder(ref.orderId);
      const answer = await client.cancelSalesOrder(ref.orderId);
      expect({ status: state.status, answer }).toEqual({
        status: c.status,
        answer: state.cancellable || state.cancelled ? 'cancelled' : 'too-late',
      });
      expect((await client.getSalesOrder(ref.orderId)).status).toBe(c.finalStatus);
    }
  });

  it('changes nothing for a cancel of an order SCAYLE shows confirmed, and the confirmation still posts it', async () => {
    const { ledger, postOrder, forgedCancel, addOrder } = world();
    addOrder(22_010);

    expect(await forgedCancel(22_010)).toBe('ignored');
    expect(await ledger.get('scayle', '22010')).toBeUndefined();

    expect(await postOrder(orderEvent(22_010))).toBe('acknowledged');
    expect(await forgedCancel(22_010)).toBe('ignored');
    expect(orderwise.ordersByReference('22010')[0]?.orderStatus).toBe('Awaiting despatch');
    expect(await callsTo('cancelSalesOrder')).toBe(0);
  });

  it('never records an order SCAYLE does not know, so a cancel cannot block a later confirmation', async () => {
    const { ledger, postOrder, forgedCancel, addOrder } = world();

    expect(await forgedCancel(22_011)).toBe('ignored');
    expect(await ledger.get('scayle', '22011')).toBeUndefined();

    addOrder(22_011);
    expect(await postOrder(orderEvent(22_011))).toBe('acknowledged');
  });

  it('finds the shop of a cancel that names none (SCAYLE Admin webhooks carry only meta) from the ledger', async () => {
    const { ledger, commerce, postOrder, addOrder } = world();
    addOrder(22_012);
    await postOrder(orderEvent(22_012));
    commerce.withdraw(22_012);
    const cancelOrder = makeCancelOrder({
      locate: commerce.locate([]),
      erp: client,
      ledger,
      exceptions: new FakeExceptions(),
    });

    expect(
      await cancelOrder(orderEvent(22_012, { event: 'order-cancelled', shopKey: undefined, countryCode: undefined })),
    ).toBe('cancelled');
    expect(orderwise.ordersByReference('22012')[0]?.orderStatus).toBe('Cancelled');
  });

  it('closes an order cancelled before it ever reached OrderWise without calling OrderWise', async () => {
    const { ledger, postOrder, cancel, addOrder } = world();
    addOrder(22_001);

    expect(await cancel(22_001)).toBe('cancelled');
    // The confirmation that arrives after the cancellation posts nothing.
    expect(await postOrder(orderEvent(22_001))).toBe('duplicate');

    expect(await ledger.statusesOf('22001')).toEqual(['received', 'cancelled']);
    expect(await control('/_sim/calls')).toEqual({});
    expect(orderwise.orders()).toEqual([]);
  });

  it('closes a flagged order without calling OrderWise', async () => {
    const { ledger, postOrder, cancel, addOrder } = world();
    addOrder(22_002, 'SKU-NOT-IN-ORDERWISE');
    expect(await postOrder(orderEvent(22_002))).toBe('flagged');

    expect(await cancel(22_002)).toBe('cancelled');

    expect(await ledger.statusesOf('22002')).toEqual(['received', 'pending', 'flagged', 'cancelled']);
    expect(await control('/_sim/calls')).toEqual({});
  });

  it('finds and cancels in OrderWise a pending order whose create committed but never answered', async () => {
    const { ledger, postOrder, cancel, addOrder } = world(10 * 60_000);
    addOrder(22_003);
    await control('/_sim/faults', { createSalesOrder: { timeoutAfterCommitRate: 1 } });
    await expect(postOrder(orderEvent(22_003))).rejects.toBeInstanceOf(UpstreamError);
    await control('/_sim/faults', {});
    expect((await ledger.get('scayle', '22003'))?.status).toBe('pending');
    expect(orderwise.ordersByReference('22003')).toHaveLength(1);

    expect(await cancel(22_003)).toBe('cancelled');

    expect(orderwise.ordersByReference('22003')[0]?.orderStatus).toBe('Cancelled');
    expect(await callsTo('cancelSalesOrder')).toBe(1);
    expect(await ledger.statusesOf('22003')).toEqual(['received', 'pending', 'cancelled']);
  });

  it('closes a pending order that the look-up shows never reached OrderWise without cancelling anything', async () => {
    const { ledger, postOrder, cancel, addOrder } = world(10 * 60_000);
    addOrder(22_004);
    await control('/_sim/faults', { createSalesOrder: { errorRate: 1, status: 503 } });
    await expect(postOrder(orderEvent(22_004))).rejects.toBeInstanceOf(UpstreamError);
    await control('/_sim/faults', {});

    expect(await cancel(22_004)).toBe('cancelled');

    expect(orderwise.orders()).toEqual([]);
    expect(await callsTo('getOrderStatus')).toBe(0);
    expect(await callsTo('cancelSalesOrder')).toBe(0);
    expect((await ledger.get('scayle', '22004'))?.status).toBe('cancelled');
  });

  it('answers a repeated cancellation as a duplicate and cancels in OrderWise once', async () => {
    const { cancel, postOrder, addOrder } = world();
    addOrder(22_005);
    await postOrder(orderEvent(22_005));

    expect(await cancel(22_005)).toBe('cancelled');
    expect(await cancel(22_005)).toBe('duplicate');
    expect(await cancel(22_005, 'evt-canceled-spelling-22005')).toBe('duplicate');

    expect(await callsTo('cancelSalesOrder')).toBe(1);
  });

  it('answers a repeated too-late cancellation as a duplicate and raises CANCEL_TOO_LATE once', async () => {
    const { ledger, exceptions, cancel, postOrder, addOrder } = world();
    addOrder(22_006);
    await postOrder(orderEvent(22_006));
    orderwise.setStatus((await ledger.get('scayle', '22006'))?.ids.orderwise as string, 'Completed');

    expect(await cancel(22_006)).toBe('return_required');
    expect(await cancel(22_006)).toBe('duplicate');

    expect(exceptions.list()).toMatchObject([{ type: 'CANCEL_TOO_LATE', count: 1 }]);
  });

  it('throws a retryable OrderBusyError when a post takes the order while the cancellation is deciding', async () => {
    const { ledger, cancel, addOrder } = world();
    addOrder(22_007);
    ledger.beforeNextTransition = () =>
      ledger.transition('scayle', '22007', { from: 'received', to: 'pending', note: 'a post attempt' });

    await expect(cancel(22_007)).rejects.toBeInstanceOf(OrderBusyError);
    expect((await ledger.get('scayle', '22007'))?.status).toBe('pending');

    // The retry sees the pending post, finds nothing in OrderWise and closes the order.
    expect(await cancel(22_007)).toBe('cancelled');
    expect(await callsTo('cancelSalesOrder')).toBe(0);
  });

  it('leaves a pending order alone while the worker posting it holds its lease', async () => {
    const { ledger, cancel, addOrder } = world();
    addOrder(22_008);
    // A worker is inside its attempt to post the order: it holds the lease.
    await ledger.create({ channel: 'scayle', orderId: '22008' });
    await ledger.transition('scayle', '22008', {
      from: 'received',
      to: 'pending',
      lease: { now: new Date().toISOString(), until: new Date(Date.now() + 120_000).toISOString(), id: 'poster' },
    });

    await expect(cancel(22_008)).rejects.toBeInstanceOf(OrderBusyError);

    expect((await ledger.get('scayle', '22008'))?.status).toBe('pending');
    expect(await callsTo('cancelSalesOrder')).toBe(0);
  });

  it('raises CANCEL_TOO_LATE before the ledger shows return_required, so customer service always hears of it', async () => {
    const { ledger, exceptions, cancel, postOrder, addOrder } = world();
    addOrder(22_009);
    await postOrder(orderEvent(22_009));
    orderwise.setStatus((await ledger.get('scayle', '22009'))?.ids.orderwise as string, 'Partially despatched');
    let raisedBeforeMove: string[] = [];
    ledger.beforeNextTransition = async () => {
      raisedBeforeMove = exceptions.list().map((e) => e.id);
    };

    expect(await cancel(22_009)).toBe('return_required');

    expect(raisedBeforeMove).toEqual(['CANCEL_TOO_LATE#22009']);
  });
});

describe('makeWithdrawItems against the OrderWise simulator', () => {
  /** An order of three units: two of the first SKU, one of another, posted to OrderWise. */
  const posted = async (id: number) => {
    const w = world();
    const other = DEMO_CATALOGUE.filter((v) => v.orderwise)[1] as DemoVariant;
    w.catalogueMap(other);
    w.commerce.add(
      scayleOrder({
        id,
        units: [
          { sku: SKU, grossMinor: 2000 },
          { sku: SKU, grossMinor: 2000 },
          { sku: other.sku, grossMinor: 1500 },
        ],
        fees: [{ category: 'delivery', key: 'standard', grossMinor: 495, taxRate: 19 }],
      }),
    );
    expect(await w.postOrder(orderEvent(id))).toBe('acknowledged');
    const orderNumber = (await w.ledger.get('scayle', String(id)))?.ids.orderwise as string;
    return { ...w, other, orderNumber, stored: () => orderwise.ordersByReference(String(id))[0] };
  };

  it('takes withdrawn units off the OrderWise order and the money check expects the new total', async () => {
    const { withdraw, ledger, stored, other } = await posted(23_001);
    expect(stored()?.totalGrossMinor).toBe(2000 + 2000 + 1500 + 495);

    expect(await withdraw(23_001, [2])).toBe('amended');
    expect(stored()?.lines.map((l) => [l.variantCode, l.quantity])).toEqual(
      expect.arrayContaining([
        [variant.orderwise?.variantCode, 1],
        [other.orderwise?.variantCode, 1],
      ]),
    );
    expect(stored()?.totalGrossMinor).toBe(2000 + 1500 + 495);
    const entry = await ledger.get('scayle', '23001');
    expect(entry).toMatchObject({ status: 'acknowledged', data: { withdrawnItemIds: [2], scayleTotalMinor: 3995 } });
    expect(entry?.data.scayleTotalMinor).toBe(stored()?.totalGrossMinor);

    // The last unit of a SKU takes its line away.
    expect(await withdraw(23_001, [3])).toBe('amended');
    expect(stored()?.lines.map((l) => l.variantCode)).toEqual([variant.orderwise?.variantCode]);
    expect(stored()?.totalGrossMinor).toBe(2000 + 495);
  });

  it('acts once: a repeated or out-of-order event finds nothing new to take off', async () => {
    const { withdraw, withdrawItems } = await posted(23_002);
    expect(await withdraw(23_002, [1])).toBe('amended');
    expect(await withdraw(23_002, [1], 'evt-again')).toBe('duplicate');
    expect(await withdrawItems(orderEvent(23_002, { event: 'order-items-cancelled', eventId: 'evt-late' }))).toBe(
      'duplicate',
    );
    expect(await callsTo('amendSalesOrderLines')).toBe(1);
  });

  it('changes nothing when SCAYLE shows no unit withdrawn (a forged or early item event)', async () => {
    const { withdrawItems, stored } = await posted(23_003);
    expect(await withdrawItems(orderEvent(23_003, { event: 'order-items-cancelled', eventId: 'forged' }))).toBe(
      'duplicate',
    );
    expect(stored()?.lines).toHaveLength(2);
    expect(await callsTo('amendSalesOrderLines')).toBe(0);
  });

  it('cancels the whole order when SCAYLE withdrew every unit', async () => {
    const { withdraw, stored, ledger } = await posted(23_004);
    expect(await withdraw(23_004, [1, 2, 3])).toBe('cancelled');
    expect(stored()?.orderStatus).toBe('Cancelled');
    expect((await ledger.get('scayle', '23004'))?.status).toBe('cancelled');
  });

  it('raises CANCEL_TOO_LATE for customer service once picking has started, and keeps the old total', async () => {
    const { withdraw, exceptions, orderNumber, stored, ledger } = await posted(23_005);
    orderwise.setStatus(orderNumber, 'Awaiting despatch', 'Picking in progress');

    expect(await withdraw(23_005, [3])).toBe('too_late');

    expect(stored()?.lines).toHaveLength(2);
    expect(exceptions.list()).toMatchObject([
      {
        type: 'CANCEL_TOO_LATE',
        key: '23005',
        owner: 'customer-service',
        details: { orderItemIds: [3], scayleEvent: 'order-item-out-of-stock' },
      },
    ]);
    expect((await ledger.get('scayle', '23005'))?.data.scayleTotalMinor).toBe(2000 + 2000 + 1500 + 495);
  });

  it("tells finance, and changes nothing in OrderWise, when SCAYLE's figures no longer add up after a withdrawal", async () => {
    const { withdraw, commerce, exceptions, stored } = await posted(23_007);
    const order = await commerce.getOrder('ac', 'DE', '23007');
    commerce.add({ ...order, cost: { ...order.cost, withTax: order.cost.withTax + 1 } });

    expect(await withdraw(23_007, [3])).toBe('flagged');

    expect(exceptions.list()).toMatchObject([
      { type: 'ORDER_TOTAL_MISMATCH', key: '23007', owner: 'finance', details: { orderItemIds: [3] } },
    ]);
    expect(stored()?.lines).toHaveLength(2);
    expect(await callsTo('amendSalesOrderLines')).toBe(0);
  });

  it('leaves an order not yet posted to the post, which sends only what SCAYLE still has', async () => {
    const w = world();
    w.addOrder(23_006);
    expect(await w.withdraw(23_006, [1])).toBe('ignored');
    expect(await w.postOrder(orderEvent(23_006))).toBe('acknowledged');
    expect(orderwise.ordersByReference('23006')[0]?.lines.map((l) => l.quantity)).toEqual([1]);
  });
});
