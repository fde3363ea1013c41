import { SQSClient } from '@aws-sdk/client-sqs';
import { z } from 'zod';
import { CatalogueRepository } from '../../shared/adapters/aws/catalogue-repository';
import { ExceptionsRepository } from '../../shared/adapters/aws/exceptions-repository';
import { StockEventsQueue } from '../../shared/adapters/aws/stock-events-queue';
import { StockRepository } from '../../shared/adapters/aws/stock-repository';
import { documentClient, orderwiseEnv, orderwiseFrom, scayleEnv, scayleFrom } from '../../shared/adapters/wiring';
import { systemClock } from '../../shared/runtime/clock';
import { parseEnv } from '../../shared/runtime/env';
import { jobHandler } from '../../shared/runtime/handler';
import { logger } from '../../shared/runtime/logger';
import { count } from '../../shared/runtime/metrics';
import { parseWith } from '../../shared/runtime/validation';
import { makePullStock, makeReconcileStock } from '../../shared/use-cases/stock/reconcile-stock';
import { stockPolicySchema } from '../../shared/use-cases/stock/stock-policy';

const env = parseEnv(
  z
    .object({
      STOCK_TABLE: z.string().min(1),
      CATALOGUE_TABLE: z.string().min(1),
      EXCEPTIONS_TABLE: z.string().min(1),
      STOCK_EVENTS_QUEUE_URL: z.url(),
      STOCK_POLICY: z.string().transform((json) => stockPolicySchema.parse(JSON.parse(json))),
    })
    .extend(scayleEnv.shape)
    .extend(orderwiseEnv.shape),
);
const deps = {
  erp: orderwiseFrom(env),
  stock: new StockRepository(documentClient, env.STOCK_TABLE),
  catalogue: new CatalogueRepository(documentClient, env.CATALOGUE_TABLE),
  commerce: scayleFrom(env),
  queue: new StockEventsQueue(new SQSClient({}), env.STOCK_EVENTS_QUEUE_URL),
  exceptions: new ExceptionsRepository(documentClient, env.EXCEPTIONS_TABLE),
  policy: env.STOCK_POLICY,
  clock: systemClock,
};
const pull = makePullStock(deps);
const reconcile = makeReconcileStock(deps);

/** `{ "job": "pull" }` or `{ "job": "reconcile" }`: each schedule passes its own. */
const jobSchema = z.object({ job: z.enum(['pull', 'reconcile']) });

/**
 * Schedules of loop 3: `pull` (every few minutes) queues every figure OrderWise changed since its cursor, the
 * safety net behind pushed exports; `reconcile` (daily or hourly) compares all of OrderWise with the ledger and
 * SCAYLE, repairs drift, raises STOCK_DRIFT above the threshold and marks everything for a full Amazon sync.
 */
export const handler = jobHandler(async (event: unknown) => {
  const { job } = parseWith(jobSchema, event, 'stock job');
  if (job === 'pull') {
    const outcome = await pull();
    count('StockPulled', outcome.queued);
    logger.info('stock pulled from OrderWise', outcome);
    return outcome;
  }
  const outcome = await reconcile();
  count('StockReconciled', outcome.checked);
  count('StockRepaired', outcome.repaired);
  count('StockDrift', outcome.drifted.length);
  logger.info('stock reconciled', { ...outcome, drifted: outcome.drifted.slice(0, 20) });
  return outcome;
});
