import { SQSClient } from '@aws-sdk/client-sqs';
import { z } from 'zod';
import { CatalogueRepository } from '../../shared/adapters/aws/catalogue-repository';
import { ExceptionsRepository } from '../../shared/adapters/aws/exceptions-repository';
import { FailuresRepository } from '../../shared/adapters/aws/failures-repository';
import { LedgerRepository } from '../../shared/adapters/aws/ledger-repository';
import { OrderEventsQueue } from '../../shared/adapters/aws/order-events-queue';
import { StockEventsQueue } from '../../shared/adapters/aws/stock-events-queue';
import { StockRepository } from '../../shared/adapters/aws/stock-repository';
import { amazonEnv, amazonFrom, documentClient, scayleEnv, scayleFrom } from '../../shared/adapters/wiring';
import { scayleShopsSchema } from '../../shared/domain/marketplaces';
import { systemClock } from '../../shared/runtime/clock';
import { parseEnv } from '../../shared/runtime/env';
import { sqsFifoHandler } from '../../shared/runtime/handler';
import { logger } from '../../shared/runtime/logger';
import { count, milliseconds } from '../../shared/runtime/metrics';
import { amazonOrderMessageSchema } from '../../shared/schemas/queue-messages';
import { makeProcessAmazonOrder } from '../../shared/use-cases/amazon-orders/process-amazon-order';
import { makeReserveStock } from '../../shared/use-cases/amazon-orders/reserve-stock';

const env = parseEnv(
  z
    .object({
      LEDGER_TABLE: z.string().min(1),
      EXCEPTIONS_TABLE: z.string().min(1),
      CATALOGUE_TABLE: z.string().min(1),
      FAILURES_TABLE: z.string().min(1),
      STOCK_TABLE: z.string().min(1),
      STOCK_EVENTS_QUEUE_URL: z.url(),
      ORDER_EVENTS_QUEUE_URL: z.url(),
      AMAZON_SCAYLE_SHOPS: z.string().transform((json) => scayleShopsSchema.parse(JSON.parse(json))),
      AMAZON_RESERVATION_HOURS: z.coerce.number().positive(),
    })
    .extend(amazonEnv.shape)
    .extend(scayleEnv.shape),
);
const sqs = new SQSClient({});
const processOrder = makeProcessAmazonOrder({
  amazon: amazonFrom(env),
  commerce: scayleFrom(env),
  ledger: new LedgerRepository(documentClient, env.LEDGER_TABLE),
  catalogue: new CatalogueRepository(documentClient, env.CATALOGUE_TABLE),
  reserve: makeReserveStock({
    stock: new StockRepository(documentClient, env.STOCK_TABLE),
    stockQueue: new StockEventsQueue(sqs, env.STOCK_EVENTS_QUEUE_URL),
    clock: systemClock,
  }),
  orders: new OrderEventsQueue(sqs, env.ORDER_EVENTS_QUEUE_URL),
  exceptions: new ExceptionsRepository(documentClient, env.EXCEPTIONS_TABLE),
  shops: env.AMAZON_SCAYLE_SHOPS,
  reservationHours: env.AMAZON_RESERVATION_HOURS,
  clock: systemClock,
  // Longer than the function's two-minute timeout: a lease outlives the worker that took it only if it died.
  leaseMs: 150_000,
});

const METRIC_OF = {
  created: 'AmazonOrdersCreated',
  reserved: 'AmazonOrdersReserved',
  flagged: 'AmazonOrdersFlagged',
  cancelled: 'AmazonOrdersCancelled',
  duplicate: 'AmazonDuplicatesPrevented',
  ignored: 'AmazonOrdersIgnored',
} as const;

/** Consumes the Amazon orders FIFO queue: loop 6, one order at a time per AmazonOrderId. */
export const handler = sqsFifoHandler(
  amazonOrderMessageSchema,
  async (message) => {
    const outcome = await processOrder(message);
    count(METRIC_OF[outcome]);
    if (outcome === 'created') milliseconds('AmazonOrderLatency', Date.now() - Date.parse(message.seenAt));
    logger.info('Amazon order handled', { amazonOrderId: message.amazonOrderId, source: message.source, outcome });
  },
  { failures: new FailuresRepository(documentClient, env.FAILURES_TABLE) },
);
