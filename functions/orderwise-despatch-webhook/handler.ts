import { SQSClient } from '@aws-sdk/client-sqs';
import { z } from 'zod';
import { ExceptionsRepository } from '../../shared/adapters/aws/exceptions-repository';
import { DespatchQueue } from '../../shared/adapters/aws/fulfilment-queues';
import { S3ObjectStore } from '../../shared/adapters/aws/object-store';
import { parseDespatchExport } from '../../shared/adapters/orderwise/export-format';
import { exportDataOf } from '../../shared/adapters/orderwise/export-request';
import { WebhookIntake } from '../../shared/adapters/webhook-intake';
import { documentClient, s3Client } from '../../shared/adapters/wiring';
import { parseEnv } from '../../shared/runtime/env';
import { httpHandler } from '../../shared/runtime/handler';
import { jsonResponse } from '../../shared/runtime/http-errors';
import { count } from '../../shared/runtime/metrics';
import { despatchMessageOf } from '../../shared/use-cases/fulfilment/pull-despatches';

const env = parseEnv(
  z.object({
    DESPATCH_QUEUE_URL: z.url(),
    DATA_BUCKET: z.string().min(1),
    EXCEPTIONS_TABLE: z.string().min(1),
    WEBHOOK_SECRET: z.string().min(1),
  }),
);
const queue = new DespatchQueue(new SQSClient({}), env.DESPATCH_QUEUE_URL);
const intake = new WebhookIntake({
  source: 'orderwise-despatch-export',
  secretName: env.WEBHOOK_SECRET,
  store: new S3ObjectStore(s3Client, env.DATA_BUCKET),
  exceptions: new ExceptionsRepository(documentClient, env.EXCEPTIONS_TABLE),
});

/**
 * `POST /webhooks/orderwise/despatch`: an OrderWise HTTP export of despatches (reference orderwise.md §2.4). Basic
 * credentials checked in constant time, the XML parsed and every order validated, one message per order on the
 * despatch FIFO queue (group = SCAYLE order id), answering 202. A body that fails is answered 4xx naming the field
 * and kept under `rejected/orderwise-despatch-export/`.
 */
export const handler = httpHandler(async (event, context) => {
  const orders = await intake.accept(event, context, (raw) => parseDespatchExport(exportDataOf(event, raw)));
  const receivedAt = new Date().toISOString();
  const messages = orders.map((order) => despatchMessageOf(order, 'push', receivedAt));
  await queue.sendAll(messages);
  count('DespatchesAccepted', messages.length);
  return jsonResponse(202, { accepted: messages.length });
});
