import { SQSClient } from '@aws-sdk/client-sqs';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { z } from 'zod';
import { ExceptionsRepository } from '../../shared/adapters/aws/exceptions-repository';
import { S3ObjectStore } from '../../shared/adapters/aws/object-store';
import { readSecret } from '../../shared/adapters/aws/secrets';
import { StockEventsQueue } from '../../shared/adapters/aws/stock-events-queue';
import { parseStockExport } from '../../shared/adapters/orderwise/export-format';
import { documentClient, s3Client } from '../../shared/adapters/wiring';
import { newestPerKey } from '../../shared/domain/stock';
import { verifyBasicAuth } from '../../shared/runtime/basic-auth';
import { parseEnv } from '../../shared/runtime/env';
import {
  PayloadTooLargeError,
  PermanentError,
  UnsupportedMediaTypeError,
  ValidationError,
} from '../../shared/runtime/errors';
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
const rejected = new S3ObjectStore(s3Client, env.DATA_BUCKET);
const exceptions = new ExceptionsRepository(documentClient, env.EXCEPTIONS_TABLE);
const credentialsSchema = z.object({ username: z.string().min(1), password: z.string().min(1) });

/** API Gateway takes 10 MB; a stock export of 20,000 rows is about 5 MB of XML, url-encoded. */
export const MAX_BODY_BYTES = 8 * 1024 * 1024;

const header = (event: APIGatewayProxyEvent, name: string): string | undefined =>
  Object.entries(event.headers ?? {}).find(([key]) => key.toLowerCase() === name)?.[1] ?? undefined;

/** The `ExportData` form field of an OrderWise HTTP export: the XML, url-encoded. */
const exportDataOf = (event: APIGatewayProxyEvent, raw: string): string => {
  const contentType = header(event, 'content-type') ?? '';
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
 * quantity), answering 202. A body that fails is answered 4xx naming the row and field, and kept under `rejected/`.
 */
export const handler = httpHandler(async (event, context) => {
  verifyBasicAuth(header(event, 'authorization'), await readSecret(env.WEBHOOK_SECRET, credentialsSchema));
  const raw = event.isBase64Encoded ? Buffer.from(event.body ?? '', 'base64').toString('utf8') : (event.body ?? '');
  let rows: ReturnType<typeof parseStockExport>;
  try {
    rows = parseStockExport(exportDataOf(event, raw));
  } catch (error) {
    if (error instanceof PermanentError) {
      const key = `rejected/orderwise-stock/${new Date().toISOString().slice(0, 10)}/${context.awsRequestId}.body`;
      // Kept as text: the raw form body, exactly as OrderWise sent it.
      await rejected.put(key, raw, 'text/plain; charset=utf-8', {
        reason: error.message.slice(0, 1_000),
        'original-content-type': (header(event, 'content-type') ?? 'none').slice(0, 200),
      });
      await exceptions.raise('PAYLOAD_REJECTED', 'orderwise-stock-export', { s3Key: key, reason: error.message });
      count('StockExportsRejected');
    }
    throw error;
  }
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
