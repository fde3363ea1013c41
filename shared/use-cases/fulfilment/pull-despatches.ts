import type { CursorStore } from '../../adapters/aws/cursor-store';
import type { DespatchExportOrder } from '../../adapters/orderwise/export-format';
import type { Clock } from '../../runtime/clock';
import { ConditionFailedError } from '../../runtime/errors';
import type { DespatchMessage } from '../../schemas/queue-messages';

/** Name of the despatch pull's cursor (the newest delivery date read). */
export const DESPATCH_PULL_CURSOR = 'orderwise-despatches';

/** The ports of the despatch pull. */
export interface PullDespatchesDeps {
  readonly erp: { despatchesSince(since: string): Promise<DespatchExportOrder[]> };
  readonly cursors: Pick<CursorStore, 'get' | 'advance'>;
  readonly queue: { sendAll(messages: readonly DespatchMessage[]): Promise<void> };
  readonly clock: Clock;
  /** Each run reads again this far behind the cursor, for despatches OrderWise recorded late. Default 10 minutes. */
  readonly overlapMs?: number;
}

/** The despatch message of an order as an export gives it. */
export const despatchMessageOf = (
  order: DespatchExportOrder,
  source: DespatchMessage['source'],
  receivedAt: string,
): DespatchMessage => ({
  orderNumber: order.orderNumber,
  scayleOrderId: order.eCommerceOrderNumber,
  orderStatus: order.orderStatus,
  deliveries: order.deliveries.map((d) => ({
    ...d,
    consignmentNumbers: [...d.consignmentNumbers],
    lines: [...d.lines],
  })),
  source,
  receivedAt,
});

/**
 * Loop 4's safety net behind the pushed exports: the `DespatchesSince` export definition read from the cursor
 * minus an overlap, every order queued as the push would have (the queue's deduplication and the per-package
 * execution names make what the push already brought a no-op), then the cursor moved to the newest delivery date
 * read, with a conditional write.
 */
export const makePullDespatches =
  ({ erp, cursors, queue, clock, overlapMs = 600_000 }: PullDespatchesDeps) =>
  async (): Promise<{ queued: number; cursor: string }> => {
    const now = clock.now();
    const cursor = await cursors.get(DESPATCH_PULL_CURSOR);
    const since = new Date((cursor ? Date.parse(cursor) : now - 3_600_000) - overlapMs).toISOString();
    const orders = await erp.despatchesSince(since);
    const receivedAt = new Date(now).toISOString();
    await queue.sendAll(orders.map((order) => despatchMessageOf(order, 'pull', receivedAt)));
    const dates = orders.flatMap((o) => o.deliveries.map((d) => Date.parse(d.deliveryDate))).filter(Number.isFinite);
    const newest = Math.max(cursor ? Date.parse(cursor) : 0, ...dates);
    const next = new Date(newest > 0 ? newest : now).toISOString();
    try {
      if (next !== cursor) await cursors.advance(DESPATCH_PULL_CURSOR, cursor, next);
    } catch (error) {
      // Another run moved it; its despatches are queued too.
      if (!(error instanceof ConditionFailedError)) throw error;
    }
    return { queued: orders.length, cursor: next };
  };
