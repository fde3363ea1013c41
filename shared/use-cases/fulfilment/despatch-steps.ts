import { z } from 'zod';
import type { LedgerEntry } from '../../adapters/aws/ledger-repository';
import { type CarrierTable, mapCarrier } from '../../domain/carriers';
import { amazonItemsOf, packageItemsOf, packageReferenceIdOf } from '../../domain/despatch';
import type { ExceptionSink, OrderLedger } from '../../ports';
import type { Clock } from '../../runtime/clock';
import { ConditionFailedError, PermanentError, RetryableError, UpstreamRejectedError } from '../../runtime/errors';
import type { AmazonConfirmationMessage } from '../../schemas/queue-messages';
import type { ScayleOrder } from '../../schemas/scayle';

/** What a despatch execution starts with: one package of an OrderWise despatch. */
export const despatchInputSchema = z.object({
  despatchId: z.string().min(1).max(80),
  orderNumber: z.string().min(1),
  /** OrderWise's eCommerceOrderNumber: the SCAYLE order id. */
  scayleOrderId: z.string().min(1),
  receivedAt: z.iso.datetime({ offset: true }),
  delivery: z.object({
    deliveryNumber: z.string().min(1),
    deliveryDate: z.string().min(1),
    courierName: z.string(),
    consignmentNumbers: z.array(z.string().min(1)).min(1),
    lines: z.array(z.object({ variantCode: z.string().min(1), quantity: z.number().int().positive() })).min(1),
  }),
});

/** One package of a despatch, as the state machine carries it. */
export type DespatchInput = z.output<typeof despatchInputSchema>;

/** What `prepare` works out once for the whole execution (`$.plan`). */
export interface DespatchPlan {
  readonly shopKey: string;
  readonly countryCode: string;
  readonly scayleOrderId: string;
  readonly lines: readonly { readonly sku: string; readonly quantity: number }[];
  /** The tracking number: the package's first consignment number. */
  readonly shipmentKey: string;
  readonly carrierKey: string;
  readonly deliveryDate: string;
  /** Past this, SCAYLE not showing the package shipped raises FULFILMENT_UNACKED. */
  readonly scayleDeadline: string;
  readonly amazon?: {
    readonly amazonOrderId: string;
    readonly marketplaceId: string;
    readonly packageReferenceId: string;
    readonly carrierCode: string;
    readonly carrierName?: string;
    readonly carrierMapped: boolean;
    /** Past this, Amazon not showing the items shipped raises AMAZON_CONFIRMATION_UNACKED. */
    readonly deadline: string;
  };
}

/** What one round of `sync-scayle` found (`$.scayle`). */
export interface ScayleSync {
  readonly acknowledged: boolean;
  readonly pastDeadline: boolean;
  readonly itemIds: readonly number[];
  readonly amazonItems: readonly { readonly orderItemId: string; readonly quantity: number }[];
  /** Why it is not acknowledged yet (an outage, items short), for the exception and the trace. */
  readonly waitingFor?: string;
}

/** The ports of the despatch steps. */
export interface DespatchStepsDeps {
  readonly ledger: Pick<OrderLedger, 'get' | 'transition'>;
  readonly catalogue: { byStockCodes(codes: readonly string[]): Promise<ReadonlyMap<string, { sku: string }>> };
  readonly commerce: {
    getOrder(shopKey: string, countryCode: string, orderId: string): Promise<ScayleOrder>;
    createShipment(shipment: {
      shopKey: string;
      countryCode: string;
      orderId: number;
      carrier: string;
      shipmentKey: string;
      deliveryDate: string;
      orderItemIds: readonly number[];
    }): Promise<void>;
  };
  /** The Amazon confirmations queue (group = AmazonOrderId). */
  readonly confirmations: { send(request: AmazonConfirmationMessage): Promise<void> };
  readonly exceptions: ExceptionSink;
  readonly carriers: CarrierTable;
  readonly windows: { readonly fulfilmentAckMinutes: number; readonly amazonConfirmationAckMinutes: number };
  readonly clock: Clock;
}

/** The despatch names an order the hub never posted, or stock codes it does not know: no retry can help. */
export class DespatchUnmatchedError extends PermanentError {}

/** The key under which a package's story is kept in a ledger entry's data. */
export const packageKey = (id: string): string => `package:${id}`;

