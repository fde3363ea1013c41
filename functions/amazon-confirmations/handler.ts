import { z } from 'zod';
import { ExceptionsRepository } from '../../shared/adapters/aws/exceptions-repository';
import { FailuresRepository } from '../../shared/adapters/aws/failures-repository';
import { LedgerRepository } from '../../shared/adapters/aws/ledger-repository';
import { amazonEnv, amazonFrom, documentClient } from '../../shared/adapters/wiring';
import { systemClock } from '../../shared/runtime/clock';
import { parseEnv } from '../../shared/runtime/env';
import { sqsFifoHandler } from '../../shared/runtime/handler';
import { count } from '../../shared/runtime/metrics';
import { amazonConfirmationMessageSchema } from '../../shared/schemas/queue-messages';
import { makeConfirmAmazon } from '../../shared/use-cases/fulfilment/confirm-amazon';

const env = parseEnv(
  z
    .object({ LEDGER_TABLE: z.string().min(1), FAILURES_TABLE: z.string().min(1), EXCEPTIONS_TABLE: z.string().min(1) })
    .extend(amazonEnv.shape),
);
const confirm = makeConfirmAmazon({
  amazon: amazonFrom(env),
  ledger: new LedgerRepository(documentClient, env.LEDGER_TABLE),
  exceptions: new ExceptionsRepository(documentClient, env.EXCEPTIONS_TABLE),
  clock: systemClock,
});

/**
 * Consumes the Amazon confirmations FIFO queue in small batches: confirmShipment per package under its usage plan
 * (this function's share of it), then the check that Amazon shows it shipped, recorded on the ledger.
 */
export const handler = sqsFifoHandler(
  amazonConfirmationMessageSchema,
  async (message) => {
    await confirm(message);
    count('AmazonShipmentsConfirmed');
  },
  { failures: new FailuresRepository(documentClient, env.FAILURES_TABLE) },
);
