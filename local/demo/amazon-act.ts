/**
 * Loops 6, 7 and 11: Amazon orders come in by ORDER_CHANGE notification (one delivered three times, one lost and
 * left to the getOrders poll), become SCAYLE orders and, through loop 1, OrderWise sales orders; OrderWise despatches
 * them (one parcel with a courier the carrier table does not know) and Amazon must hear of each parcel once. The
 * monitors must raise a ghost for the order whose SellerSKU SCAYLE does not know, and a late-shipment risk for the
 * order due to ship within hours, and nothing else.
 */
import type { LedgerEntry } from '../../shared/adapters/aws/ledger-repository';
import type { LocalHub } from '../hub/hub';
import { type DayContext, type Despatch, reachedAt, settledEntries } from './context';
import { listOf, plural, waitUntil } from './day-log';
import { despatchInOrderwise } from './despatch';
import { type AmazonOrderPlan, KNOWN_COURIERS, UNKNOWN_COURIER } from './plan';

/** An Amazon order of the day as the simulator created it, with its plan and when it was placed. */
export interface PlacedAmazonOrder {
  readonly plan: AmazonOrderPlan;
  readonly placedAt: number;
  readonly order: Awaited<ReturnType<LocalHub['simulators']['amazon']['createOrders']>>[number];
}

/** Places the day's Amazon orders; their notifications go to the hub's queue as Amazon would send them. */
export const placeAmazonOrders = async (ctx: DayContext): Promise<PlacedAmazonOrder[]> => {
  const { hub, plan, log } = ctx;
  const placedAt = Date.now();
  const created = await hub.simulators.amazon.createOrders({
    orders: plan.amazonOrders.map((o) => ({
      marketplaceId: o.marketplaceId,
      items: o.items.map((item) => ({ ...item })),
      ...(o.shippingPrice ? { shippingPrice: o.shippingPrice } : {}),
      // getOrders shows only what is two minutes old: the order whose notification is lost was placed earlier.
      ...(o.role === 'lost-notification'
        ? { notify: false, purchaseDate: new Date(placedAt - 3 * 60_000).toISOString() }
        : {}),
      ...(o.role === 'repeated-notification' ? { duplicates: 3 } : {}),
      ...(o.role === 'late-shipment' ? { latestShipDate: new Date(placedAt + 3 * 3_600_000).toISOString() } : {}),
    })),
  });
  return created.map((order, i) => {
    const o = plan.amazonOrders[i] as AmazonOrderPlan;
    const id = order.amazonOrderId;
    if (o.role === 'lost-notification') log.event(6, `Amazon order ${id} placed, its ORDER_CHANGE lost`, placedAt, 0);
    else if (o.role === 'repeated-notification') log.event(6, `ORDER_CHANGE ${id} delivered 3 times`, placedAt, 3);
    else
      log.event(6, `ORDER_CHANGE ${id}${o.role === 'ghost' ? ` (SellerSKU ${o.items[0]?.sellerSku})` : ''}`, placedAt);
    return { plan: o, placedAt, order };
  });
};

type Confirmations = Record<
  string,
  Record<string, { carrierCode: string; carrierName?: string; trackingNumber: string }>
>;

/** The day's Amazon orders by role. */
interface Cast {
  readonly ghost: PlacedAmazonOrder;
  readonly late: PlacedAmazonOrder;
  readonly lost: PlacedAmazonOrder;
  /** Every order but the ghost: these must reach SCAYLE, OrderWise and the warehouse. */
  readonly real: readonly PlacedAmazonOrder[];
}

const idOf = (p: PlacedAmazonOrder) => p.order.amazonOrderId;
const executionOf = (hub: LocalHub, despatchId: string) =>
  [...hub.stepFunctions.executions.values()].find((e) => e.name === despatchId);

