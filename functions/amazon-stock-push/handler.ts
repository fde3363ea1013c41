import { z } from 'zod';
import { SP_API_RATE_PLANS } from '../../shared/adapters/amazon/client';
import { CatalogueRepository } from '../../shared/adapters/aws/catalogue-repository';
import { ExceptionsRepository } from '../../shared/adapters/aws/exceptions-repository';
import { listingsQueue } from '../../shared/adapters/aws/listings-queue';
import { StockRepository } from '../../shared/adapters/aws/stock-repository';
import { sqsClient } from '../../shared/adapters/catalogue-wiring';
import { amazonEnv, amazonFrom, documentClient } from '../../shared/adapters/wiring';
import { systemClock } from '../../shared/runtime/clock';
import { parseEnv } from '../../shared/runtime/env';
import { jobHandler } from '../../shared/runtime/handler';
import { logger } from '../../shared/runtime/logger';
import { count } from '../../shared/runtime/metrics';
import { makeRelist } from '../../shared/use-cases/catalogue/relist';
import { makePushAmazon } from '../../shared/use-cases/stock/push-amazon';
import { stockPolicySchema } from '../../shared/use-cases/stock/stock-policy';

const env = parseEnv(
  z
    .object({
      STOCK_TABLE: z.string().min(1),
      CATALOGUE_TABLE: z.string().min(1),
      EXCEPTIONS_TABLE: z.string().min(1),
      STOCK_POLICY: z.string().transform((json) => stockPolicySchema.parse(JSON.parse(json))),
      AMAZON_SELLER_ID: z.string().min(1),
      AMAZON_MARKETPLACE_IDS: z.string().transform((ids) => ids.split(',').filter(Boolean)),
      AMAZON_PATCH_WINDOW_SECONDS: z.coerce.number().int().positive(),
      LISTINGS_QUEUE_URL: z.url(),
    })
    .extend(amazonEnv.shape),
);
const catalogue = new CatalogueRepository(documentClient, env.CATALOGUE_TABLE);
const pushAmazon = makePushAmazon({
  stock: new StockRepository(documentClient, env.STOCK_TABLE),
  catalogue,
  amazon: amazonFrom(env),
  exceptions: new ExceptionsRepository(documentClient, env.EXCEPTIONS_TABLE),
  policy: env.STOCK_POLICY,
  settings: {
    sellerId: env.AMAZON_SELLER_ID,
    marketplaceIds: env.AMAZON_MARKETPLACE_IDS,
    // The client's bucket runs at Amazon's plan times the seller's scale and this function's share of it.
    patchRatePerSecond:
      (SP_API_RATE_PLANS.patchListingsItem?.rate ?? 5) * env.AMAZON_USAGE_PLAN_SCALE * env.AMAZON_USAGE_PLAN_SHARE,
    windowSeconds: env.AMAZON_PATCH_WINDOW_SECONDS,
    concurrency: 5,
    maxFeedMessages: 25_000,
  },
  clock: systemClock,
  relist: makeRelist({ catalogue, queue: listingsQueue(sqsClient, env.LISTINGS_QUEUE_URL), clock: systemClock }),
});

/** What is left of the invocation for the last calls in flight and the bookkeeping. */
const MARGIN_MS = 15_000;

/**
 * Schedule (every minute): one round of the Amazon quantity and price push (loop 5). The round takes new SKUs
 * until shortly before the function's timeout; the rest stays pending for the next round.
 */
export const handler = jobHandler(async (_event: unknown, context) => {
  const outcome = await pushAmazon(Date.now() + Math.max(1_000, context.getRemainingTimeInMillis() - MARGIN_MS));
  count('AmazonUpdatesAccepted', outcome.accepted);
  count('AmazonUpdatesRejected', outcome.rejected);
  count('AmazonFeedsSubmitted', outcome.feedsSubmitted);
  count('AmazonUpdatesRemaining', outcome.remaining);
  count('AmazonListingsRelisted', outcome.relisted);
  count('AmazonListingsLost', outcome.lost);
  logger.info('amazon push round', { ...outcome });
  return outcome;
});
