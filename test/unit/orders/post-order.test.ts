import { describe, expect, it } from 'vitest';
import { deliveryAddressOf } from '../../../shared/domain/sales-order';
import {
  ConditionFailedError,
  isRetryable,
  TimeoutError,
  UpstreamError,
  UpstreamRejectedError,
} from '../../../shared/runtime/errors';
import { makePostOrder, OrderBusyError, ScayleOrderNotFoundError } from '../../../shared/use-cases/post-order';
import { FakeClock } from '../../helpers/fake-clock';
import { FakeCatalogue, FakeCommerce, FakeErp, FakeExceptions, FakeLedger, MORNING } from '../../helpers/order-fakes';
import { orderEvent, scayleOrder } from '../../helpers/scayle-orders';

const ORDER_ID = '10001';
/** How long a posting worker holds an order; the queue brings a failed message back only after it ran out. */
const LEASE_MS = 120_000;

/** A SCAYLE order of two SKU-A (one discounted) and one SKU-B with shipping, and the ports posting needs. */
const setup = (units = [{ sku: 'SKU-A' }, { sku: 'SKU-A', discountMinor: 300 }, { sku: 'SKU-B' }]) => {
  const order = scayleOrder({
    id: Number(ORDER_ID),
    units: units.map((u) => ({ grossMinor: 2990, ...u })),
    fees: [{ category: 'delivery', key: 'standard', grossMinor: 495, taxRate: 19 }],
  });
  const commerce = new FakeCommerce();
  commerce.add(order);
  const erp = new FakeErp();
  const clock = new FakeClock(MORNING);
  const ledger = new FakeLedger(clock);
  const catalogue = new FakeCatalogue({ 'SKU-A': 'OW-A', 'SKU-B': 'OW-B' });
  const exceptions = new FakeExceptions(clock);
  const postOrder = makePostOrder({
    commerce,
    locate: commerce.locate(),
    erp,
    ledger,
    catalogue,
    exceptions,
    leaseMs: LEASE_MS,
    now: () => clock.now(),
  });
  /** The message comes back after the visibility timeout, when the failed attempt's lease has run out. */
  const redeliver = async () => {
    await clock.advance(LEASE_MS + 1);
    return postOrder(orderEvent(ORDER_ID));
  };
  return { order, commerce, erp, ledger, catalogue, exceptions, postOrder, redeliver, message: orderEvent(ORDER_ID) };
};