/** Follows the placed orders through loops 6, 1, 4 and 7, and checks loops 6, 7 and 11. */
export const followAmazonOrders = async (ctx: DayContext, placed: readonly PlacedAmazonOrder[]): Promise<void> => {
  const byRole = (role: AmazonOrderPlan['role']) => placed.find((p) => p.plan.role === role) as PlacedAmazonOrder;
  const ghost = byRole('ghost');
  const cast: Cast = {
    ghost,
    late: byRole('late-shipment'),
    lost: byRole('lost-notification'),
    real: placed.filter((p) => p !== ghost),
  };
  ctx.log.event(11, `${plural(placed.length, 'Amazon order')} under watch`, placed[0]?.placedAt, placed.length);
  const { heads, posted } = await intoScayleAndOrderwise(ctx, placed);
  await checkIntake(ctx, cast, heads, posted);
  // The warehouse ships every Amazon order OrderWise has; the one due soon only once its risk was raised.
  const ship = async (p: PlacedAmazonOrder) => {
    const scayleOrderId = heads.get(idOf(p))?.ids.scayle;
    return scayleOrderId && posted.get(scayleOrderId)?.status === 'acknowledged'
      ? despatchInOrderwise(ctx, { scayleOrderId, courier: p.plan.courier, amazonOrderId: idOf(p) })
      : [];
  };
  const now = Promise.all(cast.real.filter((p) => p !== cast.late).map(ship));
  await waitUntil(() => ctx.hub.exceptions.get(`LATE_SHIPMENT_RISK#${idOf(cast.late)}`), ctx.deadline);
  const parcels = [...(await now), await ship(cast.late)].flat();
  await checkConfirmations(ctx, cast, parcels);
  await checkMonitors(ctx, { ghost: heads.get(idOf(ghost)), ghostId: idOf(ghost), lateId: idOf(cast.late) });
};

/** Waits for every order in SCAYLE (or flagged) and then in OrderWise; records loops 6 and 1 on the way. */
const intoScayleAndOrderwise = async (ctx: DayContext, placed: readonly PlacedAmazonOrder[]) => {
  const { log } = ctx;
  const heads = await settledEntries(ctx, 'amazon', placed.map(idOf), (e) =>
    ['acknowledged', 'flagged'].includes(e.status),
  );
  for (const p of placed) {
    const head = heads.get(idOf(p));
    if (head?.data.firstSeenVia === 'poll')
      log.event(6, `getOrders poll found ${idOf(p)}`, String(head.data.firstSeenAt ?? head.createdAt));
    const created = reachedAt(head, 'acknowledged');
    if (!created) continue;
    log.effect(6, `SCAYLE order ${head?.ids.scayle} for Amazon ${idOf(p)}`, created);
    log.latency(6, p.placedAt, created);
    log.event(1, `order-confirmed ${head?.ids.scayle} handed over for Amazon ${idOf(p)}`, created);
  }
  const scayleIds = placed.flatMap((p) => heads.get(idOf(p))?.ids.scayle ?? []);
  const posted = await settledEntries(ctx, 'scayle', scayleIds, (e) => e.status === 'acknowledged');
  for (const id of scayleIds) {
    const entry = posted.get(id);
    const at = reachedAt(entry, 'acknowledged');
    if (!at) continue;
    log.effect(1, `OrderWise sales order ${entry?.ids.orderwise} for SCAYLE ${id} (Amazon)`, at);
    log.latency(1, reachedAt(heads.get(String(entry?.ids.amazon)), 'acknowledged') ?? entry?.createdAt, at);
  }
  return { heads, posted };
};

/** Loop 6's invariants: one order everywhere per Amazon order, the lost one found, the unknown one flagged. */
const checkIntake = async (
  ctx: DayContext,
  { ghost, lost, real }: Cast,
  heads: Map<string, LedgerEntry>,
  posted: Map<string, LedgerEntry>,
): Promise<void> => {
  const { hub, log } = ctx;
  checkAmazonOrders(ctx, real, heads, posted);
  const lostHead = heads.get(idOf(lost));
  log.check(
    6,
    'the order whose notification was lost is found by the getOrders poll',
    lostHead?.data.firstSeenVia === 'poll' && lostHead.status === 'acknowledged',
    `${idOf(lost)}: ${lostHead ? `first seen via ${String(lostHead.data.firstSeenVia)}, ${lostHead.status}` : 'never seen'}`,
  );
  const ghostHead = heads.get(idOf(ghost));
  const sellerSku = ghost.plan.items[0]?.sellerSku;
  const unmapped = await hub.exceptions.get(`SKU_UNMAPPED#${ghost.plan.marketplaceId}:${sellerSku}`);
  const inScayle = Boolean(hub.simulators.scayle.orderByPublicKey(idOf(ghost)));
  log.check(
    6,
    'an order for a SellerSKU SCAYLE does not know is flagged SKU_UNMAPPED, never created',
    ghostHead?.status === 'flagged' && unmapped?.owner === 'ecommerce' && !inScayle,
    `${idOf(ghost)} (${sellerSku}): ${ghostHead?.status ?? 'never seen'}, ${
      unmapped ? `SKU_UNMAPPED for ${unmapped.owner}` : 'no SKU_UNMAPPED'
    }, ${inScayle ? 'in SCAYLE' : 'not in SCAYLE'}`,
  );
};

