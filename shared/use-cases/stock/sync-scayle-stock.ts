import type { StockItem } from '../../adapters/aws/stock-repository';
import { newestPerKey, normaliseChangedAt, recordMovement, supersedes } from '../../domain/stock';
import type { StockCatalogue, StockCommerce, StockLedger } from '../../ports';
import type { Clock } from '../../runtime/clock';
import { ConditionFailedError, RetryableError } from '../../runtime/errors';
import type { OrderwiseStockMessage } from '../../schemas/queue-messages';
import { type ScayleTarget, type StockPolicy, scayleTargetOf } from './stock-policy';

/** The ports of the OrderWise -> SCAYLE stock sync. */
export interface SyncScayleStockDeps {
  readonly stock: StockLedger;
  readonly catalogue: StockCatalogue;
  readonly commerce: StockCommerce;
  readonly policy: StockPolicy;
  readonly clock: Clock;
}

/** What one batch of OrderWise stock figures came to. */
export interface SyncScayleStockOutcome {
  /** Per stock code, the error that stopped it: those messages go back to the queue. */
  readonly failed: ReadonlyMap<string, Error>;
  readonly pushed: number;
  /** Older than the stored change: applied to nothing. */
  readonly stale: number;
  /** Applied, but SCAYLE already had the figure. */
  readonly unchanged: number;
  /** Superseded by a newer figure of the same code in the batch. */
  readonly coalesced: number;
  /** Stock codes with no SKU in the catalogue map. */
  readonly unmapped: readonly string[];
  /** Per pushed figure, milliseconds from the hub accepting it to SCAYLE having it. */
  readonly latenciesMs: readonly number[];
}

const MAX_WRITE_ATTEMPTS = 3;

/**
 * Loop 3. Applies a batch of OrderWise figures to the stock ledger and pushes SCAYLE's new sellable quantities:
 * many figures of one code become the newest; a figure older than the stored one changes nothing (conditional
 * write on the change time); SCAYLE gets the absolute quantity with the real change time, and the SKU is marked
 * as owing Amazon an update. A code whose write or push fails is returned in `failed`, the rest go on.
 */
export const makeSyncScayleStock = (deps: SyncScayleStockDeps) => {
  const { stock, catalogue, commerce, policy, clock } = deps;
  const windowMs = policy.velocityWindowMinutes * 60_000;

  /** Writes one figure, re-reading when another writer got in between; returns the item as written, or stale. */
  const apply = async (sku: string, message: OrderwiseStockMessage): Promise<StockItem | 'stale'> => {
    const changedAt = normaliseChangedAt(message.changedAt);
    for (let attempt = 1; attempt <= MAX_WRITE_ATTEMPTS; attempt++) {
      const current = await stock.get(sku);
      if (!supersedes(changedAt, current?.owChangedAt)) return 'stale';
      const replay = current?.owChangedAt === changedAt && current.owQuantity === message.freeStock;
      const next = {
        orderwiseVariantCode: message.variantCode,
        owQuantity: message.freeStock,
        owChangedAt: changedAt,
        owSource: message.source,
        owReceivedAt: message.receivedAt,
        velocity:
          replay && current?.velocity
            ? current.velocity
            : recordMovement(
                current?.velocity,
                current?.owQuantity,
                message.freeStock,
                Date.parse(changedAt),
                windowMs,
              ),
      };
      try {
        await stock.applyOrderwise(sku, next, current?.version);
        return { ...current, ...next, sku, version: (current?.version ?? 0) + 1 };
      } catch (error) {
        if (!(error instanceof ConditionFailedError)) throw error;
      }
    }
    throw new RetryableError(`stock of ${sku} kept changing under ${MAX_WRITE_ATTEMPTS} attempts to write it`);
  };

  return async (messages: readonly OrderwiseStockMessage[]): Promise<SyncScayleStockOutcome> => {
    const newest = newestPerKey(
      messages,
      (m) => m.variantCode,
      (m) => m.changedAt,
    ).map((m) => ({
      ...m,
      force: messages.some((other) => other.variantCode === m.variantCode && other.force),
    }));
    const entries = await catalogue.byStockCodes(newest.map((m) => m.variantCode));
    const failed = new Map<string, Error>();
    const unmapped = newest.filter((m) => !entries.has(m.variantCode)).map((m) => m.variantCode);
    let stale = 0;
    let unchanged = 0;

    const now = clock.now();
    const targets = new Map<string, { message: OrderwiseStockMessage; target: ScayleTarget }>();
    await Promise.all(
      newest.map(async (message) => {
        const entry = entries.get(message.variantCode);
        if (!entry) return;
        try {
          const item = await apply(entry.sku, message);
          if (item === 'stale') {
            stale++;
            return;
          }
          const target = scayleTargetOf(item, policy, now);
          const told = item.scayle;
          if (!message.force && told?.quantity === target.quantity && told.changedAt >= target.changedAt) {
            unchanged++;
            return;
          }
          targets.set(entry.sku, { message, target });
        } catch (error) {
          failed.set(message.variantCode, error as Error);
        }
      }),
    );

    const results = await commerce.putStocks(
      [...targets.entries()].map(([sku, { target }]) => ({
        sku,
        warehouseReferenceKey: policy.warehouseReferenceKey,
        quantity: target.quantity,
        changedAt: target.changedAt,
      })),
    );
    const latenciesMs: number[] = [];
    await Promise.all(
      results.map(async (result) => {
        const pushed = targets.get(result.sku);
        if (!pushed) return;
        if (result.error) {
          failed.set(pushed.message.variantCode, result.error);
          return;
        }
        const at = clock.now();
        latenciesMs.push(at - Date.parse(pushed.message.receivedAt));
        try {
          await stock.recordScaylePush(
            result.sku,
            { ...pushed.target, pushedAt: new Date(at).toISOString(), via: result.via },
            new Date(at).toISOString(),
          );
        } catch (error) {
          // A newer push is already recorded: this figure is history, nothing to redo.
          if (!(error instanceof ConditionFailedError)) failed.set(pushed.message.variantCode, error as Error);
        }
      }),
    );
    return {
      failed,
      pushed: latenciesMs.length,
      stale,
      unchanged,
      coalesced: messages.length - newest.length,
      unmapped,
      latenciesMs,
    };
  };
};
