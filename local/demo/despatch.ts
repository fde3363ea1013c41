/**
 * Loop 4: OrderWise despatches parcels (of web and Amazon orders alike) and pushes its despatch exports; every
 * parcel must become exactly one SCAYLE shipment, through a Step Functions execution that ends acknowledged.
 */
import { despatchIdOf } from '../../shared/adapters/orderwise/export-format';
import { type DayContext, type Despatch, orderwiseOrderOf } from './context';
import { listOf, plural, waitUntil } from './day-log';

/**
 * Despatches the whole OrderWise order of `scayleOrderId` in one parcel or, when asked and it has two lines or
 * more, in two; the export goes to the hub's webhook. Returns the parcels, also kept for the checks at the end.
 */
export const despatchInOrderwise = async (
  ctx: DayContext,
  order: { scayleOrderId: string; courier: string; twoParts?: boolean; amazonOrderId?: string },
): Promise<Despatch[]> => {
  const { hub, log } = ctx;
  const owOrder = orderwiseOrderOf(hub, order.scayleOrderId);
  if (!owOrder) return [];
  const lines = owOrder.lines.map((l) => ({ variantCode: l.variantCode, quantity: l.quantity }));
  const parts = order.twoParts && lines.length > 1 ? [lines.slice(0, 1), lines.slice(1)] : [lines];
  const parcels: Despatch[] = [];
  for (const [p, partLines] of parts.entries()) {
    const trackingNumber = `DEMO${owOrder.orderNumber.replace(/\W/g, '')}P${p + 1}`;
    const sentAt = Date.now();
    const despatched = await hub.simulators.orderwise.despatch(owOrder.orderNumber, [
      { courierName: order.courier, consignmentNumbers: [trackingNumber], lines: partLines },
    ]);
    const delivery = despatched?.deliveries.at(-1);
    if (!despatched || !delivery) continue;
    const parcel: Despatch = {
      scayleOrderId: order.scayleOrderId,
      orderNumber: owOrder.orderNumber,
      despatchId: despatchIdOf(despatched, delivery),
      trackingNumber,
      courierName: order.courier,
      sentAt,
      ...(order.amazonOrderId ? { amazonOrderId: order.amazonOrderId } : {}),
    };
    parcels.push(parcel);
    ctx.despatches.push(parcel);
    log.event(4, `despatch export ${parcel.despatchId} (${order.courier}, ${trackingNumber})`, sentAt);
  }
  return parcels;
};

type ScaylePackages = { packages: { shipmentKey: string; shippedAt: string }[] };

/**
 * Waits for every parcel of the day to be a SCAYLE shipment and its execution to end; records loop 4's effects,
 * latencies (export pushed -> SCAYLE shows the package) and its invariant.
 */
export const checkDespatches = async (ctx: DayContext): Promise<void> => {
  const { hub, log, despatches } = ctx;
  const packagesOf = (scayleOrderId: string) =>
    (hub.simulators.scayle.orders().find((o) => String(o.id) === scayleOrderId) as ScaylePackages | undefined)
      ?.packages ?? [];
  const executionOf = (despatchId: string) =>
    [...hub.stepFunctions.executions.values()].find((e) => e.name === despatchId);
  const shippedOnce = (d: Despatch) =>
    packagesOf(d.scayleOrderId).filter((p) => p.shipmentKey === d.trackingNumber).length === 1;
  // A web parcel's execution ends once SCAYLE acknowledged it; an Amazon parcel's goes on to Amazon (loop 7).
  const ended = (d: Despatch) =>
    d.amazonOrderId !== undefined || ['SUCCEEDED', 'FAILED'].includes(executionOf(d.despatchId)?.status ?? '');
  await waitUntil(() => (despatches.every((d) => shippedOnce(d) && ended(d)) ? true : undefined), ctx.deadline, 500);
  const problems: string[] = [];
  for (const d of despatches) {
    const shipped = packagesOf(d.scayleOrderId).filter((p) => p.shipmentKey === d.trackingNumber);
    const execution = executionOf(d.despatchId);
    if (shipped.length !== 1) problems.push(`${d.despatchId} shipped ${shipped.length} times`);
    else if (!d.amazonOrderId && execution?.status !== 'SUCCEEDED')
      problems.push(`${d.despatchId} execution ${execution?.status ?? 'never started'}`);
    const pkg = shipped[0];
    if (!pkg) continue;
    log.effect(4, `SCAYLE order ${d.scayleOrderId} shipped package ${d.trackingNumber}`, pkg.shippedAt);
    log.latency(4, d.sentAt, pkg.shippedAt);
  }
  const orders = new Set(despatches.map((d) => d.scayleOrderId));
  const fromAmazon = despatches.filter((d) => d.amazonOrderId).length;
  const unexpected = [...orders].flatMap((id) =>
    packagesOf(id)
      .filter((p) => !despatches.some((d) => d.trackingNumber === p.shipmentKey))
      .map((p) => `${id}: ${p.shipmentKey}`),
  );
  problems.push(...unexpected.map((u) => `unexpected package ${u}`));
  const unacked = await hub.exceptions.list({ type: 'FULFILMENT_UNACKED' });
  problems.push(...unacked.map((e) => `FULFILMENT_UNACKED ${e.key}`));
  log.check(
    4,
    "every despatched parcel shipped once in SCAYLE (a web parcel's execution ends acknowledged)",
    despatches.length > 0 && problems.length === 0,
    problems.length > 0
      ? listOf(problems)
      : `${plural(despatches.length, 'parcel')} of ${plural(orders.size, 'order')} (${fromAmazon} from Amazon), ${plural(
          despatches.length - fromAmazon,
          'web execution',
        )} SUCCEEDED, no FULFILMENT_UNACKED`,
  );
};
