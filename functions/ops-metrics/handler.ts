import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { z } from 'zod';
import { ExceptionsRepository } from '../../shared/adapters/aws/exceptions-repository';
import { documentClient } from '../../shared/adapters/wiring';
import { parseEnv } from '../../shared/runtime/env';
import { jobHandler } from '../../shared/runtime/handler';
import { count, metrics } from '../../shared/runtime/metrics';

/** Per type with a `type` dimension, and their total without it; lib/constructs/operations-monitor.ts graphs it. */
const OPEN_EXCEPTIONS_METRIC = 'OpenExceptions';

const env = parseEnv(z.object({ EXCEPTIONS_TABLE: z.string().min(1) }));
const exceptions = new ExceptionsRepository(documentClient, env.EXCEPTIONS_TABLE);

/**
 * Scheduled with the monitors: counts the open exceptions of every type, zero included, and publishes each count
 * as `OpenExceptions` with dimensions `service` and `type`, plus the total with `service` only. Powertools gives
 * every metric of one flush the same dimensions, so each type goes out as its own single metric (one EMF line).
 */
export const handler = jobHandler(async () => {
  const open = await exceptions.countOpenByType();
  for (const [type, n] of Object.entries(open))
    metrics.singleMetric().addDimension('type', type).addMetric(OPEN_EXCEPTIONS_METRIC, MetricUnit.Count, n);
  const total = Object.values(open).reduce((sum, n) => sum + n, 0);
  count(OPEN_EXCEPTIONS_METRIC, total);
  return { total, open };
});
