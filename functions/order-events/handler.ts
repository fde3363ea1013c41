import { z } from 'zod';
import { CatalogueRepository } from '../../shared/adapters/aws/catalogue-repository';
import { ExceptionsRepository } from '../../shared/adapters/aws/exceptions-repository';
import { FailuresRepository } from '../../shared/adapters/aws/failures-repository';
import { LedgerRepository } from '../../shared/adapters/aws/ledger-repository';
import { documentClient, orderwiseEnv, orderwiseFrom, scayleEnv, scayleFrom } from '../../shared/adapters/wiring';
import { parseEnv } from '../../shared/runtime/env';
import { sqsFifoHandler } from '../../shared/runtime/handler';
import { logger } from '../../shared/runtime/logger';
import { count, milliseconds } from '../../shared/runtime/metrics';
import { orderEventMessageSchema } from '../../shared/schemas/queue-messages';
import { makeCancelOrder } from '../../shared/use-cases/cancel-order';
import { makePostOrder } from '../../shared/use-cases/post-order';

const env = parseEnv(
  z
    .object({
      LEDGER_TABLE: z.string().min(1),
      EXCEPTIONS_TABLE: z.string().min(1),
      CATALOGUE_TABLE: z.string().min(1),
      FAILURES_TABLE: z.string().min(1),
    })
    .extend(scayleEnv.shape)
    .extend(orderwiseEnv.shape),
);
const deps = {
  commerce: scayleFrom(env),
  erp: orderwiseFrom(env),
  ledger: new LedgerRepository(documentClient, env.LEDGER_TABLE),
  catalogue: new CatalogueRepository(documentClient, env.CATALOGUE_TABLE),
  exceptions: new ExceptionsRepository(documentClient, env.EXCEPTIONS_TABLE),
};
const postOrder = makePostOrder(deps);
const cancelOrder = makeCancelOrder(deps);

const METRIC_OF = {
  acknowledged: 'OrdersPosted',
  flagged: 'OrdersFlagged',
  duplicate: 'DuplicatesPrevented',
  cancelled: 'OrdersCancelled',
  return_required: 'CancellationsTooLate',
} as const;

/** Consumes the orders FIFO queue: posts confirmed orders to OrderWise and carries cancellations. */
export const handler = sqsFifoHandler(
  orderEventMessageSchema,
  async (message) => {
    const outcome = message.event === 'order-confirmed' ? await postOrder(message) : await cancelOrder(message);
    count(METRIC_OF[outcome]);
    if (outcome === 'acknowledged') milliseconds('OrderPostLatency', Date.now() - Date.parse(message.receivedAt));
    logger.info('order event handled', { orderId: message.orderId, event: message.event, outcome });
  },
  { failures: new FailuresRepository(documentClient, env.FAILURES_TABLE) },
);
