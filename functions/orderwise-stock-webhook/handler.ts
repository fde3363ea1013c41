import { SQSClient } from '@aws-sdk/client-sqs';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { z } from 'zod';
import { ExceptionsRepository } from '../../shared/adapters/aws/exceptions-repository';
import { S3ObjectStore } from '../../shared/adapters/aws/object-store';
import { StockEventsQueue } from '../../shared/adapters/aws/stock-events-queue';
import { parseStockExport } from '../../shared/adapters/orderwise/export-format';
import { headerOf, WebhookIntake } from '../../shared/adapters/webhook-intake';
import { documentClient, s3Client } from '../../shared/adapters/wiring';
import { newestPerKey } from '../../shared/domain/stock';
import { parseEnv } from '../../shared/runtime/env';
import { PayloadTooLargeError, UnsupportedMediaTypeError, ValidationError } from '../../shared/runtime/errors';
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

/** API Gateway takes 10 MB; a stock export of 20,000 rows is about 5 MB of XML, url-encoded. */
export const MAX_BODY_BYTES = 8 * 1024 * 1024;

/** The `ExportData` form field of an OrderWise HTTP export: the XML, url-encoded. */
const exportDataOf = (event: APIGatewayProxyEvent, raw: string): string => {
  const contentType = headerOf(event, 'content-type') ?? '';
  if (!/^application\/x-www-form-urlencoded\b/i.test(contentType)) {
    throw new UnsupportedMediaTypeError(
      `content-type must be application/x-www-form-urlencoded, got '${contentType || 'none'}'`,
    );
  }
  if (Buffer.byteLength(raw) > MAX_BODY_BYTES)
    throw new PayloadTooLargeError(`body is larger than ${MAX_BODY_BYTES} bytes`);
  const xml = new URLSearchParams(raw).get('ExportData');
  if (!xml)
    throw new ValidationError('form field ExportData is missing', [{ field: 'ExportData', message: 'required' }]);
  return xml;
};

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
