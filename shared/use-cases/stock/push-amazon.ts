import type { FeedIssue } from '../../adapters/amazon/client';
import {
  listingsFeedDocument,
  MARKETPLACE_CURRENCIES,
  type OfferUpdate,
  offerPatches,
} from '../../adapters/amazon/listings';
import type { ExceptionsRepository } from '../../adapters/aws/exceptions-repository';
import type { AmazonFeedRef, AmazonPush, StockItem } from '../../adapters/aws/stock-repository';
import { amazonPushMode } from '../../domain/stock';
import type { ExceptionSink, StockCatalogue, StockLedger, StockMarketplace } from '../../ports';
import type { Clock } from '../../runtime/clock';
import { amazonTargetOf, type StockPolicy } from './stock-policy';

/** Settings of the Amazon push. */
export interface AmazonPushSettings {
  readonly sellerId: string;
  readonly marketplaceIds: readonly string[];
  /** Calls per second patchListingsItem may use (the client's bucket enforces it; this sizes the backlog). */
  readonly patchRatePerSecond: number;
  /** A backlog that would take longer than this one call at a time goes as a feed. */
  readonly windowSeconds: number;
  /** Patch calls in flight at once (enough to keep the bucket busy while calls are on the wire). */
  readonly concurrency: number;
  /** Most messages per feed (Amazon takes 25,000). */
  readonly maxFeedMessages: number;
}

/** The ports of the Amazon push. */
export interface PushAmazonDeps {
  readonly stock: StockLedger;
  readonly catalogue: StockCatalogue;
  readonly amazon: StockMarketplace;
  readonly exceptions: ExceptionSink & Pick<ExceptionsRepository, 'resolveOpen'>;
  readonly policy: StockPolicy;
  readonly settings: AmazonPushSettings;
  readonly clock: Clock;
  /**
   * Amazon has no listing for a SellerSKU the catalogue loop listed: forget the listing record and queue a sync
   * that lists it again (use case `makeRelist`); false when the hub has no listing to heal. Without it the
   * refusal is raised as AMAZON_LISTING_REJECTED.
   */
  readonly relist?: (marketplaceId: string, sellerSku: string) => Promise<boolean>;
}

/** What one round of the Amazon push did. */
export interface AmazonPushOutcome {
  /** False when another round held the lock: this one did nothing. */
  readonly ran: boolean;
  readonly mode: 'patch' | 'feed' | 'idle';
  readonly accepted: number;
  readonly rejected: number;
  readonly feedsSubmitted: number;
  readonly feedsSettled: number;
  /** Updates left for the next round (the deadline came first). */
  readonly remaining: number;
  /** SellerSKUs the hub listed that Amazon no longer has, queued for the catalogue loop to list again. */
  readonly relisted: number;
  /** Listings Amazon lost that the hub could not list again (lost once more within a day, or not queued). */
  readonly lost: number;
}

const LOCK = 'amazon-push';

/**
 * Loop 5 towards Amazon. One round, under a lock so that only one round calls Amazon at a time (the usage plan
 * is per seller, not per Lambda): settle the feeds Amazon has finished; work out, for every SKU that owes Amazon
 * an update, the ATS and price per marketplace and drop what equals what Amazon was last told; then send the rest
 * one patchListingsItem each under the token bucket, or, when that would take longer than the window, as one
 * JSON_LISTINGS_FEED per marketplace. Every INVALID answer and every feed error raises AMAZON_LISTING_REJECTED
 * naming the SellerSKU. A SKU travelling in a feed is not patched until the feed is settled, so an older feed
 * value never lands after a newer patch.
 */
