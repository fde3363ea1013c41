import type { LedgerEntry } from '../../adapters/aws/ledger-repository';
import type { OrderStatus } from '../../domain/order-status';
import type { ExceptionSink, OrderLedger } from '../../ports';
import type { Clock } from '../../runtime/clock';

/** Ledger statuses of an Amazon order that may still have to ship. */
const OPEN: readonly OrderStatus[] = ['received', 'pending', 'flagged', 'sent', 'acknowledged'];

/** Amazon statuses in which nothing can ship late any more. */
const CLOSED_AT_AMAZON = new Set(['Canceled', 'Shipped', 'Pending', 'PendingAvailability']);

/** One Amazon order at risk of a late shipment. */
export interface LateShipmentRisk {
  readonly amazonOrderId: string;
  readonly latestShipDate: string;
  /** Hours until LatestShipDate; negative once it has passed. */
  readonly hoursLeft: number;
  readonly ledgerStatus: OrderStatus;
  readonly scayleOrderId: string | null;
}

/** Whether Amazon has shown any package of the order shipped (recorded by the confirmations consumer). */
const confirmed = (entry: LedgerEntry): boolean =>
  Object.entries(entry.data).some(
    ([key, value]) => key.startsWith('package:') && Boolean((value as { shippedSeenAt?: string }).shippedSeenAt),
  );

/** The orders among ledger entries whose LatestShipDate is within `marginHours` of `now` (or past) unconfirmed. */
export const lateShipmentRisksAmong = (
  entries: readonly LedgerEntry[],
  now: number,
  marginHours: number,
): LateShipmentRisk[] =>
  entries.flatMap((entry) => {
    const latestShipDate = entry.data.latestShipDate as string | undefined;
    if (entry.channel !== 'amazon' || !OPEN.includes(entry.status) || !latestShipDate) return [];
    if (CLOSED_AT_AMAZON.has(String(entry.data.amazonStatus ?? '')) || confirmed(entry)) return [];
    const hoursLeft = (Date.parse(latestShipDate) - now) / 3_600_000;
    if (hoursLeft > marginHours) return [];
    return [
      {
        amazonOrderId: entry.orderId,
        latestShipDate,
        hoursLeft: Math.round(hoursLeft * 10) / 10,
        ledgerStatus: entry.status,
        scayleOrderId: entry.ids.scayle ?? null,
      },
    ];
  });

/**
 * Loop 11, late-shipment risk: every Amazon order not yet confirmed shipped whose LatestShipDate is within
 * `marginHours` (or past) raises LATE_SHIPMENT_RISK (operations) with the hours left. Orders are read by status,
 * updated in the last `lookbackDays` (Amazon's ship-by dates are days after purchase, so older ones are settled).
 * The confirmations consumer resolves the exception once Amazon shows the order shipped.
 */
export const makeLateShipmentWatchdog =
  ({
    ledger,
    exceptions,
    clock,
    marginHours,
    lookbackDays = 14,
  }: {
    ledger: Pick<OrderLedger, 'listByStatus'>;
    exceptions: ExceptionSink;
    clock: Clock;
    marginHours: number;
    lookbackDays?: number;
  }) =>
  async (): Promise<LateShipmentRisk[]> => {
    const from = new Date(clock.now() - lookbackDays * 86_400_000).toISOString();
    const entries = (await Promise.all(OPEN.map((status) => ledger.listByStatus(status, { from })))).flat();
    const risks = lateShipmentRisksAmong(entries, clock.now(), marginHours);
    await Promise.all(risks.map((risk) => exceptions.raise('LATE_SHIPMENT_RISK', risk.amazonOrderId, { ...risk })));
    return risks;
  };
