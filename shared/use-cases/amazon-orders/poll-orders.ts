import type { CursorStore } from '../../adapters/aws/cursor-store';
import type { Clock } from '../../runtime/clock';
import { ConditionFailedError } from '../../runtime/errors';
import type { AmazonOrder } from '../../schemas/amazon-orders';
import type { AmazonOrderMessage } from '../../schemas/queue-messages';

/** Name of the poll's cursor (LastUpdatedBefore of the last complete run). */
export const AMAZON_ORDERS_CURSOR = 'amazon-orders';

/** Amazon's getOrders rule: LastUpdatedBefore must be at least two minutes before now. Ten seconds of margin. */
export const GET_ORDERS_LAG_MS = 2 * 60_000 + 10_000;

/** The ports of the getOrders safety net. */
export interface PollAmazonOrdersDeps {
  readonly amazon: {
    getOrders(query: {
      marketplaceIds: readonly string[];
      lastUpdatedAfter: string;
      lastUpdatedBefore?: string;
      nextToken?: string;
    }): Promise<{ orders: AmazonOrder[]; nextToken?: string }>;
  };
  readonly cursors: Pick<CursorStore, 'get' | 'advance'>;
  readonly queue: { sendAll(messages: readonly AmazonOrderMessage[]): Promise<void> };
  readonly clock: Clock;
  readonly settings: {
    readonly marketplaceIds: readonly string[];
    /** Each run reads again this far behind the cursor, for orders Amazon indexed late. */
    readonly overlapMinutes: number;
    /** How far back the very first run reads. */
    readonly firstLookbackHours: number;
  };
}

/** What one poll did. */
export interface PollAmazonOrdersOutcome {
  readonly from: string;
  readonly to: string;
  readonly pages: number;
  readonly queued: number;
  /** Another run moved the cursor first (its orders are queued; this run's were deduplicated). */
  readonly raced: boolean;
}

/**
 * Loop 6, safety net: getOrders with `LastUpdatedAfter` = the cursor minus an overlap and `LastUpdatedBefore` =
 * now minus Amazon's two-minute lag, every page by `NextToken`, each seller-fulfilled order queued as a trigger
 * deduplicated by its LastUpdateDate (so an order a notification already brought, or the overlap reads again, is
 * handled once). The cursor moves only after every page is queued, with a conditional write, so a failed run is
 * read again in full by the next. getOrders' usage plan (burst 20, one a minute) is kept by the client's token
 * bucket; at a 5-minute schedule a run rarely needs more than the five tokens that refill meanwhile.
 */
export const makePollAmazonOrders =
  ({ amazon, cursors, queue, clock, settings }: PollAmazonOrdersDeps) =>
  async (): Promise<PollAmazonOrdersOutcome> => {
    const now = clock.now();
    const cursor = await cursors.get(AMAZON_ORDERS_CURSOR);
    const from = new Date(
      cursor ? Date.parse(cursor) - settings.overlapMinutes * 60_000 : now - settings.firstLookbackHours * 3_600_000,
    ).toISOString();
    const to = new Date(now - GET_ORDERS_LAG_MS).toISOString();
    if (from >= to) return { from, to, pages: 0, queued: 0, raced: false };
    const seenAt = new Date(now).toISOString();
    let nextToken: string | undefined;
    let pages = 0;
    let queued = 0;
    do {
      const page = await amazon.getOrders({
        marketplaceIds: settings.marketplaceIds,
        lastUpdatedAfter: from,
        lastUpdatedBefore: to,
        ...(nextToken ? { nextToken } : {}),
      });
      pages++;
      const messages = page.orders
        .filter((order) => order.FulfillmentChannel !== 'AFN')
        .map(
          (order): AmazonOrderMessage => ({
            amazonOrderId: order.AmazonOrderId,
            eventId: `poll#${order.LastUpdateDate}`,
            source: 'poll',
            ...(order.MarketplaceId ? { marketplaceId: order.MarketplaceId } : {}),
            orderStatus: order.OrderStatus,
            lastUpdateDate: order.LastUpdateDate,
            ...(order.LatestShipDate ? { latestShipDate: order.LatestShipDate } : {}),
            seenAt,
          }),
        );
      await queue.sendAll(messages);
      queued += messages.length;
      nextToken = page.nextToken;
    } while (nextToken);
    try {
      await cursors.advance(AMAZON_ORDERS_CURSOR, cursor, to);
    } catch (error) {
      if (error instanceof ConditionFailedError) return { from, to, pages, queued, raced: true };
      throw error;
    }
    return { from, to, pages, queued, raced: false };
  };