/**
 * Loop 7: waits for every Amazon parcel's execution to end (Amazon showed it shipped, or its window passed: cheap
 * to watch), then reads Amazon once and checks each parcel was confirmed once with its carrier code.
 */
const checkConfirmations = async (ctx: DayContext, { real }: Cast, parcels: readonly Despatch[]): Promise<void> => {
  const { hub, log } = ctx;
  const { simulators, exceptions } = hub;
  await waitUntil(
    () =>
      parcels.every((d) => ['SUCCEEDED', 'FAILED'].includes(executionOf(hub, d.despatchId)?.status ?? ''))
        ? true
        : undefined,
    ctx.deadline,
    500,
  );
  const heads = await settledEntries(ctx, 'amazon', real.map(idOf), () => true);
  const confirmations = simulators.amazon.state().confirmations as Confirmations;
  const confirmedOnce = (d: Despatch) =>
    Object.values(confirmations[d.amazonOrderId as string] ?? {}).filter((c) => c.trackingNumber === d.trackingNumber);
  const wrong: string[] =
    real.length === parcels.length ? [] : [`${parcels.length} of ${real.length} orders despatched`];
  for (const d of parcels) {
    const amazonOrderId = d.amazonOrderId as string;
    const shipped = (
      simulators.scayle.orders().find((o) => String(o.id) === d.scayleOrderId) as
        | { packages: { shipmentKey: string; shippedAt: string }[] }
        | undefined
    )?.packages.find((pkg) => pkg.shipmentKey === d.trackingNumber);
    if (shipped) log.event(7, `SCAYLE shipped ${d.trackingNumber} of Amazon ${amazonOrderId}`, shipped.shippedAt);
    const confirmed = confirmedOnce(d);
    const expected = KNOWN_COURIERS[d.courierName] ?? 'Other';
    const execution = executionOf(hub, d.despatchId)?.status ?? 'never started';
    if (confirmed.length !== 1) wrong.push(`${amazonOrderId}: ${d.trackingNumber} confirmed ${confirmed.length} times`);
    else if (confirmed[0]?.carrierCode !== expected)
      wrong.push(`${amazonOrderId}: carrier ${confirmed[0]?.carrierCode}, expected ${expected}`);
    else if (execution !== 'SUCCEEDED') wrong.push(`${d.despatchId}: execution ${execution}`);
    const recorded = Object.values(heads.get(amazonOrderId)?.data ?? {}).find(
      (v) => (v as { trackingNumber?: string }).trackingNumber === d.trackingNumber,
    ) as { shippedSeenAt?: string } | undefined;
    if (confirmed[0] && recorded?.shippedSeenAt) {
      const carrier = `${confirmed[0].carrierCode}${confirmed[0].carrierName ? ` (${confirmed[0].carrierName})` : ''}`;
      log.effect(7, `Amazon ${amazonOrderId} shipped: ${carrier} ${d.trackingNumber}`, recorded.shippedSeenAt);
      log.latency(7, shipped?.shippedAt, recorded.shippedSeenAt);
    }
  }
  log.check(
    7,
    'every Amazon parcel confirmed once on Amazon with its carrier code, before the window',
    wrong.length === 0,
    wrong.length > 0
      ? listOf(wrong)
      : `${plural(parcels.length, 'parcel')} of ${plural(real.length, 'order')}, executions SUCCEEDED`,
  );
  const unknown = parcels.find((d) => d.courierName === UNKNOWN_COURIER);
  const unknownConfirmed = unknown ? confirmedOnce(unknown)[0] : undefined;
  const carrierExceptions = (await exceptions.list({ type: 'CARRIER_UNMAPPED' })).map((e) => e.key);
  log.check(
    7,
    'the unknown courier goes as Other with its name and raises CARRIER_UNMAPPED, for it alone',
    unknownConfirmed?.carrierCode === 'Other' &&
      unknownConfirmed.carrierName === UNKNOWN_COURIER &&
      carrierExceptions.join() === UNKNOWN_COURIER,
    `${unknown?.amazonOrderId ?? 'no parcel'}: ${
      unknownConfirmed
        ? `${unknownConfirmed.carrierCode} (${unknownConfirmed.carrierName ?? 'no name'})`
        : 'not confirmed'
    }; CARRIER_UNMAPPED for ${carrierExceptions.join(', ') || 'nothing'}`,
  );
};

