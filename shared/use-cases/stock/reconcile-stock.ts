import type { CatalogueEntry } from '../../adapters/aws/catalogue-repository';
import type { FreeStockRow } from '../../adapters/orderwise/client';
import { isDrift, normaliseChangedAt } from '../../domain/stock';
import type { ExceptionSink, StockCatalogue, StockCommerce, StockErp, StockLedger, StockQueue } from '../../ports';
import type { Clock } from '../../runtime/clock';
import { ConditionFailedError } from '../../runtime/errors';
import type { OrderwiseStockMessage } from '../../schemas/queue-messages';
import { type StockPolicy, scayleTargetOf } from './stock-policy';

/** The cursor of the OrderWise stock pull. */
export const ORDERWISE_PULL_CURSOR = 'orderwise-stock';

/** The ports of the pull and the reconcile. */
export interface StockJobsDeps {
  readonly erp: StockErp;
  readonly stock: Pick<StockLedger, 'get' | 'cursor' | 'advanceCursor' | 'markAmazonPending'>;
  readonly catalogue: Pick<StockCatalogue, 'all'>;
  readonly commerce: Pick<StockCommerce, 'getStock'>;
  readonly queue: StockQueue;
  readonly exceptions: ExceptionSink;
  readonly policy: StockPolicy;
  readonly clock: Clock;
  /** How far back each pull reaches behind its cursor, for rows OrderWise commits late. Default 2 minutes. */
  readonly overlapMs?: number;
  /**
   * A SKU whose OrderWise figure changed more recently than this is left to the event path, not called drift:
   * its event may still be on the queue. Default 5 minutes.
   */
  readonly settleMs?: number;
  /** Rows per FreeStockPage call. Default 1,000. */
  readonly pageSize?: number;
}

/** What a reconcile found. */
export interface ReconcileOutcome {
  readonly checked: number;
  /** SKUs whose ledger or SCAYLE figure was repaired through the queue. */
  readonly repaired: number;
  /** SKUs whose SCAYLE figure was off by more than the threshold: a STOCK_DRIFT exception each. */
  readonly drifted: readonly { sku: string; expected: number; scayle: number | undefined; orderwise: number }[];
  /** Stock codes OrderWise has that the catalogue map does not. */
  readonly unmapped: number;
}

const message = (row: FreeStockRow, source: OrderwiseStockMessage['source'], now: string, force = false) =>
  ({
    kind: 'orderwise-stock',
    variantCode: row.variantCode,
    freeStock: row.freeStock,
    changedAt: row.changedAt,
    source,
    receivedAt: now,
    ...(force ? { force } : {}),
  }) satisfies OrderwiseStockMessage;

/**
 * The safety net behind pushed exports: every figure OrderWise changed since the cursor (less an overlap) goes on
 * the stock queue like a pushed one; the cursor moves with a conditional write, so two overlapping runs cannot
 * both move it. Replayed figures are harmless (deduplicated by SQS, then by the ledger's change time).
 */
export const makePullStock = (deps: StockJobsDeps) => async (): Promise<{ queued: number; cursor: string }> => {
  const { erp, stock, queue, clock } = deps;
  const now = clock.now();
  const cursor = await stock.cursor(ORDERWISE_PULL_CURSOR);
  const since = new Date((cursor ? Date.parse(cursor) : now - 3_600_000) - (deps.overlapMs ?? 120_000)).toISOString();
  const rows = await erp.stockChangedSince(since);
  await queue.sendAll(rows.map((row) => message(row, 'pull', new Date(now).toISOString())));
  const newest = [cursor, ...rows.map((r) => normaliseChangedAt(r.changedAt))]
    .filter((c): c is string => c !== undefined)
    .sort()
    .at(-1);
  const next = newest ?? new Date(now).toISOString();
  try {
    if (next !== cursor) await stock.advanceCursor(ORDERWISE_PULL_CURSOR, cursor, next);
  } catch (error) {
    // Another run moved it; its rows are queued too.
    if (!(error instanceof ConditionFailedError)) throw error;
  }
  return { queued: rows.length, cursor: next };
};

/**
 * Loop 3's scheduled full reconcile, and loop 5's full sync. Pages through OrderWise's free stock and, per mapped
 * SKU, compares it with the ledger and with what SCAYLE holds: a ledger behind OrderWise, or SCAYLE off the
 * figure the hub would push, is repaired through the stock queue (`force` when SCAYLE is off); SCAYLE off by
 * more than the threshold also raises STOCK_DRIFT. Then every mapped SKU is marked for a forced Amazon update,
 * which repairs what Amazon shows (its own order decrements included).
 */
export const makeReconcileStock = (deps: StockJobsDeps) => async (): Promise<ReconcileOutcome> => {
  const { erp, stock, catalogue, commerce, queue, exceptions, policy, clock } = deps;
  const pageSize = deps.pageSize ?? 1_000;
  const settleMs = deps.settleMs ?? 300_000;
  const bySkuCode = new Map<string, CatalogueEntry>();
  for (const entry of await catalogue.all()) {
    if (entry.orderwiseVariantCode) bySkuCode.set(entry.orderwiseVariantCode, entry);
  }
  let checked = 0;
  let unmapped = 0;
  const repairs: OrderwiseStockMessage[] = [];
  const drifted: ReconcileOutcome['drifted'][number][] = [];
  const nowIso = new Date(clock.now()).toISOString();
  for (let afterId = 0, page = await erp.freeStockPage(0, pageSize); page.length > 0; ) {
    for (const row of page) {
      const entry = bySkuCode.get(row.variantCode);
      if (!entry) {
        unmapped++;
        continue;
      }
      checked++;
      const item = await stock.get(entry.sku);
      const changedAt = normaliseChangedAt(row.changedAt);
      const ledgerBehind = item?.owChangedAt !== changedAt || item.owQuantity !== row.freeStock;
      if (clock.now() - Date.parse(changedAt) < settleMs) {
        if (ledgerBehind) repairs.push(message(row, 'reconcile', nowIso));
        continue;
      }
      const expected = scayleTargetOf(
        { ...item, sku: entry.sku, owQuantity: row.freeStock, owChangedAt: changedAt },
        policy,
        clock.now(),
      ).quantity;
      const scayle = (await commerce.getStock(entry.sku)).find(
        (w) => w.warehouseReferenceKey === policy.warehouseReferenceKey,
      )?.quantity;
      const scayleOff = scayle !== expected;
      if (ledgerBehind || scayleOff) repairs.push(message(row, 'reconcile', nowIso, scayleOff));
      if (isDrift(expected, scayle, policy.driftThreshold)) {
        drifted.push({ sku: entry.sku, expected, scayle, orderwise: row.freeStock });
        await exceptions.raise('STOCK_DRIFT', entry.sku, {
          sku: entry.sku,
          orderwiseVariantCode: row.variantCode,
          orderwise: row.freeStock,
          expectedInScayle: expected,
          scayle: scayle ?? null,
          ledger: item?.owQuantity ?? null,
          threshold: policy.driftThreshold,
        });
      }
    }
    afterId = page.at(-1)?.variantId ?? afterId;
    page = page.length < pageSize ? [] : await erp.freeStockPage(afterId, pageSize);
  }
  await queue.sendAll(repairs);
  await stock.markAmazonPending(
    [...bySkuCode.values()].filter((e) => e.amazon).map((e) => e.sku),
    nowIso,
    true,
  );
  return { checked, repaired: repairs.length, drifted, unmapped };
};
