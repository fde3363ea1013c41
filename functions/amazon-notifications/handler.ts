import { SQSClient } from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { z } from 'zod';
import { AmazonOrdersQueue } from '../../shared/adapters/aws/amazon-orders-queue';
import { ExceptionsRepository } from '../../shared/adapters/aws/exceptions-repository';
import { S3ObjectStore } from '../../shared/adapters/aws/object-store';
import { documentClient, s3Client } from '../../shared/adapters/wiring';
import { systemClock } from '../../shared/runtime/clock';
import { parseEnv } from '../../shared/runtime/env';
import { jobHandler } from '../../shared/runtime/handler';
import { logger } from '../../shared/runtime/logger';
import { count } from '../../shared/runtime/metrics';
import { makeReceiveNotifications } from '../../shared/use-cases/amazon-orders/receive-notifications';

const env = parseEnv(
  z.object({
    AMAZON_ORDERS_QUEUE_URL: z.url(),
    DATA_BUCKET: z.string().min(1),
    EXCEPTIONS_TABLE: z.string().min(1),
    AMAZON_MARKETPLACE_IDS: z.string().transform((ids) => ids.split(',').filter(Boolean)),
  }),
);
const receive = makeReceiveNotifications({
  queue: new AmazonOrdersQueue(new SQSClient({}), env.AMAZON_ORDERS_QUEUE_URL),
  store: new S3ObjectStore(s3Client, env.DATA_BUCKET),
  exceptions: new ExceptionsRepository(documentClient, env.EXCEPTIONS_TABLE),
  clock: systemClock,
  marketplaceIds: env.AMAZON_MARKETPLACE_IDS,
});

/**
 * Consumes the standard queue Amazon's Notifications API delivers ORDER_CHANGE to: each notification becomes a
 * trigger on the Amazon orders FIFO queue. A body that is not a notification is kept and raised, never retried;
 * if the FIFO queue cannot take the batch, the whole batch comes back (a resend is deduplicated there).
 */
export const handler = jobHandler(async (event: SQSEvent): Promise<SQSBatchResponse> => {
  try {
    const outcome = await receive(new Map(event.Records.map((r) => [r.messageId, r.body])));
    count('AmazonNotificationsQueued', outcome.queued);
    count('AmazonNotificationsRejected', outcome.rejected);
    logger.info('ORDER_CHANGE notifications received', { ...outcome });
    return { batchItemFailures: [] };
  } catch (error) {
    logger.warn('notifications could not be queued; the batch comes back', { error: error as Error });
    return { batchItemFailures: event.Records.map((r) => ({ itemIdentifier: r.messageId })) };
  }
});
