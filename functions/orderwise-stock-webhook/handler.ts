import { SQSClient } from '@aws-sdk/client-sqs';
import { z } from 'zod';
import { ExceptionsRepository } from '../../shared/adapters/aws/exceptions-repository';
import { S3ObjectStore } from '../../shared/adapters/aws/object-store';
import { StockEventsQueue } from '../../shared/adapters/aws/stock-events-queue';
import { parseStockExport } from '../../shared/adapters/orderwise/export-format';
import { exportDataOf } from '../../shared/adapters/orderwise/export-request';
import { WebhookIntake } from '../../shared/adapters/webhook-intake';
import { documentClient, s3Client } from '../../shared/adapters/wiring';
import { newestPerKey } from '../../shared/domain/stock';
import { parseEnv } from '../../shared/runtime/env';
import { httpHandler } from '../../shared/runtime/handler';
import { jsonResponse } from '../../shared/runtime/http-errors';
import { count } from '../../shared/runtime/metrics';
import type { OrderwiseStockMessage } from '../../shared/schemas/queue-messages';

const env = parseEnv(
  z.object({
    STOCK_EVENTS_QUEUE_URL: z.url(),
    DATA_BUCKET: z.string().min(1),
    EXCEPTIONS_TABLE: z.string().min(1),
    WEBHOOK_SECRET: z.string().min(1),
  }),
);
const queue = new StockEventsQueue(new SQSClient({}), env.STOCK_EVENTS_QUEUE_URL);
const intake = new WebhookIntake({
  source: 'orderwise-stock-export',
  secretName: env.WEBHOOK_SECRET,
  store: new S3ObjectStore(s3Client, env.DATA_BUCKET),
  exceptions: new ExceptionsRepository(documentClient, env.EXCEPTIONS_TABLE),
});

/**
 * `POST /webhooks/orderwise/stock`: an OrderWise HTTP export of free stock (reference orderwise.md §2.4). Basic
 * credentials compared in constant time; the XML parsed with fast-xml-parser and every row validated; the newest
 * row per stock code queued on the stock FIFO queue (group = stock code, deduplication id = code, change time and
 * quantity), answering 202. A body that fails is answered 4xx naming the row and field, and kept under `rejected/orderwise-stock-export/`.
 */
export const handler = httpHandler(async (event, context) => {
  const rows = await intake.accept(event, context, (raw) => parseStockExport(exportDataOf(event, raw)));
  const receivedAt = new Date().toISOString();
  const messages = newestPerKey(
    rows,
    (row) => row.variantCode,
    (row) => row.changedAt,
  ).map(
    (row): OrderwiseStockMessage => ({
      kind: 'orderwise-stock',
      variantCode: row.variantCode,
      freeStock: row.freeStock,
      changedAt: row.changedAt,
      source: 'push',
      receivedAt,
    }),
  );
  await queue.sendAll(messages);
  count('StockEventsAccepted', messages.length);
  return jsonResponse(202, { accepted: messages.length, rows: rows.length });
});
