import type { ExceptionsRepository } from '../../adapters/aws/exceptions-repository';
import type { LedgerEntry } from '../../adapters/aws/ledger-repository';
import type { OrderStatus } from '../../domain/order-status';
import type { ExceptionSink, OrderLedger } from '../../ports';
import type { Clock } from '../../runtime/clock';

/** Ledger statuses of an Amazon order that has no SCAYLE order yet. */
const WITHOUT_SCAYLE_ORDER: readonly OrderStatus[] = ['received', 'pending', 'flagged'];

/**
 * Amazon statuses in which an order is not expected in SCAYLE yet (Pending: not paid) or any more (cancelled, or
 * shipped without the hub: its story is elsewhere).
 */
const NOT_EXPECTED = new Set([
  'Pending',
  'PendingAvailability',
  'Canceled',
  'Shipped',
  'InvoiceUnconfirmed',
  'Unfulfillable',
]);

/** One ghost order found. */
export interface GhostOrder {
  readonly amazonOrderId: string;
  readonly marketplaceId: string | null;
  readonly latestShipDate: string | null;
  readonly firstSeenAt: string;
  readonly minutesWithoutScayleOrder: number;
  readonly ledgerStatus: OrderStatus;
  readonly reason: string | null;
}

/** The ghost orders among ledger entries at `now`: pure, for the monitor and its tests. */
export const ghostsAmong = (entries: readonly LedgerEntry[], now: number, windowMinutes: number): GhostOrder[] =>
  entries.flatMap((entry) => {
    if (entry.channel !== 'amazon' || !WITHOUT_SCAYLE_ORDER.includes(entry.status)) return [];
    if (NOT_EXPECTED.has(String(entry.data.amazonStatus ?? ''))) return [];
    const firstSeenAt = String(entry.data.firstSeenAt ?? entry.createdAt);
    const waitedMs = now - Date.parse(firstSeenAt);
    // Compared in milliseconds: a window may be a fraction of a minute.
    if (waitedMs < windowMinutes * 60_000) return [];
    const minutes = Math.floor(waitedMs / 60_000);
    return [
      {
        amazonOrderId: entry.orderId,
        marketplaceId: (entry.data.marketplaceId as string | undefined) ?? null,
        latestShipDate: (entry.data.latestShipDate as string | undefined) ?? null,
        firstSeenAt,
        minutesWithoutScayleOrder: minutes,
        ledgerStatus: entry.status,
        reason: entry.reason ?? null,
      },
    ];
  });

/**
 * Loop 11, ghost orders: every Amazon order the hub has seen (notification or poll) that still has no SCAYLE
 * order `windowMinutes` after it was first seen raises GHOST_ORDER (operations) with its AmazonOrderId and
 * LatestShipDate. Orders Amazon still holds as Pending (not paid, no address) or has cancelled are not expected
 * in SCAYLE and are left out. The exception is closed by the Amazon order loop when the order reaches SCAYLE.
 */
export const makeGhostMonitor =
  ({
    ledger,
    exceptions,
    clock,
    windowMinutes,
  }: {
    ledger: Pick<OrderLedger, 'listByStatus' | 'get'>;
    exceptions: ExceptionSink & Pick<ExceptionsRepository, 'resolveOpen'>;
    clock: Clock;
    windowMinutes: number;
  }) =>
  async (): Promise<GhostOrder[]> => {
    // Not by updatedAt: an order whose create keeps failing is updated on every attempt and is a ghost all the same.
    const entries = (await Promise.all(WITHOUT_SCAYLE_ORDER.map((status) => ledger.listByStatus(status)))).flat();
    // The status index is eventually consistent: each candidate is read again, so an order that has just reached
    // SCAYLE (and had its ghost closed) is not raised once more from a stale index entry.
    const candidates = ghostsAmong(entries, clock.now(), windowMinutes);
    const current = await Promise.all(candidates.map((ghost) => ledger.get('amazon', ghost.amazonOrderId)));
    const ghosts = ghostsAmong(
      current.filter((entry): entry is NonNullable<typeof entry> => entry !== undefined),
      clock.now(),
      windowMinutes,
    );
    await Promise.all(
      ghosts.map(async (ghost) => {
        await exceptions.raise('GHOST_ORDER', ghost.amazonOrderId, { ...ghost });
        // The order may have reached SCAYLE between our read and our raise, its consumer closing the ghost first:
        // read once more and close what we just raised if so.
        const now = await ledger.get('amazon', ghost.amazonOrderId);
        if (now && ghostsAmong([now], clock.now(), windowMinutes).length === 0)
          await exceptions.resolveOpen('GHOST_ORDER', ghost.amazonOrderId);
      }),
    );
    return ghosts;
  };