/** A despatch date as an ISO date-time (OrderWise may send a bare date). */
const isoDateOf = (date: string, fallback: string): string => {
  const parsed = Date.parse(date);
  return Number.isNaN(parsed) ? fallback : new Date(parsed).toISOString();
};

/**
 * Loops 4 and 7, the steps of the despatch state machine (one execution per package, named by the despatch id):
 * `prepare` maps the package to SCAYLE SKUs, carrier and deadlines; `syncScayle` pushes the SCAYLE shipment unless
 * SCAYLE already has it and says whether SCAYLE shows it shipped; `requestAmazon` queues the confirmation of an
 * Amazon order; `checkAmazon` reads what the confirmations consumer recorded; `raise` records the exception of a
 * window that passed.
 */
export const makeDespatchSteps = (deps: DespatchStepsDeps) => {
  const { ledger, catalogue, commerce, confirmations, exceptions, carriers, windows, clock } = deps;
  const iso = (ms = clock.now()) => new Date(ms).toISOString();

  /** Records facts about the package on a ledger head without moving the order (retried once on a race). */
  const remember = async (entry: LedgerEntry | undefined, key: string, facts: Record<string, unknown>) => {
    for (let attempt = 0; attempt < 3 && entry; attempt++) {
      try {
        await ledger.transition(entry.channel, entry.orderId, {
          from: entry.status,
          to: entry.status,
          note: `${key}: ${Object.keys(facts).join(', ')}`,
          data: { [key]: { ...((entry.data[key] as object | undefined) ?? {}), ...facts } },
        });
        return;
      } catch (error) {
        if (!(error instanceof ConditionFailedError)) throw error;
        entry = await ledger.get(entry.channel, entry.orderId);
      }
    }
  };

  const prepare = async (input: DespatchInput): Promise<DespatchPlan> => {
    const order = await ledger.get('scayle', input.scayleOrderId);
    if (!order)
      throw new DespatchUnmatchedError(
        `despatch ${input.despatchId}: SCAYLE order ${input.scayleOrderId} is not on the ledger`,
      );
    const codes = [...new Set(input.delivery.lines.map((l) => l.variantCode))];
    const entries = await catalogue.byStockCodes(codes);
    const unknown = codes.filter((c) => !entries.has(c));
    if (unknown.length > 0)
      throw new DespatchUnmatchedError(
        `despatch ${input.despatchId}: stock codes not in the catalogue map: ${unknown.join(', ')}`,
      );
    const carrier = mapCarrier(input.delivery.courierName, carriers);
    const received = Date.parse(input.receivedAt);
    const amazonOrderId = order.ids.amazon;
    const amazon = amazonOrderId ? await ledger.get('amazon', amazonOrderId) : undefined;
    return {
      shopKey: String(order.data.shopKey),
      countryCode: String(order.data.countryCode),
      scayleOrderId: input.scayleOrderId,
      lines: input.delivery.lines.map((l) => ({
        sku: (entries.get(l.variantCode) as { sku: string }).sku,
        quantity: l.quantity,
      })),
      shipmentKey: input.delivery.consignmentNumbers[0] as string,
      carrierKey: carrier.scayleCarrierKey,
      deliveryDate: isoDateOf(input.delivery.deliveryDate, input.receivedAt),
      scayleDeadline: iso(received + windows.fulfilmentAckMinutes * 60_000),
      ...(amazonOrderId
        ? {
            amazon: {
              amazonOrderId,
              marketplaceId: String(amazon?.data.marketplaceId ?? ''),
              packageReferenceId: packageReferenceIdOf(input.orderNumber, input.delivery.deliveryNumber),
              carrierCode: carrier.amazonCarrierCode,
              ...(carrier.amazonCarrierName ? { carrierName: carrier.amazonCarrierName } : {}),
              carrierMapped: carrier.mapped,
              deadline: iso(received + windows.amazonConfirmationAckMinutes * 60_000),
            },
          }
        : {}),
    };
  };

  const syncScayle = async (input: DespatchInput, plan: DespatchPlan): Promise<ScayleSync> => {
    const pastDeadline = clock.now() > Date.parse(plan.scayleDeadline);
    const waiting = (waitingFor: string): ScayleSync => ({
      acknowledged: false,
      pastDeadline,
      itemIds: [],
      amazonItems: [],
      waitingFor,
    });
    try {
      let order = await commerce.getOrder(plan.shopKey, plan.countryCode, plan.scayleOrderId);
      let items = packageItemsOf(order, plan.lines, plan.shipmentKey);
      if (items.kind === 'short')
        return waiting(
          `SCAYLE has too few open units: ${items.missing.map((m) => `${m.quantity} x ${m.sku}`).join(', ')}`,
        );
      if (items.kind === 'to-ship') {
        await commerce.createShipment({
          shopKey: plan.shopKey,
          countryCode: plan.countryCode,
          orderId: order.id,
          carrier: plan.carrierKey,
          shipmentKey: plan.shipmentKey,
          deliveryDate: plan.deliveryDate,
          orderItemIds: items.itemIds,
        });
        order = await commerce.getOrder(plan.shopKey, plan.countryCode, plan.scayleOrderId);
        items = packageItemsOf(order, plan.lines, plan.shipmentKey);
        if (items.kind !== 'shipped') return waiting('SCAYLE does not show the package yet');
      }
      const shipped = items.itemIds;
      await remember(await ledger.get('scayle', plan.scayleOrderId), packageKey(input.despatchId), {
        shipmentKey: plan.shipmentKey,
        carrier: plan.carrierKey,
        itemIds: shipped,
        scayleAcknowledgedAt: iso(),
      });
      return { acknowledged: true, pastDeadline, itemIds: shipped, amazonItems: amazonItemsOf(order, shipped) };
    } catch (error) {
      // An outage or a refusal is waited out until the window passes; the loop comes back.
      if (error instanceof RetryableError || (error instanceof UpstreamRejectedError && error.status === 409))
        return waiting(error.message);
      throw error;
    }
  };

  const requestAmazon = async (input: DespatchInput, plan: DespatchPlan, scayle: ScayleSync) => {
    const amazon = plan.amazon;
    if (!amazon) throw new PermanentError(`despatch ${input.despatchId} is not for an Amazon order`);
    if (!amazon.carrierMapped) {
      await exceptions.raise('CARRIER_UNMAPPED', input.delivery.courierName.trim() || '(blank)', {
        courierName: input.delivery.courierName,
        amazonOrderId: amazon.amazonOrderId,
        despatchId: input.despatchId,
        sentAs: `Other (${amazon.carrierName ?? ''})`,
      });
    }
    await confirmations.send({
      despatchId: input.despatchId,
      amazonOrderId: amazon.amazonOrderId,
      marketplaceId: amazon.marketplaceId,
      packageReferenceId: amazon.packageReferenceId,
      carrierCode: amazon.carrierCode,
      ...(amazon.carrierName ? { carrierName: amazon.carrierName } : {}),
      trackingNumber: plan.shipmentKey,
      shipDate: plan.deliveryDate,
      orderItems: [...scayle.amazonItems],
    });
    return { requestedAt: iso() };
  };

  const checkAmazon = async (plan: DespatchPlan) => {
    const amazon = plan.amazon;
    if (!amazon) throw new PermanentError('not an Amazon order');
    const entry = await ledger.get('amazon', amazon.amazonOrderId);
    const recorded = entry?.data[packageKey(amazon.packageReferenceId)] as { shippedSeenAt?: string } | undefined;
    return {
      acknowledged: Boolean(recorded?.shippedSeenAt),
      pastDeadline: clock.now() > Date.parse(amazon.deadline),
    };
  };

  const raise = async (
    type: 'FULFILMENT_UNACKED' | 'AMAZON_CONFIRMATION_UNACKED',
    input: DespatchInput,
    plan: DespatchPlan | undefined,
    why: string | undefined,
  ) => {
    await exceptions.raise(type, input.despatchId, {
      despatchId: input.despatchId,
      orderNumber: input.orderNumber,
      orderId: input.scayleOrderId,
      ...(plan?.amazon ? { amazonOrderId: plan.amazon.amazonOrderId } : {}),
      trackingNumber: input.delivery.consignmentNumbers[0] ?? null,
      courierName: input.delivery.courierName,
      deadline: (type === 'FULFILMENT_UNACKED' ? plan?.scayleDeadline : plan?.amazon?.deadline) ?? null,
      reason: why ?? null,
    });
    return { raised: type };
  };

  return { prepare, syncScayle, requestAmazon, checkAmazon, raise };
};