describe('makePostOrder', () => {
  it('finds the shop of an order whose event names none, and records it from the order itself', async () => {
    const { commerce, erp, ledger, postOrder, message } = setup();
    const unnamed = { ...message, shopKey: undefined, countryCode: undefined };

    expect(await postOrder(unnamed)).toBe('acknowledged');

    expect(erp.salesOrders).toHaveLength(1);
    expect((await ledger.get('scayle', ORDER_ID))?.data).toMatchObject({ shopKey: 'ac', countryCode: 'DE' });
    expect(commerce.references.get(ORDER_ID)).toBe('SO000001');
  });

  it('records the shop with a flag, so the retry of an order whose event named none need not look for it', async () => {
    const { ledger, postOrder, message } = setup([{ sku: 'SKU-X' }]);

    expect(await postOrder({ ...message, shopKey: undefined, countryCode: undefined })).toBe('flagged');

    expect((await ledger.get('scayle', ORDER_ID))?.data).toMatchObject({ shopKey: 'ac', countryCode: 'DE' });
  });

  it('records the units OrderWise got, so a unit SCAYLE withdraws later is taken off only if it was sent', async () => {
    const { commerce, ledger, postOrder, message } = setup();
    commerce.withdraw(ORDER_ID, [3]);

    expect(await postOrder(message)).toBe('acknowledged');

    expect((await ledger.get('scayle', ORDER_ID))?.data.postedItemIds).toEqual([1, 2]);
  });

  it('closes, without posting, an order SCAYLE shows cancelled by the time it is read', async () => {
    const { commerce, erp, ledger, postOrder, message } = setup();
    commerce.withdraw(ORDER_ID);

    expect(await postOrder(message)).toBe('cancelled');

    expect(erp.calls.create).toBe(0);
    expect(await ledger.statusesOf(ORDER_ID)).toEqual(['received', 'pending', 'cancelled']);
  });

  it('retries an order SCAYLE does not show yet, rather than dropping it', async () => {
    const { erp, ledger, postOrder } = setup();

    const error = await postOrder(orderEvent('99999')).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ScayleOrderNotFoundError);
    expect(isRetryable(error)).toBe(true);
    expect(erp.calls.create).toBe(0);
    expect((await ledger.get('scayle', '99999'))?.status).toBe('pending');
  });

  it('links an Amazon order and lets go of its reserved stock once OrderWise has it, before acknowledging', async () => {
    const order = {
      ...scayleOrder({
        id: 30003,
        units: [
          { sku: 'SKU-A', grossMinor: 2990 },
          { sku: 'SKU-A', grossMinor: 2990 },
        ],
      }),
      legacyCustomData: { amazonOrderId: '202-1-1' },
    };
    const commerce = new FakeCommerce();
    commerce.add(order);
    const clock = new FakeClock(MORNING);
    const ledger = new FakeLedger(clock);
    const released: [string, readonly string[]][] = [];
    const postOrder = makePostOrder({
      commerce,
      locate: commerce.locate(),
      erp: new FakeErp(),
      ledger,
      catalogue: new FakeCatalogue({ 'SKU-A': 'OW-A' }),
      exceptions: new FakeExceptions(clock),
      releaseReservation: async (amazonOrderId, skus) => void released.push([amazonOrderId, skus]),
      now: () => clock.now(),
    });
    expect(await postOrder(orderEvent('30003'))).toBe('acknowledged');
    expect(released).toEqual([['202-1-1', ['SKU-A']]]);
    expect((await ledger.get('scayle', '30003'))?.ids).toMatchObject({ amazon: '202-1-1' });
  });

  it('posts a confirmed order, links the ids and stores the OrderWise number on SCAYLE', async () => {
    const { order, commerce, erp, ledger, postOrder, message } = setup();

    expect(await postOrder(message)).toBe('acknowledged');

    const [created] = erp.salesOrders;
    expect(erp.salesOrders).toHaveLength(1);
    expect(created?.salesOrder.externalReference).toBe(ORDER_ID);
    expect(created?.salesOrder.lines.map((l) => [l.variantCode, l.quantity, l.discountMinor])).toEqual([
      ['OW-A', 2, 300],
      ['OW-B', 1, 0],
    ]);
    expect(created?.delivery).toEqual(deliveryAddressOf(order));
    const entry = await ledger.get('scayle', ORDER_ID);
    expect(entry).toMatchObject({
      status: 'acknowledged',
      ids: { scayle: ORDER_ID, orderwise: 'SO000001' },
      attempts: 1,
      data: {
        shopKey: 'ac',
        countryCode: 'DE',
        orderwiseOrderId: 1,
        currency: 'EUR',
        scayleTotalMinor: order.cost.withTax,
        orderwiseTotalMinor: order.cost.withTax,
        orderwiseStatus: 'Awaiting despatch',
      },
    });
    expect(await ledger.statusesOf(ORDER_ID)).toEqual(['received', 'pending', 'sent', 'acknowledged']);
    expect(commerce.references.get(ORDER_ID)).toBe('SO000001');
  });

  it('answers a second delivery of the order as a duplicate and creates nothing', async () => {
    const { erp, commerce, postOrder, message } = setup();
    await postOrder(message);

    expect(await postOrder(message)).toBe('duplicate');
    expect(await postOrder({ ...message, eventId: 'evt-redelivered' })).toBe('duplicate');

    expect(erp.calls).toEqual({ find: 1, create: 1, get: 1 });
    expect(commerce.calls).toEqual({ getOrder: 1, setOrderReference: 1 });
  });

  it('heals a create that committed but timed out: the retry finds the order instead of creating it again', async () => {
    const { erp, ledger, commerce, postOrder, redeliver, message } = setup();
    erp.failNextCreate('timeout-after-commit');

    const first = await postOrder(message).catch((e: unknown) => e);
    expect(first).toBeInstanceOf(TimeoutError);
    expect(isRetryable(first)).toBe(true);
    expect((await ledger.get('scayle', ORDER_ID))?.status).toBe('pending');

    expect(await redeliver()).toBe('acknowledged');
    expect(erp.ordersFor(ORDER_ID)).toHaveLength(1);
    expect(erp.calls.create).toBe(1);
    expect(await ledger.get('scayle', ORDER_ID)).toMatchObject({ attempts: 2, ids: { orderwise: 'SO000001' } });
    expect(await ledger.statusesOf(ORDER_ID)).toEqual(['received', 'pending', 'pending', 'sent', 'acknowledged']);
    expect(commerce.references.get(ORDER_ID)).toBe('SO000001');
  });

  it('leaves a pending order to the worker that holds it until its lease has run out', async () => {
    const { erp, ledger, postOrder, redeliver, message } = setup();
    // Another worker is inside its attempt: it has taken the order and holds the lease.
    await ledger.create({ channel: 'scayle', orderId: ORDER_ID });
    await ledger.transition('scayle', ORDER_ID, {
      from: 'received',
      to: 'pending',
      lease: { now: new Date(MORNING).toISOString(), until: new Date(MORNING + LEASE_MS).toISOString(), id: 'other' },
    });

    await expect(postOrder({ ...message, eventId: 'evt-repeat' })).rejects.toBeInstanceOf(OrderBusyError);
    expect(erp.calls).toMatchObject({ find: 0, create: 0 });

    expect(await redeliver()).toBe('acknowledged');
    const entry = await ledger.get('scayle', ORDER_ID);
    expect(entry?.leaseUntil).toBeUndefined();
    expect(erp.ordersFor(ORDER_ID)).toHaveLength(1);
  });

  it('gives the order back after a failed attempt, so its retry need not wait for the lease', async () => {
    const { erp, ledger, postOrder, message } = setup();
    erp.failNextCreate('timeout-after-commit');
    await postOrder(message).catch(() => undefined);
    expect((await ledger.get('scayle', ORDER_ID))?.leaseUntil).toBeUndefined();

    expect(await postOrder(message)).toBe('acknowledged');
    expect(erp.calls.create).toBe(1);
    expect(erp.ordersFor(ORDER_ID)).toHaveLength(1);
  });

  it('resolves a duplicate refusal (409) with the order an earlier attempt committed', async () => {
    const { erp, ledger, postOrder, message } = setup();
    erp.failNextCreate('duplicate-of-earlier-attempt');

    expect(await postOrder(message)).toBe('acknowledged');
    expect(erp.ordersFor(ORDER_ID)).toHaveLength(1);
    // Once before the create, once to resolve the refusal.
    expect(erp.calls.find).toBe(2);
    expect((await ledger.get('scayle', ORDER_ID))?.ids.orderwise).toBe('SO000001');
  });

  it('flags an order OrderWise refuses for a reason the look-up cannot explain and tells operations', async () => {
    const { erp, ledger, commerce, exceptions, postOrder, message } = setup();
    erp.failNextCreate('duplicate-unexplained');

    expect(await postOrder(message)).toBe('flagged');

    expect(await ledger.get('scayle', ORDER_ID)).toMatchObject({
      status: 'flagged',
      reason: expect.stringMatching(/^ORDER_REJECTED: OrderWise createSalesOrder answered 409/),
    });
    expect(exceptions.list()).toMatchObject([
      {
        type: 'ORDER_REJECTED',
        key: ORDER_ID,
        owner: 'operations',
        details: { orderId: ORDER_ID, status: 409, orderwiseError: { error: 'Duplicate eCommerceOrderNumber' } },
      },
    ]);
    expect(erp.salesOrders).toHaveLength(0);
    expect(commerce.references.size).toBe(0);
  });

  it('leaves an order pending when OrderWise is down and posts it once on the retry', async () => {
    const { erp, ledger, postOrder, redeliver, message } = setup();
    erp.failNextCreate('unavailable');

    await expect(postOrder(message)).rejects.toBeInstanceOf(UpstreamError);
    expect((await ledger.get('scayle', ORDER_ID))?.status).toBe('pending');
    expect(await redeliver()).toBe('acknowledged');
    expect(erp.ordersFor(ORDER_ID)).toHaveLength(1);
  });

  it('flags an order with unmapped SKUs and raises SKU_UNMAPPED for ecommerce once per SKU', async () => {
    const { erp, ledger, exceptions, commerce, postOrder, message } = setup([
      { sku: 'SKU-A' },
      { sku: 'SKU-X' },
      { sku: 'SKU-Y' },
      { sku: 'SKU-X' },
    ]);

    expect(await postOrder(message)).toBe('flagged');

    expect(await ledger.get('scayle', ORDER_ID)).toMatchObject({
      status: 'flagged',
      reason: 'SKU_UNMAPPED: SKU-X, SKU-Y',
    });
    expect(
      exceptions.list().map(({ type, key, owner, count, details }) => ({ type, key, owner, count, details })),
    ).toEqual([
      {
        type: 'SKU_UNMAPPED',
        key: 'SKU-X',
        owner: 'ecommerce',
        count: 1,
        details: { orderId: ORDER_ID, system: 'orderwise', sku: 'SKU-X' },
      },
      {
        type: 'SKU_UNMAPPED',
        key: 'SKU-Y',
        owner: 'ecommerce',
        count: 1,
        details: { orderId: ORDER_ID, system: 'orderwise', sku: 'SKU-Y' },
      },
    ]);
    expect(erp.calls).toEqual({ find: 0, create: 0, get: 0 });
    expect(commerce.references.size).toBe(0);
  });

  it('raises the exceptions before the ledger shows the order flagged, so a flagged order always has them', async () => {
    const { ledger, exceptions, postOrder, message } = setup([{ sku: 'SKU-X' }, { sku: 'SKU-Y' }]);
    let raisedBeforeFlag: string[] = [];
    // Installed by the take (received -> pending), run just before the next move (pending -> flagged).
    ledger.beforeNextTransition = async () => {
      ledger.beforeNextTransition = async () => {
        raisedBeforeFlag = exceptions.list().map((e) => e.id);
      };
    };

    expect(await postOrder(message)).toBe('flagged');

    expect(raisedBeforeFlag).toEqual(['SKU_UNMAPPED#SKU-X', 'SKU_UNMAPPED#SKU-Y']);
  });

  it('posts a flagged order once its mapping is fixed and the order-confirmed message comes again', async () => {
    const { erp, ledger, catalogue, commerce, postOrder, message } = setup([{ sku: 'SKU-A' }, { sku: 'SKU-X' }]);
    expect(await postOrder(message)).toBe('flagged');

    catalogue.map('SKU-X', 'OW-X');
    expect(await postOrder(message)).toBe('acknowledged');

    expect(erp.ordersFor(ORDER_ID)).toHaveLength(1);
    expect(erp.salesOrders[0]?.salesOrder.lines.map((l) => l.variantCode)).toEqual(['OW-A', 'OW-X']);
    expect(await ledger.statusesOf(ORDER_ID)).toEqual([
      'received',
      'pending',
      'flagged',
      'pending',
      'sent',
      'acknowledged',
    ]);
    expect(commerce.references.get(ORDER_ID)).toBe('SO000001');
  });

  it('flags an order whose SCAYLE figures do not add up and tells finance instead of posting it', async () => {
    const { commerce, erp, ledger, exceptions, postOrder, message } = setup();
    commerce.add(
      scayleOrder({ id: Number(ORDER_ID), units: [{ sku: 'SKU-A', grossMinor: 1990 }], totalErrorMinor: 5 }),
    );

    expect(await postOrder(message)).toBe('flagged');

    expect((await ledger.get('scayle', ORDER_ID))?.reason).toMatch(/^ORDER_TOTAL_MISMATCH: /);
    expect(exceptions.list()).toMatchObject([
      {
        type: 'ORDER_TOTAL_MISMATCH',
        key: ORDER_ID,
        owner: 'finance',
        details: { orderId: ORDER_ID, stage: 'before posting', scayleTotalMinor: 1995, sumOfPartsMinor: 1990 },
      },
    ]);
    expect(erp.calls.create).toBe(0);
  });

  it('acknowledges an order left in sent by a crash after the create without creating it again', async () => {
    const { erp, ledger, commerce, postOrder, message } = setup();
    commerce.failNextReference(new UpstreamError('SCAYLE setOrderReference answered 503', 503));
    await expect(postOrder(message)).rejects.toBeInstanceOf(UpstreamError);
    expect((await ledger.get('scayle', ORDER_ID))?.status).toBe('sent');

    expect(await postOrder(message)).toBe('acknowledged');

    expect(erp.calls).toMatchObject({ find: 1, create: 1 });
    expect(commerce.calls.getOrder).toBe(1);
    expect(commerce.references.get(ORDER_ID)).toBe('SO000001');
    expect(await ledger.statusesOf(ORDER_ID)).toEqual(['received', 'pending', 'sent', 'acknowledged']);
  });

  it('throws a retryable OrderBusyError when another worker takes the order between our read and our move', async () => {
    const { erp, ledger, commerce, postOrder, message } = setup();
    ledger.beforeNextTransition = () =>
      ledger.transition('scayle', ORDER_ID, { from: 'received', to: 'pending', note: 'the other worker' });

    const error = await postOrder(message).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(OrderBusyError);
    expect(isRetryable(error)).toBe(true);
    expect(commerce.calls.getOrder).toBe(0);
    expect(erp.calls).toEqual({ find: 0, create: 0, get: 0 });
  });

  it('treats the retry of a post that lost the race to a cancellation as a duplicate', async () => {
    const { erp, ledger, postOrder, message } = setup();
    ledger.beforeNextTransition = () =>
      ledger.transition('scayle', ORDER_ID, { from: 'received', to: 'cancelled', reason: 'cancelled in SCAYLE' });

    await expect(postOrder(message)).rejects.toBeInstanceOf(OrderBusyError);
    expect(await postOrder(message)).toBe('duplicate');
    expect(erp.calls.create).toBe(0);
  });

  it('records the shop and arrival time the event names before SCAYLE is read, with the event on the history', async () => {
    const { ledger, postOrder } = setup();

    await expect(postOrder(orderEvent('99999'))).rejects.toThrow('SCAYLE shows no order 99999 in any shop country');

    const entry = await ledger.get('scayle', '99999');
    expect(entry?.data).toEqual({ shopKey: 'ac', countryCode: 'DE', receivedAt: '2025-03-01T10:00:01.000Z' });
    expect(entry?.history.map((h) => h.note)).toEqual([
      'order-confirmed evt-confirmed-99999',
      'posting for evt-confirmed-99999',
    ]);
  });

  it('records the shop of an order SCAYLE shows cancelled, with the reason it was closed', async () => {
    const { commerce, ledger, postOrder, message } = setup();
    commerce.withdraw(ORDER_ID);

    expect(await postOrder({ ...message, shopKey: undefined, countryCode: undefined })).toBe('cancelled');

    expect(await ledger.get('scayle', ORDER_ID)).toMatchObject({
      reason: 'cancelled in SCAYLE before it reached OrderWise',
      data: { shopKey: 'ac', countryCode: 'DE' },
    });
  });

  it('holds the order for the lease time while OrderWise is asked', async () => {
    const { erp, ledger, postOrder, message } = setup();
    const release = erp.holdCreates();
    const posting = postOrder(message);
    await erp.createsStarted(1);

    expect((await ledger.get('scayle', ORDER_ID))?.leaseUntil).toBe(new Date(MORNING + LEASE_MS).toISOString());

    release();
    expect(await posting).toBe('acknowledged');
  });

  it('answers an order whose return was asked for as a duplicate', async () => {
    const { erp, ledger, postOrder, message } = setup();
    await ledger.create({ channel: 'scayle', orderId: ORDER_ID });
    await ledger.transition('scayle', ORDER_ID, { from: 'received', to: 'pending' });
    await ledger.transition('scayle', ORDER_ID, { from: 'pending', to: 'return_required' });

    expect(await postOrder(message)).toBe('duplicate');
    expect(erp.calls).toEqual({ find: 0, create: 0, get: 0 });
  });

  it('lets a ledger outage, while recording or while taking the order, through as it is', async () => {
    const { ledger, postOrder, message } = setup();
    const outage = new UpstreamError('DynamoDB answered 500', 500);
    ledger.beforeNextTransition = async () => {
      throw outage;
    };
    await expect(postOrder(message)).rejects.toBe(outage);

    ledger.create = async () => {
      throw outage;
    };
    await expect(postOrder(orderEvent('10002'))).rejects.toBe(outage);
  });

  it('lets a lost race the ledger cannot explain (no stored entry) through as it is', async () => {
    const { ledger, postOrder, message } = setup();
    const raced = new ConditionFailedError('the ledger refused the create', undefined);
    ledger.create = async () => {
      throw raced;
    };

    await expect(postOrder(message)).rejects.toBe(raced);
  });

  it('says which order moved when another worker took it first', async () => {
    const { ledger, postOrder, message } = setup();
    ledger.beforeNextTransition = () => ledger.transition('scayle', ORDER_ID, { from: 'received', to: 'pending' });

    await expect(postOrder(message)).rejects.toThrow(`order ${ORDER_ID} moved while being taken`);
  });

  it('looks an order OrderWise refuses outright up only once, and flags it', async () => {
    const { erp, postOrder, message } = setup();
    erp.createSalesOrder = async () => {
      throw new UpstreamRejectedError('OrderWise createSalesOrder answered 422', 422, { error: 'Bad postcode' });
    };

    expect(await postOrder(message)).toBe('flagged');
    expect(erp.calls.find).toBe(1);
  });

  it('lets go of no reservation for an order that did not come from Amazon', async () => {
    const { commerce, erp, ledger, catalogue, exceptions, message } = setup();
    const released: string[] = [];
    const postOrder = makePostOrder({
      commerce,
      locate: commerce.locate(),
      erp,
      ledger,
      catalogue,
      exceptions,
      releaseReservation: async (amazonOrderId) => void released.push(amazonOrderId),
    });

    expect(await postOrder(message)).toBe('acknowledged');
    expect(released).toEqual([]);
    expect((await ledger.get('scayle', ORDER_ID))?.ids.amazon).toBeUndefined();
  });

  it('links no Amazon order when the custom data holds no AmazonOrderId string', async () => {
    const order = { ...scayleOrder({ id: 30004, units: [{ sku: 'SKU-A', grossMinor: 2990 }] }) };
    const commerce = new FakeCommerce();
    commerce.add({ ...order, legacyCustomData: { amazonOrderId: 2021 } });
    const clock = new FakeClock(MORNING);
    const ledger = new FakeLedger(clock);
    const postOrder = makePostOrder({
      commerce,
      locate: commerce.locate(),
      erp: new FakeErp(),
      ledger,
      catalogue: new FakeCatalogue({ 'SKU-A': 'OW-A' }),
      exceptions: new FakeExceptions(clock),
      now: () => clock.now(),
    });

    expect(await postOrder(orderEvent(30004))).toBe('acknowledged');
    expect((await ledger.get('scayle', '30004'))?.ids.amazon).toBeUndefined();
  });
});
