import { describe, expect, it } from 'vitest';
import { type SalesOrderLine, SkuUnmappedError } from '../../../shared/domain/sales-order';
import type { OrderEventMessage } from '../../../shared/schemas/queue-messages';
import type { CancelOutcome } from '../../../shared/use-cases/cancel-order';
import { makePostOrder, OrderBusyError } from '../../../shared/use-cases/post-order';
import { makeWithdrawItems } from '../../../shared/use-cases/withdraw-items';
import { FakeClock } from '../../helpers/fake-clock';
import { FakeCatalogue, FakeCommerce, FakeErp, FakeExceptions, FakeLedger, MORNING } from '../../helpers/order-fakes';
import { orderEvent, scayleOrder } from '../../helpers/scayle-orders';

const ORDER_ID = '10001';

/** The fake OrderWise taking lines off an order, or refusing once picking has started (`picking`). */
class AmendingErp extends FakeErp {
  readonly amendments: { orderId: number; lines: readonly SalesOrderLine[] }[] = [];
  picking = false;

  // FakeErp declares no parameters for the operations it does not implement; the use case passes both.
  override async amendSalesOrderLines(orderId?: number, lines: readonly SalesOrderLine[] = []) {
    this.amendments.push({ orderId: Number(orderId), lines });
    return this.picking ? ('too-late' as const) : ('amended' as const);
  }
}

/**
 * A SCAYLE order of two SKU-A (items 1, 2) and one SKU-B (item 3) with shipping, and the withdrawal use case; the
 * whole-order cancellation it hands over to is recorded, not run.
 */
const setup = () => {
  const clock = new FakeClock(MORNING);
  const commerce = new FakeCommerce();
  commerce.add(
    scayleOrder({
      id: Number(ORDER_ID),
      units: [
        { sku: 'SKU-A', grossMinor: 2000 },
        { sku: 'SKU-A', grossMinor: 2000 },
        { sku: 'SKU-B', grossMinor: 1500 },
      ],
      fees: [{ category: 'delivery', key: 'standard', grossMinor: 495, taxRate: 19 }],
    }),
  );
  const erp = new AmendingErp();
  const ledger = new FakeLedger(clock);
  const exceptions = new FakeExceptions(clock);
  const catalogue = new FakeCatalogue({ 'SKU-A': 'OW-A', 'SKU-B': 'OW-B' });
  const cancellations: OrderEventMessage[] = [];
  const deps = { locate: commerce.locate(), erp, ledger, catalogue, exceptions };
  const withdrawItems = makeWithdrawItems({
    ...deps,
    cancelOrder: async (message): Promise<CancelOutcome> => {
      cancellations.push(message);
      return 'cancelled';
    },
  });
  const postOrder = makePostOrder({ ...deps, commerce, now: () => clock.now() });
  /** SCAYLE withdraws these units (out of stock), and its item webhook follows. */
  const withdraw = (itemIds: readonly number[], eventId = `evt-oos-${itemIds.join('-')}`) => {
    commerce.withdraw(ORDER_ID, itemIds);
    return withdrawItems(
      orderEvent(ORDER_ID, { event: 'order-items-cancelled', scayleEvent: 'order-item-out-of-stock', eventId }),
    );
  };
  return { commerce, erp, ledger, exceptions, catalogue, cancellations, withdrawItems, postOrder, withdraw };
};

/** The world with the order posted and acknowledged. */
const posted = async () => {
  const world = setup();
  expect(await world.postOrder(orderEvent(ORDER_ID))).toBe('acknowledged');
  return world;
};

const quantities = (lines: readonly SalesOrderLine[]) => lines.map((l) => [l.variantCode, l.quantity]);

