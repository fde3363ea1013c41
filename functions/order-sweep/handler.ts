import { SQSClient } from '@aws-sdk/client-sqs';
import { z } from 'zod';
import { CursorStore } from '../../shared/adapters/aws/cursor-store';
import { ExceptionsRepository } from '../../shared/adapters/aws/exceptions-repository';
import { LedgerRepository } from '../../shared/adapters/aws/ledger-repository';
import { OrderEventsQueue } from '../../shared/adapters/aws/order-events-queue';
import { LEDGER_TABLE } from '../../shared/adapters/aws/table-schemas';
import { shopCountriesOf } from '../../shared/adapters/scayle/shops';
import { documentClient, scayleEnv, scayleFrom } from '../../shared/adapters/wiring';
import { systemClock } from '../../shared/runtime/clock';
import { parseEnv } from '../../shared/runtime/env';
import { jobHandler } from '../../shared/runtime/handler';
import { logger } from '../../shared/runtime/logger';
import { count } from '../../shared/runtime/metrics';
import { makeSweepOrders } from '../../shared/use-cases/sweep-orders';

const env = parseEnv(
  z
    .object({
      LEDGER_TABLE: z.string().min(1),
      EXCEPTIONS_TABLE: z.string().min(1),
      ORDER_EVENTS_QUEUE_URL: z.url(),
      SWEEP_FILTER: z.string().min(1),
      SWEEP_WINDOW_MINUTES: z.coerce.number().positive(),
      SWEEP_GRACE_MINUTES: z.coerce.number().min(0),
      SWEEP_MAX_PAGES: z.coerce.number().int().positive(),
    })
    .extend(scayleEnv.shape),
);
const sweep = makeSweepOrders({
  scayle: scayleFrom(env),
  ledger: new LedgerRepository(documentClient, env.LEDGER_TABLE),
  queue: new OrderEventsQueue(new SQSClient({}), env.ORDER_EVENTS_QUEUE_URL),
  exceptions: new ExceptionsRepository(documentClient, env.EXCEPTIONS_TABLE),
  cursors: new CursorStore(documentClient, env.LEDGER_TABLE, LEDGER_TABLE.partitionKey),
  clock: systemClock,
  shops: shopCountriesOf(env.SCAYLE_SHOPS),
  filter: env.SWEEP_FILTER,
  windowMs: env.SWEEP_WINDOW_MINUTES * 60_000,
  graceMs: env.SWEEP_GRACE_MINUTES * 60_000,
  maxPages: env.SWEEP_MAX_PAGES,
});

/** Schedule of loop 1: queues every confirmed SCAYLE order whose webhook never came (see makeSweepOrders). */
export const handler = jobHandler(async () => {
  const outcome = await sweep();
  count('OrdersSwept', outcome.checked);
  count('OrderWebhooksMissed', outcome.missed.length);
  count('OrderSweepsUnfinished', outcome.unfinished);
  const summary = { ...outcome, missed: outcome.missed.length, missedOrderIds: outcome.missed.slice(0, 50) };
  if (outcome.missed.length > 0) logger.warn('SCAYLE orders whose webhook never came, queued', summary);
  else logger.info('SCAYLE orders swept', summary);
  return summary;
});
