import { z } from 'zod';
import { lwaCredentialsSchema, SpApiClient } from '../../shared/adapters/amazon/client';
import { S3ObjectStore } from '../../shared/adapters/aws/object-store';
import { readSecret } from '../../shared/adapters/aws/secrets';
import { SettlementsRepository } from '../../shared/adapters/aws/settlements-repository';
import { documentClient, s3Client } from '../../shared/adapters/wiring';
import { parseEnv } from '../../shared/runtime/env';
import { jobHandler } from '../../shared/runtime/handler';
import { logger } from '../../shared/runtime/logger';
import { count } from '../../shared/runtime/metrics';
import { makeFetchSettlementReports } from '../../shared/use-cases/settlements';

const env = parseEnv(
  z.object({
    AMAZON_ENDPOINT: z.url(),
    AMAZON_TOKEN_URL: z.url(),
    AMAZON_LWA_SECRET: z.string().min(1),
    DATA_BUCKET: z.string().min(1),
    SETTLEMENTS_TABLE: z.string().min(1),
  }),
);
const fetchReports = makeFetchSettlementReports({
  source: new SpApiClient({
    endpoint: env.AMAZON_ENDPOINT,
    tokenUrl: env.AMAZON_TOKEN_URL,
    credentials: () => readSecret(env.AMAZON_LWA_SECRET, lwaCredentialsSchema),
  }),
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
