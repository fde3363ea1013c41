/**
 * Loops 1 and 2 on the web shop's side of the day: SCAYLE confirms the day's orders, some webhooks arriving two
 * or three times, while OrderWise refuses a tenth of the creates and drops the answer of one in twenty after
 * committing it; one order names a SKU OrderWise does not stock. Then one order is cancelled before picking and
 * one after picking started, one is amended by hand in OrderWise (for the money check to find), and OrderWise
 * despatches about half of the others.
 */
import type { LedgerEntry } from '../../shared/adapters/aws/ledger-repository';
import { type DayContext, orderwiseOrderOf, postJson, reachedAt, settledEntries } from './context';
import { listOf, plural, waitUntil } from './day-log';
import { despatchInOrderwise } from './despatch';

/** What the money check (loop 10) needs from the orders act. */
export interface OrdersOutcome {
  /** The SCAYLE order whose OrderWise total was changed by hand, when it could be. */
  readonly amendedOrderId?: string;
}

const POSTED = ['acknowledged', 'cancelled', 'return_required'];

export const runOrdersAct = async (ctx: DayContext): Promise<OrdersOutcome> => {
  const { hub, plan, log } = ctx;
  const { simulators, urls } = hub;
  await postJson(`${urls.orderwise}/_sim/faults`, {
    createSalesOrder: { errorRate: 0.1, status: 503, timeoutAfterCommitRate: 0.05 },
  });
  const { ids, unmappedId } = await confirmWebOrders(ctx);
  const entries = await settledEntries(ctx, 'scayle', [...ids, unmappedId], (e) =>
    ['acknowledged', 'flagged'].includes(e.status),
  );
  const faults = (await (await fetch(`${urls.orderwise}/_sim/calls`)).json()) as Record<
    string,
    { injectedErrors?: number; droppedAfterCommit?: number }
  >;
  await postJson(`${urls.orderwise}/_sim/faults`, {});
  for (const [id, entry] of entries) {
    const acknowledged = reachedAt(entry, 'acknowledged');
    if (!acknowledged) continue;
    log.effect(1, `OrderWise sales order ${entry.ids.orderwise} for SCAYLE ${id}`, acknowledged);
    log.latency(1, entry.createdAt, acknowledged);
  }

  const inTime = ids[plan.cancelInTime] as string;
  const tooLate = ids[plan.cancelTooLate] as string;
  const cancelledAt = await cancelTwo(ctx, inTime, tooLate);

  // Someone edits an order's value in OrderWise by hand: the money check must find it.
  const amendedOrderId = ids[plan.amendedInOrderwise] as string;
  const amended = orderwiseOrderOf(hub, amendedOrderId);
  if (amended) {
    simulators.orderwise.amendTotal(amended.orderNumber, amended.totalGrossMinor + 250);
    log.event(10, `OrderWise ${amended.orderNumber} (SCAYLE ${amendedOrderId}) amended by hand: +2.50`, Date.now(), 0);
  }

  // The warehouse despatches about half the other orders that reached OrderWise, a few in two parcels.
  const toShip = ids.flatMap((id, i) =>
    plan.webOrders[i]?.despatched && id !== inTime && id !== tooLate && entries.get(id)?.status === 'acknowledged'
      ? [[id, plan.webOrders[i]] as const]
      : [],
  );
  for (let i = 0; i < toShip.length; i += 6) {
    await Promise.all(
      toShip
        .slice(i, i + 6)
        .map(([id, o]) =>
          despatchInOrderwise(ctx, { scayleOrderId: id, courier: o?.courier as string, twoParts: o?.twoParts }),
        ),
    );
  }

  await checkCancellations(ctx, inTime, tooLate, cancelledAt);
  await checkOrders(
    ctx,
    ids,
    unmappedId,
    faults.createSalesOrder ?? {},
    await settledEntries(ctx, 'scayle', ids, () => true),
  );
  return { amendedOrderId: amended ? amendedOrderId : undefined };
};

/**
 * SCAYLE confirms the day's orders, each webhook delivered as often as the plan says (orders are created in
 * batches of one kind), then one for a SKU OrderWise does not stock. Returns the SCAYLE ids in plan order.
 */
const confirmWebOrders = async (ctx: DayContext): Promise<{ ids: string[]; unmappedId: string }> => {
  const { hub, plan, log } = ctx;
  const ids: string[] = [];
  for (const deliveries of [1, 2, 3]) {
    const batch = plan.webOrders.flatMap((o, i) => (o.deliveries === deliveries ? [[o, i] as const] : []));
    if (batch.length === 0) continue;
    const at = Date.now();
    const created = await hub.simulators.scayle.createOrders({
      orders: batch.map(([o]) => ({
        items: o.items.map((item) => ({ ...item })),
        countryCode: o.countryCode,
        shippingMinor: o.shippingMinor,
        vouchers: o.vouchers.map((v) => ({ ...v })),
      })),
      duplicates: deliveries,
    });
    created.forEach((order, k) => {
      const id = String(order.id);
      ids[(batch[k] as readonly [unknown, number])[1]] = id;
      log.event(1, `order-confirmed ${id}${deliveries > 1 ? ` delivered ${deliveries} times` : ''}`, at, deliveries);
    });
  }
  const at = Date.now();
  const [unmapped] = await hub.simulators.scayle.createOrders({
    orders: [{ items: [{ sku: plan.unmappedSku, quantity: 1 }] }],
  });
  const unmappedId = String(unmapped?.id);
  log.event(1, `order-confirmed ${unmappedId} (SKU ${plan.unmappedSku}, not stocked by OrderWise)`, at);
  return { ids, unmappedId };
};

