import { SQSClient } from '@aws-sdk/client-sqs';
import { z } from 'zod';
import { AmazonOrdersQueue } from '../../shared/adapters/aws/amazon-orders-queue';
import { CursorStore } from '../../shared/adapters/aws/cursor-store';
import { ExceptionsRepository } from '../../shared/adapters/aws/exceptions-repository';
import { LedgerRepository } from '../../shared/adapters/aws/ledger-repository';
import { LEDGER_TABLE } from '../../shared/adapters/aws/table-schemas';
import { amazonEnv, amazonFrom, documentClient } from '../../shared/adapters/wiring';
import { systemClock } from '../../shared/runtime/clock';
import { parseEnv } from '../../shared/runtime/env';
import { jobHandler } from '../../shared/runtime/handler';
import { logger } from '../../shared/runtime/logger';
import { count, milliseconds } from '../../shared/runtime/metrics';
import { parseWith } from '../../shared/runtime/validation';
import { makeGhostMonitor } from '../../shared/use-cases/amazon-orders/ghost-monitor';
import { makeLateShipmentWatchdog } from '../../shared/use-cases/amazon-orders/late-shipment';
import { makePollAmazonOrders } from '../../shared/use-cases/amazon-orders/poll-orders';

const env = parseEnv(
  z
    .object({
      LEDGER_TABLE: z.string().min(1),
      EXCEPTIONS_TABLE: z.string().min(1),
      AMAZON_ORDERS_QUEUE_URL: z.url(),
      AMAZON_MARKETPLACE_IDS: z.string().transform((ids) => ids.split(',').filter(Boolean)),
      GHOST_ORDER_MINUTES: z.coerce.number().positive(),
      LATE_SHIPMENT_MARGIN_HOURS: z.coerce.number().positive(),
      POLL_OVERLAP_MINUTES: z.coerce.number().int().min(0).default(5),
      // The first run reads one hour back: older orders at go-live belong to the process the hub replaces.
      POLL_FIRST_LOOKBACK_HOURS: z.coerce.number().positive().default(1),
      // A run pages for three minutes at most, then keeps its place: one run per five-minute tick, and the monitors
      // that share this function's single concurrency slot are not held up behind a backlog.
      POLL_RUN_BUDGET_SECONDS: z.coerce.number().int().positive().default(180),
    })
    .extend(amazonEnv.shape),
);
const ledger = new LedgerRepository(documentClient, env.LEDGER_TABLE);
const poll = makePollAmazonOrders({
  amazon: amazonFrom(env),
  cursors: new CursorStore(documentClient, env.LEDGER_TABLE, LEDGER_TABLE.partitionKey),
  queue: new AmazonOrdersQueue(new SQSClient({}), env.AMAZON_ORDERS_QUEUE_URL),
  clock: systemClock,
  settings: {
    marketplaceIds: env.AMAZON_MARKETPLACE_IDS,
    overlapMinutes: env.POLL_OVERLAP_MINUTES,
    firstLookbackHours: env.POLL_FIRST_LOOKBACK_HOURS,
    runBudgetMs: env.POLL_RUN_BUDGET_SECONDS * 1_000,
  },
  log: (message, details) => logger.warn(message, details),
});
const ghostMonitor = makeGhostMonitor({
  ledger,
  exceptions: new ExceptionsRepository(documentClient, env.EXCEPTIONS_TABLE),
  clock: systemClock,
  windowMinutes: env.GHOST_ORDER_MINUTES,
});

const lateShipments = makeLateShipmentWatchdog({
  ledger,
  exceptions: new ExceptionsRepository(documentClient, env.EXCEPTIONS_TABLE),
  clock: systemClock,
  marginHours: env.LATE_SHIPMENT_MARGIN_HOURS,
});

/** `{ "job": "poll" }`, `{ "job": "ghost-monitor" }` or `{ "job": "late-shipment" }`: each schedule passes its own. */
const jobSchema = z.object({ job: z.enum(['poll', 'ghost-monitor', 'late-shipment']) });

/**
 * Schedules of loops 6 and 11: `poll` reads getOrders since its cursor (the safety net behind ORDER_CHANGE);
 * `ghost-monitor` raises GHOST_ORDER for every Amazon order still without a SCAYLE order after the window;
 * `late-shipment` raises LATE_SHIPMENT_RISK for every unconfirmed Amazon order close to its LatestShipDate.
 */
export const handler = jobHandler(async (event: unknown) => {
  const { job } = parseWith(jobSchema, event, 'Amazon order job');
  if (job === 'poll') {
    const outcome = await poll();
    count('AmazonOrdersPolled', outcome.queued);
    // How far behind now the search ends: about two minutes, more while a backlog is read over several runs.
    milliseconds('AmazonOrdersPollLag', systemClock.now() - Date.parse(outcome.to));
    logger.info('Amazon orders polled', { ...outcome });
    return outcome;
  }
  if (job === 'late-shipment') {
    const risks = await lateShipments();
    count('LateShipmentRisks', risks.length);
    if (risks.length > 0) logger.warn('late-shipment risks', { amazonOrderIds: risks.map((r) => r.amazonOrderId) });
    return { risks: risks.length, amazonOrderIds: risks.map((r) => r.amazonOrderId) };
  }
  const ghosts = await ghostMonitor();
  count('GhostOrders', ghosts.length);
  if (ghosts.length > 0) logger.warn('ghost orders', { amazonOrderIds: ghosts.map((g) => g.amazonOrderId) });
  return { ghosts: ghosts.length, amazonOrderIds: ghosts.map((g) => g.amazonOrderId) };
});