describe('makeWithdrawItems', () => {
  it('replaces the lines of the withdrawn SKU with what is left of it, and the money check expects the new total', async () => {
    const { erp, exceptions, ledger, withdraw } = await posted();

    expect(await withdraw([2])).toBe('amended');

    expect(exceptions.list()).toEqual([]);
    expect(erp.amendments).toMatchObject([{ orderId: 1, lines: [{ sku: 'SKU-A', variantCode: 'OW-A', quantity: 1 }] }]);
    const entry = await ledger.get('scayle', ORDER_ID);
    expect(entry).toMatchObject({
      status: 'acknowledged',
      data: { withdrawnItemIds: [2], scayleTotalMinor: 2000 + 1500 + 495 },
    });
    expect(entry?.data.scayleTaxMinor).toBe(319 + 239 + 79);
    expect(entry?.history.at(-1)?.note).toBe(
      'order-item-out-of-stock evt-oos-2: items 2 taken off the OrderWise order',
    );
  });

  it('takes a SKU whose last unit went off the order with a zero line naming its stock code', async () => {
    const { erp, withdraw } = await posted();

    expect(await withdraw([3])).toBe('amended');

    expect(erp.amendments[0]?.lines).toEqual([
      {
        sku: 'SKU-B',
        variantCode: 'OW-B',
        quantity: 0,
        unitGrossMinor: 0,
        discountMinor: 0,
        taxRate: 0,
        lineGrossMinor: 0,
        lineTaxMinor: 0,
      },
    ]);
  });

  it('sends one line per SKU however many of its units went at once', async () => {
    const { erp, ledger, withdraw } = await posted();

    expect(await withdraw([1, 2])).toBe('amended');

    expect(quantities(erp.amendments[0]?.lines ?? [])).toEqual([['OW-A', 0]]);
    const entry = await ledger.get('scayle', ORDER_ID);
    expect(entry?.data.withdrawnItemIds).toEqual([1, 2]);
    expect(entry?.history.at(-1)?.note).toBe(
      'order-item-out-of-stock evt-oos-1-2: items 1, 2 taken off the OrderWise order',
    );
  });

  it('acts on each unit once: a later event adds only the units not taken off before', async () => {
    const { erp, ledger, withdraw } = await posted();
    await withdraw([1]);

    expect(await withdraw([1], 'evt-again')).toBe('duplicate');
    expect(await withdraw([3])).toBe('amended');

    expect(erp.amendments.map((a) => quantities(a.lines))).toEqual([[['OW-A', 1]], [['OW-B', 0]]]);
    expect((await ledger.get('scayle', ORDER_ID))?.data.withdrawnItemIds).toEqual([1, 3]);
  });

  it('leaves alone a unit OrderWise never got (withdrawn before the order was posted)', async () => {
    const world = setup();
    world.commerce.withdraw(ORDER_ID, [3]);
    await world.postOrder(orderEvent(ORDER_ID));

    expect(await world.withdraw([3], 'evt-late')).toBe('duplicate');
    expect(world.erp.amendments).toEqual([]);
  });

  it('takes every unit SCAYLE withdrew off an order posted before the hub recorded which units it sent', async () => {
    const { erp, ledger, withdraw } = await posted();
    const entry = await ledger.get('scayle', ORDER_ID);
    await ledger.transition('scayle', ORDER_ID, {
      from: 'acknowledged',
      to: 'acknowledged',
      data: { ...entry?.data, postedItemIds: undefined },
    });

    expect(await withdraw([3])).toBe('amended');
    expect(quantities(erp.amendments[0]?.lines ?? [])).toEqual([['OW-B', 0]]);
  });

  it('changes nothing when SCAYLE shows no unit withdrawn (a forged or early item event)', async () => {
    const { erp, withdrawItems } = await posted();

    expect(await withdrawItems(orderEvent(ORDER_ID, { event: 'order-items-cancelled', eventId: 'forged' }))).toBe(
      'duplicate',
    );
    expect(erp.amendments).toEqual([]);
  });

  it('hands an order SCAYLE withdrew every unit of to the whole-order cancellation', async () => {
    const { cancellations, erp, withdraw } = await posted();

    expect(await withdraw([1, 2, 3])).toBe('cancelled');

    expect(cancellations.map((m) => m.eventId)).toEqual(['evt-oos-1-2-3']);
    expect(erp.amendments).toEqual([]);
  });

  it('answers as a duplicate an item event for an order already closed, without reading SCAYLE', async () => {
    const { commerce, ledger, withdraw } = setup();
    await ledger.create({ channel: 'scayle', orderId: ORDER_ID });
    await ledger.transition('scayle', ORDER_ID, { from: 'received', to: 'cancelled' });

    expect(await withdraw([1])).toBe('duplicate');
    expect(commerce.calls.getOrder).toBe(0);
  });

  it('answers as a duplicate an item event for an order whose return was asked for', async () => {
    const { ledger, withdraw } = await posted();
    await ledger.transition('scayle', ORDER_ID, { from: 'acknowledged', to: 'return_required' });

    expect(await withdraw([1])).toBe('duplicate');
  });

  it('ignores an item event for an order SCAYLE does not know', async () => {
    const { withdrawItems } = setup();

    expect(await withdrawItems(orderEvent('99999', { event: 'order-items-cancelled' }))).toBe('ignored');
  });

  it('leaves an order not yet posted, or flagged, to the post, which sends only what SCAYLE still has', async () => {
    const world = setup();
    expect(await world.withdraw([1])).toBe('ignored');
    await world.ledger.create({ channel: 'scayle', orderId: ORDER_ID });
    expect(await world.withdraw([1], 'evt-received')).toBe('ignored');
    await world.ledger.transition('scayle', ORDER_ID, { from: 'received', to: 'flagged' });
    expect(await world.withdraw([1], 'evt-flagged')).toBe('ignored');

    expect(world.erp.amendments).toEqual([]);
  });

  it.each(['pending', 'sent'] as const)(
    'throws a retryable OrderBusyError for an order still %s, so the event waits for the post to finish',
    async (status) => {
      const { ledger, withdraw } = setup();
      await ledger.create({ channel: 'scayle', orderId: ORDER_ID });
      await ledger.transition('scayle', ORDER_ID, { from: 'received', to: 'pending' });
      if (status === 'sent') await ledger.transition('scayle', ORDER_ID, { from: 'pending', to: 'sent' });

      const error = await withdraw([1]).catch((e: unknown) => e);

      expect(error).toBeInstanceOf(OrderBusyError);
      expect((error as Error).message).toBe(`order ${ORDER_ID} is ${status}`);
    },
  );

  it('raises CANCEL_TOO_LATE for customer service once picking has started, and keeps the old total', async () => {
    const { erp, exceptions, ledger, withdraw } = await posted();
    erp.picking = true;

    expect(await withdraw([3])).toBe('too_late');

    expect(exceptions.list()).toMatchObject([
      {
        type: 'CANCEL_TOO_LATE',
        key: ORDER_ID,
        details: {
          orderId: ORDER_ID,
          orderwiseOrderNumber: 'SO000001',
          scayleEvent: 'order-item-out-of-stock',
          orderItemIds: [3],
          skus: ['SKU-B'],
        },
      },
    ]);
    const entry = await ledger.get('scayle', ORDER_ID);
    expect(entry?.data).toMatchObject({ withdrawnItemIds: [3], scayleTotalMinor: 2000 + 2000 + 1500 + 495 });
    expect(entry?.history.at(-1)?.note).toBe('order-item-out-of-stock evt-oos-3: items 3 too late to take off');
  });

  it('names the plain event when SCAYLE gave no item event name', async () => {
    const { commerce, erp, exceptions, withdrawItems } = await posted();
    erp.picking = true;
    commerce.withdraw(ORDER_ID, [3]);

    await withdrawItems(orderEvent(ORDER_ID, { event: 'order-items-cancelled' }));

    expect(exceptions.list()[0]?.details.scayleEvent).toBe('order-items-cancelled');
  });

  it("tells finance, and changes nothing in OrderWise, when SCAYLE's figures no longer add up after a withdrawal", async () => {
    const { commerce, erp, exceptions, withdraw } = await posted();
    const order = await commerce.getOrder('ac', 'DE', ORDER_ID);
    commerce.add({ ...order, cost: { ...order.cost, withTax: order.cost.withTax + 1 } });

    expect(await withdraw([3])).toBe('flagged');

    expect(exceptions.list()).toMatchObject([
      {
        type: 'ORDER_TOTAL_MISMATCH',
        key: ORDER_ID,
        details: {
          orderId: ORDER_ID,
          stage: 'taking withdrawn units off',
          scayleTotalMinor: 2000 + 2000 + 1500 + 495 + 1,
          sumOfPartsMinor: 2000 + 2000 + 495,
          orderItemIds: [3],
        },
      },
    ]);
    expect(erp.amendments).toEqual([]);
  });

  it('lets a mapping gone missing since the post fail the event rather than amend with a guess', async () => {
    const { catalogue, erp, withdraw } = await posted();
    catalogue.map('SKU-A', '');

    await expect(withdraw([3])).rejects.toBeInstanceOf(SkuUnmappedError);
    expect(erp.amendments).toEqual([]);
  });
});
