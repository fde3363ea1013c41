import { z } from 'zod';
import { CatalogueRepository } from '../../shared/adapters/aws/catalogue-repository';
import { FailuresRepository } from '../../shared/adapters/aws/failures-repository';
import { StockRepository } from '../../shared/adapters/aws/stock-repository';
import { documentClient, scayleEnv, scayleFrom } from '../../shared/adapters/wiring';
import { systemClock } from '../../shared/runtime/clock';
import { parseEnv } from '../../shared/runtime/env';
import { type BatchMessage, sqsFifoBatchHandler } from '../../shared/runtime/handler';
import { logger } from '../../shared/runtime/logger';
import { count, milliseconds } from '../../shared/runtime/metrics';
import { type StockEventMessage, stockEventMessageSchema } from '../../shared/schemas/queue-messages';
import { makeObserveScayle } from '../../shared/use-cases/stock/observe-scayle';
import { stockPolicySchema } from '../../shared/use-cases/stock/stock-policy';
import { makeSyncScayleStock } from '../../shared/use-cases/stock/sync-scayle-stock';

const env = parseEnv(
  z
    .object({
      STOCK_TABLE: z.string().min(1),
      CATALOGUE_TABLE: z.string().min(1),
      FAILURES_TABLE: z.string().min(1),
      STOCK_POLICY: z.string().transform((json) => stockPolicySchema.parse(JSON.parse(json))),
    })
    .extend(scayleEnv.shape),
);
const stock = new StockRepository(documentClient, env.STOCK_TABLE);
const commerce = scayleFrom(env);
const syncScayle = makeSyncScayleStock({
  stock,
  catalogue: new CatalogueRepository(documentClient, env.CATALOGUE_TABLE),
  commerce,
  policy: env.STOCK_POLICY,
  clock: systemClock,
});
const observeScayle = makeObserveScayle({ stock, commerce, clock: systemClock });

/**
 * Consumes the stock FIFO queue a batch at a time: OrderWise figures are coalesced per stock code, applied to the
 * stock ledger and pushed to SCAYLE together (singles or one bulk request); SCAYLE variant events are read back
 * for Amazon. A stock code whose write or push failed fails all its messages in the batch.
 */
export const handler = sqsFifoBatchHandler(
  stockEventMessageSchema,
  async (batch: readonly BatchMessage<StockEventMessage>[]) => {
    const failed = new Map<string, Error>();
    const orderwise = batch.flatMap((m) => (m.message.kind === 'orderwise-stock' ? [m.message] : []));
    if (orderwise.length > 0) {
      const outcome = await syncScayle(orderwise);
      for (const { message, record } of batch) {
        const error = message.kind === 'orderwise-stock' ? outcome.failed.get(message.variantCode) : undefined;
        if (error) failed.set(record.messageId, error);
      }
      count('StockPushedToScayle', outcome.pushed);
      count('StockEventsStale', outcome.stale);
      count('StockEventsCoalesced', outcome.coalesced);
      count('StockEventsUnmapped', outcome.unmapped.length);
      for (const latency of outcome.latenciesMs) milliseconds('StockLatency', latency);
      if (outcome.unmapped.length > 0)
        logger.info('stock codes not in the catalogue map', { variantCodes: outcome.unmapped.slice(0, 20) });
    }
    await Promise.all(
      batch.map(async ({ message, record }) => {
        if (message.kind !== 'scayle-variant') return;
        try {
          await observeScayle(message);
          count('ScayleVariantEventsRead');
        } catch (error) {
          failed.set(record.messageId, error as Error);
        }
      }),
    );
    return failed;
  },
  { failures: new FailuresRepository(documentClient, env.FAILURES_TABLE) },
);
