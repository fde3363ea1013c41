import type { CursorStore } from '../adapters/aws/cursor-store';
import type { ExceptionsRepository } from '../adapters/aws/exceptions-repository';
import type { LedgerEntry } from '../adapters/aws/ledger-repository';
import type { ScayleClient } from '../adapters/scayle/client';
import type { OrderStatus } from '../domain/order-status';
import type { ExceptionSink } from '../ports';
import type { Clock } from '../runtime/clock';
import { ConditionFailedError } from '../runtime/errors';
import type { OrderEventMessage } from '../schemas/queue-messages';

/** What the sweep reads and may act on, and how far back. */
export interface SweepOrdersDeps {
  readonly scayle: Pick<ScayleClient, 'listOrdersUpdatedSince'>;
  readonly ledger: { get(channel: 'scayle', orderId: string): Promise<LedgerEntry | undefined> };
  readonly queue: { send(message: OrderEventMessage): Promise<void> };
  readonly exceptions: ExceptionSink & Pick<ExceptionsRepository, 'resolveOpen' | 'list'>;
  readonly cursors: Pick<CursorStore, 'read' | 'advance' | 'saveResume'>;
  readonly clock: Clock;
  /** The shop countries to sweep. */
  readonly shops: readonly { readonly shopKey: string; readonly countryCode: string }[];
  /** The list's "updated at or after" query parameter (stage config `scayle.orderSweep.updatedSinceFilter`). */
  readonly filter: string;
  /** How far back each run looks. */
  readonly windowMs: number;
  /** How long a confirmed order's webhook may still be on its way: younger orders are left to the next run. */
  readonly graceMs: number;
  /** Pages one run reads per shop country before it leaves the rest to the next run. */
  readonly maxPages: number;
  readonly pageSize?: number;
}

/** What one run did. */
export interface SweepOutcome {
  /** Confirmed orders listed that were old enough to judge. */
  readonly checked: number;
  /** Orders the ledger did not know, now queued. */
  readonly missed: readonly string[];
  /** ORDER_WEBHOOK_MISSED exceptions closed because their order was since handled. */
  readonly resolved: number;
  /** Shop countries whose listing was cut at `maxPages` and goes on next run. */
  readonly unfinished: number;
}

/** Ledger statuses after which a missed order needs nobody: posted, flagged for a person, or cancelled. */
const SETTLED: readonly OrderStatus[] = ['acknowledged', 'flagged', 'cancelled', 'return_required'];

const cursorName = (shopKey: string, countryCode: string) => `scayle-order-sweep#${shopKey}#${countryCode}`;

/**
 * Loop 1's safety net for lost webhooks. SCAYLE retries a failed delivery for a while and then gives up (reference
 * §1.7: retry policy undocumented), and nothing else would ever tell the hub of that order. Each run lists every
 * shop country's orders updated in the trailing window, page by page at the Admin API's limits, and queues an
 * `order-confirmed` for each order confirmed at least the grace period ago that the ledger does not know, raising
 * `ORDER_WEBHOOK_MISSED`. The consumer re-reads the order and posts it exactly once, as for a webhook, and the next
 * run closes the exception of every such order the ledger now holds as settled. A listing longer than `maxPages`
 * goes on where it stopped in the next run (a resume kept beside the cursor, as the Amazon order poll does).
 */
export const makeSweepOrders = (deps: SweepOrdersDeps) => async (): Promise<SweepOutcome> => {
  const { scayle, ledger, queue, exceptions, cursors, clock } = deps;
  const now = clock.now();
  const receivedAt = new Date(now).toISOString();
  let checked = 0;
  let unfinished = 0;
  const missed: string[] = [];

  for (const { shopKey, countryCode } of deps.shops) {
    const name = cursorName(shopKey, countryCode);
    const state = await cursors.read(name);
    const from = state.resume?.from ?? new Date(now - deps.windowMs).toISOString();
    const to = state.resume?.to ?? new Date(now - deps.graceMs).toISOString();
    let cursor = state.resume?.nextToken;
    let pages = state.resume?.pages ?? 0;
    for (let read = 0; ; read++) {
      if (read >= deps.maxPages && cursor) {
        unfinished++;
        await keep(() =>
          cursors.saveResume(name, state.at, { from, to, nextToken: cursor as string, pages, savedAt: receivedAt }),
        );
        break;
      }
      const page = await scayle.listOrdersUpdatedSince(shopKey, countryCode, {
        filter: deps.filter,
        since: from,
        ...(cursor ? { cursor } : {}),
        ...(deps.pageSize ? { limit: deps.pageSize } : {}),
      });
      pages++;
      for (const order of page.orders) {
        if (!order.confirmedAt || Date.parse(order.confirmedAt) > Date.parse(to)) continue;
        checked++;
        const orderId = String(order.id);
        if (await ledger.get('scayle', orderId)) continue;
        missed.push(orderId);
        await queue.send({
          eventId: `sweep#${orderId}`,
          event: 'order-confirmed',
          orderId,
          shopKey,
          countryCode,
          occurredAt: order.confirmedAt,
          receivedAt,
        });
        await exceptions.raise('ORDER_WEBHOOK_MISSED', orderId, {
          shopKey,
          countryCode,
          confirmedAt: order.confirmedAt,
        });
      }
      cursor = page.next;
      if (!cursor) {
        await keep(() => cursors.advance(name, state.at, to));
        break;
      }
    }
  }

  // Close what the sweep opened once the consumer has dealt with the order (posted, flagged or cancelled).
  let resolved = 0;
  for (const item of await exceptions.list({ type: 'ORDER_WEBHOOK_MISSED', status: 'open' })) {
    const entry = await ledger.get('scayle', item.key);
    if (entry && SETTLED.includes(entry.status)) {
      await exceptions.resolveOpen('ORDER_WEBHOOK_MISSED', item.key);
      resolved++;
    }
  }
  return { checked, missed, resolved, unfinished };
};

/** A cursor write another run beat: that run listed the same orders, so there is nothing to add. */
const keep = async (write: () => Promise<void>): Promise<void> => {
  try {
    await write();
  } catch (error) {
    if (!(error instanceof ConditionFailedError)) throw error;
  }
};