/** Customer service cancels two orders in SCAYLE: one before the warehouse starts, one after picking started. */
const cancelTwo = async (ctx: DayContext, inTime: string, tooLate: string): Promise<Map<string, number>> => {
  const { hub, plan, log } = ctx;
  const lateOrder = orderwiseOrderOf(hub, tooLate);
  if (lateOrder) hub.simulators.orderwise.setStatus(lateOrder.orderNumber, 'Awaiting despatch', 'Picking in progress');
  const cancelledAt = new Map<string, number>();
  for (const [id, spelling, when] of [
    [inTime, plan.cancelSpellings[0], 'before picking'],
    [tooLate, plan.cancelSpellings[1], 'picking started'],
  ] as const) {
    const at = Date.now();
    cancelledAt.set(id, at);
    await hub.simulators.scayle.cancelOrder(Number(id), spelling);
    log.event(2, `${spelling} ${id} (${when})`, at);
  }
  return cancelledAt;
};

/** Loop 2's invariants: cancelled in OrderWise while it could be, a return asked for once picking started. */
const checkCancellations = async (
  ctx: DayContext,
  inTime: string,
  tooLate: string,
  cancelledAt: Map<string, number>,
): Promise<void> => {
  const { hub, log } = ctx;
  const cancellations = await settledEntries(ctx, 'scayle', [inTime, tooLate], (e) =>
    ['cancelled', 'return_required'].includes(e.status),
  );
  for (const [id, entry] of cancellations) {
    const at = reachedAt(entry, entry.status);
    if (!at) continue;
    log.effect(2, `SCAYLE ${id} ${entry.status === 'cancelled' ? 'cancelled in OrderWise' : 'return required'}`, at);
    log.latency(2, cancelledAt.get(id), at);
  }
  const tooLateRaised = await waitUntil(() => hub.exceptions.get(`CANCEL_TOO_LATE#${tooLate}`), ctx.deadline);
  const inTimeEntry = cancellations.get(inTime);
  const tooLateEntry = cancellations.get(tooLate);
  const inTimeOw = orderwiseOrderOf(hub, inTime);
  const tooLateOw = orderwiseOrderOf(hub, tooLate);
  log.check(
    2,
    'a cancellation before picking cancels the OrderWise sales order',
    inTimeEntry?.status === 'cancelled' && inTimeOw?.orderStatus === 'Cancelled',
    `SCAYLE ${inTime}: ledger ${inTimeEntry?.status ?? 'missing'}, OrderWise ${inTimeOw?.orderNumber ?? '-'} ${inTimeOw?.orderStatus ?? 'missing'}`,
  );
  log.check(
    2,
    'a cancellation after picking started asks customer service for a return (CANCEL_TOO_LATE)',
    tooLateEntry?.status === 'return_required' &&
      tooLateOw?.orderStatus !== 'Cancelled' &&
      tooLateRaised?.owner === 'customer-service',
    `SCAYLE ${tooLate}: ledger ${tooLateEntry?.status ?? 'missing'}, OrderWise ${tooLateOw?.orderStatus ?? 'missing'}, ${
      tooLateRaised ? `CANCEL_TOO_LATE for ${tooLateRaised.owner}` : 'no CANCEL_TOO_LATE'
    }`,
  );
};

/** Loop 1's invariants: one sales order per order whatever the repeats and faults; the unmapped SKU flagged. */
const checkOrders = async (
  ctx: DayContext,
  ids: readonly string[],
  unmappedId: string,
  faults: { injectedErrors?: number; droppedAfterCommit?: number },
  entries: Map<string, LedgerEntry>,
): Promise<void> => {
  const { hub, log, plan } = ctx;
  const deliveries = plan.webOrders.reduce((sum, o) => sum + o.deliveries, 0);
  const wrong = ids.flatMap((id) => {
    const count = hub.simulators.orderwise.ordersByReference(id).length;
    const status = entries.get(id)?.status ?? 'missing';
    return count === 1 && POSTED.includes(status) ? [] : [`${id}: ${count} sales orders, ${status}`];
  });
  log.check(
    1,
    'exactly one OrderWise sales order per SCAYLE order, despite repeated webhooks and OrderWise failing',
    wrong.length === 0,
    wrong.length > 0
      ? listOf(wrong)
      : `${plural(ids.length, 'order')} from ${plural(deliveries, 'webhook')}; OrderWise refused ${plural(
          faults.injectedErrors ?? 0,
          'create',
        )} and dropped ${plural(faults.droppedAfterCommit ?? 0, 'answer')} after committing`,
  );
  const flagged = await hub.ledger.get('scayle', unmappedId);
  const raised = await hub.exceptions.get(`SKU_UNMAPPED#${plan.unmappedSku}`);
  const posted = hub.simulators.orderwise.ordersByReference(unmappedId).length;
  log.check(
    1,
    'an order for a SKU OrderWise does not stock is flagged SKU_UNMAPPED for ecommerce, never posted',
    flagged?.status === 'flagged' && raised?.owner === 'ecommerce' && posted === 0,
    `SCAYLE ${unmappedId}: ledger ${flagged?.status ?? 'missing'} (${flagged?.reason ?? 'no reason'}), ${
      raised ? `SKU_UNMAPPED ${raised.key} for ${raised.owner}` : 'no SKU_UNMAPPED'
    }, ${plural(posted, 'sales order')}`,
  );
};
