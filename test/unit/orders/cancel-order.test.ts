import { describe, expect, it } from 'vitest';
import type { OrderStatus } from '../../../shared/domain/order-status';
import type { ErpOrderState, OrderLedger } from '../../../shared/ports';
import { ConditionFailedError, UpstreamError } from '../../../shared/runtime/errors';
import { makeCancelOrder } from '../../../shared/use-cases/cancel-order';
import { makePostOrder, OrderBusyError } from '../../../shared/use-cases/post-order';
import { FakeClock } from '../../helpers/fake-clock';
import { FakeCatalogue, FakeCommerce, FakeErp, FakeExceptions, FakeLedger, MORNING } from '../../helpers/order-fakes';
import { orderEvent, scayleOrder } from '../../helpers/scayle-orders';

const ORDER_ID = '10001';
const LEASE_MS = 120_000;

/**
 * The fake OrderWise with the cancellation rule the simulator implements: an order is cancelled while its state says
 * cancellable, else `too-late`. `show` sets what OrderWise shows for an order, as its warehouse would move it.
 */
class CancellingErp extends FakeErp {
  readonly cancelled: number[] = [];
  readonly #states = new Map<number, Partial<ErpOrderState>>();

  show(orderId: number, state: Partial<ErpOrderState>): void {
    this.#states.set(orderId, state);
  }

