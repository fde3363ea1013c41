import { z } from 'zod';
import { S3ObjectStore } from '../../shared/adapters/aws/object-store';
import { SettlementsRepository } from '../../shared/adapters/aws/settlements-repository';
import { amazonEnv, amazonFrom, documentClient, s3Client } from '../../shared/adapters/wiring';
import { parseEnv } from '../../shared/runtime/env';
import { jobHandler } from '../../shared/runtime/handler';
import { logger } from '../../shared/runtime/logger';
import { count } from '../../shared/runtime/metrics';
import { makeFetchSettlementReports } from '../../shared/use-cases/settlements';

const env = parseEnv(
  z
    .object({
      DATA_BUCKET: z.string().min(1),
      SETTLEMENTS_TABLE: z.string().min(1),
    })
    .extend(amazonEnv.shape),
);
const fetchReports = makeFetchSettlementReports({
  source: amazonFrom(env),
  store: new S3ObjectStore(s3Client, env.DATA_BUCKET),
  settlements: new SettlementsRepository(documentClient, env.SETTLEMENTS_TABLE),
});

/** Schedule: fetches new Amazon settlement reports into `settlements/incoming/`, where the parser picks them up. */
export const handler = jobHandler(async () => {
  const result = await fetchReports();
  count('SettlementReportsFetched', result.fetched.length);
  logger.info('settlement reports fetched', result);
  return result;
});