export const makePushAmazon = (deps: PushAmazonDeps) => {
  const { stock, catalogue, amazon, exceptions, policy, settings, clock, relist } = deps;
  const iso = () => new Date(clock.now()).toISOString();
  let relisted = 0;
  let lost = 0;

  const reject = async (update: OfferUpdate, issues: readonly { code: string; message: string }[], via: string) => {
    let relistFailure: string | undefined;
    if (issues.length > 0 && issues.every((i) => /NOT_FOUND/i.test(i.code))) {
      // Amazon has no listing for the SellerSKU and the catalogue loop has not listed it yet: the offer follows once
      // it does (a new listing marks its SKU pending again), or LISTING_BLOCKED says why it never will.
      const state = (await catalogue.listingStates(update.marketplaceId, [update.sellerSku])).get(update.sellerSku);
      if (state !== 'listed' && state !== 'external') return;
      // Amazon lost a listing the hub made or feeds: the catalogue loop looks at it again, and the offer follows.
      // If that cannot be queued, or Amazon lost it again within a day, a person is told below.
      try {
        if (relist && (await relist(update.marketplaceId, update.sellerSku))) {
          relisted++;
          return;
        }
      } catch (error) {
        relistFailure = `the relisting could not be queued: ${(error as Error).message}`;
      }
      lost++;
    }
    await exceptions.raise('AMAZON_LISTING_REJECTED', `${update.sellerSku}@${update.marketplaceId}`, {
      loop: 'stock',
      sku: update.sku,
      sellerSku: update.sellerSku,
      marketplaceId: update.marketplaceId,
      quantity: update.quantity,
      priceMinor: update.priceMinor,
      via,
      issues: issues.map((i) => `${i.code}: ${i.message}`).slice(0, 10),
      ...(relistFailure ? { relist: relistFailure } : {}),
    });
  };

  const pushRecord = (update: OfferUpdate, via: 'patch' | 'feed', status: AmazonPush['status']): AmazonPush => ({
    sellerSku: update.sellerSku,
    ...(update.quantity === undefined ? {} : { quantity: update.quantity }),
    ...(update.priceMinor === undefined ? {} : { priceMinor: update.priceMinor, currency: update.currency }),
    pushedAt: iso(),
    via,
    status,
  });

  /** The updates a stock item owes Amazon, per marketplace; empty when Amazon already has every figure. */
  const updatesOf = async (items: readonly StockItem[]): Promise<Map<string, OfferUpdate[]>> => {
    const entries = await catalogue.entries(items.map((i) => i.sku));
    // No offer for a SellerSKU the catalogue loop would not list: Amazon has no listing to put it on.
    const blocked = new Map<string, ReadonlySet<string>>();
    for (const marketplaceId of settings.marketplaceIds) {
      const sellerSkus = items.flatMap((i) => entries.get(i.sku)?.amazon?.[marketplaceId]?.sellerSku ?? []);
      const states = sellerSkus.length > 0 ? await catalogue.listingStates(marketplaceId, sellerSkus) : new Map();
      blocked.set(marketplaceId, new Set(sellerSkus.filter((s) => states.get(s) === 'blocked')));
    }
    const owed = new Map<string, OfferUpdate[]>();
    for (const item of items) {
      const updates: OfferUpdate[] = [];
      const quantity = amazonTargetOf(item, policy);
      for (const marketplaceId of settings.marketplaceIds) {
        const sellerSku = entries.get(item.sku)?.amazon?.[marketplaceId]?.sellerSku;
        if (!sellerSku || quantity === undefined || blocked.get(marketplaceId)?.has(sellerSku)) continue;
        const currency = MARKETPLACE_CURRENCIES[marketplaceId];
        const priceMinor = currency ? item.prices?.[currency]?.amountMinor : undefined;
        const told = item.amazon?.[marketplaceId];
        const same =
          told?.status === 'ACCEPTED' &&
          told.sellerSku === sellerSku &&
          told.quantity === quantity &&
          (priceMinor === undefined || told.priceMinor === priceMinor);
        if (same && !item.amazonForce) continue;
        updates.push({
          sku: item.sku,
          sellerSku,
          marketplaceId,
          quantity,
          ...(priceMinor === undefined ? {} : { priceMinor, currency }),
        });
      }
      owed.set(item.sku, updates);
    }
    return owed;
  };

  /** Reads the reports of finished feeds and records, per SKU, what Amazon took and what it refused. */
  const settleFeeds = async (): Promise<number> => {
    let settled = 0;
    for (const [feedId, feed] of Object.entries(await stock.feedsInFlight())) {
      const state = await amazon.getFeed(feedId);
      if (state.processingStatus === 'IN_QUEUE' || state.processingStatus === 'IN_PROGRESS') continue;
      // Read again for each feed: settling one feed changes what the SKUs carrying another still wait for.
      const carried = (await stock.listAmazonPending()).filter((item) =>
        Object.values(item.amazonFeed?.messages ?? {}).some((m) => m.feedId === feedId),
      );
      if (state.processingStatus === 'DONE' && state.resultFeedDocumentId) {
        const issues = await amazon.feedIssues(state.resultFeedDocumentId);
        const errorsOf = new Map<number, FeedIssue[]>();
        for (const issue of issues.filter((i) => i.severity === 'ERROR' && i.messageId !== undefined)) {
          errorsOf.set(issue.messageId as number, [...(errorsOf.get(issue.messageId as number) ?? []), issue]);
        }
        for (const item of carried) {
          const feedRef = item.amazonFeed;
          if (!feedRef) continue;
          const told = { ...item.amazon };
          const stillRunning: AmazonFeedRef['messages'][string][] = [];
          const remaining: Record<string, AmazonFeedRef['messages'][string]> = {};
          for (const [marketplaceId, message] of Object.entries(feedRef.messages)) {
            if (message.feedId !== feedId) {
              remaining[marketplaceId] = message;
              stillRunning.push(message);
              continue;
            }
            const { feedId: _feed, messageId, ...figures } = message;
            const update: OfferUpdate = { sku: item.sku, marketplaceId, ...figures };
            const errors = errorsOf.get(messageId) ?? [];
            if (errors.length > 0) await reject(update, errors, `feed ${feedId}`);
            told[marketplaceId] = pushRecord(update, 'feed', errors.length > 0 ? 'INVALID' : 'ACCEPTED');
          }
          // Still pending if the SKU changed after the feeds left: they carried the older figure.
          await stock.recordAmazonPush(
            item.sku,
            told,
            feedRef.dirtyAt,
            stillRunning.length > 0 ? { ...feedRef, messages: remaining } : undefined,
          );
        }
      } else {
        // FATAL or CANCELLED: nothing in it was applied. The SKUs stay pending and go out again.
        await exceptions.raise('AMAZON_LISTING_REJECTED', `feed#${feedId}`, {
          feedId,
          marketplaceId: feed.marketplaceId,
          processingStatus: state.processingStatus,
          skus: carried.length,
        });
        for (const item of carried) await stock.releaseFeed(item.sku);
      }
      await stock.setFeedInFlight(feedId, undefined);
      settled++;
    }
    return settled;
  };

  const sendFeeds = async (owed: ReadonlyMap<string, OfferUpdate[]>, items: ReadonlyMap<string, StockItem>) => {
    const submittedAt = iso();
    const feedOf = new Map<string, Record<string, { feedId: string; messageId: number; update: OfferUpdate }>>();
    let submitted = 0;
    for (const marketplaceId of settings.marketplaceIds) {
      const updates = [...owed.values()].flat().filter((u) => u.marketplaceId === marketplaceId);
      for (let i = 0; i < updates.length; i += settings.maxFeedMessages) {
        const chunk = updates.slice(i, i + settings.maxFeedMessages);
        const feedId = await amazon.submitListingsFeed(marketplaceId, listingsFeedDocument(settings.sellerId, chunk));
        await stock.setFeedInFlight(feedId, { marketplaceId, submittedAt });
        submitted++;
        chunk.forEach((update, index) => {
          feedOf.set(update.sku, {
            ...feedOf.get(update.sku),
            [marketplaceId]: { feedId, messageId: index + 1, update },
          });
        });
      }
    }
    for (const [sku, byMarketplace] of feedOf) {
      const dirtyAt = items.get(sku)?.amazonDirtyAt;
      await stock.markAmazonInFlight(sku, {
        submittedAt,
        ...(dirtyAt ? { dirtyAt } : {}),
        messages: Object.fromEntries(
          Object.entries(byMarketplace).map(([marketplaceId, m]) => [
            marketplaceId,
            {
              feedId: m.feedId,
              messageId: m.messageId,
              sellerSku: m.update.sellerSku,
              quantity: m.update.quantity,
              priceMinor: m.update.priceMinor,
              currency: m.update.currency,
            },
          ]),
        ),
      });
    }
    return submitted;
  };

  const sendPatches = async (
    owed: ReadonlyMap<string, OfferUpdate[]>,
    items: ReadonlyMap<string, StockItem>,
    deadline: number,
  ) => {
    const queue = [...owed.entries()];
    let accepted = 0;
    let rejected = 0;
    const worker = async () => {
      for (let next = queue.shift(); next; next = queue.shift()) {
        const [sku, updates] = next;
        const item = items.get(sku);
        const told = { ...item?.amazon };
        for (const update of updates) {
          const answer = await amazon.patchListingsItem(
            settings.sellerId,
            update.sellerSku,
            update.marketplaceId,
            offerPatches(update),
          );
          const ok = answer.status === 'ACCEPTED';
          if (ok) {
            accepted++;
            // The SellerSKU Amazon refused before takes updates again: its exception heals itself.
            if (told[update.marketplaceId]?.status === 'INVALID')
              await exceptions.resolveOpen('AMAZON_LISTING_REJECTED', `${update.sellerSku}@${update.marketplaceId}`, {
                loop: 'stock',
              });
          } else {
            rejected++;
            await reject(update, answer.issues, 'patchListingsItem');
          }
          told[update.marketplaceId] = pushRecord(update, 'patch', ok ? 'ACCEPTED' : 'INVALID');
        }
        await stock.recordAmazonPush(sku, told, item?.amazonDirtyAt);
        if (clock.now() >= deadline) return;
      }
    };
    await Promise.all(Array.from({ length: settings.concurrency }, worker));
    return { accepted, rejected, remaining: queue.reduce((n, [, updates]) => n + updates.length, 0) };
  };

  /** One round; stops taking new SKUs at `deadline` (epoch ms) and leaves the rest pending for the next. */
  return async (deadline: number): Promise<AmazonPushOutcome> => {
    const holder = `round-${clock.now()}-${Math.random().toString(36).slice(2)}`;
    // The lock outlives the round by a minute, so a crashed round blocks the next one for at most that long.
    if (!(await stock.acquireLock(LOCK, holder, deadline + 60_000, clock.now()))) {
      return {
        ran: false,
        mode: 'idle',
        accepted: 0,
        rejected: 0,
        feedsSubmitted: 0,
        feedsSettled: 0,
        remaining: 0,
        relisted: 0,
        lost: 0,
      };
    }
    relisted = 0;
    lost = 0;
    try {
      // The previous round may have run in another container with its own buckets, up to a moment ago.
      amazon.assumeQuotaSpent('patchListingsItem');
      const feedsSettled = await settleFeeds();
      const pending = (await stock.listAmazonPending()).filter((item) => !item.amazonFeed);
      const owedAll = await updatesOf(pending);
      const items = new Map(pending.map((i) => [i.sku, i]));
      // Nothing to say: Amazon already has these figures.
      for (const [sku, updates] of owedAll) {
        if (updates.length === 0)
          await stock.recordAmazonPush(sku, items.get(sku)?.amazon ?? {}, items.get(sku)?.amazonDirtyAt);
      }
      const owed = new Map([...owedAll].filter(([, updates]) => updates.length > 0));
      const backlog = [...owed.values()].reduce((n, updates) => n + updates.length, 0);
      const idle = { ran: true, accepted: 0, rejected: 0, feedsSubmitted: 0, feedsSettled, remaining: 0 };
      if (backlog === 0) return { ...idle, mode: 'idle', relisted, lost };
      if (amazonPushMode(backlog, settings.patchRatePerSecond, settings.windowSeconds) === 'feed') {
        const feedsSubmitted = await sendFeeds(owed, items);
        return { ...idle, mode: 'feed', feedsSubmitted, relisted, lost };
      }
      const patched = await sendPatches(owed, items, deadline);
      return { ...idle, mode: 'patch', ...patched, relisted, lost };
    } finally {
      await stock.releaseLock(LOCK, holder);
    }
  };
};