  override async getSalesOrder(orderId: number): Promise<ErpOrderState> {
    return { ...(await super.getSalesOrder(orderId)), ...this.#states.get(orderId) };
  }

  // FakeErp declares no parameters for the operations it does not implement; the use case passes the order id.
  override async cancelSalesOrder(orderId?: number): Promise<'cancelled' | 'too-late'> {
    const id = Number(orderId);
    const state = await this.getSalesOrder(id);
    if (!state.cancellable) return 'too-late';
    this.cancelled.push(id);
    this.show(id, { status: 'Cancelled', cancellable: false, cancelled: true });
    return 'cancelled';
  }
}

/** A SCAYLE order of one unit, OrderWise, the ledger and the cancel use case over them. */
const setup = () => {
  const clock = new FakeClock(MORNING);
  const commerce = new FakeCommerce();
  commerce.add(scayleOrder({ id: Number(ORDER_ID), units: [{ sku: 'SKU-A', grossMinor: 2990 }] }));
  const erp = new CancellingErp();
  const ledger = new FakeLedger(clock);
  const exceptions = new FakeExceptions(clock);
  const catalogue = new FakeCatalogue({ 'SKU-A': 'OW-A' });
  const deps = { locate: commerce.locate(), erp, ledger, exceptions, now: () => clock.now() };
  const cancelOrder = makeCancelOrder(deps);
  const postOrder = makePostOrder({ ...deps, commerce, catalogue, leaseMs: LEASE_MS });
  /** The customer cancels in SCAYLE, and SCAYLE's webhook follows. */
  const cancel = (eventId = `evt-cancelled-${ORDER_ID}`) => {
    commerce.withdraw(ORDER_ID);
    return cancelOrder(orderEvent(ORDER_ID, { event: 'order-cancelled', eventId }));
  };
  return { clock, commerce, erp, ledger, exceptions, catalogue, deps, cancelOrder, postOrder, cancel };
};

/** The fake ledger with some of its operations replaced, as a race or an outage would make them behave. */
const overriding = (ledger: FakeLedger, overrides: Partial<OrderLedger>): OrderLedger => ({
  create: (...args) => ledger.create(...args),
  get: (...args) => ledger.get(...args),
  transition: (...args) => ledger.transition(...args),
  releaseLease: (...args) => ledger.releaseLease(...args),
  listByStatus: (...args) => ledger.listByStatus(...args),
  findByReference: (...args) => ledger.findByReference(...args),
  ...overrides,
});

describe('makeCancelOrder', () => {
  it('cancels an acknowledged order in OrderWise and notes the event on the ledger', async () => {
    const { erp, ledger, postOrder, cancel } = setup();
    await postOrder(orderEvent(ORDER_ID));

    expect(await cancel()).toBe('cancelled');

    expect(erp.cancelled).toEqual([1]);
    const entry = await ledger.get('scayle', ORDER_ID);
    expect(entry).toMatchObject({ status: 'cancelled', reason: 'cancelled in OrderWise (SO000001)' });
    expect(entry?.history.at(-1)?.note).toBe(`order-cancelled evt-cancelled-${ORDER_ID}`);
  });

  it('cancels in OrderWise an order posted there but not yet acknowledged (the post stopped after sent)', async () => {
    const { commerce, erp, ledger, postOrder, cancel } = setup();
    commerce.failNextReference(new UpstreamError('SCAYLE answered 503', 503));
    await expect(postOrder(orderEvent(ORDER_ID))).rejects.toBeInstanceOf(UpstreamError);
    expect((await ledger.get('scayle', ORDER_ID))?.status).toBe('sent');

    expect(await cancel()).toBe('cancelled');

    expect(erp.cancelled).toEqual([1]);
    expect(await ledger.statusesOf(ORDER_ID)).toEqual(['received', 'pending', 'sent', 'cancelled']);
  });

  it('asks for a return of an order posted but not yet acknowledged once OrderWise is too far along', async () => {
    const { commerce, erp, ledger, postOrder, cancel } = setup();
    commerce.failNextReference(new UpstreamError('SCAYLE answered 503', 503));
    await expect(postOrder(orderEvent(ORDER_ID))).rejects.toBeInstanceOf(UpstreamError);
    erp.show(1, { status: 'Completed', cancellable: false });

    expect(await cancel()).toBe('return_required');

    expect(await ledger.statusesOf(ORDER_ID)).toEqual(['received', 'pending', 'sent', 'return_required']);
  });

  it('asks OrderWise nothing more for an order it already shows cancelled, and closes the ledger entry', async () => {
    const { erp, ledger, postOrder, cancel } = setup();
    await postOrder(orderEvent(ORDER_ID));
    erp.show(1, { status: 'Cancelled', cancellable: false, cancelled: true });

    expect(await cancel()).toBe('cancelled');

    expect(erp.cancelled).toEqual([]);
    expect((await ledger.get('scayle', ORDER_ID))?.status).toBe('cancelled');
  });

  it('answers a repeated cancellation, or one after a return was asked for, as a duplicate without reading SCAYLE', async () => {
    const { commerce, erp, postOrder, cancel } = setup();
    await postOrder(orderEvent(ORDER_ID));
    expect(await cancel()).toBe('cancelled');
    const reads = commerce.calls.getOrder;

    expect(await cancel('evt-again')).toBe('duplicate');

    expect(commerce.calls.getOrder).toBe(reads);
    expect(erp.cancelled).toEqual([1]);
  });

  it.each<OrderStatus>(['cancelled', 'return_required'])(
    'answers as a duplicate a cancellation that finds the order %s by another worker since it looked',
    async (status) => {
      const { ledger, deps, commerce } = setup();
      await ledger.create({ channel: 'scayle', orderId: ORDER_ID, data: { shopKey: 'ac', countryCode: 'DE' } });
      await ledger.transition('scayle', ORDER_ID, { from: 'received', to: 'pending' });
      await ledger.transition('scayle', ORDER_ID, { from: 'pending', to: status });
      commerce.withdraw(ORDER_ID);
      // The read misses the entry, as one just before another worker recorded and closed the order would.
      const cancelOrder = makeCancelOrder({ ...deps, ledger: overriding(ledger, { get: async () => undefined }) });

      expect(await cancelOrder(orderEvent(ORDER_ID, { event: 'order-cancelled' }))).toBe('duplicate');
    },
  );

  it('ignores a cancellation SCAYLE does not show, or for an order SCAYLE does not know, and records nothing', async () => {
    const { ledger, cancelOrder } = setup();

    expect(await cancelOrder(orderEvent(ORDER_ID, { event: 'order-cancelled' }))).toBe('ignored');
    expect(await cancelOrder(orderEvent('99999', { event: 'order-cancelled' }))).toBe('ignored');

    expect(await ledger.get('scayle', ORDER_ID)).toBeUndefined();
    expect(await ledger.get('scayle', '99999')).toBeUndefined();
  });

  it('records and closes an order cancelled before its confirmation arrived, in the shop SCAYLE shows it in', async () => {
    const { erp, ledger, commerce, cancelOrder } = setup();
    commerce.withdraw(ORDER_ID);

    expect(
      await cancelOrder(orderEvent(ORDER_ID, { event: 'order-cancelled', shopKey: undefined, countryCode: undefined })),
    ).toBe('cancelled');

    expect(await ledger.statusesOf(ORDER_ID)).toEqual(['received', 'cancelled']);
    expect(await ledger.get('scayle', ORDER_ID)).toMatchObject({
      reason: 'cancelled in SCAYLE before it reached OrderWise',
      data: { shopKey: 'ac', countryCode: 'DE' },
    });
    expect(erp.calls).toEqual({ find: 0, create: 0, get: 0 });
  });

  it('finds the shop of a cancellation that names none from the ledger', async () => {
    const { commerce, deps, erp, postOrder } = setup();
    await postOrder(orderEvent(ORDER_ID));
    commerce.withdraw(ORDER_ID);
    const cancelOrder = makeCancelOrder({ ...deps, locate: commerce.locate([]) });

    expect(
      await cancelOrder(orderEvent(ORDER_ID, { event: 'order-cancelled', shopKey: undefined, countryCode: undefined })),
    ).toBe('cancelled');
    expect(erp.cancelled).toEqual([1]);
  });

  it('closes a flagged order without asking OrderWise', async () => {
    const { erp, deps, commerce, ledger, cancel } = setup();
    const postUnmapped = makePostOrder({ ...deps, commerce, catalogue: new FakeCatalogue() });
    expect(await postUnmapped(orderEvent(ORDER_ID))).toBe('flagged');

    expect(await cancel()).toBe('cancelled');

    expect(erp.calls).toEqual({ find: 0, create: 0, get: 0 });
    expect(await ledger.statusesOf(ORDER_ID)).toEqual(['received', 'pending', 'flagged', 'cancelled']);
  });

  it('looks a pending order up in OrderWise, where an attempt that never answered may have created it', async () => {
    const { clock, erp, ledger, postOrder, cancel } = setup();
    erp.failNextCreate('timeout-after-commit');
    await expect(postOrder(orderEvent(ORDER_ID))).rejects.toThrow(/timed out/);
    await clock.advance(LEASE_MS + 1);

    expect(await cancel()).toBe('cancelled');

    expect(erp.cancelled).toEqual([1]);
    expect(await ledger.statusesOf(ORDER_ID)).toEqual(['received', 'pending', 'cancelled']);
  });

  it('closes a pending order the look-up shows never reached OrderWise', async () => {
    const { clock, erp, ledger, postOrder, cancel } = setup();
    erp.failNextCreate('unavailable');
    await expect(postOrder(orderEvent(ORDER_ID))).rejects.toBeInstanceOf(UpstreamError);
    await clock.advance(LEASE_MS + 1);

    expect(await cancel()).toBe('cancelled');

    expect(erp.calls.find).toBe(2);
    expect(erp.calls.get).toBe(0);
    expect((await ledger.get('scayle', ORDER_ID))?.reason).toBe('cancelled in SCAYLE before it reached OrderWise');
  });

  it('leaves a pending order alone while the worker posting it holds its lease', async () => {
    const { ledger, cancel } = setup();
    await ledger.create({ channel: 'scayle', orderId: ORDER_ID });
    await ledger.transition('scayle', ORDER_ID, {
      from: 'received',
      to: 'pending',
      lease: { now: new Date(MORNING).toISOString(), until: new Date(MORNING + LEASE_MS).toISOString(), id: 'poster' },
    });

    await expect(cancel()).rejects.toBeInstanceOf(OrderBusyError);

    expect((await ledger.get('scayle', ORDER_ID))?.status).toBe('pending');
  });

  it('lets a ledger failure other than a lost race through as it is', async () => {
    const { ledger, deps, commerce } = setup();
    const outage = new UpstreamError('DynamoDB answered 500', 500);
    const failing = overriding(ledger, {
      transition: async () => {
        throw outage;
      },
    });
    commerce.withdraw(ORDER_ID);

    await expect(
      makeCancelOrder({ ...deps, ledger: failing })(orderEvent(ORDER_ID, { event: 'order-cancelled' })),
    ).rejects.toBe(outage);
  });

  it('throws a retryable OrderBusyError when the order moves while the cancellation decides', async () => {
    const { ledger, cancel } = setup();
    ledger.beforeNextTransition = () =>
      ledger.transition('scayle', ORDER_ID, { from: 'received', to: 'pending', note: 'a post attempt' });

    const error = await cancel().catch((e: unknown) => e);

    expect(error).toBeInstanceOf(OrderBusyError);
    expect(error).not.toBeInstanceOf(ConditionFailedError);
    expect((error as Error).message).toBe(`order ${ORDER_ID} moved while cancelling`);
  });

  describe('once OrderWise is too far along', () => {
    const tooLate = async (state: Partial<ErpOrderState>) => {
      const world = setup();
      await world.postOrder(orderEvent(ORDER_ID));
      world.erp.show(1, state);
      let raisedBeforeMove: string[] = [];
      world.ledger.beforeNextTransition = async () => {
        raisedBeforeMove = world.exceptions.list().map((e) => e.id);
      };
      return { ...world, outcome: await world.cancel(), raisedBeforeMove: () => raisedBeforeMove };
    };

    it('asks for a return and tells customer service, before the ledger shows it, naming the status', async () => {
      const { outcome, erp, ledger, exceptions, raisedBeforeMove } = await tooLate({
        status: 'Awaiting despatch',
        subStatus: 'Picking in progress',
        cancellable: false,
      });

      expect(outcome).toBe('return_required');
      expect(erp.cancelled).toEqual([]);
      expect(raisedBeforeMove()).toEqual([`CANCEL_TOO_LATE#${ORDER_ID}`]);
      expect(exceptions.list()).toMatchObject([
        {
          type: 'CANCEL_TOO_LATE',
          key: ORDER_ID,
          details: {
            orderId: ORDER_ID,
            orderwiseOrderNumber: 'SO000001',
            orderwiseStatus: 'Awaiting despatch',
            orderwiseSubStatus: 'Picking in progress',
          },
        },
      ]);
      expect((await ledger.get('scayle', ORDER_ID))?.reason).toBe(
        'OrderWise order SO000001 is Awaiting despatch (Picking in progress)',
      );
      expect(await ledger.statusesOf(ORDER_ID)).toEqual([
        'received',
        'pending',
        'sent',
        'acknowledged',
        'return_required',
      ]);
    });

    it('says so without a sub-status when OrderWise gives none', async () => {
      const { outcome, ledger, exceptions } = await tooLate({ status: 'Completed', cancellable: false });

      expect(outcome).toBe('return_required');
      expect(exceptions.list()[0]?.details).toMatchObject({ orderwiseStatus: 'Completed', orderwiseSubStatus: null });
      expect((await ledger.get('scayle', ORDER_ID))?.reason).toBe('OrderWise order SO000001 is Completed');
    });

    it('asks for a return when OrderWise refuses a cancel its state still allowed (picking started meanwhile)', async () => {
      const world = setup();
      await world.postOrder(orderEvent(ORDER_ID));
      world.erp.cancelSalesOrder = async () => 'too-late';

      expect(await world.cancel()).toBe('return_required');
      expect(world.exceptions.list().map((e) => e.type)).toEqual(['CANCEL_TOO_LATE']);
    });
  });

  it('answers a repeated too-late cancellation as a duplicate and raises CANCEL_TOO_LATE once', async () => {
    const { erp, exceptions, postOrder, cancel } = setup();
    await postOrder(orderEvent(ORDER_ID));
    erp.show(1, { status: 'Completed', cancellable: false });

    expect(await cancel()).toBe('return_required');
    expect(await cancel('evt-again')).toBe('duplicate');

    expect(exceptions.list()).toMatchObject([{ type: 'CANCEL_TOO_LATE', count: 1 }]);
  });

  it.each<OrderStatus>(['cancelled', 'return_required'])(
    'answers a cancellation of an order already %s as a duplicate without reading SCAYLE',
    async (status) => {
      const { commerce, ledger, cancel } = setup();
      await ledger.create({ channel: 'scayle', orderId: ORDER_ID });
      await ledger.transition('scayle', ORDER_ID, { from: 'received', to: 'pending' });
      await ledger.transition('scayle', ORDER_ID, { from: 'pending', to: status });

      expect(await cancel()).toBe('duplicate');
      expect(commerce.calls.getOrder).toBe(0);
    },
  );
});
