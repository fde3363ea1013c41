import type { CursorStore } from '../../adapters/aws/cursor-store';
import type { Clock } from '../../runtime/clock';
import { ConditionFailedError, UpstreamRejectedError } from '../../runtime/errors';
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
  readonly cursors: Pick<CursorStore, 'read' | 'advance' | 'saveResume'>;
  readonly queue: { sendAll(messages: readonly AmazonOrderMessage[]): Promise<void> };
  readonly clock: Clock;
  readonly settings: {
    readonly marketplaceIds: readonly string[];
    /** Each run reads again this far behind the cursor, for orders Amazon indexed late. */
    readonly overlapMinutes: number;
    /** How far back the very first run reads. */
    readonly firstLookbackHours: number;
    /**
     * How long one run may page before it keeps its place and hands over to the next run. Once getOrders' burst is
     * spent a page costs a minute, so a backlog (after an outage, or a sale) is read over several runs.
     */
    readonly runBudgetMs: number;
  };
  readonly log?: (message: string, details: Record<string, unknown>) => void;
}

/** What one poll did. */
export interface PollAmazonOrdersOutcome {
  readonly from: string;
  readonly to: string;
  /** Pages this run read. */
  readonly pages: number;
  readonly queued: number;
  /** Another run moved the cursor first (its orders are queued; this run's were deduplicated). */
  readonly raced: boolean;
  /** False when the run kept its place in the search for the next run instead of reading the last page. */
  readonly complete: boolean;
  /** The run went on with a search an earlier run left half read. */
  readonly resumed: boolean;
}

/**
 * Loop 6, safety net: getOrders with `LastUpdatedAfter` = the cursor minus an overlap and `LastUpdatedBefore` =
 * now minus Amazon's two-minute lag, every page by `NextToken`, each seller-fulfilled order queued as a trigger
 * deduplicated by its LastUpdateDate (so an order a notification already brought, or the overlap reads again, is
 * handled once). The cursor moves only after the last page is queued, with a conditional write, so a failed run is
 * read again by the next. getOrders' usage plan (burst 20, one a minute) is kept by the client's token bucket.
 *
 * A backlog bigger than one run can page (`runBudgetMs`) is read over several runs: the run keeps the search's
 * bounds and the NextToken of the page it did not read on the cursor, and the next run goes on from there. Amazon
 * does not say how long a NextToken lives: when it refuses one, the run reads the first half of the search afresh,
 * which the next runs complete, so even a backlog no run could page through in full is read in the end.
 */
export const makePollAmazonOrders =
  ({ amazon, cursors, queue, clock, settings, log }: PollAmazonOrdersDeps) =>
  async (): Promise<PollAmazonOrdersOutcome> => {
    const started = clock.now();
    const { at: cursor, resume } = await cursors.read(AMAZON_ORDERS_CURSOR);
    let from = new Date(
      cursor
        ? Date.parse(cursor) - settings.overlapMinutes * 60_000
        : started - settings.firstLookbackHours * 3_600_000,
    ).toISOString();
    let to = new Date(started - GET_ORDERS_LAG_MS).toISOString();
    let nextToken: string | undefined;
    if (resume) ({ from, to, nextToken } = resume);
    const outcome = (pages: number, queued: number, rest: Partial<PollAmazonOrdersOutcome> = {}) => ({
      from,
      to,
      pages,
      queued,
      raced: false,
      complete: true,
      resumed: resume !== undefined,
      ...rest,
    });
    if (from >= to) return outcome(0, 0);
    const seenAt = new Date(started).toISOString();
    let pages = 0;
    let queued = 0;
    /** Keeps the place in the search for the next run; false when another run moved the cursor meanwhile. */
    const keepPlace = async (token: string): Promise<boolean> => {
      try {
        await cursors.saveResume(AMAZON_ORDERS_CURSOR, cursor, {
          from,
          to,
          nextToken: token,
          pages: (resume?.pages ?? 0) + pages,
          savedAt: new Date(clock.now()).toISOString(),
        });
        return true;
      } catch (error) {
        if (error instanceof ConditionFailedError) return false;
        throw error;
      }
    };
    for (;;) {
      if (nextToken && pages > 0 && clock.now() - started >= settings.runBudgetMs) {
        const kept = await keepPlace(nextToken);
        return outcome(pages, queued, { raced: !kept, complete: false });
      }
      let page: Awaited<ReturnType<PollAmazonOrdersDeps['amazon']['getOrders']>>;
      try {
        page = await amazon.getOrders({
          marketplaceIds: settings.marketplaceIds,
          lastUpdatedAfter: from,
          lastUpdatedBefore: to,
          ...(nextToken ? { nextToken } : {}),
        });
      } catch (error) {
        if (!(nextToken && error instanceof UpstreamRejectedError && error.status === 400)) {
          // Throttled or failed mid-backlog: the pages read so far are not read again.
          if (nextToken && pages > 0) await keepPlace(nextToken);
          throw error;
        }
        // A continuation Amazon no longer takes: read the first half of the search again, from its first page (never
        // below the cursor, which would move it back).
        const half = Math.max(
          Date.parse(from) + Math.floor((Date.parse(to) - Date.parse(from)) / 2),
          cursor && cursor < to ? Date.parse(cursor) : 0,
        );
        const refusedTo = to;
        to = new Date(half).toISOString();
        log?.('getOrders refused a kept NextToken; reading the first half of the search again', {
          from,
          to: refusedTo,
          now: to,
        });
        nextToken = undefined;
        continue;
      }
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
      if (!nextToken) break;
    }
    try {
      await cursors.advance(AMAZON_ORDERS_CURSOR, cursor, to);
    } catch (error) {
      if (error instanceof ConditionFailedError) return outcome(pages, queued, { raced: true });
      throw error;
    }
    return outcome(pages, queued);
  };
