import { SQSClient } from '@aws-sdk/client-sqs';
import { z } from 'zod';
import { CatalogueRepository } from '../../shared/adapters/aws/catalogue-repository';
import { ExceptionsRepository } from '../../shared/adapters/aws/exceptions-repository';
import { FailuresRepository } from '../../shared/adapters/aws/failures-repository';
import { LedgerRepository } from '../../shared/adapters/aws/ledger-repository';
import { StockEventsQueue } from '../../shared/adapters/aws/stock-events-queue';
import { StockRepository } from '../../shared/adapters/aws/stock-repository';
import { shopCountriesOf } from '../../shared/adapters/scayle/shops';
import { documentClient, orderwiseEnv, orderwiseFrom, scayleEnv, scayleFrom } from '../../shared/adapters/wiring';
import { systemClock } from '../../shared/runtime/clock';
import { parseEnv } from '../../shared/runtime/env';
import { sqsFifoHandler } from '../../shared/runtime/handler';
import { logger } from '../../shared/runtime/logger';
import { count, milliseconds } from '../../shared/runtime/metrics';
import { orderEventMessageSchema } from '../../shared/schemas/queue-messages';
import { reservationRef } from '../../shared/use-cases/amazon-orders/process-amazon-order';
import { makeReserveStock } from '../../shared/use-cases/amazon-orders/reserve-stock';
import { makeCancelOrder } from '../../shared/use-cases/cancel-order';
import { makeLocateOrder } from '../../shared/use-cases/locate-scayle-order';
import { makePostOrder } from '../../shared/use-cases/post-order';
import { makeWithdrawItems } from '../../shared/use-cases/withdraw-items';

const env = parseEnv(
  z
    .object({
      LEDGER_TABLE: z.string().min(1),
      EXCEPTIONS_TABLE: z.string().min(1),
      CATALOGUE_TABLE: z.string().min(1),
      FAILURES_TABLE: z.string().min(1),
      STOCK_TABLE: z.string().min(1),
      STOCK_EVENTS_QUEUE_URL: z.url(),
    })
    .extend(scayleEnv.shape)
    .extend(orderwiseEnv.shape),
);
const reserve = makeReserveStock({
  stock: new StockRepository(documentClient, env.STOCK_TABLE),
  stockQueue: new StockEventsQueue(new SQSClient({}), env.STOCK_EVENTS_QUEUE_URL),
  clock: systemClock,
});
const commerce = scayleFrom(env);
const deps = {
  releaseReservation: (amazonOrderId: string, skus: readonly string[]) =>
    reserve(reservationRef(amazonOrderId), new Map(), skus, new Date().toISOString()),
  commerce,
  locate: makeLocateOrder({ commerce, shops: shopCountriesOf(env.SCAYLE_SHOPS) }),
  erp: orderwiseFrom(env),
  ledger: new LedgerRepository(documentClient, env.LEDGER_TABLE),
  catalogue: new CatalogueRepository(documentClient, env.CATALOGUE_TABLE),
  exceptions: new ExceptionsRepository(documentClient, env.EXCEPTIONS_TABLE),
};
// The lease outlives the consumer's 3-minute timeout, so a worker cut off mid-post never has its order taken by
// another while it may still be creating it.
const postOrder = makePostOrder({ ...deps, leaseMs: 240_000 });
const cancelOrder = makeCancelOrder(deps);
const withdrawItems = makeWithdrawItems({ ...deps, cancelOrder });

const METRIC_OF = {
  acknowledged: 'OrdersPosted',
  flagged: 'OrdersFlagged',
  duplicate: 'DuplicatesPrevented',
  cancelled: 'OrdersCancelled',
  return_required: 'CancellationsTooLate',
  too_late: 'CancellationsTooLate',
  amended: 'OrdersAmended',
  ignored: 'OrderEventsIgnored',
} as const;

const HANDLERS = {
  'order-confirmed': postOrder,
  'order-cancelled': cancelOrder,
  'order-items-cancelled': withdrawItems,
} as const;

/**
 * Consumes the orders FIFO queue: posts confirmed orders to OrderWise, carries cancellations, and takes units
 * SCAYLE withdrew off their sales orders.
 */
export const handler = sqsFifoHandler(
  orderEventMessageSchema,
  async (message) => {
    const outcome = await HANDLERS[message.event](message);
    count(METRIC_OF[outcome]);
    if (outcome === 'acknowledged') milliseconds('OrderPostLatency', Date.now() - Date.parse(message.receivedAt));
    logger.info('order event handled', { orderId: message.orderId, event: message.event, outcome });
  },
  {
    failures: new FailuresRepository(documentClient, env.FAILURES_TABLE),
    // Against a slow peer one order takes up to about 75 s (SCAYLE reads and OrderWise's look-up, create and
    // status, each with its timeout and retries): none is started with less than that left.
    messageTimeMs: 80_000,
  },
);
