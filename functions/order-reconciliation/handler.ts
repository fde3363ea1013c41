import type { Context } from 'aws-lambda';
import { z } from 'zod';
import { ExceptionsRepository } from '../../shared/adapters/aws/exceptions-repository';
import { LedgerRepository } from '../../shared/adapters/aws/ledger-repository';
import { S3ObjectStore } from '../../shared/adapters/aws/object-store';
import { documentClient, orderwiseEnv, orderwiseFrom, s3Client } from '../../shared/adapters/wiring';
import { parseEnv } from '../../shared/runtime/env';
import { jobHandler } from '../../shared/runtime/handler';
import { logger } from '../../shared/runtime/logger';
import { count } from '../../shared/runtime/metrics';
import { parseWith } from '../../shared/runtime/validation';
import { makeReconcileOrderTotals } from '../../shared/use-cases/reconcile-order-totals';

const env = parseEnv(
  z
    .object({
      LEDGER_TABLE: z.string().min(1),
      EXCEPTIONS_TABLE: z.string().min(1),
      DATA_BUCKET: z.string().min(1),
      TOLERANCE_MINOR: z.coerce.number().int().min(0),
    })
    .extend(orderwiseEnv.shape),
);
const reconcile = makeReconcileOrderTotals({
  ledger: new LedgerRepository(documentClient, env.LEDGER_TABLE),
  erp: orderwiseFrom(env),
  exceptions: new ExceptionsRepository(documentClient, env.EXCEPTIONS_TABLE),
  reports: new S3ObjectStore(s3Client, env.DATA_BUCKET),
  toleranceMinor: env.TOLERANCE_MINOR,
});

/** What the schedule sends (nothing) or an operator passes on demand: the window to check. */
const requestSchema = z
  .object({ from: z.iso.datetime().optional(), to: z.iso.datetime().optional() })
  .loose()
  .default({});

/**
 * The daily money check (schedule) and the same check on demand (`{from, to}`): by default the orders
 * acknowledged in the last 24 hours. Returns the counts and the report's S3 key.
 */
export const handler = jobHandler(async (event: unknown, _context: Context) => {
  const request = parseWith(requestSchema, event ?? {}, 'reconciliation request');
  const to = request.to ?? new Date().toISOString();
  const from = request.from ?? new Date(Date.parse(to) - 24 * 3_600_000).toISOString();
  const result = await reconcile({ from, to }, to.slice(0, 10));
  count('OrdersReconciled', result.checked);
  count('OrderTotalMismatches', result.mismatches);
  count('OrdersUnreconciled', result.unchecked);
  if (result.unchecked > 0)
    logger.warn('orders whose OrderWise totals could not be read', { unchecked: result.unchecked });
  logger.info('order totals reconciled', { from, to, ...result });
  return result;
});