/** Loop 6's main invariant: one SCAYLE order and one OrderWise sales order per Amazon order. */
const checkAmazonOrders = (
  ctx: DayContext,
  real: readonly PlacedAmazonOrder[],
  heads: Map<string, LedgerEntry>,
  posted: Map<string, LedgerEntry>,
): void => {
  const { simulators } = ctx.hub;
  const wrong = real.flatMap((p) => {
    const id = p.order.amazonOrderId;
    const head = heads.get(id);
    const inScayle = simulators.scayle.orders().filter((o) => o.publicKey === id);
    const scayleId = head?.ids.scayle ?? '';
    const salesOrders = simulators.orderwise.ordersByReference(scayleId).length;
    return head?.status === 'acknowledged' &&
      inScayle.length === 1 &&
      String(inScayle[0]?.id) === scayleId &&
      posted.get(scayleId)?.status === 'acknowledged' &&
      salesOrders === 1
      ? []
      : [`${id}: ${head?.status ?? 'never seen'}, ${inScayle.length} SCAYLE orders, ${salesOrders} sales orders`];
  });
  ctx.log.check(
    6,
    'every Amazon order became exactly one SCAYLE order and one OrderWise sales order',
    wrong.length === 0,
    wrong.length > 0
      ? listOf(wrong)
      : `${plural(real.length, 'order')} in ${new Set(real.map((p) => p.plan.marketplaceId)).size} marketplaces, one notification delivered 3 times, one lost`,
  );
};

/** Loop 11: the monitors raise exactly the planted ghost and late-shipment risk. */
const checkMonitors = async (
  ctx: DayContext,
  planted: { ghost: LedgerEntry | undefined; ghostId: string; lateId: string },
): Promise<void> => {
  const { hub, log } = ctx;
  const { exceptions, config } = hub;
  const ghost = await waitUntil(() => exceptions.get(`GHOST_ORDER#${planted.ghostId}`), ctx.deadline);
  const ghosts = await exceptions.list({ type: 'GHOST_ORDER' });
  const risks = await exceptions.list({ type: 'LATE_SHIPMENT_RISK' });
  for (const e of [...ghosts, ...risks]) {
    log.effect(11, `${e.type} ${e.key} raised for ${e.owner}`, e.firstSeenAt);
    if (e.resolvedAt) log.effect(11, `${e.type} ${e.key} resolved`, e.resolvedAt);
  }
  const firstSeen = planted.ghost?.data.firstSeenAt ?? planted.ghost?.createdAt;
  log.latency(11, firstSeen as string | undefined, ghost?.firstSeenAt);
  const windowSeconds = config.windows.ghostOrderMinutes * 60;
  log.check(
    11,
    'GHOST_ORDER raised for exactly the order SCAYLE never got, after the window',
    ghosts.map((e) => e.key).join() === planted.ghostId,
    `${ghosts.length ? ghosts.map((e) => e.key).join(', ') : 'none raised'}${
      ghost && firstSeen
        ? `: ${((Date.parse(ghost.firstSeenAt) - Date.parse(String(firstSeen))) / 1000).toFixed(1)} s after first seen (window ${windowSeconds} s)`
        : ''
    }`,
  );
  const risk = risks.find((e) => e.key === planted.lateId);
  log.check(
    11,
    'LATE_SHIPMENT_RISK raised for exactly the order due to ship within the margin',
    risks.map((e) => e.key).join() === planted.lateId,
    `${risks.length ? risks.map((e) => e.key).join(', ') : 'none raised'}${
      risk
        ? `: ${Number(risk.details.hoursLeft).toFixed(1)} h left, ${risk.status} (margin ${config.windows.lateShipmentMarginHours} h)`
        : ''
    }`,
  );
};
